package org.healpixzarr.coverage;

import java.io.IOException;
import java.util.Arrays;
import org.healpixzarr.DataException;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.healpix.RangeSet;

/**
 * The structure of a "rectilinear" target grid, hashed by rows and columns ({@link #hash}), and nearest-observation
 * mode of {@link CellSampler} by splatting into such a grid. Rectilinear: every pixel's
 * longitude depends only on its column and its latitude only on its row, both strictly monotone (CRS:84,
 * EPSG:4326 and EPSG:3857 grids, whose pixels outside the CRS domain, if any, form whole rows or columns). Instead
 * of hashing every pixel and testing the observations around it, every observation near the grid is projected
 * once into pixel space: a conservative window of rows (its latitude ± the radius) and columns (its longitude ±
 * the cap's longitude half-width, on every 360° copy that meets the grid), and the pixels of the window keep it if
 * it is nearer than their current best. The result is exactly that of the gather mode: per pixel the observation
 * whose chord distance (same floating-point expression, same operands) is below the radius limit and smallest,
 * ties to the smaller cell id; windows only ever include more pixels than the cap covers.
 *
 * <p>Cost: one distance per (observation, window pixel), no hash per pixel. A pixel lies in the windows of the
 * observations within about a radius of it (~4-12 where observations are about a radius apart, at every zoom: when
 * pixels are much finer than the radius the windows are large but few observations meet the grid); it would lose
 * to gather mode only for observations much denser than the radius, so {@link #run} counts the evaluations first
 * and declines above a budget. Not thread-safe (one instance per request).
 */
final class Splat {
    /**
     * Margin added to every window, degrees (~11 m): covers the float rounding of the cached centres (&lt; 2e-5
     * degrees) and the rounding of the chord test (~1e-12 relative) many times over.
     */
    static final double MARGIN_DEG = 1e-4;
    /** Longitudes span at most this many degrees (a grid unwrapped further goes to gather mode). */
    private static final double MAX_SPAN = 1080;

    private final int width;
    /** Valid rectangle, inclusive: every pixel inside has a position, none outside. */
    private final int i0, i1, j0, j1;
    private final double[] colLon, rowLat;
    /** colLon and rowLat made ascending (negated if descending), for the searches. */
    private final Index colKey, rowKey;
    private final boolean lonUp, latUp;
    private final double lonMin, lonMax;

    private Splat(int width, int i0, int i1, int j0, int j1, double[] colLon, double[] rowLat) {
        this.width = width;
        this.i0 = i0;
        this.i1 = i1;
        this.j0 = j0;
        this.j1 = j1;
        this.colLon = colLon;
        this.rowLat = rowLat;
        this.lonUp = colLon[i1] >= colLon[i0];
        this.latUp = rowLat[j1] >= rowLat[j0];
        this.lonMin = Math.min(colLon[i0], colLon[i1]);
        this.lonMax = Math.max(colLon[i0], colLon[i1]);
        this.colKey = new Index(ascending(colLon, lonUp), i0, i1);
        this.rowKey = new Index(ascending(rowLat, latUp), j0, j1);
    }

    private static double[] ascending(double[] a, boolean up) {
        if (up) return a;
        double[] k = new double[a.length];
        for (int i = 0; i < a.length; i++) k[i] = -a[i];
        return k;
    }

    /** Whether a point has a position (exactly the points {@link HealpixGrid#hash} gives a cell). */
    private static boolean valid(double lon, double lat) {
        return lat >= -90.0 && lat <= 90.0 && Math.abs(lon) <= Double.MAX_VALUE;
    }

