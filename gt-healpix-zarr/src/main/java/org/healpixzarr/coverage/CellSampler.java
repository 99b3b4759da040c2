package org.healpixzarr.coverage;

import java.io.IOException;
import java.util.List;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.DggsStore;

/**
 * Samples a DGGS-Zarr store at target pixels. Each pixel takes the value of the cell it falls in at the overview
 * depth matching the pixel size; finer than the native depth it takes the nearest observation within the native
 * cell size (so a swath has no holes between adjacent pixels and nothing is drawn outside it). Reads only the
 * chunks the pixels need.
 *
 * <p>Thread-safe: one sampler per open store may serve concurrent requests (it caches decoded chunks within a
 * bounded memory).
 *
 * <p>CONTRACT (issue 5): implemented by the coverage work; used by render/export and the OGC service.
 */
public final class CellSampler {
    private CellSampler() {}

    /** A sampler over an open store (which stays owned by the caller). */
    public static CellSampler of(DggsStore store) {
        throw new UnsupportedOperationException("issue 5");
    }

    /** The store sampled. */
    public DggsStore store() { throw new UnsupportedOperationException("issue 5"); }

    /**
     * Samples {@code variables} at every pixel of {@code grid}.
     *
     * @param variables names of the store's variables (or overview-only names such as {@code count})
     */
    public Samples sample(TargetGrid grid, List<String> variables) throws IOException, DataException {
        throw new UnsupportedOperationException("issue 5");
    }

    /**
     * Samples at arbitrary points.
     *
     * @param lon             degrees, any range (NaN: no value)
     * @param lat             degrees, [-90, 90] (NaN: no value)
     * @param pixelSizeMetres ground size of the footprint of one point, &gt; 0; chooses the depth
     */
    public Samples sample(double[] lon, double[] lat, double pixelSizeMetres, List<String> variables)
            throws IOException, DataException {
        throw new UnsupportedOperationException("issue 5");
    }
}
