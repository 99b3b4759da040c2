package org.healpixzarr.input.tessera;

/**
 * WGS84 UTM, forward and inverse, by the Krüger series to order n^6 (Karney 2011, "Transverse Mercator with an
 * accuracy of a few nanometers", J. Geodesy 85). Forward (a few points: tile corners): geodetic to conformal
 * latitude in closed form, then the series from the conformal sphere to the rectifying plane. Inverse, for a
 * whole regular grid at once: the series from the rectifying plane to the conformal sphere, then the
 * conformal-to-geodetic latitude series.
 *
 * <p>The grid is separable: every row shares its northing and so {@code ξ'}, every column its easting and so
 * {@code η'}. The series terms {@code sin(2jξ')}, {@code cos(2jξ')} are computed once per row and
 * {@code sinh(2jη')}, {@code cosh(2jη')} once per column, so a pixel costs a few dozen multiply-adds, one square
 * root and two {@code StrictMath.atan2}; the per-row and per-column transcendental functions are
 * {@code StrictMath} too, so the result is the same on every platform (no {@code Math} intrinsic whose last bit
 * may vary). Nothing is interpolated: every pixel gets the full series. Truncation error is of order n^7 (below a
 * nanometre); within a UTM zone the positions agree with PROJ (pyproj) within 1e-13 degree and with Apache SIS
 * within 1.5e-10 degree (SIS's own departure from PROJ), which the tests check on millions of points.
 *
 * <p>Immutable, thread-safe.
 */
final class Utm {
    private static final double A = 6378137.0, F = 1 / 298.257223563, K0 = 0.9996, FE = 500_000, FN_SOUTH = 10_000_000;
    private static final double N = F / (2 - F);
    /** Rectifying radius times k0. */
    private static final double K0A;
    /** Conformal sphere (ξ', η') to rectifying plane: ζ = ζ' + Σ α_j sin(2jζ'). Index 1..6. */
    private static final double[] ALPHA = new double[7];
    /** First eccentricity. */
    private static final double E = Math.sqrt(F * (2 - F));
    /** Rectifying (ξ', η') to conformal-sphere (ξ, η): ζ = ζ' - Σ β_j sin(2jζ'). Index 1..6. */
    private static final double[] BETA = new double[7];
    /** Conformal latitude χ to geodetic φ: φ = χ + Σ δ_j sin(2jχ). Index 1..6. */
    private static final double[] DELTA = new double[7];
    static final int ORDER = 6;

    static {
        double n = N, n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
        K0A = K0 * A / (1 + n) * (1 + n2 / 4 + n4 / 64 + n6 / 256);
        ALPHA[1] = n / 2 - 2 * n2 / 3 + 5 * n3 / 16 + 41 * n4 / 180 - 127 * n5 / 288 + 7891 * n6 / 37800;
        ALPHA[2] = 13 * n2 / 48 - 3 * n3 / 5 + 557 * n4 / 1440 + 281 * n5 / 630 - 1983433 * n6 / 1935360;
        ALPHA[3] = 61 * n3 / 240 - 103 * n4 / 140 + 15061 * n5 / 26880 + 167603 * n6 / 181440;
        ALPHA[4] = 49561 * n4 / 161280 - 179 * n5 / 168 + 6601661 * n6 / 7257600;
        ALPHA[5] = 34729 * n5 / 80640 - 3418889 * n6 / 1995840;
        ALPHA[6] = 212378941 * n6 / 319334400;
        BETA[1] = n / 2 - 2 * n2 / 3 + 37 * n3 / 96 - n4 / 360 - 81 * n5 / 512 + 96199 * n6 / 604800;
        BETA[2] = n2 / 48 + n3 / 15 - 437 * n4 / 1440 + 46 * n5 / 105 - 1118711 * n6 / 3870720;
        BETA[3] = 17 * n3 / 480 - 37 * n4 / 840 - 209 * n5 / 4480 + 5569 * n6 / 90720;
        BETA[4] = 4397 * n4 / 161280 - 11 * n5 / 504 - 830251 * n6 / 7257600;
        BETA[5] = 4583 * n5 / 161280 - 108847 * n6 / 3991680;
        BETA[6] = 20648693 * n6 / 638668800;
        DELTA[1] = 2 * n - 2 * n2 / 3 - 2 * n3 + 116 * n4 / 45 + 26 * n5 / 45 - 2854 * n6 / 675;
        DELTA[2] = 7 * n2 / 3 - 8 * n3 / 5 - 227 * n4 / 45 + 2704 * n5 / 315 + 2323 * n6 / 945;
        DELTA[3] = 56 * n3 / 15 - 136 * n4 / 35 - 1262 * n5 / 105 + 73814 * n6 / 2835;
        DELTA[4] = 4279 * n4 / 630 - 332 * n5 / 35 - 399572 * n6 / 14175;
        DELTA[5] = 4174 * n5 / 315 - 144838 * n6 / 6237;
        DELTA[6] = 601676 * n6 / 22275;
    }

    private final double lon0;
    private final double falseNorthing;

    /**
     * @param zone  UTM zone 1..60
     * @param north northern hemisphere (false northing 0) or southern (10,000 km)
     */
    Utm(int zone, boolean north) {
        this.lon0 = -183.0 + 6.0 * zone;
        this.falseNorthing = north ? 0 : FN_SOUTH;
    }

