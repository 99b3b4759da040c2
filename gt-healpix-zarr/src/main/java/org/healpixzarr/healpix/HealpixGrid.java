package org.healpixzarr.healpix;

import java.util.Objects;

/**
 * Nested HEALPix grid (Górski et al. 2005) at one depth on the authalic sphere of an {@link Ellipsoid}.
 *
 * <p><b>Ids.</b> Cell ids use the NESTED scheme: {@code id = face << 2*depth | interleave(ix, iy)}
 * with {@code face} in 0..11 and {@code ix, iy} in {@code [0, nside)} ({@code ix} in the even bits).
 * Valid ids are {@code [0, 12*4^depth)}; at depth 29 they are below {@code 12*4^29 < 2^62}.
 *
 * <p><b>Coordinates.</b> Longitudes and latitudes are in degrees. For {@link Ellipsoid#WGS84} the
 * latitude is geodetic and is converted to the authalic latitude (Karney 2023 series, see
 * {@link Ellipsoid}) before the spherical HEALPix hash; cells therefore have equal area on the
 * ellipsoid. Ids equal those of healpix-geo's {@code lonlat_to_healpix(lon, lat, depth,
 * ellipsoid="WGS84")} (checked on its documented vectors) and of healpy's {@code ang2pix(nest=True)}
 * applied to the exact authalic latitude (checked on a golden file and a live oracle test).
 *
 * <p><b>Precision.</b> Everything is computed in double precision. The authalic latitude is within a
 * few ULPs (≈1e-16 rad ≈ 1 nm on the ground) of the exact closed form; a point gets its exact cell
 * unless it lies within that distance of a cell boundary (a depth-29 cell is ≈1.2 cm), where the
 * result may differ from another implementation's by one cell (a ULP-level tie).
 *
 * <p><b>Thread-safety.</b> Instances are immutable and thread-safe; {@link #of} returns shared,
 * cached instances (one per ellipsoid and depth).
 */
public final class HealpixGrid {
    /** Deepest supported depth (nside = 2^29). */
    public static final int MAX_DEPTH = 29;

    private static final double DEG2RAD = Math.PI / 180.0; // as Math.toRadians, numpy.radians, healpy
    private static final double RAD2DEG = 180.0 / Math.PI;
    private static final double TWO_OVER_PI = 0.6366197723675813430755350534900574; // healpy inv_halfpi
    private static final double TWO_THIRDS = 2.0 / 3.0;

    /* WGS84 geodetic -> authalic Fourier coefficients as compile-time-like constants for the hot path. */
    private static final double C1, C2, C3, C4, C5, C6;

    static {
        double[] c = Ellipsoid.WGS84.toAuth;
        C1 = c[0];
        C2 = c[1];
        C3 = c[2];
        C4 = c[3];
        C5 = c[4];
        C6 = c[5];
    }

    private static final HealpixGrid[][] CACHE = new HealpixGrid[Ellipsoid.values().length][MAX_DEPTH + 1];

    static {
        for (Ellipsoid e : Ellipsoid.values()) {
            for (int d = 0; d <= MAX_DEPTH; d++) CACHE[e.ordinal()][d] = new HealpixGrid(e, d);
        }
    }

    private final Ellipsoid ellipsoid;
    private final boolean wgs84;
    private final int depth;
    private final int twoDepth;
    private final long nside;
    private final long nsideMask;
    private final double nsideD;
    private final long cellCount;
    private final long faceMask;

    private HealpixGrid(Ellipsoid ellipsoid, int depth) {
        this.ellipsoid = ellipsoid;
        this.wgs84 = ellipsoid != Ellipsoid.SPHERE;
        this.depth = depth;
        this.twoDepth = 2 * depth;
        this.nside = 1L << depth;
        this.nsideMask = nside - 1;
        this.nsideD = nside;
        this.cellCount = 12L << twoDepth;
        this.faceMask = (1L << twoDepth) - 1;
    }

