package org.healpixzarr.coverage;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.healpixzarr.DataException;
import org.healpixzarr.InconsistentDataException;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.zarr.ZarrArray;

/**
 * One sampled level (the store itself or one overview group): its chunk index and cached access to decoded chunks
 * of {@code cell_ids} and variables. Thread-safe.
 */
final class Level {
    private static final AtomicLong TOKENS = new AtomicLong();

    final DggsStore store;
    final int depth;
    final long cells;
    final int chunkCells;
    final int chunks;
    final long[] chunkFirst;
    final long[] chunkLast;
    final HealpixGrid grid;
    private final long token = TOKENS.incrementAndGet();
    private final ChunkCache cache;

    Level(DggsStore store, ChunkCache cache) throws IOException, DataException {
        this.store = store;
        this.cache = cache;
        this.depth = store.depth();
        this.cells = store.cellCount();
        this.chunkCells = store.chunkCells();
        this.chunks = (int) ((cells + chunkCells - 1) / chunkCells);
        this.grid = HealpixGrid.of(store.ellipsoid(), depth);
        Object p = store.facts().get("chunk_index");
        String path = p == null ? "index/chunk_bounds" : p.toString();
        ZarrArray index = ZarrArray.open(store.store(), path);
        if (index.shape().length != 2 || index.shape()[0] != chunks || index.shape()[1] != 2) {
            throw new InconsistentDataException(DataException.describe(store.name() + "/" + path,
                    "chunk index does not match cell_ids", "[" + chunks + ", 2]",
                    java.util.Arrays.toString(index.shape()), "the store is damaged; convert again"));
        }
        long[] b = chunks == 0 ? new long[0] : (long[]) index.read(new long[] {0, 0}, new int[] {chunks, 2});
        chunkFirst = new long[chunks];
        chunkLast = new long[chunks];
        for (int c = 0; c < chunks; c++) {
            chunkFirst[c] = b[2 * c];
            chunkLast[c] = b[2 * c + 1];
        }
    }

    /** Rows of chunk c: [c*chunkCells, end). */
    int chunkLength(int c) {
        return (int) (Math.min(cells, (long) (c + 1) * chunkCells) - (long) c * chunkCells);
    }

    /** First chunk whose last id is ≥ id, or {@code chunks}. Ids are below 2^62: signed comparison is exact. */
    int chunkAtOrAfter(long id) {
        int lo = 0, hi = chunks;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (chunkLast[mid] < id) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** The ids of chunk c (cached; shared: do not modify). */
    long[] ids(int c) throws IOException, DataException {
        ChunkCache.Key k = new ChunkCache.Key(token, "", c);
        Object v = cache.get(k);
        if (v == null) {
            long from = (long) c * chunkCells;
            v = store.readCellIds(from, from + chunkLength(c));
            cache.put(k, v, 8L * chunkLength(c));
        }
        return (long[]) v;
    }

    /**
     * The centres of the cells of chunk c as unit vectors ({@link CellSampler#unit}: x, y, z per row), cached like
     * the ids (key {@code /xyz}: no variable name contains a slash), so repeated nearest-observation requests over
     * the same cells skip the inverse HEALPix projection.
     */
    double[] centres(int c) throws IOException, DataException {
        Object v = cache.get(new ChunkCache.Key(token, "/xyz", c));
        return v != null ? (double[]) v : (double[]) computeCentres(c)[0];
    }

    /**
     * The centres of the cells of chunk c as longitude, latitude (degrees as {@link HealpixGrid#center} gives them,
     * rounded to float: within 2e-5 degrees) per row, cached (key {@code /ll}); for conservative search windows.
     */
    float[] lonLat(int c) throws IOException, DataException {
        Object v = cache.get(new ChunkCache.Key(token, "/ll", c));
        return v != null ? (float[]) v : (float[]) computeCentres(c)[1];
    }

    /** Computes and caches {@link #centres} and {@link #lonLat} of chunk c in one pass. */
    private Object[] computeCentres(int c) throws IOException, DataException {
        long[] ids = ids(c);
        double[] xyz = new double[3 * ids.length];
        float[] ll = new float[2 * ids.length];
        for (int i = 0; i < ids.length; i++) {
            double[] lonLat = grid.center(ids[i]);
            CellSampler.unit(lonLat[0], lonLat[1], xyz, 3 * i);
            ll[2 * i] = (float) lonLat[0];
            ll[2 * i + 1] = (float) lonLat[1];
        }
        cache.put(new ChunkCache.Key(token, "/xyz", c), xyz, 24L * ids.length);
        cache.put(new ChunkCache.Key(token, "/ll", c), ll, 8L * ids.length);
        return new Object[] {xyz, ll};
    }

    /** The values of chunk c of a variable (cached; shared: do not modify), {@code bands} values per row. */
    Object values(VariableInfo variable, int c) throws IOException, DataException {
        ChunkCache.Key k = new ChunkCache.Key(token, variable.name(), c);
        Object v = cache.get(k);
        if (v == null) {
            long from = (long) c * chunkCells;
            v = store.read(variable.name(), from, from + chunkLength(c));
            cache.put(k, v, (long) variable.dataType().byteSize() * variable.bands() * chunkLength(c));
        }
        return v;
    }

    /** First row whose id is ≥ id, in [0, cells]; reads (through the cache) at most one chunk of ids. */
    long lowerBound(long id, long[][] local) throws IOException, DataException {
        int c = chunkAtOrAfter(id);
        if (c == chunks) return cells;
        if (chunkFirst[c] >= id) return (long) c * chunkCells;
        long[] ids = local[c];
        if (ids == null) ids = local[c] = ids(c);
        int p = java.util.Arrays.binarySearch(ids, id);
        if (p < 0) p = -p - 1;
        return (long) c * chunkCells + p;
    }
}
