package org.healpixzarr.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.DggsWriter;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.dggs.VariableSpec;
import org.healpixzarr.zarr.DataType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.operation.MathTransform;

/**
 * Nearest-observation mode: splat and gather give identical cells, chunks and rows at every pixel, equal to a
 * brute-force oracle over every observation (same chord expression), on random grids in CRS:84, EPSG:4326,
 * EPSG:3857 and UTM over jittered observations at mid latitude, across the antimeridian and around the north pole.
 * The seed is printed and can be fixed with {@code -Dnearest.seed=N}.
 */
class NearestModesTest {
    @TempDir
    static Path dir;
    static Path mid, antimeridian, pole;

    @BeforeAll
    static void stores() throws Exception {
        Random r = new Random(42);
        // ~500 m spacing, jittered; no overviews, so every pixel size samples in nearest-observation mode
        mid = dir.resolve("mid.zarr");
        write(mid, r, 110, 90, (i, j) -> new double[] {10.2 + i * 0.0064, 45.1 + j * 0.0045}, 0.3);
        antimeridian = dir.resolve("am.zarr");
        write(antimeridian, r, 100, 80, (i, j) -> new double[] {179.75 + i * 0.0048, -20.2 + j * 0.0045}, 0.3);
        pole = dir.resolve("pole.zarr");
        // a square of 600 m steps in polar stereographic-like coordinates, 0..33 km from the north pole
        write(pole, r, 111, 111, (i, j) -> {
            double x = (i - 55) * 600.0, y = (j - 55) * 600.0;
            double rho = Math.hypot(x, y);
            return new double[] {Math.toDegrees(Math.atan2(y, x)), 90 - Math.toDegrees(rho / TargetGrid.EARTH_RADIUS)};
        }, 0.3);
    }

    interface Layout {
        double[] at(double i, double j);
    }