    /**
     * The rectilinear structure of a row-major grid of {@code width} columns, or null if it has none (or no valid
     * pixel). One pass of comparisons when every pixel has a position (a non-rectilinear grid usually fails in its
     * first row), else two.
     */
    static Splat of(double[] lon, double[] lat, int width) {
        int n = lon.length;
        if (width <= 0 || n == 0 || n % width != 0 || lat.length != n) return null;
        int height = n / width;
        Splat full = full(lon, lat, width, height);
        if (full != null) return full;
        // with both corners valid the rectangle could only be the whole grid, which full() rejected
        if (valid(lon[0], lat[0]) && valid(lon[n - 1], lat[n - 1])) return null;
        int i0 = width, i1 = -1, j0 = height, j1 = -1;
        for (int j = 0, p = 0; j < height; j++) {
            for (int i = 0; i < width; i++, p++) {
                if (valid(lon[p], lat[p])) {
                    if (i < i0) i0 = i;
                    if (i > i1) i1 = i;
                    if (j < j0) j0 = j;
                    if (j > j1) j1 = j;
                }
            }
        }
        if (i1 < 0) return null;
        double[] colLon = new double[width], rowLat = new double[height];
        for (int i = i0; i <= i1; i++) colLon[i] = lon[j0 * width + i];
        for (int j = j0; j <= j1; j++) rowLat[j] = lat[j * width + i0];
        for (int j = 0, p = 0; j < height; j++) {
            boolean rowIn = j >= j0 && j <= j1;
            for (int i = 0; i < width; i++, p++) {
                if (rowIn && i >= i0 && i <= i1) {
                    if (lon[p] != colLon[i] || lat[p] != rowLat[j] || !valid(lon[p], lat[p])) return null;
                } else if (valid(lon[p], lat[p])) {
                    return null;
                }
            }
        }
        if (!strictlyMonotone(colLon, i0, i1) || !strictlyMonotone(rowLat, j0, j1)) return null;
        if (Math.abs(colLon[i1] - colLon[i0]) > MAX_SPAN) return null;
        return new Splat(width, i0, i1, j0, j1, colLon, rowLat);
    }

    /**
     * {@link #of} of a separable grid given by the longitude of every column and the latitude of every row (pixel
     * (i, j) has a position where {@link TargetGrid#hasPosition}(colLon[i], rowLat[j])): the same structure as
     * {@code of} gives for the spread pixels, without spreading them.
     */
    static Splat ofSeparable(double[] colLon, double[] rowLat) {
        int width = colLon.length, height = rowLat.length;
        int i0 = width, i1 = -1, j0 = height, j1 = -1;
        for (int i = 0; i < width; i++) {
            if (Double.isFinite(colLon[i])) {
                if (i1 >= 0 && i1 != i - 1) return null; // valid columns not contiguous
                i0 = Math.min(i0, i);
                i1 = i;
            }
        }
        for (int j = 0; j < height; j++) {
            if (TargetGrid.hasPosition(0, rowLat[j])) {
                if (j1 >= 0 && j1 != j - 1) return null;
                j0 = Math.min(j0, j);
                j1 = j;
            }
        }
        if (i1 < 0 || j1 < 0) return null;
        double[] col = new double[width], row = new double[height];
        System.arraycopy(colLon, i0, col, i0, i1 - i0 + 1);
        System.arraycopy(rowLat, j0, row, j0, j1 - j0 + 1);
        if (!strictlyMonotone(col, i0, i1) || !strictlyMonotone(row, j0, j1)) return null;
        if (Math.abs(col[i1] - col[i0]) > MAX_SPAN) return null;
        return new Splat(width, i0, i1, j0, j1, col, row);
    }

    /** Whether two structures are the same (tests). */
    boolean sameAs(Splat o) {
        return o != null && width == o.width && i0 == o.i0 && i1 == o.i1 && j0 == o.j0 && j1 == o.j1
                && Arrays.equals(colLon, o.colLon) && Arrays.equals(rowLat, o.rowLat);
    }

    /** {@link #of} when every pixel has a position (the common case): one pass of comparisons. */
    private static Splat full(double[] lon, double[] lat, int width, int height) {
        double[] colLon = Arrays.copyOf(lon, width), rowLat = new double[height];
        for (int j = 0; j < height; j++) rowLat[j] = lat[j * width];
        for (double l : colLon) if (!valid(l, 0)) return null;
        for (double l : rowLat) if (!valid(0, l)) return null;
        boolean differ = false;
        for (int j = 0, p = 0; j < height; j++) {
            double rl = rowLat[j];
            for (int i = 0; i < width; i++, p++) differ |= (lon[p] != colLon[i]) | (lat[p] != rl);
            if (differ) return null;
        }
        if (!strictlyMonotone(colLon, 0, width - 1) || !strictlyMonotone(rowLat, 0, height - 1)) return null;
        if (Math.abs(colLon[width - 1] - colLon[0]) > MAX_SPAN) return null;
        return new Splat(width, 0, width - 1, 0, height - 1, colLon, rowLat);
    }

