package org.healpixzarr.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.sis.referencing.CommonCRS;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.DggsStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

class TargetGridTest {
    @TempDir
    Path dir;

    @Test
    void decodesTheSupportedCodesAndNamesThemOtherwise() throws Exception {
        assertSame(CommonCRS.defaultGeographic(), Crs.decode("CRS:84"));
        for (String c : new String[] {"OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}) {
            assertSame(CommonCRS.defaultGeographic(), Crs.decode(c), c);
        }
        for (String c : new String[] {"EPSG:4326", "epsg:4326", "urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:EPSG:9.9:4326",
                "urn:x-ogc:def:crs:EPSG:4326", "http://www.opengis.net/def/crs/EPSG/0/4326", "https://www.opengis.net/def/crs/EPSG/0/4326"}) {
            assertSame(CommonCRS.WGS84.geographic(), Crs.decode(c), c);
        }
        for (String c : new String[] {"EPSG:3857", "EPSG:900913", "EPSG:102100", "EPSG:3785", "http://www.opengis.net/def/crs/EPSG/0/3857"}) {
            assertEquals("WGS 84 / Pseudo-Mercator", Crs.decode(c).getName().getCode(), c);
        }
        assertEquals("WGS 84 / UTM zone 33N", Crs.decode("EPSG:32633").getName().getCode());
        assertEquals("WGS 84 / UTM zone 1S", Crs.decode("EPSG:32701").getName().getCode());
        for (String bad : new String[] {"EPSG:2154", "EPSG:32661", "EPSG:32600", "FOO", "", "EPSG:", "urn:ogc:def:crs:EPSG::3395"}) {
            DataException e = assertThrows(DataException.class, () -> Crs.decode(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("EPSG:3857"), e.getMessage());
        }
        assertNull(Crs.canonical(null));
        assertEquals("EPSG:3857", Crs.canonical("urn:ogc:def:crs:EPSG::900913"));
    }

    @Test
    void crs84PixelCentresAndSize() throws Exception {
        TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {10, 40, 12, 41}, 4, 2);
        assertEquals(4, g.width());
        assertEquals(2, g.height());
        assertEquals(10.25, g.lon()[0], 1e-12);
        assertEquals(40.75, g.lat()[0], 1e-12);
        assertEquals(11.75, g.lon()[7], 1e-12);
        assertEquals(40.25, g.lat()[7], 1e-12);
        // a pixel is 0.5 deg both ways: the larger side is the north-south one, 0.5 deg of a great circle
        assertEquals(Math.toRadians(0.5) * TargetGrid.EARTH_RADIUS, g.pixelSizeMetres(), 1);
    }

    /** EPSG:4326 boxes are lat,lon: the image is still north-up with x east. */
    @Test
    void epsg4326AxisOrder() throws Exception {
        TargetGrid g = TargetGrid.of(Crs.decode("EPSG:4326"), new double[] {40, 10, 41, 12}, 4, 2);
        assertEquals(10.25, g.lon()[0], 1e-12);
        assertEquals(40.75, g.lat()[0], 1e-12);
        assertEquals(11.75, g.lon()[7], 1e-12);
        assertEquals(40.25, g.lat()[7], 1e-12);
        assertThrows(DataException.class, () -> TargetGrid.of(Crs.decode("EPSG:4326"), new double[] {41, 10, 40, 12}, 4, 2));
        assertThrows(DataException.class, () -> TargetGrid.of(Crs.decode("EPSG:4326"), new double[] {40, 10, 41, 12}, 0, 2));
    }

    /**
     * The separable path (one row and one column transformed) gives the very bits of the full transform, NaN
     * pattern included, on random boxes in CRS:84, EPSG:4326 and EPSG:3857: across the antimeridian, past the
     * poles, the whole world, metre-sized, 1-pixel-wide; UTM never takes it.
     */
    @Test
    void separableCentresEqualTheFullTransformToTheBit() throws Exception {
        long seed = System.nanoTime();
        System.out.println("TargetGridTest.separableCentresEqualTheFullTransformToTheBit seed " + seed);
        java.util.Random rnd = new java.util.Random(seed);
        String[] codes = {"CRS:84", "EPSG:4326", "EPSG:3857", "EPSG:32633"};
        int separable = 0, rectilinear = 0;
        for (int t = 0; t < 400; t++) {
            String code = codes[t % codes.length];
            CoordinateReferenceSystem crs = Crs.decode(code);
            double[] box;
            double span = Math.pow(10, -5 + 7.5 * rnd.nextDouble()); // 1e-5 .. 3e2 degrees
            double cx = -200 + 400 * rnd.nextDouble(), cy = -100 + 200 * rnd.nextDouble();
            double sx = span * (0.2 + rnd.nextDouble()), sy = span * (0.2 + rnd.nextDouble());
            if (t % 17 == 0) { cx = 0; cy = 0; sx = 360; sy = 180; }
            switch (code) {
                case "EPSG:4326": box = new double[] {cy - sy / 2, cx - sx / 2, cy + sy / 2, cx + sx / 2}; break;
                case "EPSG:3857": {
                    double k = 20037508.342789244 / 180;
                    box = new double[] {(cx - sx / 2) * k, (cy - sy / 2) * 2 * k, (cx + sx / 2) * k, (cy + sy / 2) * 2 * k};
                    break;
                }
                case "EPSG:32633": {
                    double m = Math.min(span, 5) * 111_000;
                    box = new double[] {500_000 - m, 5e6 - m, 500_000 + m, 5e6 + m};
                    break;
                }
                default: box = new double[] {cx - sx / 2, cy - sy / 2, cx + sx / 2, cy + sy / 2};
            }
            int w = t % 23 == 0 ? 1 : 1 + rnd.nextInt(300), h = t % 29 == 0 ? 1 : 1 + rnd.nextInt(300);
            var geometry = TargetGrid.gridGeometry(crs, box, w, h);
            TargetGrid fast = TargetGrid.of(geometry), full = TargetGrid.of(geometry, false);
            String what = code + " " + java.util.Arrays.toString(box) + " " + w + "x" + h + " (seed " + seed + ")";
            assertTrue(java.util.Arrays.equals(full.lon(), fast.lon()), "lon of " + what);
            assertTrue(java.util.Arrays.equals(full.lat(), fast.lat()), "lat of " + what);
            assertEquals(full.pixelSizeMetres(), fast.pixelSizeMetres(), what);
            assertEquals(!code.equals("EPSG:32633"), fast.separable, "separable path taken for " + what);
            Splat direct = fast.splat(), spread = Splat.of(full.lon(), full.lat(), w);
            assertTrue(direct == null ? spread == null || !fast.separable : direct.sameAs(spread), "splat of " + what);
            if (fast.separable && spread != null) rectilinear++;
            if (fast.separable) separable++;
        }
        assertEquals(300, separable);
        assertTrue(rectilinear > 200, rectilinear + " rectilinear");
    }

    /** Splat.ofSeparable on rows and columns without positions (ends, middle) equals Splat.of of the spread pixels. */
    @Test
    void splatOfSeparableEqualsSplatOfTheSpreadPixels() {
        double n = Double.NaN;
        double[][] cols = {{1, 2, 3, 4}, {n, 2, 3, n}, {n, n, 3, 4}, {1, n, 3, 4}, {n, n, n, n}, {4, 3, 2, 1}, {1, 1, 2, 3},
                {-500, 0, 500, 700}, {Double.POSITIVE_INFINITY, 1, 2, 3}};
        double[][] rows = {{10, 9, 8}, {95, 89, 88}, {91, n, 5}, {-89, -90, -91}, {n, n, n}, {1, 2, 3}, {5, 5, 4}};
        int nonNull = 0;
        for (double[] c : cols) {
            for (double[] r : rows) {
                double[] lon = new double[c.length * r.length], lat = new double[lon.length];
                for (int j = 0, p = 0; j < r.length; j++) {
                    for (int i = 0; i < c.length; i++, p++) {
                        boolean ok = TargetGrid.hasPosition(c[i], r[j]);
                        lon[p] = ok ? c[i] : Double.NaN;
                        lat[p] = ok ? r[j] : Double.NaN;
                    }
                }
                Splat a = Splat.ofSeparable(c, r), b = Splat.of(lon, lat, c.length);
                String what = java.util.Arrays.toString(c) + " x " + java.util.Arrays.toString(r);
                assertTrue(a == null ? b == null : a.sameAs(b), what + ": " + a + " vs " + b);
                if (a != null) nonNull++;
            }
        }
        assertTrue(nonNull >= 10, nonNull + " structures");
    }

    /** Against the closed-form inverse of spherical (pseudo-)Mercator on a = 6378137 m. */
    @Test
    void webMercatorPixelCentres() throws Exception {
        double a = 6378137;
        double[] box = {-20037508.34, -15e6, 20037508.34, 18e6};
        int w = 64, h = 48;
        TargetGrid g = TargetGrid.of(Crs.decode("EPSG:3857"), box, w, h);
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                double x = box[0] + (i + 0.5) * (box[2] - box[0]) / w, y = box[3] - (j + 0.5) * (box[3] - box[1]) / h;
                double lon = Math.toDegrees(x / a), lat = Math.toDegrees(2 * Math.atan(Math.exp(y / a)) - Math.PI / 2);
                assertEquals(lon, g.lon()[j * w + i], 1e-9);
                assertEquals(lat, g.lat()[j * w + i], 1e-9);
            }
        }
        // ground size at the centre: the Mercator pixel divided by the scale factor sec(lat) there
        double cy = (box[1] + box[3]) / 2, latC = 2 * Math.atan(Math.exp(cy / a)) - Math.PI / 2;
        double side = Math.max((box[2] - box[0]) / w, (box[3] - box[1]) / h) * Math.cos(latC);
        assertEquals(side, g.pixelSizeMetres(), side * 0.01);
    }

    /** Against the Krüger series inverse of transverse Mercator (Karney 2011, to n^3). */
    @Test
    void utmPixelCentres() throws Exception {
        for (int code : new int[] {32633, 32719}) {
            boolean south = code > 32700;
            int zone = code % 100;
            double[] box = {300_000, south ? 6_000_000 : 5_000_000, 700_000, south ? 6_300_000 : 5_200_000};
            int w = 40, h = 30;
            TargetGrid g = TargetGrid.of(Crs.decode("EPSG:" + code), box, w, h);
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    double e = box[0] + (i + 0.5) * (box[2] - box[0]) / w, n = box[3] - (j + 0.5) * (box[3] - box[1]) / h;
                    double[] ll = utmInverse(e, n - (south ? 10_000_000 : 0), -183 + 6 * zone);
                    assertEquals(ll[0], g.lon()[j * w + i], 1e-8, "lon " + i + "," + j);
                    assertEquals(ll[1], g.lat()[j * w + i], 1e-8, "lat " + i + "," + j);
                }
            }
            // 10 km pixels, scale factor ~1 near the centre; ground sizes are taken on the authalic sphere (< 0.5% off)
            assertEquals(10_000, g.pixelSizeMetres(), 10_000 * 0.006);
        }
    }

    static double[] utmInverse(double e, double n, double lon0) {
        double a = 6378137, f = 1 / 298.257223563, k0 = 0.9996;
        double nn = f / (2 - f), n2 = nn * nn, n3 = n2 * nn;
        double bigA = a / (1 + nn) * (1 + n2 / 4 + n2 * n2 / 64);
        double[] beta = {nn / 2 - 2 * n2 / 3 + 37 * n3 / 96, n2 / 48 + n3 / 15, 17 * n3 / 480};
        double[] delta = {2 * nn - 2 * n2 / 3 - 2 * n3, 7 * n2 / 3 - 8 * n3 / 5, 56 * n3 / 15};
        double xi = n / (k0 * bigA), eta = (e - 500_000) / (k0 * bigA);
        double xi1 = xi, eta1 = eta;
        for (int j = 1; j <= 3; j++) {
            xi1 -= beta[j - 1] * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
            eta1 -= beta[j - 1] * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
        }
        double chi = Math.asin(Math.sin(xi1) / Math.cosh(eta1));
        double phi = chi;
        for (int j = 1; j <= 3; j++) phi += delta[j - 1] * Math.sin(2 * j * chi);
        double lambda = Math.atan2(Math.sinh(eta1), Math.cos(xi1));
        return new double[] {lon0 + Math.toDegrees(lambda), Math.toDegrees(phi)};
    }

    @Test
    void gridGeometryRoundTrips() throws Exception {
        CoordinateReferenceSystem crs = Crs.decode("EPSG:3857");
        TargetGrid a = TargetGrid.of(crs, new double[] {0, 0, 1000, 500}, 10, 5);
        TargetGrid b = TargetGrid.of(a.gridGeometry());
        assertEquals(a.width(), b.width());
        for (int p = 0; p < 50; p++) {
            assertEquals(a.lon()[p], b.lon()[p], 0);
            assertEquals(a.lat()[p], b.lat()[p], 0);
        }
        assertEquals(crs, a.gridGeometry().getCoordinateReferenceSystem());
        assertThrows(DataException.class, () -> TargetGrid.of((org.apache.sis.coverage.grid.GridGeometry) null));
    }

    /** Frame 06110A crosses the antimeridian: a CRS:84 box from 179 to 181 E equals the brute-force expectation. */
    @Test
    void antimeridianReadEqualsBruteForce() throws Exception {
        Path store = Fixtures.convertEarthCare("ECA_EXBA_MSI_CM__2A_20250625T135845Z_20250929T143920Z_06110A.ZIP",
                dir.resolve("06110A.zarr"));
        try (DggsStore s = DggsStore.open(store)) {
            CellSampler cs = CellSampler.of(s);
            Fixtures.AllCells all = Fixtures.AllCells.of(s);
            // the latitude where the track crosses 180
            double crossLat = Double.NaN;
            for (int i = 0; i < all.ids().length; i++) if (Math.abs(Math.abs(all.lon()[i]) - 180) < 0.01) crossLat = all.lat()[i];
            assertTrue(!Double.isNaN(crossLat));
            double r = cs.radiusMetres();
            double[] box = {179.9, crossLat - 0.1, 180.1, crossLat + 0.1};
            TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), box, 80, 80);
            assertTrue(g.pixelSizeMetres() < r, g.pixelSizeMetres() + " vs " + r);
            Samples sm = cs.sample(g, List.of("cloud_mask"));
            byte[] mask = (byte[]) s.read("cloud_mask", 0, s.cellCount());
            int west = 0, east = 0;
            for (int p = 0; p < sm.size(); p++) {
                double[] nn = all.nearest(g.lon()[p], g.lat()[p], r);
                if (Math.abs(nn[1] - r) < 0.01 || nn[2] - nn[1] < 0.01) continue;
                assertEquals(nn[0] >= 0, sm.has(p), "pixel " + p);
                if (nn[0] < 0) continue;
                int row = (int) nn[0];
                assertEquals(all.ids()[row], sm.cellId(p));
                assertEquals(mask[row] == -127 ? Double.NaN : mask[row], sm.value("cloud_mask", 0, p), 0);
                if (all.lon()[row] > 0) west++;
                else east++;
            }
            assertTrue(west > 5 && east > 5, "pixels from both sides of 180: " + west + ", " + east);
            // the same box in EPSG:3857 beyond the world's edge (x > 20037508 m) samples the same cells
            double x0 = Math.toRadians(179.9) * 6378137, x1 = Math.toRadians(180.1) * 6378137;
            TargetGrid m = TargetGrid.of(Crs.decode("EPSG:3857"), new double[] {x0, -2e5, x1, 2e5}, 40, 40);
            assertTrue(m.lon()[m.width() - 1] > 180, "longitudes continue past 180: " + m.lon()[m.width() - 1]);
        }
    }
}