    /**
     * The grid of {@code ellipsoid} at {@code depth} (shared instance).
     *
     * @param ellipsoid non-null
     * @param depth 0..{@value #MAX_DEPTH}
     * @throws IllegalArgumentException if depth is out of range
     */
    public static HealpixGrid of(Ellipsoid ellipsoid, int depth) {
        Objects.requireNonNull(ellipsoid, "ellipsoid");
        checkDepth(depth);
        return CACHE[ellipsoid.ordinal()][depth];
    }

    static void checkDepth(int depth) {
        if (depth < 0 || depth > MAX_DEPTH)
            throw new IllegalArgumentException("depth " + depth + " outside 0.." + MAX_DEPTH);
    }

    /** The ellipsoid. */
    public Ellipsoid ellipsoid() {
        return ellipsoid;
    }

    /** Depth (order), 0..29. */
    public int depth() {
        return depth;
    }

    /** nside = 2^depth. */
    public long nside() {
        return nside;
    }

    /** Number of cells, 12·4^depth. */
    public long cellCount() {
        return cellCount;
    }

    /**
     * Cell edge length in metres, defined as the square root of the cell area on the authalic sphere
     * of the ellipsoid: sqrt(π/3)·6371007.18 m / 2^depth ≈ 6,519,622 m / 2^depth (depth 14 ≈ 398 m, 19 ≈ 12.4 m, 29 ≈ 1.2 cm).
     */
    public double cellEdgeMetres() {
        double r = ellipsoid.authalicRadius();
        return r * Math.sqrt(4 * Math.PI / cellCount);
    }

    // ------------------------------------------------------------------------------------------
    // Hash

    /**
     * Nested id of the cell containing a point.
     *
     * @param lonDeg longitude in degrees, any finite value (wrapped modulo 360; 180 and -180 are the
     *     same meridian)
     * @param latDeg latitude in degrees in [-90, 90], geodetic for WGS84; ±90 gives the polar cell
     * @return the id in {@code [0, cellCount())}, or -1 if lat is NaN, infinite or |lat| &gt; 90, or
     *     lon is not finite (never a wrong cell). Allocation-free.
     */
    public long hash(double lonDeg, double latDeg) {
        if (!(latDeg >= -90.0 && latDeg <= 90.0) || !(Math.abs(lonDeg) <= Double.MAX_VALUE)) return -1;
        return hash(latDeg, lonDeg, null);
    }

    /**
     * The hash of a latitude in [-90, 90] (degrees, geodetic for WGS84) and a finite longitude (degrees); if
     * {@code zcb} is not null, also z = sin and cb = cos of the authalic latitude into zcb[0], zcb[1] (for
     * {@link #hashGrid}).
     */
    private long hash(double latDeg, double lonDeg, double[] zcb) {
        double phi = latDeg * DEG2RAD;
        // sin and cos of phi in [-pi/2, pi/2] by Taylor polynomials on [-pi/4, pi/4] (error ~1 ULP,
        // like Math.sin/cos, about twice as fast for the pair)
        double ax = Math.abs(phi);
        double s, c;
        if (ax <= PIO4) {
            double x2 = phi * phi;
            s = phi + phi * x2 * sinPoly(x2);
            c = 1.0 - 0.5 * x2 + x2 * x2 * cosPoly(x2);
        } else {
            double y = (PIO2_HI - ax) + PIO2_LO; // exact subtraction (Sterbenz), then the low part
            double y2 = y * y;
            double sa = 1.0 - 0.5 * y2 + y2 * y2 * cosPoly(y2);
            s = phi < 0 ? -sa : sa;
            c = y + y * y2 * sinPoly(y2);
        }
        double z, cb; // sin and cos of the authalic latitude
        if (wgs84) {
            double d = delta(s, c); // |d| < 0.0023 rad
            double d2 = d * d;
            double cosD = 1 - d2 * (0.5 - d2 * (1.0 / 24));
            double sinD = d * (1 - d2 * ((1.0 / 6) - d2 * (1.0 / 120)));
            z = s * cosD + c * sinD;
            cb = c * cosD - s * sinD;
        } else {
            z = s;
            cb = c;
        }
        if (zcb != null) {
            zcb[0] = z;
            zcb[1] = cb;
        }
        return hashZ(z, cb, lonTerm(lonDeg));
    }