    private static boolean strictlyMonotone(double[] a, int from, int to) {
        if (to - from < 1) return true;
        boolean up = a[from + 1] > a[from];
        for (int k = from; k < to; k++) {
            if (up ? !(a[k + 1] > a[k]) : !(a[k + 1] < a[k])) return false;
        }
        return true;
    }

    /**
     * {@code out[p] = grid.hash(lon[p], lat[p])} for every pixel of the grid (the same values: -1 for pixels
     * without a position), the latitude terms once per row and the longitude terms once per column
     * ({@link HealpixGrid#hashGrid}).
     */
    void hash(HealpixGrid grid, long[] out) {
        int w = i1 - i0 + 1, h = j1 - j0 + 1;
        if (w == width && h * width == out.length) {
            grid.hashGrid(colLon, rowLat, out);
            return;
        }
        Arrays.fill(out, -1);
        long[] inner = new long[w * h];
        grid.hashGrid(Arrays.copyOfRange(colLon, i0, i1 + 1), Arrays.copyOfRange(rowLat, j0, j1 + 1), inner);
        for (int j = 0; j < h; j++) System.arraycopy(inner, j * w, out, (j0 + j) * width + i0, w);
    }

    /** Number of pixels with a position. */
    long validPixels() {
        return (long) (i1 - i0 + 1) * (j1 - j0 + 1);
    }

