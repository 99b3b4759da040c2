package org.healpixzarr.healpix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Documented vectors of healpix-geo and pinned edge cases. */
class HealpixGridTest {
    private static final HealpixGrid W3 = HealpixGrid.of(Ellipsoid.WGS84, 3);
    private static final HealpixGrid W29 = HealpixGrid.of(Ellipsoid.WGS84, 29);

    @Test
    void healpixGeoHashVector() {
        // healpix_geo: lonlat_to_healpix([0, 50, 25], [6, -12, 45], 3, ellipsoid="WGS84") -> [304, 573, 38]
        assertEquals(304, W3.hash(0, 6));
        assertEquals(573, W3.hash(50, -12));
        assertEquals(38, W3.hash(25, 45));
        long[] out = new long[3];
        W3.hash(new double[] {0, 50, 25}, new double[] {6, -12, 45}, out, 0, 3);
        assertArrayEquals(new long[] {304, 573, 38}, out);
    }

    @Test
    void healpixGeoCentreVector() {
        // healpix_to_lonlat([42, 6, 10], 3, "WGS84") -> lon [5.625, 50.625, 28.125], lat [41.93785391, 19.55202227, 19.55202227]
        long[] ids = {42, 6, 10};
        double[] lon = {5.625, 50.625, 28.125};
        double[] lat = {41.93785391, 19.55202227, 19.55202227};
        for (int i = 0; i < 3; i++) {
            double[] c = W3.center(ids[i]);
            assertEquals(lon[i], c[0], 1e-8, "lon of " + ids[i]);
            assertEquals(lat[i], c[1], 1e-8, "lat of " + ids[i]);
        }
    }

    @Test
    void basics() {
        assertSame(W29, HealpixGrid.of(Ellipsoid.WGS84, 29));
        assertEquals(29, W29.depth());
        assertEquals(1L << 29, W29.nside());
        assertEquals(12L << 58, W29.cellCount());
        assertEquals(12, HealpixGrid.of(Ellipsoid.SPHERE, 0).cellCount());
        assertThrows(IllegalArgumentException.class, () -> HealpixGrid.of(Ellipsoid.WGS84, -1));
        assertThrows(IllegalArgumentException.class, () -> HealpixGrid.of(Ellipsoid.WGS84, 30));
        // sqrt(pi/3) * R_authalic = 6,519,621.8 m (DESIGN.md rounds it to ~6,519,623 m)
        assertEquals(Math.sqrt(Math.PI / 3) * 6371007.180918475, HealpixGrid.of(Ellipsoid.WGS84, 0).cellEdgeMetres(), 1e-6);
        assertEquals(6_519_623, HealpixGrid.of(Ellipsoid.WGS84, 0).cellEdgeMetres(), 2.0);
        assertEquals(6_519_621.8 / (1 << 19), HealpixGrid.of(Ellipsoid.WGS84, 19).cellEdgeMetres(), 1e-3);
        assertEquals(0.0121, W29.cellEdgeMetres(), 1e-4);
        assertEquals(W29.cellEdgeMetres(), HealpixGrid.of(Ellipsoid.SPHERE, 29).cellEdgeMetres(), 1e-9);
    }

    @Test
    void polesGiveThePolarCell() {
        for (int depth : new int[] {0, 1, 3, 14, 29}) {
            for (Ellipsoid e : Ellipsoid.values()) {
                HealpixGrid g = HealpixGrid.of(e, depth);
                long n = g.nside();
                for (double lon = -720; lon <= 720; lon += 7.5) {
                    long north = g.hash(lon, 90);
                    long south = g.hash(lon, -90);
                    int quadrant = (int) Math.floorMod((long) Math.floor(lon / 90), 4L);
                    // north: face = quadrant, (ix, iy) = (n-1, n-1); south: face 8+quadrant, (0, 0)
                    assertEquals(g.encode(quadrant, n - 1, n - 1), north, "north pole lon " + lon + " depth " + depth);
                    assertEquals(g.encode(8 + quadrant, 0, 0), south, "south pole lon " + lon + " depth " + depth);
                }
            }
        }
    }