    /** delta = beta - phi = sum_k C_k sin(2k phi) from s = sin phi, c = cos phi: Clenshaw in the double angle. */
    private static double delta(double s, double c) {
        double sin2 = 2 * s * c;
        double x2 = 2 * ((c - s) * (c + s));
        double b5 = C5 + x2 * C6;
        double b4 = C4 + x2 * b5 - C6;
        double b3 = C3 + x2 * b4 - b5;
        double b2 = C2 + x2 * b3 - b4;
        double b1 = C1 + x2 * b2 - b3;
        return b1 * sin2;
    }

    /** tt = lon / (pi/2) in [0, 4) of a finite longitude in degrees. */
    private static double lonTerm(double lonDeg) {
        // lon mod 360 in [0, 360] as numpy's % (fmod, then +360 if negative); fmod(x, 360) = x exactly
        // for |x| < 360, so the common case avoids the slow floating-point remainder
        double r;
        if (lonDeg >= 0.0 && lonDeg < 360.0) {
            r = lonDeg;
        } else if (lonDeg < 0.0 && lonDeg > -360.0) {
            r = lonDeg + 360.0;
        } else {
            r = lonDeg % 360.0;
            if (r < 0) r += 360.0;
        }
        double tt = (r * DEG2RAD) * TWO_OVER_PI;
        if (tt >= 4.0) tt -= 4.0;
        return tt;
    }

    private static final double PIO4 = Math.PI / 4;
    private static final double PIO2_HI = Math.PI / 2; // 1.5707963267948966 (exact double)
    private static final double PIO2_LO = 6.123233995736766e-17; // pi/2 - PIO2_HI

    /** (sin x - x) / x^3 as a polynomial in x^2 (Taylor to x^17; truncation &lt; 1e-19 on |x| &le; pi/4). */
    private static double sinPoly(double z) {
        return -1.0 / 6 + z * (1.0 / 120 + z * (-1.0 / 5040 + z * (1.0 / 362880 + z * (-1.0 / 39916800
                + z * (1.0 / 6227020800.0 + z * (-1.0 / 1307674368000.0 + z * (1.0 / 355687428096000.0)))))));
    }

    /** (cos x - 1 + x^2/2) / x^4 as a polynomial in x^2 (Taylor to x^16; truncation &lt; 3e-18). */
    private static double cosPoly(double z) {
        return 1.0 / 24 + z * (-1.0 / 720 + z * (1.0 / 40320 + z * (-1.0 / 3628800 + z * (1.0 / 479001600
                + z * (-1.0 / 87178291200.0 + z * (1.0 / 20922789888000.0))))));
    }

    /**
     * Spherical nested hash from z = sin(lat), cb = cos(lat) ≥ 0 and tt = lon / (π/2) in [0, 4).
     */
    long hashZ(double z, double cb, double tt) {
        double za = Math.abs(z);
        long n = nside;
        if (za <= TWO_THIRDS) {
            double t1 = nsideD * (0.5 + tt);
            double t2 = nsideD * (z * 0.75);
            long jp = (long) (t1 - t2);
            long jm = (long) (t1 + t2);
            int ifp = (int) (jp >>> depth);
            int ifm = (int) (jm >>> depth);
            int face = ifp == ifm ? (ifp | 4) : (ifp < ifm ? ifp : ifm + 8);
            long ix = jm & nsideMask;
            long iy = nsideMask - (jp & nsideMask);
            return ((long) face << twoDepth) | spread(ix) | (spread(iy) << 1);
        }
        int ntt = (int) tt;
        if (ntt > 3) ntt = 3;
        double tp = tt - ntt;
        // sqrt(3(1-|z|)) without cancellation: 1-|z| = cb^2/(1+|z|)
        double tmp = nsideD * cb * Math.sqrt(3.0 / (1.0 + za));
        long jp = (long) (tp * tmp);
        long jm = (long) ((1.0 - tp) * tmp);
        if (jp > nsideMask) jp = nsideMask;
        if (jm > nsideMask) jm = nsideMask;
        if (z > 0) {
            return ((long) ntt << twoDepth) | spread(nsideMask - jm) | (spread(nsideMask - jp) << 1);
        }
        return ((long) (ntt + 8) << twoDepth) | spread(jp) | (spread(jm) << 1);
    }

