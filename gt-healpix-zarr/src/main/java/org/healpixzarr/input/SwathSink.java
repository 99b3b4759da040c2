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
     * @param geolocation the swath's grid, lon/lat and attributes, with no variables
     * @param variables   the declarations of the variables to come: their {@code values} are empty arrays of the
     *                    right type (length 0), everything else is as it will be delivered
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
