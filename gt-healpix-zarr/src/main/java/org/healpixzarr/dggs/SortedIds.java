package org.healpixzarr.dggs;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.healpixzarr.DataException;
import org.healpixzarr.zarr.Store;
import org.healpixzarr.zarr.ZarrArray;

/**
 * Random access to the sorted {@code cell_ids} of a store through its chunk index, decoding each inner chunk at
 * most once while it stays in a small LRU cache (at most {@value #CACHED} chunks). Not thread-safe.
 */
final class SortedIds {
    private static final int CACHED = 48;
    private final ZarrArray ids;
    private final long cells;
    private final int chunkCells;
    private final long[] chunkLast;
    private int lastChunk = -1;
    private long[] lastIds;
    private final Map<Integer, long[]> cache = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, long[]> e) {
            return size() > CACHED;
        }
    };

    SortedIds(Store store) throws IOException, DataException {
        this.ids = ZarrArray.open(store, DggsConvention.COORDINATE);
        this.cells = ids.shape()[0];
        this.chunkCells = ids.metadata().chunkShape()[0];
        ZarrArray index = ZarrArray.open(store, StoreLayout.CHUNK_BOUNDS);
        int chunks = (int) index.shape()[0];
        long[] b = chunks == 0 ? new long[0] : (long[]) index.read(new long[] {0, 0}, new int[] {chunks, 2});
        chunkLast = new long[chunks];
        for (int c = 0; c < chunks; c++) chunkLast[c] = b[2 * c + 1];
    }

    long size() {
        return cells;
    }

    private long[] chunk(int c) throws IOException, DataException {
        if (c == lastChunk) return lastIds; // most look-ups fall in the chunk of the previous one
        long[] v = cache.get(c);
        if (v == null) {
            long from = (long) c * chunkCells;
            v = (long[]) ids.read(new long[] {from}, new int[] {(int) Math.min(chunkCells, cells - from)});
            cache.put(c, v);
        }
        lastChunk = c;
        lastIds = v;
        return v;
    }

    /** The id of row {@code row}. */
    long get(long row) throws IOException, DataException {
        int c = (int) (row / chunkCells);
        return chunk(c)[(int) (row - (long) c * chunkCells)];
    }

    /** First row whose id is ≥ {@code id}, in [0, size]; ids are non-negative. */
    long lowerBound(long id) throws IOException, DataException {
        int lo = 0, hi = chunkLast.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (chunkLast[mid] < id) lo = mid + 1;
            else hi = mid;
        }
        if (lo == chunkLast.length) return cells;
        long[] v = chunk(lo);
        int p = java.util.Arrays.binarySearch(v, id);
        if (p < 0) p = -p - 1;
        return (long) lo * chunkCells + p;
    }
}