    /**
     * Bulk hash: {@code out[i] = hash(lonDeg[i], latDeg[i])} for i in {@code [from, to)}. Allocation-free.
     *
     * @throws IndexOutOfBoundsException if the range is not within all three arrays
     */
    public void hash(double[] lonDeg, double[] latDeg, long[] out, int from, int to) {
        Objects.checkFromToIndex(from, to, lonDeg.length);
        Objects.checkFromToIndex(from, to, latDeg.length);
        Objects.checkFromToIndex(from, to, out.length);
        for (int i = from; i < to; i++) out[i] = hash(lonDeg[i], latDeg[i]);
    }

    /**
     * Bulk hash of a grid whose longitudes depend only on the column and latitudes only on the row (target grids
     * in CRS:84, EPSG:4326, EPSG:3857): {@code out[j * colLon.length + i] = hash(colLon[i], rowLat[j])}, the same
     * values, with the latitude terms computed once per row and the longitude terms once per column (several
     * times faster than one {@link #hash} per point). Allocates arrays of the row and column counts.
     *
     * @throws IllegalArgumentException if {@code out} is shorter than the grid
     */
    public void hashGrid(double[] colLon, double[] rowLat, long[] out) {
        int w = colLon.length, h = rowLat.length;
        if ((long) w * h > out.length) throw new IllegalArgumentException(w + " x " + h + " grid, " + out.length + " outputs");
        double[] tt = new double[w];
        for (int i = 0; i < w; i++) tt[i] = Math.abs(colLon[i]) <= Double.MAX_VALUE ? lonTerm(colLon[i]) : Double.NaN;
        double[] zcb = new double[2];
        for (int j = 0, p = 0; j < h; j++) {
            double lat = rowLat[j];
            if (!(lat >= -90.0 && lat <= 90.0)) {
                java.util.Arrays.fill(out, p, p + w, -1);
                p += w;
                continue;
            }
            hash(lat, 0, zcb);
            double z = zcb[0], cb = zcb[1];
            for (int i = 0; i < w; i++, p++) out[p] = Double.isNaN(tt[i]) ? -1 : hashZ(z, cb, tt[i]);
        }
    }

    /** Spreads the low 32 bits of v to the even bits of the result. */
    static long spread(long v) {
        v &= 0xFFFFFFFFL;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        v = (v | (v << 1)) & 0x5555555555555555L;
        return v;
    }