    /**
     * Samples nearest-observation mode into the output arrays (chunk and cellId entirely, offset where there is a
     * cell) unless the estimated cost exceeds {@code maxEvalsPerPixel} distance evaluations per valid pixel, then
     * returns false having written nothing to them.
     *
     * @param radius      search radius, metres on the sphere of {@link TargetGrid#EARTH_RADIUS}
     * @param limit       the squared chord of the radius: a pixel takes an observation only if d2 &lt; limit
     * @param coverDepth  finest depth of the cells covering the grid's box (coarser: fewer ranges, more spare
     *                    candidates); coarser for a box more than 64 such cells across
     */
    boolean run(Level level, double radius, double limit, int coverDepth, double maxEvalsPerPixel, long[] cellId,
                int[] chunk, int[] offset, long[][] ids) throws IOException, DataException {
        double theta = Math.toDegrees(radius / TargetGrid.EARTH_RADIUS) + MARGIN_DEG; // degrees, with margin
        double sinTheta = Math.sin(Math.toRadians(theta));
        // candidates: the cells of the grid's lon/lat box enlarged by the radius
        double latLo = Math.min(rowLat[j0], rowLat[j1]), latHi = Math.max(rowLat[j0], rowLat[j1]);
        double polar = Math.max(Math.abs(latLo), Math.abs(latHi)) + theta;
        double west, east;
        if (polar >= 90) {
            west = -180;
            east = 180;
        } else {
            double c = Math.cos(Math.toRadians(polar));
            double half = Math.toDegrees(Math.asin(Math.min(1, sinTheta / c))) + MARGIN_DEG;
            west = lonMin - half;
            east = lonMax + half;
            if (east - west >= 360) {
                west = -180;
                east = 180;
            }
        }
        // cover at most ~64 cells across the box (coverBox costs the cells along its border; coarser cells only add
        // spare candidates near the border, ~6 % of the box's)
        double equatorward = latLo <= 0 && latHi >= 0 ? 0 : Math.min(Math.abs(latLo), Math.abs(latHi));
        double boxMetres = Math.toRadians(Math.max(latHi - latLo + 2 * theta,
                (east - west) * Math.cos(Math.toRadians(equatorward)))) * TargetGrid.EARTH_RADIUS;
        double e0 = HealpixGrid.of(level.store.ellipsoid(), 0).cellEdgeMetres();
        int boxDepth = (int) Math.floor(Math.log(e0 / (boxMetres / 64)) / Math.log(2));
        coverDepth = Math.max(0, Math.min(coverDepth, boxDepth));
        RangeSet cover = HealpixGrid.of(level.store.ellipsoid(), coverDepth)
                .coverBox(west, latLo - theta, east, latHi + theta);
        int shift = 2 * (level.depth - coverDepth);
        long[] rows = new long[2 * cover.size()];
        int nr = 0;
        long total = 0;
        for (int k = 0; k < cover.size(); k++) {
            long a = level.lowerBound(cover.start(k) << shift, ids);
            if (a >= level.cells) break;
            long b = level.lowerBound(cover.end(k) << shift, ids);
            if (b <= a) continue;
            if (nr > 0 && rows[nr - 1] == a) rows[nr - 1] = b;
            else {
                rows[nr++] = a;
                rows[nr++] = b;
            }
            total += b - a;
        }
        if (total > Integer.MAX_VALUE / 4) return false;
        // pass 1: the candidates whose window holds pixels, their windows ({rowFrom, rowTo, colFrom, colTo},
        // inclusive; colFrom -1: several 360-degree copies, recomputed in pass 2) and the cost
        int cap = (int) Math.min(total, 1 << 16);
        int[] win = new int[4 * cap];
        double[] cxyz = new double[3 * cap];
        long[] cid = new long[cap];
        int[] cChunk = new int[cap], cOffset = new int[cap];
        double budget = maxEvalsPerPixel * validPixels();
        double evals = 0;
        int m = 0;
        int[] w = new int[4];
        for (int k = 0; k < nr; k += 2) {
            for (long r = rows[k]; r < rows[k + 1]; ) {
                int c = (int) (r / level.chunkCells);
                int o = (int) (r - (long) c * level.chunkCells);
                int len = (int) Math.min(rows[k + 1] - r, level.chunkLength(c) - o);
                long[] chunkIds = ids[c];
                if (chunkIds == null) chunkIds = ids[c] = level.ids(c);
                float[] ll = level.lonLat(c);
                double[] xyz = level.centres(c);
                for (int e = o + len; o < e; o++) {
                    long area = window(ll[2 * o], ll[2 * o + 1], xyz[3 * o], xyz[3 * o + 1], theta, sinTheta, w);
                    if (area == 0) continue;
                    evals += area;
                    if (m == cid.length) {
                        int grow = (int) Math.min(total, 2L * m);
                        win = Arrays.copyOf(win, 4 * grow);
                        cxyz = Arrays.copyOf(cxyz, 3 * grow);
                        cid = Arrays.copyOf(cid, grow);
                        cChunk = Arrays.copyOf(cChunk, grow);
                        cOffset = Arrays.copyOf(cOffset, grow);
                    }
                    win[4 * m] = w[0];
                    win[4 * m + 1] = w[1];
                    win[4 * m + 2] = w[2];
                    win[4 * m + 3] = w[3];
                    cxyz[3 * m] = xyz[3 * o];
                    cxyz[3 * m + 1] = xyz[3 * o + 1];
                    cxyz[3 * m + 2] = xyz[3 * o + 2];
                    cid[m] = chunkIds[o];
                    cChunk[m] = c;
                    cOffset[m] = o;
                    m++;
                }
                if (evals > budget) return false;
                r += len;
            }
        }
        // pass 2: splat; per pixel the best squared chord and candidate
        double[] cosLon = new double[colLon.length], sinLon = new double[colLon.length];
        for (int i = i0; i <= i1; i++) { // as the gather mode computes them: cos/sin of Math.toRadians
            double l = Math.toRadians(colLon[i]);
            cosLon[i] = Math.cos(l);
            sinLon[i] = Math.sin(l);
        }
        double[] cosLat = new double[rowLat.length], sinLat = new double[rowLat.length];
        for (int j = j0; j <= j1; j++) {
            double p = Math.toRadians(rowLat[j]);
            cosLat[j] = Math.cos(p);
            sinLat[j] = Math.sin(p);
        }
        int n = cellId.length;
        double[] best = new double[n];
        Arrays.fill(best, limit);
        int[] bestQ = new int[n];
        Arrays.fill(bestQ, -1);
        for (int q = 0; q < m; q++) {
            if (win[4 * q + 2] >= 0) {
                splat(q, cxyz, cid, win[4 * q], win[4 * q + 1], win[4 * q + 2], win[4 * q + 3], cosLat, sinLat,
                        cosLon, sinLon, best, bestQ);
            } else {
                double cx = cxyz[3 * q], cy = cxyz[3 * q + 1];
                double lonC = Math.toDegrees(Math.atan2(cy, cx));
                double latC = Math.toDegrees(Math.atan2(cxyz[3 * q + 2], Math.hypot(cx, cy)));
                double half = lonHalfWidth(latC, cx, cy, theta, sinTheta);
                for (int copy = firstCopy(lonC, half), last = lastCopy(lonC, half); copy <= last; copy++) {
                    if (columns(lonC + 360.0 * copy, half, w)) {
                        splat(q, cxyz, cid, win[4 * q], win[4 * q + 1], w[2], w[3], cosLat, sinLat, cosLon, sinLon,
                                best, bestQ);
                    }
                }
            }
        }
        for (int p = 0; p < n; p++) {
            int q = bestQ[p];
            if (q < 0) {
                chunk[p] = -1;
                cellId[p] = -1;
            } else {
                chunk[p] = cChunk[q];
                offset[p] = cOffset[q];
                cellId[p] = cid[q];
            }
        }
        return true;
    }

