package org.healpixzarr.render;

import java.util.List;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.DggsStore;

/**
 * The styles a variable offers: quantities get colour maps with a range from metadata ({@code valid_min/max},
 * {@code valid_range}, else the data), classes a fixed palette (EarthCARE cloud_mask, cloud_type, cloud_phase,
 * isccp_cloud_type; others from {@code flag_values}), embeddings a {@code pca} false-colour view.
 *
 * <p>CONTRACT (issue 5).
 */
public final class Styles {
    private Styles() {}

    /** All styles of a variable, the default first. */
    public static List<Style> of(DggsStore store, String variable) throws DataException {
        throw new UnsupportedOperationException("issue 5");
    }

    /** A style by name ({@code null} or empty: the default); {@link DataException} naming the choices if unknown. */
    public static Style find(DggsStore store, String variable, String name) throws DataException {
        throw new UnsupportedOperationException("issue 5");
    }
}
