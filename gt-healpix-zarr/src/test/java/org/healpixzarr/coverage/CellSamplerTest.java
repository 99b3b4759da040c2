package org.healpixzarr.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.healpixzarr.FormatException;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.zarr.CountingStore;
import org.healpixzarr.zarr.FileSystemStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellSamplerTest {
    @TempDir
    static Path dir;
    /** 200 x 150 points, ~450 m apart, around 10.5 E 45.3 N; overviews at 14 (native), 12, 10. */
    static Path patch;
    static Fixtures.Obs obs;
    /** The same points without overviews. */
    static Path plain;

    static final double D_LON = 0.0057, D_LAT = 0.004;

    @BeforeAll
    static void stores() throws Exception {
        patch = dir.resolve("patch.zarr");
        obs = Fixtures.writeGrid(patch, 10, 45, D_LON, D_LAT, 200, 150, 1000);
        Fixtures.keepLevels(patch, 14, 12, 10);
        plain = dir.resolve("plain.zarr");
        Fixtures.writeGrid(plain, 10, 45, D_LON, D_LAT, 200, 150, 1000);
        Fixtures.keepLevels(plain);
    }

    static double edge(int d) {
        return HealpixGrid.of(Ellipsoid.WGS84, d).cellEdgeMetres();
    }

    /** The galloping search of the lookups gives Arrays.binarySearch's result from any hint (seed logged). */
    @Test
    void gallopEqualsBinarySearchFromAnyHint() {
        long seed = System.nanoTime();
        System.out.println("CellSamplerTest.gallopEqualsBinarySearchFromAnyHint seed " + seed);
        java.util.Random rnd = new java.util.Random(seed);
        for (int t = 0; t < 2000; t++) {
            int n = 1 + rnd.nextInt(t % 10 == 0 ? 5000 : 40);
            long[] a = rnd.longs(n, 0, 1L << (2 + rnd.nextInt(60))).distinct().sorted().toArray();
            for (int q = 0; q < 50; q++) {
                long id = rnd.nextBoolean() ? a[rnd.nextInt(a.length)] + rnd.nextInt(3) - 1 : rnd.nextLong() >>> 2;
                if (q == 0) id = a[0] - 1;
                if (q == 1) id = a[a.length - 1] + 1;
                int hint = q == 2 ? 0 : q == 3 ? a.length - 1 : rnd.nextInt(a.length);
                assertEquals(java.util.Arrays.binarySearch(a, id), CellSampler.gallop(a, id, hint),
                        "id " + id + " hint " + hint + " in " + a.length + " ids (seed " + seed + ")");
            }
        }
    }

    @Test
    void depthFollowsPixelSize() throws Exception {
        try (DggsStore s = DggsStore.open(patch)) {
            CellSampler cs = CellSampler.of(s);
            assertEquals(14, cs.nativeDepth());
            assertEquals(29, cs.depthFor(edge(14) * 0.99), "finer than native: nearest observation");
            assertEquals(14, cs.depthFor(edge(14) * 1.01));
            assertEquals(14, cs.depthFor(edge(13) * 0.99), "no level 13: the finer one");
            assertEquals(12, cs.depthFor(edge(12)));
            assertEquals(12, cs.depthFor(edge(11)), "coarsest level whose edge is <= the pixel");
            assertEquals(10, cs.depthFor(edge(3)), "coarser than every level: the coarsest");
        }
        try (DggsStore s = DggsStore.open(plain)) {
            CellSampler cs = CellSampler.of(s);
            assertEquals(29, cs.depthFor(1e6), "no overviews: nearest observation always");
            // estimated from the spacing (~445 m): the depth whose edge is just below it
            assertEquals(14, cs.nativeDepth());
        }
    }

    /**
     * A regular grid with the writer's default pyramid draws without holes at every zoom inside its footprint; with
     * the native level built too (cells smaller than the spacing, about one observation each) it does not, which is
     * why that level is not written by default (docs/format.md, "Levels").
     */
    @Test
    void aDefaultPyramidDrawsARegularGridWithoutHolesAtEveryZoom() throws Exception {
        Path store = dir.resolve("holes.zarr");
        Fixtures.writeGrid(store, 10, 45, D_LON, D_LAT, 200, 150, 1000);
        java.util.Set<Integer> depthsSeen = new java.util.TreeSet<>();
        try (DggsStore s = DggsStore.open(store)) {
            assertEquals(14, s.nativeDepth());
            assertEquals(13, s.overviewDepths()[0], "first level: the finest with at most half as many cells as observations");
            CellSampler cs = CellSampler.of(s);
            for (double f = 0.3; f < 6; f *= 1.25) {
                Samples sm = cs.sample(interior(f * 445), List.of("v"));
                depthsSeen.add(sm.depth());
                assertEquals(0, holes(sm), "pixels without data at " + f + " x the spacing (depth " + sm.depth() + ")");
            }
        }
        assertTrue(depthsSeen.containsAll(List.of(29, 13, 12)), "zooms sampled at " + depthsSeen);
        org.healpixzarr.dggs.Overviews.rebuild(store, null, 29);
        try (DggsStore s = DggsStore.open(store)) {
            assertEquals(14, s.overviewDepths()[0]);
            Samples sm = CellSampler.of(s).sample(interior(edge(14) * 1.2), List.of("v"));
            assertEquals(14, sm.depth());
            assertTrue(holes(sm) > sm.size() / 10, "the native level leaves " + holes(sm) + " of " + sm.size() + " pixels empty");
        }
        // between the finest level and the native depth: the finest level if its cells are at most twice the pixel
        org.healpixzarr.dggs.Overviews.rebuild(store, null, 12);
        try (DggsStore s = DggsStore.open(store)) {
            CellSampler cs = CellSampler.of(s);
            assertEquals(12, s.overviewDepths()[0]);
            assertEquals(29, cs.depthFor(edge(14) * 1.01), "level 12 is four times the pixel: nearest observation");
            assertEquals(29, cs.depthFor(edge(13) * 0.99));
            assertEquals(12, cs.depthFor(edge(13) * 1.01), "level 12 is at most twice the pixel");
            assertEquals(12, cs.depthFor(edge(12) * 1.01));
            for (double px : new double[] {edge(14) * 1.01, edge(13) * 1.01}) {
                assertEquals(0, holes(cs.sample(interior(px), List.of("v"))), "holes at " + px + " m pixels");
            }
        }
    }

    /** A square CRS:84 grid of pixels of about {@code px} metres, at most 50 km wide, inside the fixtures' grid (10..11.1 E, 45..45.6 N). */
    private static TargetGrid interior(double px) throws Exception {
        double lat0 = 45.3, lon0 = 10.55;
        double dLat = Math.toDegrees(px / TargetGrid.EARTH_RADIUS), dLon = dLat / Math.cos(Math.toRadians(lat0));
        int w = (int) Math.max(8, Math.min(64, 50_000 / px));
        return TargetGrid.of(Crs.decode("CRS:84"), new double[] {lon0 - w / 2.0 * dLon, lat0 - w / 2.0 * dLat,
                lon0 + w / 2.0 * dLon, lat0 + w / 2.0 * dLat}, w, w);
    }

    private static int holes(Samples sm) {
        int n = 0;
        for (int p = 0; p < sm.size(); p++) if (!sm.has(p)) n++;
        return n;
    }

    @Test
    void levelReadEqualsBruteForce() throws Exception {
        for (int d : new int[] {12, 10}) {
            try (DggsStore s = DggsStore.open(patch); DggsStore level = s.overview(d)) {
                CellSampler cs = CellSampler.of(s);
                double px = edge(d) * 1.05;
                // a CRS:84 grid whose pixels have that ground size at its centre
                double lat0 = 45.5, lon0 = 11.0; // the patch's north-east part and beyond
                double dLat = Math.toDegrees(px / TargetGrid.EARTH_RADIUS);
                double dLon = dLat / Math.cos(Math.toRadians(lat0));
                int w = 61, h = 45;
                TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {lon0 - w / 2.0 * dLon, lat0 - h / 2.0 * dLat,
                        lon0 + w / 2.0 * dLon, lat0 + h / 2.0 * dLat}, w, h);
                assertEquals(px, g.pixelSizeMetres(), px * 1e-3);
                Samples sm = cs.sample(g, List.of("v", "k", "count"));
                assertEquals(d, sm.depth());
                // oracle: every cell of the level, matched by the id of the pixel centre
                long[] ids = level.readCellIds(0, level.cellCount());
                float[] v = (float[]) level.read("v", 0, level.cellCount());
                byte[] k = (byte[]) level.read("k", 0, level.cellCount());
                int[] count = (int[]) level.read("count", 0, level.cellCount());
                Map<Long, Integer> rows = Fixtures.rowsById(ids);
                HealpixGrid hg = HealpixGrid.of(Ellipsoid.WGS84, d);
                int hits = 0;
                for (int j = 0; j < h; j++) {
                    for (int i = 0; i < w; i++) {
                        int p = j * w + i;
                        double lon = lon0 - w / 2.0 * dLon + (i + 0.5) * dLon, lat = lat0 + h / 2.0 * dLat - (j + 0.5) * dLat;
                        Integer row = rows.get(hg.hash(lon, lat));
                        assertEquals(row != null, sm.has(p), "pixel " + i + "," + j);
                        if (row == null) {
                            assertTrue(Double.isNaN(sm.value("v", 0, p)));
                            assertEquals(-1, sm.cellId(p));
                            assertEquals(0, sm.count(p));
                            continue;
                        }
                        hits++;
                        assertEquals(ids[row], sm.cellId(p));
                        assertEquals(v[row], sm.value("v", 0, p), 0);
                        assertEquals(k[row] == -127 ? Double.NaN : k[row], sm.value("k", 0, p), 0);
                        assertEquals(count[row], sm.count(p));
                        assertEquals(count[row], sm.value("count", 0, p), 0);
                        assertEquals(v[row], sm.band("v", 0)[p], 0);
                    }
                }
                assertTrue(hits > 20 && hits < w * h - 20, "hits " + hits);
            }
        }
    }

    @Test
    void nearestObservationEqualsBruteForce() throws Exception {
        for (Path store : new Path[] {patch, plain}) {
            try (DggsStore s = DggsStore.open(store)) {
                CellSampler cs = CellSampler.of(s);
                double r = cs.radiusMetres();
                assertEquals(edge(14), r, 1e-6);
                Fixtures.AllCells all = Fixtures.AllCells.of(s);
                float[] v = (float[]) s.read("v", 0, s.cellCount());
                // 100 m pixels over the south-west corner of the patch: inside, at the border and outside
                TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {9.99, 44.993, 10.02, 45.012}, 40, 30);
                assertTrue(g.pixelSizeMetres() < r);
                Samples sm = cs.sample(g, List.of("v", "count"));
                assertEquals(29, sm.depth());
                int hits = 0, misses = 0;
                for (int p = 0; p < g.lon().length; p++) {
                    double[] nn = all.nearest(g.lon()[p], g.lat()[p], r);
                    boolean knifeEdge = Math.abs(nn[1] - r) < 0.01 || nn[2] - nn[1] < 0.01;
                    if (knifeEdge) continue;
                    int row = (int) nn[0];
                    assertEquals(row >= 0, sm.has(p), "pixel " + p);
                    if (row < 0) {
                        misses++;
                        assertTrue(Double.isNaN(sm.value("v", 0, p)));
                        continue;
                    }
                    hits++;
                    assertEquals(all.ids()[row], sm.cellId(p));
                    assertEquals(v[row], sm.value("v", 0, p), 0);
                    assertEquals(1, sm.count(p));
                    assertEquals(1, sm.value("count", 0, p));
                }
                assertTrue(hits > 300 && misses > 100, hits + " hits, " + misses + " misses");
            }
        }
    }

    @Test
    void readsOnlyTheChunksTheBoxNeeds() throws Exception {
        CountingStore counting = new CountingStore(new FileSystemStore(plain));
        try (DggsStore s = DggsStore.open(counting, plain.toString())) {
            CellSampler cs = CellSampler.of(s);
            counting.reset();
            TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {10.5, 45.2, 10.51, 45.21}, 20, 20);
            Samples sm = cs.sample(g, List.of("v"));
            long have = 0;
            for (int p = 0; p < sm.size(); p++) if (sm.has(p)) have++;
            assertTrue(have > 100, "pixels with data " + have);
            long chunks = (s.cellCount() + s.chunkCells() - 1) / s.chunkCells();
            assertEquals(30, chunks);
            // which inner chunks of cell_ids and v were read: only the few whose id range meets the box
            int needed = 0;
            long[] ids = s.readCellIds(0, s.cellCount());
            HealpixGrid g29 = Fixtures.G29;
            boolean[] chunkNeeded = new boolean[(int) chunks];
            for (int i = 0; i < ids.length; i++) {
                double[] c = g29.center(ids[i]);
                if (c[0] > 10.49 && c[0] < 10.52 && c[1] > 45.19 && c[1] < 45.22) chunkNeeded[i / s.chunkCells()] = true;
            }
            for (boolean b : chunkNeeded) if (b) needed++;
            Map<String, Integer> byKey = counting.readsByKey();
            // one shard of 4 inner chunks per key: each read is the shard index or one run of inner chunks
            long dataReads = byKey.entrySet().stream().filter(e -> e.getKey().startsWith("v/")).mapToLong(Map.Entry::getValue).sum();
            assertTrue(needed >= 1 && needed <= 4, "needed " + needed);
            assertTrue(dataReads <= 2L * needed, "reads of v: " + byKey);
            long bytes = counting.bytesRead();
            assertTrue(bytes < 4L * 4 * 1000 * 12, "bytes read " + bytes + " " + byKey);
        }
    }

    @Test
    void unknownVariableNamesTheAvailableOnes() throws Exception {
        try (DggsStore s = DggsStore.open(plain)) {
            TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {10, 45, 10.1, 45.1}, 4, 4);
            FormatException e = assertThrows(FormatException.class, () -> CellSampler.of(s).sample(g, List.of("nope")));
            assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("[v, k]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CellSampler.of(s).sample(g, List.of("v")).value("k", 0, 0));
        }
    }

    @Test
    void poleHasNoHoleAndMatchesBruteForce() throws Exception {
        Path pole = dir.resolve("pole.zarr");
        // rings of points around the north pole every ~450 m (1 degree of longitude apart on each ring: ~100 m
        // spacing, so the writer records native depth 16 and builds levels down to its stop rule)
        Fixtures.writeGrid(pole, -180, 89.9, 1.0, D_LAT, 360, 26, 5000);
        try (DggsStore s = DggsStore.open(pole)) {
            CellSampler cs = CellSampler.of(s);
            double r = cs.radiusMetres();
            assertEquals(edge(cs.nativeDepth()), r, 1e-6);
            Fixtures.AllCells all = Fixtures.AllCells.of(s);
            // pixels finer than the native cell edge: nearest-observation mode
            TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {-180, 89.95, 180, 90}, 180, 60);
            assertTrue(g.pixelSizeMetres() < r, g.pixelSizeMetres() + " m pixels, radius " + r);
            Samples sm = cs.sample(g, List.of("v"));
            assertEquals(29, sm.depth());
            int checked = 0, hits = 0;
            for (int p = 0; p < sm.size(); p++) {
                double[] nn = all.nearest(g.lon()[p], g.lat()[p], r);
                if (Math.abs(nn[1] - r) < 0.01 || nn[2] - nn[1] < 0.01) continue;
                checked++;
                assertEquals(nn[0] >= 0, sm.has(p), "pixel " + p);
                if (nn[0] >= 0) {
                    hits++;
                    assertEquals(all.ids()[(int) nn[0]], sm.cellId(p));
                }
            }
            assertTrue(checked > 5000 && hits > 1000, "checked " + checked + ", hits " + hits);
        }
    }

    @Test
    void poleLevelReadMatchesTheObservations() throws Exception {
        Path pole = dir.resolve("pole-levels.zarr");
        Fixtures.writeGrid(pole, -180, 89.9, 1.0, D_LAT, 360, 26, 5000);
        try (DggsStore s = DggsStore.open(pole)) {
            CellSampler cs = CellSampler.of(s);
            // ~485 m pixels, coarser than the native edge: read from a level of the writer's pyramid
            TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {-180, 89.95, 180, 90}, 36, 12);
            int d = cs.depthFor(g.pixelSizeMetres());
            assertTrue(d < cs.nativeDepth() && d < 29, "depth " + d);
            Samples sm = cs.sample(g, List.of("v", "count"));
            assertEquals(d, sm.depth());
            // oracle from the observations, not the level: the parents at depth d and how many observations each holds
            Map<Long, Integer> counts = new java.util.HashMap<>();
            for (long id : s.readCellIds(0, s.cellCount())) counts.merge(id >>> (2 * (29 - d)), 1, Integer::sum);
            HealpixGrid hg = HealpixGrid.of(Ellipsoid.WGS84, d);
            int hits = 0;
            for (int p = 0; p < sm.size(); p++) {
                long id = hg.hash(g.lon()[p], g.lat()[p]);
                Integer c = counts.get(id);
                assertEquals(c != null, sm.has(p), "pixel " + p);
                if (c == null) continue;
                hits++;
                assertEquals(id, sm.cellId(p));
                assertEquals((long) c, sm.count(p), "pixel " + p);
            }
            assertTrue(hits > 300, "hits " + hits);
        }
    }

    @Test
    void rectilinearGridsHashLikeEveryPoint() throws Exception {
        // level mode: a grid read as a grid (hashed by rows and columns) and as bare points (one hash per point)
        long seed = Long.getLong("nearest.seed", System.nanoTime());
        System.out.println("rectilinearGridsHashLikeEveryPoint seed " + seed);
        java.util.Random r = new java.util.Random(seed);
        try (DggsStore s = DggsStore.open(patch)) {
            CellSampler cs = CellSampler.of(s);
            int levelReads = 0;
            for (int t = 0; t < 12; t++) {
                String crs = new String[] {"CRS:84", "EPSG:4326", "EPSG:3857"}[t % 3];
                double px = edge(14) * (1.05 + r.nextDouble() * 60);
                TargetGrid g = NearestModesTest.grid(crs, 10 + r.nextDouble() * 1.3, 45 + r.nextDouble() * 0.7, px,
                        8 + r.nextInt(60), 8 + r.nextInt(60));
                assertTrue(cs.depthFor(g.pixelSizeMetres()) < 29);
                assertTrue(Splat.of(g.lon(), g.lat(), g.width()) != null, crs + " grid rectilinear");
                Samples grid = cs.sample(g, List.of("v"));
                Samples points = cs.sample(g.lon(), g.lat(), g.pixelSizeMetres(), List.of("v"));
                assertEquals(points.depth(), grid.depth());
                for (int p = 0; p < grid.size(); p++) {
                    String at = "seed " + seed + ", " + crs + ", pixel " + p;
                    assertEquals(points.cellId(p), grid.cellId(p), at);
                    assertEquals(points.chunk(p), grid.chunk(p), at);
                    assertEquals(points.offset(p), grid.offset(p), at);
                }
                levelReads++;
            }
            assertEquals(12, levelReads);
        }
        // pixels without a position (beyond the pole): the rectangle inside is hashed, the rest is -1
        TargetGrid g = TargetGrid.of(Crs.decode("EPSG:4326"), new double[] {88, -30, 92, 40}, 50, 40);
        Splat rect = Splat.of(g.lon(), g.lat(), g.width());
        assertTrue(rect != null && Double.isNaN(g.lat()[0]));
        // and columns without a position (bare arrays: the first 3 and the last one)
        double[] lon = g.lon().clone(), lat = g.lat().clone();
        for (int p = 0; p < lon.length; p++) {
            int i = p % g.width();
            if (i < 3 || i == g.width() - 1) lon[p] = Double.NaN;
        }
        Splat cut = Splat.of(lon, lat, g.width());
        assertTrue(cut != null);
        for (int d : new int[] {3, 14, 29}) {
            HealpixGrid hg = HealpixGrid.of(Ellipsoid.WGS84, d);
            long[] out = new long[g.lon().length];
            rect.hash(hg, out);
            for (int p = 0; p < out.length; p++) assertEquals(hg.hash(g.lon()[p], g.lat()[p]), out[p], "pixel " + p);
            cut.hash(hg, out);
            for (int p = 0; p < out.length; p++) assertEquals(hg.hash(lon[p], lat[p]), out[p], "pixel " + p);
        }
    }
}