    /** The pixels of one window keep candidate q where it is nearer than their best (ties: smaller id). */
    private void splat(int q, double[] cxyz, long[] cid, int rowFrom, int rowTo, int colFrom, int colTo,
                       double[] cosLat, double[] sinLat, double[] cosLon, double[] sinLon, double[] best, int[] bestQ) {
        double cx = cxyz[3 * q], cy = cxyz[3 * q + 1], cz = cxyz[3 * q + 2];
        long id = cid[q];
        for (int j = rowFrom; j <= rowTo; j++) {
            double cl = cosLat[j];
            double dz = cz - sinLat[j];
            double dz2 = dz * dz;
            for (int i = colFrom, p = j * width + colFrom; i <= colTo; i++, p++) {
                // the gather mode's expression: pixel (cosLat cosLon, cosLat sinLon, sinLat), dx*dx + dy*dy + dz*dz
                double dx = cx - cl * cosLon[i], dy = cy - cl * sinLon[i];
                double d2 = dx * dx + dy * dy + dz2;
                double b = best[p];
                if (d2 < b || (d2 == b && bestQ[p] >= 0 && id < cid[bestQ[p]])) {
                    best[p] = d2;
                    bestQ[p] = q;
                }
            }
        }
    }

    /**
     * The window of an observation at lon/lat (degrees, within {@link #MARGIN_DEG} of the centre whose unit vector
     * starts with x, y) into {@code w}: rows, then columns (-1 if several 360-degree copies), and its pixel count
     * (with every copy). w[0] = -1 when no pixel can be within the radius.
     */
    private long window(double lonC, double latC, double x, double y, double theta, double sinTheta, int[] w) {
        if (!range(rowKey, latUp, latC - theta, latC + theta, w, 0)) {
            w[0] = -1;
            return 0;
        }
        long rowCount = w[1] - w[0] + 1;
        double half = lonHalfWidth(latC, x, y, theta, sinTheta);
        int first = firstCopy(lonC, half), last = lastCopy(lonC, half);
        if (first == last) {
            if (!columns(lonC + 360.0 * first, half, w)) {
                w[0] = -1;
                return 0;
            }
            return rowCount * (w[3] - w[2] + 1);
        }
        long cols = 0;
        int[] v = new int[4];
        for (int copy = first; copy <= last; copy++) {
            if (columns(lonC + 360.0 * copy, half, v)) cols += v[3] - v[2] + 1;
        }
        if (cols == 0) {
            w[0] = -1;
            return 0;
        }
        w[2] = -1;
        w[3] = -1;
        return rowCount * cols;
    }

