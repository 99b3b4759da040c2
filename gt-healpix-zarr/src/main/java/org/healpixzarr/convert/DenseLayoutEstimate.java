package org.healpixzarr.convert;

import java.util.Locale;
import org.healpixzarr.healpix.HealpixGrid;

/**
 * What the "dense chunks" layout (every cell of every occupied chunk at a chunk depth stored, as the Python
 * Sentinel-3 pipeline does) would write for a set of depth-29 observations.
 *
 * @param chunkDepth    depth of the chunks
 * @param chunks        occupied chunks
 * @param cells         cells written (chunks × 4^(29 − chunkDepth))
 * @param observations  observations (valid ids)
 * @param bytes         uncompressed bytes (cells × bytes per cell, ids included)
 * @param arrays        arrays written (variables + cell ids)
 */
public record DenseLayoutEstimate(int chunkDepth, long chunks, double cells, long observations, double bytes, int arrays) {

    /** Observations per written cell, in [0, 1]. */
    public double occupancy() {
        return cells == 0 ? 0 : observations / cells;
    }

    /** Files the layout creates (one per chunk per array). */
    public double objects() {
        return (double) chunks * arrays;
    }

    /**
     * Computes the estimate.
     *
     * @param ids          depth-29 ids, -1 for none, in any order (not modified)
     * @param chunkDepth   depth of the dense chunks, 0..29
     * @param bytesPerCell bytes of all variables of one cell (ids excluded)
     * @param variables    number of variables
     */
    public static DenseLayoutEstimate of(long[] ids, int chunkDepth, int bytesPerCell, int variables) {
        if (chunkDepth < 0 || chunkDepth > HealpixGrid.MAX_DEPTH) {
            throw new IllegalArgumentException("chunk depth must be in 0..29, found " + chunkDepth);
        }
        int shift = 2 * (HealpixGrid.MAX_DEPTH - chunkDepth);
        long[] parents = new long[ids.length];
        int n = 0;
        for (long id : ids) if (id >= 0) parents[n++] = id >>> shift;
        java.util.Arrays.sort(parents, 0, n);
        long chunks = 0;
        for (int i = 0; i < n; i++) if (i == 0 || parents[i] != parents[i - 1]) chunks++;
        double cells = chunks * Math.pow(4, HealpixGrid.MAX_DEPTH - chunkDepth);
        return new DenseLayoutEstimate(chunkDepth, chunks, cells, n, cells * (8 + bytesPerCell), variables + 1);
    }

    /** A sentence for the user. */
    public String describe() {
        return String.format(Locale.ROOT, "dense chunks at depth %d would write %,d chunks x %,d arrays = %.3g objects, "
                        + "%.3g cells (%.3g bytes uncompressed) for %,d observations: occupancy %.3g",
                chunkDepth, chunks, arrays, objects(), cells, bytes, observations, occupancy());
    }
}
