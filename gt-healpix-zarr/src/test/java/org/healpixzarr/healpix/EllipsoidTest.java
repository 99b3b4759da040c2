package org.healpixzarr.healpix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EllipsoidTest {
    private static final double F = 1 / 298.257223563, E2 = F * (2 - F), E = Math.sqrt(E2);

    /** Closed form q(phi); sin(beta) = q(phi)/q(pi/2). Accurate away from the poles. */
    private static double q(double phi) {
        double s = Math.sin(phi);
        return (1 - E2) * (s / (1 - E2 * s * s) + 0.5 * Math.log((1 + E * s) / (1 - E * s)) / E);
    }

    @Test
    void seriesMatchesClosedForm() {
        Random rnd = new Random(Seeds.seed("EllipsoidTest.seriesMatchesClosedForm"));
        double qp = q(Math.PI / 2);
        double maxErr = 0;
        for (int i = 0; i < 100_000; i++) {
            double phi = Math.toRadians(-89.9 + 179.8 * rnd.nextDouble());
            double exact = Math.asin(q(phi) / qp);
            // the double closed form is itself ill-conditioned towards the poles (asin' = 1/cos(beta)):
            // scale the tolerance with it; the series is the more accurate of the two there
            double err = Math.abs(Ellipsoid.WGS84.toAuthalic(phi) - exact) * Math.cos(exact);
            maxErr = Math.max(maxErr, err);
        }
        assertTrue(maxErr < 1e-15, "max error * cos(beta) " + maxErr);
        assertEquals(0, Ellipsoid.WGS84.toAuthalic(0), 0);
        assertEquals(Math.PI / 2, Ellipsoid.WGS84.toAuthalic(Math.PI / 2), 1e-16);
        // maximum difference phi - beta ~ 0.128 degrees at 45 degrees
        assertEquals(0.1283, Math.toDegrees(Math.PI / 4 - Ellipsoid.WGS84.toAuthalic(Math.PI / 4)), 1e-4);
    }

    @Test
    void inverseRoundTrips() {
        Random rnd = new Random(Seeds.seed("EllipsoidTest.inverseRoundTrips"));
        for (int i = 0; i < 100_000; i++) {
            double phi = Math.toRadians(-90 + 180 * rnd.nextDouble());
            assertEquals(phi, Ellipsoid.WGS84.fromAuthalic(Ellipsoid.WGS84.toAuthalic(phi)), 2e-15);
            assertEquals(phi, Ellipsoid.SPHERE.toAuthalic(phi), 0);
            assertEquals(phi, Ellipsoid.SPHERE.fromAuthalic(phi), 0);
        }
    }

    @Test
    void constantsAndParse() {
        assertEquals(6378137.0, Ellipsoid.WGS84.semiMajorAxis());
        assertEquals(298.257223563, Ellipsoid.WGS84.inverseFlattening());
        assertEquals(6371007.180918475, Ellipsoid.SPHERE.semiMajorAxis());
        assertEquals(0.0, Ellipsoid.SPHERE.inverseFlattening());
        assertEquals(6371007.180918475, Ellipsoid.WGS84.authalicRadius(), 1e-6);
        assertSame(Ellipsoid.WGS84, Ellipsoid.parse("WGS84"));
        assertSame(Ellipsoid.WGS84, Ellipsoid.parse("wgs84"));
        assertSame(Ellipsoid.SPHERE, Ellipsoid.parse("sphere"));
        assertSame(Ellipsoid.SPHERE, Ellipsoid.parse("SPHERE"));
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Ellipsoid.parse("GRS80"));
        assertTrue(ex.getMessage().contains("WGS84") && ex.getMessage().contains("sphere"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ellipsoid.parse(null));
    }
}
