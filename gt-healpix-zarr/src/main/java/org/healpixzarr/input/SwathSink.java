package org.healpixzarr.input;

import java.io.IOException;
import java.util.List;
import org.healpixzarr.DataException;

/**
 * Receives a swath as a reader decodes it, so that no more than a variable or two is in memory at once:
 * first the geolocation with the declarations of the variables to come, then each variable once, in any order.
 * The reader does not retain a variable after handing it over. Called from the reader's thread.
 */
public interface SwathSink {
    /**
     * The geolocation and what will follow.
     *
     * @param geolocation the swath's grid, lon/lat, attributes and sources; its variables, if any, are ignored
     * @param variables   the declarations of the variables to come: name, type, bands, fill, attributes and kind
     *                    are as they will be delivered; {@code values} is not to be used (streaming readers pass
     *                    empty arrays of the right type)
     */
    void begin(Swath geolocation, List<SwathVariable> variables) throws IOException, DataException;

    /** One variable, complete ({@code rows × cols × bands} values), exactly once per declared variable. */
    void variable(SwathVariable variable) throws IOException, DataException;

    /** A reader that streams into a sink (e.g. a frame reader bound to its files). */
    @FunctionalInterface
    interface Source {
        /** Reads everything into {@code sink}. */
        void streamTo(SwathSink sink) throws IOException, DataException;
    }
}
