package org.healpixzarr.coverage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.healpix.HealpixGrid;

/**
 * Samples a DGGS-Zarr store at target pixels. Each pixel takes the value of the cell it falls in at the overview
 * depth matching the pixel size; finer than the native depth it takes the nearest observation within the native
 * cell size (so a swath has no holes between adjacent pixels and nothing is drawn outside it). Reads only the
 * chunks the pixels need.
 *
 * <p>Depth choice for a pixel of ground size p metres: the coarsest depth d whose cell edge
 * (6,519,623 m / 2^d) is ≤ p; if d is finer than the native depth ({@link DggsStore#nativeDepth()}), or the store
 * has no overviews, nearest-observation mode; otherwise the coarsest overview level at depth ≥ d (so a request
 * coarser than every level uses the coarsest one). If there is none (d lies between the finest level and the native
 * depth: the finest level written is the first with at most half as many cells as observations), the finest level
 * when its cell edge is at most 2p, else nearest-observation mode: such pixels cover about one observation or more,
 * and a level one depth coarser than the pixel draws them without holes at the cost of one look-up per pixel, where
 * nearest-observation mode would test every observation. In nearest-observation mode the search radius is the cell edge
 * at the native depth; a store that records no native depth (no overviews built, {@code native_depth} equal to
 * its depth) gets it estimated from the median spacing of a run of its observations.
 *
 * <p>Thread-safe: one sampler per open store may serve concurrent requests (it caches decoded chunks within a
 * bounded memory shared by all samplers: system property {@code healpixzarr.chunkCacheMB}, default 256).
 *
 * <p>CONTRACT (issue 5): implemented by the coverage work; used by render/export and the OGC service.
 */
public final class CellSampler {
    private static final System.Logger LOG = System.getLogger(CellSampler.class.getName());

    private final DggsStore store;
    private final ChunkCache cache;
    private final Level base;
    private final int[] overviewDepths; // ascending
    private final Map<Integer, Level> levels = new ConcurrentHashMap<>();
    private final int nativeDepth;
    private final double radius;
    /** How nearest-observation mode runs: {@link Mode#AUTO} except in tests. */
    volatile Mode mode = Mode.AUTO;

    /** Nearest-observation algorithms (identical results): chosen by cost, or forced (tests). */
    enum Mode { AUTO, GATHER, SPLAT }

    /**
     * Splat when it needs at most this many distance evaluations per pixel. Gather costs 190-400 ns per pixel (a
     * hash, candidate lists, ~28 distances at pixels near the radius), splat a few ns per evaluation; with
     * observations about a radius apart a pixel lies in the windows of ~4-12 of them at every zoom, so the budget
     * only turns away pathological cases (observations much denser than the radius).
     */
    static final double SPLAT_BUDGET = 32;

    private CellSampler(DggsStore store, ChunkCache cache) throws IOException, DataException {
        this.store = store;
        this.cache = cache;
        this.base = new Level(store, cache);
        int[] od = store.overviewDepths().clone();
        Arrays.sort(od);
        this.overviewDepths = od;
        int nd = store.nativeDepth();
        if (od.length == 0 && nd == store.depth() && base.cells > 1) {
            nd = estimateNativeDepth(base);
            LOG.log(System.Logger.Level.DEBUG, () -> store.name() + ": no native depth recorded, estimated "
                    + "from the observation spacing");
        }
        this.nativeDepth = nd;
        this.radius = HealpixGrid.of(store.ellipsoid(), nd).cellEdgeMetres();
    }