    /**
     * Longitude half-width of the cap of radius theta (degrees, with margin) around an observation, degrees with
     * margin; ≥ 180 when the cap reaches a pole. The cap spans asin(sin θ / cos φ) ≤ tan(asin(sin θ / cos φ)) =
     * sin θ / sqrt(cos² φ - sin² θ), with cos φ = |(x, y)| from the unit vector (no trigonometry per observation).
     */
    private static double lonHalfWidth(double latC, double x, double y, double theta, double sinTheta) {
        if (Math.abs(latC) + theta >= 90) return 180;
        double c2 = x * x + y * y, s2 = sinTheta * sinTheta;
        if (c2 - s2 < 1e-6) return 180;
        return Math.toDegrees(sinTheta / Math.sqrt(c2 - s2)) * (1 + 1e-9) + MARGIN_DEG;
    }

    /** First 360-degree copy k of [lonC - half, lonC + half] + 360 k that can meet the columns. */
    private int firstCopy(double lonC, double half) {
        if (half >= 180) return 0;
        return (int) Math.ceil((lonMin - (lonC + half)) / 360.0);
    }

    private int lastCopy(double lonC, double half) {
        if (half >= 180) return 0;
        return (int) Math.floor((lonMax - (lonC - half)) / 360.0);
    }

    /** Columns whose longitude is within half of lon (all for half ≥ 180) into w[2..3]; false if none. */
    private boolean columns(double lon, double half, int[] w) {
        if (half >= 180) {
            w[2] = i0;
            w[3] = i1;
            return true;
        }
        return range(colKey, lonUp, lon - half, lon + half, w, 2);
    }

    /**
     * Indices of the entries of a strictly monotone array within [lo, hi], into w[at], w[at + 1] (inclusive); false
     * if none. {@code key} indexes the array made ascending ({@link #ascending}).
     */
    static boolean range(Index key, boolean up, double lo, double hi, int[] w, int at) {
        double kLo = up ? lo : -hi, kHi = up ? hi : -lo;
        int first = key.first(kLo, false);
        int last = key.first(kHi, true) - 1;
        if (first > last) return false;
        w[at] = first;
        w[at + 1] = last;
        return true;
    }

    /**
     * Strictly ascending keys over [from, to] with a table of buckets of equal width (at most the smallest step, up
     * to 16 buckets per key), so that finding the first key at or above a value starts at most a step or two away:
     * no data-dependent bisection per observation. The answer is exact whatever the table holds (it only chooses
     * where the walk starts).
     */
    static final class Index {
        private final double[] key;
        private final int from, to;
        private final double k0, inv;
        private final int[] table;

        Index(double[] key, int from, int to) {
            this.key = key;
            this.from = from;
            this.to = to;
            k0 = key[from];
            double span = key[to] - key[from], step = Double.POSITIVE_INFINITY;
            for (int k = from; k < to; k++) step = Math.min(step, key[k + 1] - key[k]);
            int buckets = to > from ? (int) Math.max(1, Math.min(16.0 * (to - from + 1), Math.ceil(span / step))) : 1;
            inv = to > from ? buckets / span : 0;
            table = new int[buckets + 1];
            for (int b = 0, i = from; b <= buckets; b++) {
                double start = k0 + b / (inv > 0 ? inv : 1);
                while (i <= to && key[i] < start) i++;
                table[b] = i;
            }
        }

        /** First index k in [from, to] with key[k] ≥ v (strict: key[k] &gt; v), or to + 1. */
        int first(double v, boolean strict) {
            double t = (v - k0) * inv;
            int b = t > 0 ? (int) Math.min(t, table.length - 1) : 0;
            int i = table[b];
            while (i <= to && (strict ? !(key[i] > v) : !(key[i] >= v))) i++;
            while (i > from && (strict ? key[i - 1] > v : key[i - 1] >= v)) i--;
            return i;
        }
    }
}