    /**
     * Easting and northing (metres) of {@code (lonDeg, latDeg)}, |lat| < 90, within a few degrees of the zone:
     * {@code {E, N}}. StrictMath throughout (a few points per tile).
     */
    double[] forward(double lonDeg, double latDeg) {
        double lam = Math.toRadians(lonDeg - lon0), phi = Math.toRadians(latDeg);
        double tau = StrictMath.tan(phi);
        double sig = StrictMath.sinh(E * atanh(E * tau / StrictMath.hypot(1, tau)));
        double taup = tau * StrictMath.hypot(1, sig) - sig * StrictMath.hypot(1, tau); // tan of the conformal latitude
        double cl = StrictMath.cos(lam), sl = StrictMath.sin(lam);
        double xip = StrictMath.atan2(taup, cl);
        double etap = asinh(sl / StrictMath.hypot(taup, cl));
        double xi = xip, eta = etap;
        for (int j = 1; j <= ORDER; j++) {
            xi += ALPHA[j] * StrictMath.sin(2 * j * xip) * StrictMath.cosh(2 * j * etap);
            eta += ALPHA[j] * StrictMath.cos(2 * j * xip) * StrictMath.sinh(2 * j * etap);
        }
        return new double[] {FE + K0A * eta, falseNorthing + K0A * xi};
    }

    private static double atanh(double x) {
        return 0.5 * StrictMath.log1p(2 * x / (1 - x));
    }

    private static double asinh(double x) {
        double a = Math.abs(x);
        return Math.copySign(StrictMath.log1p(a + a * a / (1 + StrictMath.hypot(1, a))), x);
    }

    /**
     * Longitude and latitude (degrees) of the grid points {@code (eastings[c], northings[r])} for all rows r and
     * columns c, row by row: point {@code (r, c)} goes to index {@code r * eastings.length + c}.
     */
    void grid(double[] eastings, double[] northings, double[] lon, double[] lat) {
        int nc = eastings.length, nr = northings.length;
        // per column: η', sinh η', cosh η', and β_j sinh(2jη'), β_j cosh(2jη') (j = 1..6, at [c * 6 + j - 1])
        double[] shp = new double[nc], chp = new double[nc];
        double[] bsh = new double[nc * ORDER], bch = new double[nc * ORDER];
        for (int c = 0; c < nc; c++) {
            double eta = (eastings[c] - FE) / K0A;
            shp[c] = StrictMath.sinh(eta);
            chp[c] = StrictMath.cosh(eta);
            for (int j = 1; j <= ORDER; j++) {
                bsh[c * ORDER + j - 1] = BETA[j] * StrictMath.sinh(2 * j * eta);
                bch[c * ORDER + j - 1] = BETA[j] * StrictMath.cosh(2 * j * eta);
            }
        }
        // per row: sin ξ', cos ξ', sin(2jξ'), cos(2jξ')
        double[] sn = new double[ORDER], cs = new double[ORDER];
        for (int r = 0; r < nr; r++) {
            double xi = (northings[r] - falseNorthing) / K0A;
            double sxp = StrictMath.sin(xi), cxp = StrictMath.cos(xi);
            for (int j = 1; j <= ORDER; j++) {
                sn[j - 1] = StrictMath.sin(2 * j * xi);
                cs[j - 1] = StrictMath.cos(2 * j * xi);
            }
            int base = r * nc;
            for (int c = 0; c < nc; c++) {
                int o = c * ORDER;
                // d = ξ' - ξ, e = η' - η (both |.| < 2e-3 in a zone)
                double d = 0, e = 0;
                for (int j = 0; j < ORDER; j++) {
                    d += sn[j] * bch[o + j];
                    e += cs[j] * bsh[o + j];
                }
                double d2 = d * d, e2 = e * e;
                double sind = d * (1 - d2 / 6 * (1 - d2 / 20 * (1 - d2 / 42)));
                double cosd = 1 - d2 / 2 * (1 - d2 / 12 * (1 - d2 / 30 * (1 - d2 / 56)));
                double sinhe = e * (1 + e2 / 6 * (1 + e2 / 20 * (1 + e2 / 42)));
                double coshe = 1 + e2 / 2 * (1 + e2 / 12 * (1 + e2 / 30 * (1 + e2 / 56)));
                double sxi = sxp * cosd - cxp * sind;         // sin(ξ' - d)
                double cxi = cxp * cosd + sxp * sind;         // cos(ξ' - d)
                double sheta = shp[c] * coshe - chp[c] * sinhe; // sinh(η' - e)
                double cheta = chp[c] * coshe - shp[c] * sinhe; // cosh(η' - e)
                double rr = Math.sqrt(sheta * sheta + cxi * cxi); // correctly rounded: same everywhere
                double chi = StrictMath.atan2(sxi, rr);
                // sin 2χ, cos 2χ from sin χ = sin ξ / cosh η, cos χ = rr / cosh η
                double s = sxi / cheta, k = rr / cheta;
                double s2 = 2 * s * k, c2 = (k - s) * (k + s);
                double t = 2 * c2, b1 = 0, b2 = 0;
                for (int j = ORDER; j >= 1; j--) {
                    double b0 = t * b1 - b2 + DELTA[j];
                    b2 = b1;
                    b1 = b0;
                }
                lat[base + c] = Math.toDegrees(chi + b1 * s2);
                lon[base + c] = lon0 + Math.toDegrees(StrictMath.atan2(sheta, cxi));
            }
        }
    }
}