    @Test
    void invalidInputGivesMinusOne() {
        for (HealpixGrid g : new HealpixGrid[] {W3, W29, HealpixGrid.of(Ellipsoid.SPHERE, 10)}) {
            assertEquals(-1, g.hash(0, Double.NaN));
            assertEquals(-1, g.hash(Double.NaN, 0));
            assertEquals(-1, g.hash(Double.POSITIVE_INFINITY, 0));
            assertEquals(-1, g.hash(Double.NEGATIVE_INFINITY, 10));
            assertEquals(-1, g.hash(0, Double.POSITIVE_INFINITY));
            assertEquals(-1, g.hash(0, Double.NEGATIVE_INFINITY));
            assertEquals(-1, g.hash(0, 90.0000001));
            assertEquals(-1, g.hash(0, Math.nextUp(90.0)));
            assertEquals(-1, g.hash(0, Math.nextDown(-90.0)));
            assertEquals(-1, g.hash(0, -1000));
            assertTrue(g.hash(1e300, 0) >= 0);
            assertTrue(g.hash(-Double.MAX_VALUE, 0) >= 0);
        }
    }

    @Test
    void antimeridianAndWrapping() {
        for (double lat = -90; lat <= 90; lat += 0.37) {
            assertEquals(W29.hash(180, lat), W29.hash(-180, lat), "lat " + lat);
            assertEquals(W29.hash(12.25, lat), W29.hash(372.25, lat));
            assertEquals(W29.hash(12.25, lat), W29.hash(-347.75, lat));
            assertEquals(W29.hash(-0.0, lat), W29.hash(0.0, lat));
            assertEquals(W29.hash(-0.0, lat), W29.hash(360.0, lat));
        }
    }

    @Test
    void idsInRangeAtExtremeDepths() {
        long max = 12L << 58;
        assertTrue(max < (1L << 62));
        double[][] pts = {{0, 0}, {-180, -90}, {180, 90}, {179.99999999999997, 89.99999999}, {-0.0000001, -89.9999999}, {359.99999999999994, 0}};
        for (double[] p : pts) {
            long id = W29.hash(p[0], p[1]);
            assertTrue(id >= 0 && id < max, "id " + id);
            long id0 = HealpixGrid.of(Ellipsoid.WGS84, 0).hash(p[0], p[1]);
            assertTrue(id0 >= 0 && id0 < 12);
            assertEquals(id0, HealpixGrid.parent(id, 29, 0));
        }
        // the largest id: south pole face 11 corner (nside-1, nside-1) is the east corner at lon 360-, lat -41.9 region
        assertTrue(HealpixGrid.isValid(max - 1, 29));
        assertTrue(!HealpixGrid.isValid(max, 29));
        assertTrue(!HealpixGrid.isValid(-1, 0));
        assertTrue(!HealpixGrid.isValid(12, 0));
        assertTrue(HealpixGrid.isValid(11, 0));
        assertTrue(!HealpixGrid.isValid(0, 30));
        assertThrows(IllegalArgumentException.class, () -> W29.center(max));
        assertThrows(IllegalArgumentException.class, () -> W29.center(-1));
        assertThrows(IllegalArgumentException.class, () -> W29.neighbours(max));
    }

    @Test
    void depthZeroFaces() {
        HealpixGrid g = HealpixGrid.of(Ellipsoid.SPHERE, 0);
        assertEquals(0, g.hash(45, 60));
        assertEquals(3, g.hash(-45, 60));
        assertEquals(4, g.hash(0, 0));
        assertEquals(5, g.hash(90, 0));
        assertEquals(8, g.hash(45, -60));
        assertEquals(11, g.hash(-45, -60));
        double[] c = g.center(4);
        assertEquals(0, c[0], 1e-12);
        assertEquals(0, c[1], 1e-12);
        c = g.center(0);
        assertEquals(45, c[0], 1e-12);
        assertEquals(Math.toDegrees(Math.asin(2.0 / 3)), c[1], 1e-12);
    }