    /** A store of nx*ny jittered points (jitter: fraction of a step of the layout), variable v = point index, small chunks. */
    static void write(Path store, Random r, int nx, int ny, Layout layout, double jitter) throws Exception {
        int n = nx * ny;
        long[] ids = new long[n];
        float[] v = new float[n];
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int m = 0;
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                double[] a = layout.at(i + (r.nextDouble() - 0.5) * jitter, j + (r.nextDouble() - 0.5) * jitter);
                double lon = a[0], lat = a[1];
                lon = ((lon + 180) % 360 + 360) % 360 - 180;
                long id = Fixtures.G29.hash(lon, Math.min(90, lat));
                if (!seen.add(id)) continue;
                ids[m] = id;
                v[m] = m;
                m++;
            }
        }
        try (DggsWriter w = DggsWriter.builder(store).chunking(700, 4)
                .variable(new VariableSpec("v", DataType.FLOAT32, 1, Float.NaN, Map.of(), VariableKind.QUANTITY))
                .build()) {
            w.add(java.util.Arrays.copyOf(ids, m), new Object[] {java.util.Arrays.copyOf(v, m)}, 0, m);
            w.finish();
        }
        Fixtures.keepLevels(store);
    }

    static long seed() {
        long seed = Long.getLong("nearest.seed", System.nanoTime());
        System.out.println("NearestModesTest seed " + seed + " (-Dnearest.seed=" + seed + " to repeat)");
        return seed;
    }

    @Test
    void randomGridsAgreeWithGatherAndBruteForce() throws Exception {
        long seed = seed();
        Random r = new Random(seed);
        int grids = 0, splatted = 0, hits = 0;
        for (Path store : new Path[] {mid, antimeridian, pole}) {
            try (DggsStore s = DggsStore.open(store)) {
                Oracle oracle = new Oracle(s, CellSampler.of(s).radiusMetres());
                for (int k = 0; k < 14; k++) {
                    String crs = new String[] {"CRS:84", "EPSG:4326", "EPSG:3857", "UTM"}[r.nextInt(4)];
                    // centre: near a random observation; pixels from 1/40 to 3 times the radius
                    int row = r.nextInt(oracle.ids.length);
                    double lon = oracle.lon[row] + (r.nextDouble() - 0.5) * 0.05, lat = Math.min(90, oracle.lat[row]
                            + (r.nextDouble() - 0.5) * 0.05);
                    if (crs.equals("EPSG:3857") && Math.abs(lat) > 80) crs = "CRS:84";
                    double px = oracle.radius * Math.exp(Math.log(1 / 40.0) + r.nextDouble() * Math.log(120));
                    int w = 16 + r.nextInt(60), h = 16 + r.nextInt(60);
                    TargetGrid g = grid(crs, lon, lat, px, w, h);
                    String what = "seed " + seed + ", " + store.getFileName() + " " + crs + " centre " + lon + " " + lat
                            + ", " + w + "x" + h + " pixels of " + px + " m";
                    hits += compare(s, oracle, g, what);
                    grids++;
                    if (Splat.of(g.lon(), g.lat(), g.width()) != null) splatted++;
                    else assertTrue(crs.equals("UTM") || crs.equals("EPSG:3857"), "not rectilinear: " + what);
                }
            }
        }
        assertTrue(splatted >= grids / 3, splatted + " of " + grids + " grids rectilinear, seed " + seed);
        assertTrue(hits > 5000, hits + " pixels with an observation, seed " + seed);
    }

    @Test
    void antimeridianPoleAndWholeWorldGrids() throws Exception {
        try (DggsStore am = DggsStore.open(antimeridian); DggsStore p = DggsStore.open(pole); DggsStore m = DggsStore.open(mid)) {
            Oracle oa = new Oracle(am, CellSampler.of(am).radiusMetres());
            Oracle op = new Oracle(p, CellSampler.of(p).radiusMetres());
            Oracle om = new Oracle(m, CellSampler.of(m).radiusMetres());
            // CRS:84 across the antimeridian: longitudes beyond 180 (one 360-degree copy of every observation west of it)
            TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {179.8, -20.1, 180.2, -19.9}, 90, 50);
            assertTrue(g.lon()[g.lon().length - 1] > 180);
            assertNotNull(Splat.of(g.lon(), g.lat(), g.width()));
            assertTrue(compare(am, oa, g, "antimeridian CRS:84") > 1000);
            // EPSG:4326 beyond the north pole: the top rows have no position; windows of the observations near the
            // pole take every column
            g = TargetGrid.of(Crs.decode("EPSG:4326"), new double[] {89.8, -180, 90.05, 180}, 120, 40);
            assertTrue(Double.isNaN(g.lat()[0]));
            assertNotNull(Splat.of(g.lon(), g.lat(), g.width()));
            assertTrue(compare(p, op, g, "pole EPSG:4326") > 1000);
            g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {-30, 89.5, 60, 90}, 64, 64);
            assertTrue(compare(p, op, g, "pole CRS:84") > 500);
            // a UTM grid over the pole: not rectilinear, gather mode
            g = grid("UTM", 0, 89.9, 300, 80, 80);
            assertNull(Splat.of(g.lon(), g.lat(), g.width()));
            assertTrue(compare(p, op, g, "pole UTM") > 1000);
            // the whole world, pixels far larger than the radius (a store without overviews samples nearest always)
            g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {-180, -90, 180, 90}, 360, 180);
            compare(m, om, g, "world CRS:84");
            compare(am, oa, g, "world CRS:84, antimeridian store");
            compare(p, op, g, "world CRS:84, pole store");
            // a large box (covered at a coarser depth than the search cells)
            g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {-10, 30, 50, 60}, 600, 300);
            compare(m, om, g, "60 x 30 degrees");
            // Mercator over the store at mid latitude, pixels about half the radius (the benchmark's 50 km case)
            g = grid("EPSG:3857", 10.5, 45.3, 200, 128, 128);
            assertNotNull(Splat.of(g.lon(), g.lat(), g.width()));
            assertTrue(compare(m, om, g, "Mercator 200 m") > 10000);
        }
    }

    @Test
    void mirroredGridsAgree() throws Exception {
        // rows ascending in latitude and columns descending in longitude (a grid geometry may flip its axes), and a
        // grid whose first and last rows are outside [-90, 90]
        try (DggsStore s = DggsStore.open(mid)) {
            Oracle oracle = new Oracle(s, CellSampler.of(s).radiusMetres());
            TargetGrid g = grid("CRS:84", 10.5, 45.3, 150, 70, 50);
            int w = g.width(), h = g.height();
            double[] lon = new double[w * h], lat = new double[w * h];
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    lon[j * w + i] = g.lon()[(h - 1 - j) * w + (w - 1 - i)];
                    lat[j * w + i] = g.lat()[(h - 1 - j) * w + (w - 1 - i)];
                }
            }
            assertNotNull(Splat.of(lon, lat, w));
            assertTrue(compare(s, oracle, lon, lat, w, g.pixelSizeMetres(), "mirrored") > 1000);
            for (int i = 0; i < w; i++) {
                lat[i] = 91;
                lat[(h - 1) * w + i] = Double.NaN;
            }
            assertNotNull(Splat.of(lon, lat, w));
            assertTrue(compare(s, oracle, lon, lat, w, g.pixelSizeMetres(), "mirrored, rows without position") > 1000);
            lat[w + 3] = Double.NaN; // one pixel without position inside the rectangle: not rectilinear, gather
            assertNull(Splat.of(lon, lat, w));
        }
    }

    @Test
    void indexFindsTheFirstKeyAbove() {
        Random r = new Random(seed());
        for (int t = 0; t < 3000; t++) {
            int n = 1 + r.nextInt(40);
            double[] a = new double[n];
            double x = r.nextGaussian();
            // steps even, or uneven by up to 1000 times (Mercator rows of the whole world: ~12 times)
            double ratio = r.nextBoolean() ? 0 : r.nextDouble() * 1000;
            for (int i = 0; i < n; i++) a[i] = x += 0.01 * (1 + ratio * r.nextDouble());
            int from = r.nextInt(n), to = from + r.nextInt(n - from);
            Splat.Index index = new Splat.Index(a, from, to);
            for (int u = 0; u < 20; u++) {
                double v = r.nextInt(4) == 0 ? a[r.nextInt(n)] : a[0] - 1 + r.nextDouble() * (a[n - 1] - a[0] + 2);
                boolean strict = r.nextBoolean();
                int expected = to + 1;
                for (int k = to; k >= from; k--) if (strict ? a[k] > v : a[k] >= v) expected = k;
                assertEquals(expected, index.first(v, strict),
                        java.util.Arrays.toString(a) + " [" + from + ", " + to + "] " + v + " " + strict);
            }
        }
    }

    @Test
    void tiesGoToTheSmallerIdInEveryMode() throws Exception {
        // observations mirrored about the prime meridian: the pixels on it are exactly as far from both of a pair
        Path eq = dir.resolve("equator.zarr");
        write(eq, new Random(7), 40, 41, (i, j) -> new double[] {(i - 19.5) * 0.0045, (j - 20) * 0.0045}, 0);
        int w = 41;
        double[] lon = new double[w * w], lat = new double[w * w];
        for (int j = 0; j < w; j++) {
            for (int i = 0; i < w; i++) {
                lon[j * w + i] = (i - 20) * 0.0011; // column 20: exactly 0
                lat[j * w + i] = (20 - j) * 0.0011;
            }
        }
        try (DggsStore s = DggsStore.open(eq)) {
            Oracle oracle = new Oracle(s, CellSampler.of(s).radiusMetres());
            assertNotNull(Splat.of(lon, lat, w));
            assertTrue(compare(s, oracle, lon, lat, w, 122, "ties") > 1000);
            assertTrue(oracle.ties >= 30, oracle.ties + " pixels with a tie");
        }
    }

    /** A grid of w x h pixels of about px metres centred on lon/lat in one of CRS:84, EPSG:4326, EPSG:3857, UTM. */
    static TargetGrid grid(String crs, double lon, double lat, double px, int w, int h) throws Exception {
        double dLat = Math.toDegrees(px / TargetGrid.EARTH_RADIUS);
        double dLon = Math.min(dLat / Math.max(1e-3, Math.cos(Math.toRadians(lat))), 300.0 / w);
        switch (crs) {
            case "CRS:84":
                return TargetGrid.of(Crs.decode(crs), new double[] {lon - w / 2.0 * dLon, lat - h / 2.0 * dLat,
                        lon + w / 2.0 * dLon, lat + h / 2.0 * dLat}, w, h);
            case "EPSG:4326":
                return TargetGrid.of(Crs.decode(crs), new double[] {lat - h / 2.0 * dLat, lon - w / 2.0 * dLon,
                        lat + h / 2.0 * dLat, lon + w / 2.0 * dLon}, w, h);
            case "EPSG:3857": {
                double a = 6378137, m = px / Math.cos(Math.toRadians(lat));
                double x = Math.toRadians(lon) * a, y = a * Math.log(Math.tan(Math.PI / 4 + Math.toRadians(lat) / 2));
                return TargetGrid.of(Crs.decode(crs), new double[] {x - w / 2.0 * m, y - h / 2.0 * m, x + w / 2.0 * m,
                        y + h / 2.0 * m}, w, h);
            }
            default: {
                int zone = Math.max(1, Math.min(60, (int) Math.floor((lon + 180) / 6) + 1));
                CoordinateReferenceSystem utm = Crs.decode("EPSG:" + ((lat >= 0 ? 32600 : 32700) + zone));
                MathTransform t = CRS.findOperation(CommonCRS.defaultGeographic(), utm, null).getMathTransform();
                double[] c = {lon, lat};
                t.transform(c, 0, c, 0, 1);
                return TargetGrid.of(utm, new double[] {c[0] - w / 2.0 * px, c[1] - h / 2.0 * px, c[0] + w / 2.0 * px,
                        c[1] + h / 2.0 * px}, w, h);
            }
        }
    }

    /**
     * Samples g in splat, gather and automatic mode and asserts, per pixel, the same cell id, chunk and row in the
     * three and the oracle's row. Returns the number of pixels with an observation.
     */
    static int compare(DggsStore s, Oracle oracle, TargetGrid g, String what) throws Exception {
        return compare(s, oracle, g.lon(), g.lat(), g.width(), g.pixelSizeMetres(), what);
    }

    static int compare(DggsStore s, Oracle oracle, double[] lon, double[] lat, int width, double px, String what)
            throws Exception {
        CellSampler cs = CellSampler.of(s);
        cs.mode = CellSampler.Mode.GATHER;
        Samples gather = cs.sample(lon, lat, width, px, List.of("v"));
        cs.mode = CellSampler.Mode.SPLAT;
        Samples splat = cs.sample(lon, lat, width, px, List.of("v"));
        cs.mode = CellSampler.Mode.AUTO;
        Samples auto = cs.sample(lon, lat, width, px, List.of("v"));
        assertEquals(29, gather.depth(), what);
        int hits = 0;
        for (int p = 0; p < lon.length; p++) {
            long row = oracle.nearest(lon[p], lat[p]);
            String at = what + ", pixel " + p + " (" + lon[p] + ", " + lat[p] + ")";
            long id = row < 0 ? -1 : oracle.ids[(int) row];
            for (Samples sm : new Samples[] {gather, splat, auto}) {
                String m = (sm == gather ? "gather" : sm == splat ? "splat" : "auto") + ": " + at;
                assertEquals(id, sm.cellId(p), m);
                assertEquals(row >= 0 ? (int) (row / s.chunkCells()) : -1, sm.chunk(p), m);
                if (row >= 0) assertEquals((int) (row % s.chunkCells()), sm.offset(p), m);
            }
            if (row >= 0) hits++;
        }
        return hits;
    }

    /**
     * Brute force over every observation: the nearest by the sampler's chord expression below the radius limit,
     * ties to the smaller id (the definition of nearest-observation mode).
     */
    static final class Oracle {
        final long[] ids;
        final double[] lon, lat, xyz;
        final double radius, limit, chord;
        /** The unit-vector axis along which the observations spread most. */
        final int axis;
        /** Rows by ascending coordinate on that axis, and those coordinates: a band by binary search. */
        final int[] byZ;
        final double[] zs;
        /** Pixels that had two observations at exactly the same distance. */
        int ties;

        Oracle(DggsStore s, double radius) throws Exception {
            Fixtures.AllCells all = Fixtures.AllCells.of(s);
            ids = all.ids();
            lon = all.lon();
            lat = all.lat();
            xyz = new double[3 * ids.length];
            for (int i = 0; i < ids.length; i++) CellSampler.unit(lon[i], lat[i], xyz, 3 * i);
            this.radius = radius;
            chord = 2 * Math.sin(radius / TargetGrid.EARTH_RADIUS / 2);
            limit = chord * chord;
            double[] spread = new double[3];
            for (int a = 0; a < 3; a++) {
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < ids.length; i++) {
                    lo = Math.min(lo, xyz[3 * i + a]);
                    hi = Math.max(hi, xyz[3 * i + a]);
                }
                spread[a] = hi - lo;
            }
            int ax = 0;
            for (int a = 1; a < 3; a++) if (spread[a] > spread[ax]) ax = a;
            axis = ax;
            byZ = java.util.stream.IntStream.range(0, ids.length).boxed()
                    .sorted(java.util.Comparator.comparingDouble(i -> xyz[3 * i + axis])).mapToInt(Integer::intValue).toArray();
            zs = new double[ids.length];
            for (int k = 0; k < ids.length; k++) zs[k] = xyz[3 * byZ[k] + axis];
        }

        /** Row of the nearest observation, or -1. */
        long nearest(double plon, double plat) {
            if (!(plat >= -90 && plat <= 90) || !Double.isFinite(plon)) return -1;
            double cl = Math.cos(Math.toRadians(plat)), px = cl * Math.cos(Math.toRadians(plon)),
                    py = cl * Math.sin(Math.toRadians(plon)), pz = Math.sin(Math.toRadians(plat));
            double best = limit;
            int bestRow = -1;
            boolean tie = false;
            // only rows within 1.01 chord along the axis can have d2 < limit (a sum of non-negative terms is at
            // least each term, rounded too); the exact test below decides
            double pa = axis == 0 ? px : axis == 1 ? py : pz;
            int k = java.util.Arrays.binarySearch(zs, pa - 1.01 * chord);
            for (k = k < 0 ? -k - 1 : k; k < zs.length && zs[k] <= pa + 1.01 * chord; k++) {
                int c = byZ[k];
                double dx = xyz[3 * c] - px, dy = xyz[3 * c + 1] - py, dz = xyz[3 * c + 2] - pz;
                double d2 = dx * dx + dy * dy + dz * dz;
                if (d2 == best && bestRow >= 0) tie = true;
                if (d2 < best || (d2 == best && bestRow >= 0 && ids[c] < ids[bestRow])) {
                    if (d2 < best) tie = false;
                    best = d2;
                    bestRow = c;
                }
            }
            if (tie) ties++;
            return bestRow;
        }
    }
}
