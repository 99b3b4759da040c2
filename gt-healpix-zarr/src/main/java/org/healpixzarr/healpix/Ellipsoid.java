package org.healpixzarr.healpix;

import java.util.Locale;

/**
 * Figure of the Earth on which HEALPix cells are laid out.
 *
 * <p>For {@link #WGS84}, geodetic latitudes are mapped to <em>authalic</em> latitudes (the latitude on
 * the sphere of equal area, radius {@value #AUTHALIC_RADIUS_WGS84} m) and the spherical HEALPix grid
 * is applied to the authalic sphere, so every cell has the same area on the ellipsoid. The mapping
 * uses the Fourier series in the third flattening {@code n} of Karney (2023), "On auxiliary
 * latitudes", to order {@code n^6} in both directions, summed with Clenshaw's method. The truncation
 * error is of order {@code n^7} (about 4e-20 rad for WGS84), far below double rounding: results are
 * within a few ULPs (about 1e-16 rad) of the exact closed form.
 *
 * <p>{@link #SPHERE} is a sphere of radius {@value #AUTHALIC_RADIUS_WGS84} m (the authalic radius of
 * WGS84); latitudes are used as given.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum Ellipsoid {
    /** Sphere of radius {@value #AUTHALIC_RADIUS_WGS84} m; the authalic latitude is the latitude. */
    SPHERE(6371007.180918475, 0.0),
    /** WGS84: a = 6378137 m, 1/f = 298.257223563. */
    WGS84(6378137.0, 298.257223563);

    /** Authalic radius of WGS84 in metres (radius of the sphere with the same area). */
    static final double AUTHALIC_RADIUS_WGS84 = 6371007.180918475;

    /** Series order (in the third flattening n). */
    static final int ORDER = 6;

    /*
     * Karney (2023), eqs. A19/A20: coefficients of sin(2k x) as polynomials in n. Row k-1 holds the
     * polynomial coefficients of n^k .. n^6 (lowest power first).
     */
    /** Holder of the coefficient tables (enum constructors cannot read the enum's own static fields). */
    private static final class Tables {
        static final double[][] GEODETIC_TO_AUTHALIC = {
            {-4.0 / 3, -4.0 / 45, 88.0 / 315, 538.0 / 4725, 20824.0 / 467775, -44732.0 / 2837835},
            {34.0 / 45, 8.0 / 105, -2482.0 / 14175, -37192.0 / 467775, -12467764.0 / 212837625},
            {-1532.0 / 2835, -898.0 / 14175, 54968.0 / 467775, 100320856.0 / 1915538625},
            {6007.0 / 14175, 24496.0 / 467775, -5884124.0 / 70945875},
            {-23356.0 / 66825, -839792.0 / 19348875},
            {570284222.0 / 1915538625},
        };
        static final double[][] AUTHALIC_TO_GEODETIC = {
            {4.0 / 3, 4.0 / 45, -16.0 / 35, -2582.0 / 14175, 60136.0 / 467775, 28112932.0 / 212837625},
            {46.0 / 45, 152.0 / 945, -11966.0 / 14175, -21016.0 / 51975, 251310128.0 / 638512875},
            {3044.0 / 2835, 3802.0 / 14175, -94388.0 / 66825, -8797648.0 / 10945935},
            {6059.0 / 4725, 41072.0 / 93555, -1472637812.0 / 638512875},
            {768272.0 / 467775, -455935736.0 / 638512875},
            {4210684958.0 / 1915538625},
        };
    }

    private final double a;
    private final double invF;
    /** Fourier coefficients C[0..5] of sin(2kφ), k = 1..6 (geodetic -> authalic); all 0 for the sphere. */
    final double[] toAuth;
    /** Fourier coefficients of sin(2kβ) (authalic -> geodetic). */
    final double[] fromAuth;
    /** Radius of the authalic sphere in metres. */
    final double authalicRadius;

    Ellipsoid(double a, double invF) {
        this.a = a;
        this.invF = invF;
        if (invF == 0) {
            toAuth = new double[ORDER];
            fromAuth = new double[ORDER];
            authalicRadius = a;
        } else {
            double f = 1 / invF;
            double n = f / (2 - f);
            toAuth = evaluate(Tables.GEODETIC_TO_AUTHALIC, n);
            fromAuth = evaluate(Tables.AUTHALIC_TO_GEODETIC, n);
            double e2 = f * (2 - f);
            double e = Math.sqrt(e2);
            double atanhE = 0.5 * Math.log((1 + e) / (1 - e));
            authalicRadius = Math.sqrt(a * a / 2 * (1 + (1 - e2) / e * atanhE));
        }
    }

    private static double[] evaluate(double[][] table, double n) {
        double[] c = new double[ORDER];
        for (int k = 1; k <= ORDER; k++) {
            double[] poly = table[k - 1];
            double s = 0;
            for (int j = poly.length - 1; j >= 0; j--) s = s * n + poly[j];
            c[k - 1] = s * Math.pow(n, k);
        }
        return c;
    }

    /**
     * Clenshaw sum of {@code sum_k c[k-1] sin(2k x)} given {@code sin(2x)} and {@code cos(2x)}.
     */
    static double clenshaw(double[] c, double sin2x, double cos2x) {
        double x2 = 2 * cos2x;
        double b1 = 0, b2 = 0;
        for (int k = c.length - 1; k >= 0; k--) {
            double b0 = c[k] + x2 * b1 - b2;
            b2 = b1;
            b1 = b0;
        }
        return b1 * sin2x;
    }

    /**
     * Geodetic latitude to authalic latitude.
     *
     * @param latRad geodetic latitude in radians, in [-π/2, π/2] (other values are processed by the
     *     series without range check)
     * @return authalic latitude in radians; identity for {@link #SPHERE}
     */
    public double toAuthalic(double latRad) {
        if (this == SPHERE) return latRad;
        double t = 2 * latRad;
        return latRad + clenshaw(toAuth, Math.sin(t), Math.cos(t));
    }

    /**
     * Authalic latitude to geodetic latitude (inverse of {@link #toAuthalic(double)} to double
     * precision).
     *
     * @param betaRad authalic latitude in radians, in [-π/2, π/2]
     * @return geodetic latitude in radians; identity for {@link #SPHERE}
     */
    public double fromAuthalic(double betaRad) {
        if (this == SPHERE) return betaRad;
        double t = 2 * betaRad;
        return betaRad + clenshaw(fromAuth, Math.sin(t), Math.cos(t));
    }

    /**
     * Parses an ellipsoid name, case-insensitively.
     *
     * @param name {@code "WGS84"} or {@code "sphere"} (any case, surrounding blanks ignored)
     * @return the ellipsoid
     * @throws IllegalArgumentException if the name is null or not one of the accepted values
     */
    public static Ellipsoid parse(String name) {
        String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        switch (n) {
            case "WGS84":
                return WGS84;
            case "SPHERE":
                return SPHERE;
            default:
                throw new IllegalArgumentException(
                        "unknown ellipsoid '" + name + "': accepted values are \"WGS84\" and \"sphere\" (case-insensitive)");
        }
    }

    /**
     * Semi-major axis in metres: 6378137 for WGS84; for the sphere its radius,
     * {@value #AUTHALIC_RADIUS_WGS84} (the authalic radius of WGS84).
     */
    public double semiMajorAxis() {
        return a;
    }

    /** Inverse flattening 1/f: 298.257223563 for WGS84; 0 for the sphere (meaning none / infinite). */
    public double inverseFlattening() {
        return invF;
    }

    /** Radius in metres of the authalic sphere (equal area), ≈ 6371007.18 m for both constants. */
    double authalicRadius() {
        return authalicRadius;
    }
}