    @Test
    void bulkRangeChecked() {
        long[] out = new long[2];
        assertThrows(IndexOutOfBoundsException.class, () -> W3.hash(new double[2], new double[1], out, 0, 2));
        W3.hash(new double[] {0, 50}, new double[] {6, -12}, out, 1, 2);
        assertArrayEquals(new long[] {0, 573}, out);
    }

    @Test
    void hierarchyStatics() {
        assertEquals(42L >>> 4, HealpixGrid.parent(42, 3, 1));
        assertEquals(42L << 6, HealpixGrid.firstChild(42, 3, 6));
        assertEquals(43L << 6, HealpixGrid.childrenEnd(42, 3, 6));
        assertEquals(42, HealpixGrid.parent(42, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> HealpixGrid.parent(42, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> HealpixGrid.firstChild(42, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> HealpixGrid.childrenEnd(42, 3, 30));
        assertThrows(IllegalArgumentException.class, () -> HealpixGrid.parent(12L << 6, 3, 1));
        assertEquals(12L << 58, HealpixGrid.childrenEnd(11, 0, 29));
    }

    @Test
    void neighboursOfKnownCells() {
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 0);
        // order S, SE, E, SW, NE, W, NW, N
        // north face 0: S=8 (4 faces meet at its S vertex), SE=5, E=-1 (3 faces meet), SW=4, NE=1, W=-1, NW=3, N=2 (across the pole)
        assertArrayEquals(new long[] {8, 5, -1, 4, 1, -1, 3, 2}, g.neighbours(0));
        // equatorial face 4: S=-1, SE=8, E=5, SW=11, NE=0, W=7, NW=3, N=-1
        assertArrayEquals(new long[] {-1, 8, 5, 11, 0, 7, 3, -1}, g.neighbours(4));
        // south face 8: S=10 (across the pole), SE=9, E=-1, SW=11, NE=5, W=-1, NW=4, N=0
        assertArrayEquals(new long[] {10, 9, -1, 11, 5, -1, 4, 0}, g.neighbours(8));
    }

    @Test
    void gridHashEqualsPointHash() {
        long seed = Seeds.seed("gridHashEqualsPointHash");
        java.util.Random r = new java.util.Random(seed);
        for (int t = 0; t < 300; t++) {
            HealpixGrid g = HealpixGrid.of(r.nextBoolean() ? Ellipsoid.WGS84 : Ellipsoid.SPHERE, r.nextInt(30));
            int w = 1 + r.nextInt(30), h = 1 + r.nextInt(30);
            double lon0 = -720 + r.nextDouble() * 1440, lat0 = -95 + r.nextDouble() * 190;
            double dLon = r.nextDouble() * (r.nextBoolean() ? 1e-5 : 20), dLat = -r.nextDouble() * (r.nextBoolean() ? 1e-5 : 10);
            double[] lon = new double[w], lat = new double[h];
            for (int i = 0; i < w; i++) lon[i] = lon0 + i * dLon;
            for (int j = 0; j < h; j++) lat[j] = lat0 + j * dLat;
            // special values: poles, the antimeridian, no position
            if (r.nextInt(4) == 0) lat[r.nextInt(h)] = r.nextBoolean() ? 90 : -90;
            if (r.nextInt(4) == 0) lat[r.nextInt(h)] = Double.NaN;
            if (r.nextInt(4) == 0) lon[r.nextInt(w)] = r.nextBoolean() ? 180 : -180;
            if (r.nextInt(4) == 0) lon[r.nextInt(w)] = r.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY;
            long[] out = new long[w * h + 3];
            java.util.Arrays.fill(out, 7);
            g.hashGrid(lon, lat, out);
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    assertEquals(g.hash(lon[i], lat[j]), out[j * w + i], "seed " + seed + ", " + g + " at " + lon[i] + ", " + lat[j]);
                }
            }
            assertEquals(7, out[w * h], "nothing written past the grid");
        }
        assertThrows(IllegalArgumentException.class, () -> W3.hashGrid(new double[3], new double[3], new long[8]));
    }
}