    /** A sampler over an open store (which stays owned by the caller). */
    public static CellSampler of(DggsStore store) {
        try {
            return new CellSampler(store, ChunkCache.SHARED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DataException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The store sampled. */
    public DggsStore store() { return store; }

    /**
     * The native depth used: the store's {@code native_depth}, or the estimate from the observation spacing for a
     * store without overviews that records none.
     */
    public int nativeDepth() { return nativeDepth; }

    /** Search radius of nearest-observation mode, metres: the cell edge at {@link #nativeDepth()}. */
    public double radiusMetres() { return radius; }

    /**
     * The depth a pixel of {@code pixelSizeMetres} is sampled at: an overview depth, or the store's depth for
     * nearest-observation mode.
     */
    public int depthFor(double pixelSizeMetres) {
        if (overviewDepths.length == 0 || !(pixelSizeMetres > 0)) return store.depth();
        int d = pixelDepth(pixelSizeMetres);
        if (d > nativeDepth) return store.depth();
        for (int od : overviewDepths) if (od >= d) return od;
        int finest = overviewDepths[overviewDepths.length - 1];
        if (HealpixGrid.of(store.ellipsoid(), finest).cellEdgeMetres() <= 2 * pixelSizeMetres) return finest;
        return store.depth();
    }

    /** The coarsest depth whose cell edge is ≤ the pixel size, in [0, 29]. */
    private int pixelDepth(double pixelSizeMetres) {
        double e0 = HealpixGrid.of(store.ellipsoid(), 0).cellEdgeMetres();
        int d = (int) Math.ceil(Math.log(e0 / pixelSizeMetres) / Math.log(2) - 1e-9);
        return Math.max(0, Math.min(HealpixGrid.MAX_DEPTH, d));
    }

    /**
     * Samples {@code variables} at every pixel of {@code grid}.
     *
     * @param variables names of the store's variables (or overview-only names such as {@code count})
     */
    public Samples sample(TargetGrid grid, List<String> variables) throws IOException, DataException {
        return sample(grid, null, null, grid.width(), grid.pixelSizeMetres(), variables);
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
        return sample(lon, lat, 0, pixelSizeMetres, variables);
    }

    /**
     * {@link #sample(double[], double[], double, List)} of a row-major grid of {@code width} columns (0: unknown,
     * which rules out splatting in nearest-observation mode).
     */
    Samples sample(double[] lon, double[] lat, int width, double pixelSizeMetres, List<String> variables)
            throws IOException, DataException {
        if (lon.length != lat.length) throw new IllegalArgumentException(lon.length + " longitudes, " + lat.length + " latitudes");
        return sample(null, lon, lat, width, pixelSizeMetres, variables);
    }

    /**
     * The points are the pixels of {@code grid} if it is not null (their positions spread only if the
     * rectilinear structure of a separable grid cannot answer alone), else {@code lon, lat}.
     */
    private Samples sample(TargetGrid grid, double[] lon, double[] lat, int width, double pixelSizeMetres,
                           List<String> variables) throws IOException, DataException {
        int d = depthFor(pixelSizeMetres);
        Level level = d == store.depth() ? base : level(d);
        int n = grid != null ? grid.width() * grid.height() : lon.length;
        long[] cellId = new long[n];
        int[] chunk = new int[n];
        int[] offset = new int[n];
        long[][] ids = new long[level.chunks][];
        Splat rect = null;
        if (width > 0 && (level != base || mode != Mode.GATHER)) {
            rect = grid == null ? Splat.of(lon, lat, width) : grid.separable ? grid.splat() : Splat.of(grid.lon(), grid.lat(), width);
        }
        if (level == base) nearest(level, grid, lon, lat, rect, pixelSizeMetres, cellId, chunk, offset, ids);
        else lookup(level, Math.max(0, level.depth - pixelDepth(pixelSizeMetres)), grid, lon, lat, rect, cellId, chunk, offset, ids);
        boolean[] used = new boolean[level.chunks];
        for (int c : chunk) if (c >= 0) used[c] = true;
        Map<String, Samples.Column> columns = new LinkedHashMap<>();
        for (String v : variables) {
            if (columns.containsKey(v)) continue;
            if (v.equals(Samples.COUNT) && !hasVariable(level, v)) {
                columns.put(v, null);
                continue;
            }
            columns.put(v, column(level, level.store.variable(v), used));
        }
        Samples.Column counts = hasVariable(level, Samples.COUNT) && level != base
                ? column(level, level.store.variable(Samples.COUNT), used) : null;
        return new Samples(d, cellId, chunk, offset, columns, counts);
    }

    private static boolean hasVariable(Level level, String v) {
        for (VariableInfo i : level.store.variables()) if (i.name().equals(v)) return true;
        return false;
    }

    private static Samples.Column column(Level level, VariableInfo info, boolean[] used) throws IOException, DataException {
        Object[] chunks = new Object[level.chunks];
        for (int c = 0; c < used.length; c++) if (used[c]) chunks[c] = level.values(info, c);
        return new Samples.Column(info, chunks);
    }

    private Level level(int d) throws IOException, DataException {
        Level l = levels.get(d);
        if (l == null) {
            l = new Level(store.overview(d), cache);
            Level prev = levels.putIfAbsent(d, l);
            if (prev != null) l = prev;
        }
        return l;
    }

    // ------------------------------------------------------------------ level mode

    /**
     * Each point takes the cell it falls in at the level's depth, if the level stores it. When the pixels are coarser
     * than the level (a request coarser than the coarsest level, {@code coarser} &gt; 0 depths), a point takes the
     * first stored cell inside its pixel-sized cell (the ancestor {@code coarser} depths up), so that sparse data
     * (a narrow swath, a subsampled frame) stays visible at every zoom instead of being hit only where a pixel
     * centre falls exactly in an occupied cell. A rectilinear grid ({@code rect} not null) is hashed by rows and
     * columns.
     */
    private static void lookup(Level level, int coarser, TargetGrid grid, double[] lon, double[] lat, Splat rect,
                               long[] cellId, int[] chunk, int[] offset, long[][] ids) throws IOException, DataException {
        int n = cellId.length;
        if (rect != null) rect.hash(level.grid, cellId);
        else if (grid != null) level.grid.hash(grid.lon(), grid.lat(), cellId, 0, n);
        else level.grid.hash(lon, lat, cellId, 0, n);
        if (coarser > 0) {
            coarse(level, 2 * coarser, cellId, chunk, offset, ids);
            return;
        }
        long lastId = Long.MIN_VALUE;
        int lastChunk = -1, lastOffset = 0;
        // the chunk searched last and where in it: neighbouring pixels have nearby ids, so the next search gallops
        // from there instead of bisecting the chunk (and skips the search for the chunk)
        int hintChunk = -1, hint = 0;
        long[] hintIds = null;
        for (int p = 0; p < n; p++) {
            long id = cellId[p];
            if (id != lastId) {
                lastId = id;
                lastChunk = -1;
                if (id >= 0) {
                    int c = hintChunk >= 0 && level.chunkFirst[hintChunk] <= id && id <= level.chunkLast[hintChunk]
                            ? hintChunk : level.chunkAtOrAfter(id);
                    if (c < level.chunks && level.chunkFirst[c] <= id) {
                        if (c != hintChunk) {
                            hintIds = ids[c];
                            if (hintIds == null) hintIds = ids[c] = level.ids(c);
                            hintChunk = c;
                            hint = hintIds.length >>> 1;
                        }
                        int k = gallop(hintIds, id, hint);
                        if (k >= 0) {
                            lastChunk = c;
                            lastOffset = k;
                            hint = k;
                        } else {
                            hint = Math.min(-k - 1, hintIds.length - 1);
                        }
                    }
                }
            }
            chunk[p] = lastChunk;
            offset[p] = lastOffset;
            if (lastChunk < 0) cellId[p] = -1;
        }
    }

    /**
     * {@link Arrays#binarySearch(long[], long)} of {@code id} in the ascending, distinct {@code a} (same result:
     * the index if present, else -(insertion point) - 1), searching outwards from {@code hint} (0 ≤ hint &lt;
     * a.length) in steps of 1, 2, 4... first: O(log distance) comparisons instead of O(log length).
     */
    static int gallop(long[] a, long id, int hint) {
        long h = a[hint];
        if (h == id) return hint;
        int lo, hi;
        if (h < id) {
            int below = hint, step = 1, probe = hint + 1;
            while (probe < a.length && a[probe] < id) {
                below = probe;
                step <<= 1;
                probe = hint + step;
            }
            lo = below + 1;
            hi = Math.min(probe + 1, a.length);
        } else {
            int above = hint, step = 1, probe = hint - 1;
            while (probe >= 0 && a[probe] > id) {
                above = probe;
                step <<= 1;
                probe = hint - step;
            }
            lo = Math.max(probe, 0);
            hi = above;
        }
        return Arrays.binarySearch(a, lo, hi, id);
    }

    /** {@link #lookup} for pixels {@code shift/2} depths coarser than the level: first stored cell in the ancestor. */
    private static void coarse(Level level, int shift, long[] cellId, int[] chunk, int[] offset, long[][] ids)
            throws IOException, DataException {
        long lastAncestor = Long.MIN_VALUE;
        int lastChunk = -1, lastOffset = 0;
        long lastId = -1;
        for (int p = 0; p < cellId.length; p++) {
            long id = cellId[p];
            long ancestor = id < 0 ? -1 : id >>> shift;
            if (ancestor != lastAncestor) {
                lastAncestor = ancestor;
                lastChunk = -1;
                lastId = -1;
                if (ancestor >= 0) {
                    long first = ancestor << shift, end = (ancestor + 1) << shift;
                    long row = level.lowerBound(first, ids);
                    if (row < level.cells) {
                        int c = (int) (row / level.chunkCells);
                        int k = (int) (row - (long) c * level.chunkCells);
                        long[] chunkIds = ids[c];
                        if (chunkIds == null) chunkIds = ids[c] = level.ids(c);
                        if (chunkIds[k] < end) {
                            lastChunk = c;
                            lastOffset = k;
                            lastId = chunkIds[k];
                        }
                    }
                }
            }
            chunk[p] = lastChunk;
            offset[p] = lastOffset;
            cellId[p] = lastChunk < 0 ? -1 : lastId;
        }
    }

    // ------------------------------------------------------------------ nearest-observation mode

    /**
     * Each point takes the nearest observation whose centre lies within {@link #radius} (chord between unit
     * vectors on the sphere, latitudes geodetic; ties to the smaller cell id). A rectilinear grid (CRS:84,
     * EPSG:4326, EPSG:3857) of known {@code width} is splatted ({@link Splat}); otherwise (UTM, bare points, or a
     * splat over budget) gather mode: candidates come from the 3×3 block of cells around the point at a search
     * depth whose cell edge is at least twice the radius, so every observation within the radius is in the block.
     * Both give identical results ({@code NearestModesTest}).
     */
    private void nearest(Level level, TargetGrid grid, double[] lon, double[] lat, Splat rect, double pixelSize,
                         long[] cellId, int[] chunk, int[] offset, long[][] ids) throws IOException, DataException {
        int n = cellId.length;
        Arrays.fill(chunk, -1);
        Arrays.fill(cellId, -1);
        if (level.cells == 0 || n == 0) return;
        double e0 = HealpixGrid.of(store.ellipsoid(), 0).cellEdgeMetres();
        int s = (int) Math.floor(Math.log(e0 / (2 * radius)) / Math.log(2) + 1e-9);
        s = Math.max(0, Math.min(level.depth, s));
        double chord = 2 * Math.sin(radius / TargetGrid.EARTH_RADIUS / 2);
        double limit = chord * chord;
        if (mode != Mode.GATHER && rect != null && rect.run(level, radius, limit, s,
                mode == Mode.SPLAT ? Double.POSITIVE_INFINITY : SPLAT_BUDGET, cellId, chunk, offset, ids)) return;
        if (grid != null) {
            lon = grid.lon();
            lat = grid.lat();
        }
        HealpixGrid search = HealpixGrid.of(store.ellipsoid(), s);
        // pixels much smaller than the search cells: group them by sub-cells (edge >= 4 pixels, up to 4 depths
        // finer) whose candidates are filtered once per sub-cell
        int t = s;
        while (t < Math.min(s + 4, HealpixGrid.MAX_DEPTH) && HealpixGrid.of(store.ellipsoid(), t + 1).cellEdgeMetres() >= 4 * pixelSize) t++;
        HealpixGrid sub = HealpixGrid.of(store.ellipsoid(), t);
        long[] ht = new long[n];
        sub.hash(lon, lat, ht, 0, n);
        long[] h = new long[n];
        int subShift = 2 * (t - s);
        for (int p = 0; p < n; p++) h[p] = ht[p] < 0 ? -1 : ht[p] >>> subShift;
        // distinct search cells of the points
        long[] u = distinct(h);
        if (u.length == 0) return;
        // the 3x3 blocks: every cell needed, and for every distinct cell the indices of its block in that list
        long[] block = new long[u.length * 9];
        for (int k = 0; k < u.length; k++) {
            block[9 * k] = u[k];
            long[] nb = search.neighbours(u[k]);
            System.arraycopy(nb, 0, block, 9 * k + 1, 8);
        }
        long[] all = distinct(block);
        int[] blockIndex = new int[block.length];
        for (int k = 0; k < block.length; k++) blockIndex[k] = block[k] < 0 ? -1 : Arrays.binarySearch(all, block[k]);
        // rows of each needed cell, then the candidates' centres as unit vectors
        long[] start = new long[all.length + 1];
        long[] rowFrom = new long[all.length];
        int total = 0;
        int shift = 2 * (level.depth - s);
        for (int k = 0; k < all.length; k++) {
            long a = level.lowerBound(all[k] << shift, ids);
            long b = a >= level.cells ? a : level.lowerBound((all[k] + 1) << shift, ids);
            rowFrom[k] = a;
            start[k] = total;
            total = Math.addExact(total, (int) (b - a));
        }
        start[all.length] = total;
        double[] xyz = new double[3 * total];
        long[] candId = new long[total];
        long[] candRow = new long[total];
        int q = 0;
        double[][] centres = new double[level.chunks][];
        for (int k = 0; k < all.length; k++) {
            long a = rowFrom[k];
            for (long r = a, end = a + (start[k + 1] - start[k]); r < end; r++, q++) {
                int c = (int) (r / level.chunkCells);
                long[] chunkIds = ids[c];
                if (chunkIds == null) chunkIds = ids[c] = level.ids(c);
                double[] cc = centres[c];
                if (cc == null) cc = centres[c] = level.centres(c);
                int o = (int) (r - (long) c * level.chunkCells);
                System.arraycopy(cc, 3 * o, xyz, 3 * q, 3);
                candId[q] = chunkIds[o];
                candRow[q] = r;
            }
        }
        // bound on the chord from a sub-cell centre to any of its points (HEALPix cells are at most ~1.2 edges
        // across from their centre; 1.5 for margin)
        double rho = t == s ? 0 : 1.5 * sub.cellEdgeMetres() / TargetGrid.EARTH_RADIUS;
        double[] pv = new double[3];
        double[] mc = new double[3];
        // cos/sin of the longitudes, memoised direct-mapped: rows of CRS:84, EPSG:4326 and Mercator grids repeat
        // their columns' longitudes (the cache only saves trigonometry: a miss computes it)
        double[] memoLon = new double[1024], memoCos = new double[1024], memoSin = new double[1024];
        Arrays.fill(memoLon, Double.NaN);
        int[] list = new int[Math.max(16, total)];
        int listSize = 0;
        long lastSub = Long.MIN_VALUE;
        double lastLat = Double.NaN, cosLat = 0, sinLat = 0;
        for (int p = 0; p < n; p++) {
            if (h[p] < 0) continue;
            if (ht[p] != lastSub) {
                lastSub = ht[p];
                int b9 = 9 * Arrays.binarySearch(u, h[p]);
                listSize = 0;
                if (t == s) {
                    for (int j = 0; j < 9; j++) {
                        int k = blockIndex[b9 + j];
                        if (k >= 0) for (int c = (int) start[k], e = (int) start[k + 1]; c < e; c++) list[listSize++] = c;
                    }
                } else {
                    // keep the candidates that can be the nearest within the radius for some point of the sub-cell:
                    // |c - m| <= min(|c' - m|) + 2 rho and |c - m| <= chord + rho (triangle inequality)
                    double[] m = sub.center(ht[p]);
                    unit(m[0], m[1], mc, 0);
                    double min = Double.POSITIVE_INFINITY;
                    for (int j = 0; j < 9; j++) {
                        int k = blockIndex[b9 + j];
                        if (k < 0) continue;
                        for (int c = (int) start[k], e = (int) start[k + 1]; c < e; c++) {
                            double dx = xyz[3 * c] - mc[0], dy = xyz[3 * c + 1] - mc[1], dz = xyz[3 * c + 2] - mc[2];
                            min = Math.min(min, Math.sqrt(dx * dx + dy * dy + dz * dz));
                        }
                    }
                    double keep = Math.min(min + 2 * rho, chord + rho);
                    for (int j = 0; j < 9; j++) {
                        int k = blockIndex[b9 + j];
                        if (k < 0) continue;
                        for (int c = (int) start[k], e = (int) start[k + 1]; c < e; c++) {
                            double dx = xyz[3 * c] - mc[0], dy = xyz[3 * c + 1] - mc[1], dz = xyz[3 * c + 2] - mc[2];
                            if (Math.sqrt(dx * dx + dy * dy + dz * dz) <= keep) list[listSize++] = c;
                        }
                    }
                }
            }
            if (listSize == 0) continue;
            if (lat[p] != lastLat) { // rows of CRS:84, EPSG:4326 and Mercator grids share their latitude
                lastLat = lat[p];
                double r = Math.toRadians(lastLat);
                cosLat = Math.cos(r);
                sinLat = Math.sin(r);
            }
            double lonP = lon[p];
            long bits = Double.doubleToRawLongBits(lonP);
            int slot = (int) (bits ^ (bits >>> 29) ^ (bits >>> 41)) & 1023;
            if (memoLon[slot] != lonP) {
                double l = Math.toRadians(lonP);
                memoLon[slot] = lonP;
                memoCos[slot] = Math.cos(l);
                memoSin[slot] = Math.sin(l);
            }
            pv[0] = cosLat * memoCos[slot];
            pv[1] = cosLat * memoSin[slot];
            pv[2] = sinLat;
            double best = limit;
            int bestQ = -1;
            for (int li = 0; li < listSize; li++) {
                int c = list[li];
                double dx = xyz[3 * c] - pv[0], dy = xyz[3 * c + 1] - pv[1], dz = xyz[3 * c + 2] - pv[2];
                double d2 = dx * dx + dy * dy + dz * dz;
                if (d2 < best || (d2 == best && bestQ >= 0 && candId[c] < candId[bestQ])) {
                    best = d2;
                    bestQ = c;
                }
            }
            if (bestQ >= 0) {
                long r = candRow[bestQ];
                chunk[p] = (int) (r / level.chunkCells);
                offset[p] = (int) (r - (long) chunk[p] * level.chunkCells);
                cellId[p] = candId[bestQ];
            }
        }
    }

    /**
     * Sorted distinct non-negative values. Pixels repeat few cells (runs along a row, the same cells row after
     * row): a small open-addressing set drops the repeats before the sort.
     */
    private static long[] distinct(long[] v) {
        int cap = Integer.highestOneBit(Math.max(16, Math.min(v.length, 1 << 20)) * 2);
        long[] set = new long[cap];
        Arrays.fill(set, -1);
        long[] c = new long[v.length];
        int m = 0;
        long last = Long.MIN_VALUE;
        for (long x : v) {
            if (x < 0 || x == last) continue;
            last = x;
            if (m < cap / 2) {
                int i = (int) ((x * 0x9E3779B97F4A7C15L) >>> 40) & (cap - 1);
                while (set[i] >= 0 && set[i] != x) i = (i + 1) & (cap - 1);
                if (set[i] == x) continue;
                set[i] = x;
            }
            c[m++] = x;
        }
        Arrays.sort(c, 0, m);
        int u = 0;
        for (int i = 0; i < m; i++) if (u == 0 || c[u - 1] != c[i]) c[u++] = c[i];
        return Arrays.copyOf(c, u);
    }

    /** Unit vector of a geodetic lon/lat taken on the sphere. */
    static void unit(double lonDeg, double latDeg, double[] out, int off) {
        double l = Math.toRadians(lonDeg), p = Math.toRadians(latDeg);
        double cp = Math.cos(p);
        out[off] = cp * Math.cos(l);
        out[off + 1] = cp * Math.sin(l);
        out[off + 2] = Math.sin(p);
    }

    /**
     * The depth whose cell edge is just below the median spacing of the observations (nearest neighbour of each
     * observation among its neighbours in id order, over a run of up to 4,096 observations in the middle chunk).
     */
    static int estimateNativeDepth(Level level) throws IOException, DataException {
        long[] chunkIds = level.ids(level.chunks / 2);
        int m = Math.min(chunkIds.length, 4096);
        int from = (chunkIds.length - m) / 2;
        if (m < 2) return level.depth;
        double[] xyz = new double[3 * m];
        for (int i = 0; i < m; i++) {
            double[] ll = level.grid.center(chunkIds[from + i]);
            unit(ll[0], ll[1], xyz, 3 * i);
        }
        double[] nn = new double[m];
        for (int i = 0; i < m; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = Math.max(0, i - 48); j < Math.min(m, i + 49); j++) {
                if (j == i) continue;
                double dx = xyz[3 * i] - xyz[3 * j], dy = xyz[3 * i + 1] - xyz[3 * j + 1], dz = xyz[3 * i + 2] - xyz[3 * j + 2];
                best = Math.min(best, dx * dx + dy * dy + dz * dz);
            }
            nn[i] = Math.sqrt(best) * TargetGrid.EARTH_RADIUS;
        }
        Arrays.sort(nn);
        double spacing = nn[m / 2];
        if (!(spacing > 0)) return level.depth;
        double e0 = HealpixGrid.of(level.store.ellipsoid(), 0).cellEdgeMetres();
        int d = (int) Math.ceil(Math.log(e0 / spacing) / Math.log(2) - 1e-9);
        return Math.max(0, Math.min(level.depth, d));
    }
}