    /** Inverse of {@link #spread}: gathers the even bits of v. */
    static long compact(long v) {
        v &= 0x5555555555555555L;
        v = (v | (v >>> 1)) & 0x3333333333333333L;
        v = (v | (v >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        v = (v | (v >>> 16)) & 0x00000000FFFFFFFFL;
        return v;
    }

    long encode(int face, long ix, long iy) {
        return ((long) face << twoDepth) | spread(ix) | (spread(iy) << 1);
    }

    private void checkId(long id) {
        if (id < 0 || id >= cellCount)
            throw new IllegalArgumentException("cell id " + id + " outside [0, " + cellCount + ") at depth " + depth);
    }

    // ------------------------------------------------------------------------------------------
    // Cell geometry. Projection plane (Calabretta & Roukema 2007) in units of π/2: X = lon/(π/2),
    // Y in [-1, 1]; face (row, col) has centre (Xc, Yc); in-face coordinates x, y in [0, 1] (S vertex
    // at (0,0), E (1,0), N (1,1), W (0,1)) give X = Xc + (x-y)/2, Y = Yc + (x+y-1)/2.

    private static double faceXc(int face) {
        int row = face >> 2, col = face & 3;
        return row == 1 ? col : col + 0.5;
    }

    private static double faceYc(int face) {
        return 0.5 - 0.5 * (face >> 2);
    }

    /**
     * Writes {lonDeg, latDeg} of in-face point (x, y) of {@code face} into out[off], out[off+1];
     * lon in [-180, 180). At a pole the longitude is {@code poleTt * 90}.
     */
    private void planeToLonLat(int face, double x, double y, double poleTt, double[] out, int off) {
        double xc = faceXc(face);
        double bx = xc + 0.5 * (x - y);
        double by = faceYc(face) + 0.5 * (x + y - 1);
        double z, cb, tt;
        if (Math.abs(by) <= 0.5) {
            z = by * (4.0 / 3.0);
            cb = Math.sqrt((1 - z) * (1 + z));
            tt = bx;
        } else {
            double t = 2 * (1 - Math.abs(by)); // = sqrt(3(1-|z|))
            double oneMinusZa = t * t / 3;
            z = Math.copySign(1 - oneMinusZa, by);
            cb = Math.sqrt(oneMinusZa * (2 - oneMinusZa));
            tt = t > 0 ? xc + (bx - xc) / t : poleTt;
        }
        double beta = Math.atan2(z, cb);
        double lat = ellipsoid.fromAuthalic(beta) * RAD2DEG;
        double lon = tt * 90.0;
        if (lon >= 180.0) lon -= 360.0;
        else if (lon < -180.0) lon += 360.0;
        out[off] = lon;
        out[off + 1] = Math.max(-90.0, Math.min(90.0, lat));
    }

    /** tt (lon / (π/2), unwrapped for the face) of the centre of a cell. */
    private double centreTt(int face, long ix, long iy) {
        double x = (ix + 0.5) / nsideD, y = (iy + 0.5) / nsideD;
        double xc = faceXc(face);
        double bx = xc + 0.5 * (x - y);
        double by = faceYc(face) + 0.5 * (x + y - 1);
        if (Math.abs(by) <= 0.5) return bx;
        double t = 2 * (1 - Math.abs(by));
        return xc + (bx - xc) / t;
    }

    /**
     * Centre of a cell.
     *
     * @param id valid id at this depth
     * @return {lonDeg, latDeg}: lon in [-180, 180), lat geodetic for WGS84
     * @throws IllegalArgumentException if id is not valid at this depth
     */
    public double[] center(long id) {
        checkId(id);
        int face = (int) (id >>> twoDepth);
        long ipf = id & faceMask;
        long ix = compact(ipf), iy = compact(ipf >>> 1);
        double[] out = new double[2];
        planeToLonLat(face, (ix + 0.5) / nsideD, (iy + 0.5) / nsideD, faceXc(face), out, 0);
        return out;
    }

    /**
     * The 4 vertices of a cell, in degrees: {lonS, latS, lonE, latE, lonN, latN, lonW, latW}
     * (South, East, North, West). Longitudes are each in [-180, 180) (so a cell straddling the
     * antimeridian has vertices on both sides); a vertex at a pole gets the longitude of the cell centre.
     *
     * @throws IllegalArgumentException if id is not valid at this depth
     */
    public double[] vertices(long id) {
        checkId(id);
        int face = (int) (id >>> twoDepth);
        long ipf = id & faceMask;
        long ix = compact(ipf), iy = compact(ipf >>> 1);
        double poleTt = centreTt(face, ix, iy);
        double x0 = ix / nsideD, x1 = (ix + 1) / nsideD, y0 = iy / nsideD, y1 = (iy + 1) / nsideD;
        double[] out = new double[8];
        planeToLonLat(face, x0, y0, poleTt, out, 0);
        planeToLonLat(face, x1, y0, poleTt, out, 2);
        planeToLonLat(face, x1, y1, poleTt, out, 4);
        planeToLonLat(face, x0, y1, poleTt, out, 6);
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Neighbours

    /* Order S, SE, E, SW, NE, W, NW, N as in-face steps (dx, dy). */
    private static final int[] NB_DX = {-1, 0, 1, -1, 1, -1, 0, 1};
    private static final int[] NB_DY = {-1, -1, -1, 0, 0, 1, 1, 1};

    /**
     * The 8 neighbours of a cell, in the order <b>S, SE, E, SW, NE, W, NW, N</b> (index 0..7), where
     * S/E/N/W are the directions of the cell's south/east/north/west vertices (cells sharing only that
     * vertex) and SE/SW/NE/NW those of its edges (cells sharing that edge). An entry is -1 where there
     * is no such cell: at the 8 base-face vertices where only 3 faces meet (authalic z = ±2/3, i.e.
     * geodetic lat ±41.94°, lon a multiple of 90°) each of the 3 corner cells has 7 neighbours (the
     * missing one is the diagonal through that vertex). Neighbour ids are at the same depth.
     *
     * @throws IllegalArgumentException if id is not valid at this depth
     */
    public long[] neighbours(long id) {
        checkId(id);
        int face = (int) (id >>> twoDepth);
        long ipf = id & faceMask;
        long ix = compact(ipf), iy = compact(ipf >>> 1);
        long[] out = new long[8];
        for (int k = 0; k < 8; k++) out[k] = neighbour(face, ix, iy, NB_DX[k], NB_DY[k]);
        return out;
    }

    private long neighbour(int face, long ix, long iy, int dx, int dy) {
        long n = nside;
        long nx = ix + dx, ny = iy + dy;
        int qx = nx < 0 ? -1 : (nx >= n ? 1 : 0);
        int qy = ny < 0 ? -1 : (ny >= n ? 1 : 0);
        if (qx == 0 && qy == 0) return encode(face, nx, ny);
        int row = face >> 2, col = face & 3;
        if (row == 0) { // north polar face: rotate about the pole across its N-side edges
            if (qx == 1 && qy == 1) return encode((col + 2) & 3, 2 * n - 1 - nx, 2 * n - 1 - ny);
            if (qx == 1 && qy == 0) return encode((col + 1) & 3, ny, 2 * n - 1 - nx);
            if (qx == 0 && qy == 1) return encode((col + 3) & 3, 2 * n - 1 - ny, nx);
            if (qx == 1 || qy == 1) return -1; // diagonal through a vertex where 3 faces meet
        } else if (row == 2) { // south polar face
            if (qx == -1 && qy == -1) return encode(8 + ((col + 2) & 3), -1 - nx, -1 - ny);
            if (qx == -1 && qy == 0) return encode(8 + ((col + 3) & 3), ny, -1 - nx);
            if (qx == 0 && qy == -1) return encode(8 + ((col + 1) & 3), -1 - ny, nx);
            if (qx == -1 || qy == -1) return -1;
        }
        // Otherwise the neighbour is found in the projection plane in (jm, jp) lattice coordinates.
        long a = row == 0 ? col + 1 : col;
        long b = row == 2 ? col + 1 : col;
        long jm = a * n + nx;
        long jp = b * n + (n - 1 - ny);
        long a2 = Math.floorDiv(jm, n), b2 = Math.floorDiv(jp, n);
        long ix2 = jm - a2 * n, iy2 = n - 1 - (jp - b2 * n);
        long d = a2 - b2;
        int f;
        if (d == 0) f = 4 + (int) (a2 & 3);
        else if (d == 1) f = (int) (b2 & 3);
        else if (d == -1) f = 8 + (int) (a2 & 3);
        else return -1; // gap of the projection: diagonal through a vertex where 3 faces meet
        return encode(f, ix2, iy2);
    }

    // ------------------------------------------------------------------------------------------
    // Box coverage

    /**
     * Cells possibly intersecting a longitude/latitude box, as sorted, disjoint, half-open id ranges at
     * this depth. Every cell that intersects the box is included (in particular every cell returned by
     * {@link #hash} for a point of the box); some cells near the border that do not intersect it may
     * be included too (the test uses each cell's bounding box, slightly enlarged).
     *
     * <p>Cost is proportional to the number of cells along the box border at this depth; for large
     * boxes at fine depths, cover at a coarser depth and use {@link RangeSet#toDepth}.
     *
     * @param west west longitude in degrees (any finite value)
     * @param south south latitude in degrees, clamped to [-90, 90]
     * @param east east longitude in degrees; {@code west > east} means the box crosses the
     *     antimeridian; {@code east - west >= 360} means all longitudes
     * @param north north latitude in degrees, ≥ south, clamped to [-90, 90]
     * @throws IllegalArgumentException if a value is NaN or infinite or south &gt; north
     */
    public RangeSet coverBox(double west, double south, double east, double north) {
        if (!Double.isFinite(west) || !Double.isFinite(east) || !Double.isFinite(south) || !Double.isFinite(north))
            throw new IllegalArgumentException("box bounds must be finite: " + west + ", " + south + ", " + east + ", " + north);
        if (south > north) throw new IllegalArgumentException("south " + south + " > north " + north);
        south = Math.max(-90, Math.min(90, south));
        north = Math.max(-90, Math.min(90, north));
        BoxQuery q = new BoxQuery();
        double width = east - west;
        if (width < 0) width += 360;
        if (east - west >= 360 || width >= 360) {
            q.full = true;
        } else {
            double w = west % 360.0;
            if (w < -180) w += 360;
            else if (w >= 180) w -= 360;
            q.w = w - LON_MARGIN;
            q.e = w + width + LON_MARGIN;
        }
        q.zs = south == -90 ? -2 : Math.sin(ellipsoid.toAuthalic(south * DEG2RAD)) - Z_MARGIN;
        q.zn = north == 90 ? 2 : Math.sin(ellipsoid.toAuthalic(north * DEG2RAD)) + Z_MARGIN;
        RangeSet.Builder out = new RangeSet.Builder();
        for (int f = 0; f < 12; f++) cover(q, f, 0, 0, 0, out);
        return out.build();
    }

    private static final double LON_MARGIN = 1e-9; // degrees
    private static final double Z_MARGIN = 1e-12;

    private static final class BoxQuery {
        boolean full;
        double w, e; // degrees, w in [-180,180) (minus margin), e >= w
        double zs, zn;
        final double[] b = new double[4]; // scratch: zmin, zmax, lonmin, lonmax
    }

    /** Cell (face, ix, iy) at depth d (coarser or equal to this grid's depth). */
    private void cover(BoxQuery q, int face, long ix, long iy, int d, RangeSet.Builder out) {
        cellBounds(face, ix, iy, d, q.b);
        double zmin = q.b[0], zmax = q.b[1], lo = q.b[2], hi = q.b[3];
        if (zmax < q.zs || zmin > q.zn) return;
        boolean inside = zmin >= q.zs && zmax <= q.zn;
        if (!q.full) {
            boolean hit = false, in = false;
            for (int k = -1; k <= 1; k++) {
                double s = 360.0 * k;
                double w = q.w + s, e = q.e + s;
                if (hi >= w && lo <= e) {
                    hit = true;
                    if (lo >= w && hi <= e) in = true;
                }
            }
            if (!hit) return;
            inside &= in;
        }
        int shift = 2 * (depth - d);
        long cellId = ((long) face << (2 * d)) | spread(ix) | (spread(iy) << 1);
        if (inside || d == depth) {
            out.add(cellId << shift, (cellId + 1) << shift);
            return;
        }
        for (int k = 0; k < 4; k++) cover(q, face, 2 * ix + (k & 1), 2 * iy + (k >> 1), d + 1, out);
    }

    /** {zmin, zmax, lonMinDeg, lonMaxDeg} of cell (face, ix, iy) at depth d (lon unwrapped, may be &lt; -180 or &gt; 180). */
    static void cellBounds(int face, long ix, long iy, int d, double[] b) {
        double ns = (double) (1L << d);
        double x0 = ix / ns, x1 = (ix + 1) / ns, y0 = iy / ns, y1 = (iy + 1) / ns;
        double xc = faceXc(face), yc = faceYc(face);
        // z extremes: S vertex (x0,y0) and N vertex (x1,y1); lon extremes among all vertices
        b[0] = vertexZ(yc + 0.5 * (x0 + y0 - 1));
        b[1] = vertexZ(yc + 0.5 * (x1 + y1 - 1));
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        boolean pole = false;
        for (int k = 0; k < 4; k++) {
            double x = (k == 1 || k == 2) ? x1 : x0;
            double y = (k >= 2) ? y1 : y0;
            double bx = xc + 0.5 * (x - y);
            double by = yc + 0.5 * (x + y - 1);
            double tt;
            if (Math.abs(by) <= 0.5) {
                tt = bx;
            } else {
                double t = 2 * (1 - Math.abs(by));
                if (t <= 0) {
                    pole = true;
                    continue;
                }
                tt = xc + (bx - xc) / t;
            }
            lo = Math.min(lo, tt);
            hi = Math.max(hi, tt);
        }
        if (pole) {
            lo = Math.min(lo, xc - 0.5);
            hi = Math.max(hi, xc + 0.5);
        }
        b[2] = lo * 90.0;
        b[3] = hi * 90.0;
    }

    private static double vertexZ(double by) {
        if (Math.abs(by) <= 0.5) return by * (4.0 / 3.0);
        double t = 2 * (1 - Math.abs(by));
        return Math.copySign(1 - t * t / 3, by);
    }

    // ------------------------------------------------------------------------------------------
    // Hierarchy

    private static void checkDepths(int coarse, int fine, String what) {
        checkDepth(coarse);
        checkDepth(fine);
        if (coarse > fine) throw new IllegalArgumentException(what + ": depth " + coarse + " is finer than " + fine);
    }

    private static void checkIdAt(long id, int depth) {
        if (!isValid(id, depth)) throw new IllegalArgumentException("cell id " + id + " invalid at depth " + depth);
    }

    /**
     * Parent (ancestor) of a cell: {@code id >>> 2*(depth-parentDepth)}.
     *
     * @throws IllegalArgumentException if depths are out of range, parentDepth &gt; depth, or id invalid
     */
    public static long parent(long id, int depth, int parentDepth) {
        checkDepths(parentDepth, depth, "parent");
        checkIdAt(id, depth);
        return id >>> (2 * (depth - parentDepth));
    }

    /**
     * First descendant of a cell at a finer depth: {@code id << 2*(childDepth-depth)}.
     *
     * @throws IllegalArgumentException if depths are out of range, childDepth &lt; depth, or id invalid
     */
    public static long firstChild(long id, int depth, int childDepth) {
        checkDepths(depth, childDepth, "firstChild");
        checkIdAt(id, depth);
        return id << (2 * (childDepth - depth));
    }

    /**
     * Exclusive end of the range of descendants of a cell at a finer depth: {@code (id+1) << 2*(childDepth-depth)}.
     *
     * @throws IllegalArgumentException if depths are out of range, childDepth &lt; depth, or id invalid
     */
    public static long childrenEnd(long id, int depth, int childDepth) {
        checkDepths(depth, childDepth, "childrenEnd");
        checkIdAt(id, depth);
        return (id + 1) << (2 * (childDepth - depth));
    }

    /** Whether depth is in 0..29 and id in {@code [0, 12*4^depth)}. */
    public static boolean isValid(long id, int depth) {
        return depth >= 0 && depth <= MAX_DEPTH && id >= 0 && id < (12L << (2 * depth));
    }

    @Override
    public String toString() {
        return "HealpixGrid[" + ellipsoid + ", depth " + depth + "]";
    }
}
