package org.healpixzarr.dggs;

import static org.healpixzarr.testing.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.testing.Cli.Run;
import org.healpixzarr.testing.ExternalTools;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.zarr.FileSystemStore;
import org.healpixzarr.zarr.PrefixStore;
import org.healpixzarr.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overview pyramid: aggregates against brute force and a numpy oracle, native depth, rebuilds, validation. */
class OverviewsTest {
    @TempDir
    Path dir;

    static final long SEED = Long.getLong("test.seed", System.nanoTime());

    static {
        System.out.println("OverviewsTest seed " + SEED + " (-Dtest.seed to replay)");
    }
    static final int BANDS = 8;
    static final byte CLS_FILL = -127;
    static final short QI_FILL = -32768;
    static final byte BITS_FILL = (byte) 0xFF;

    /** Clustered random observations (several per coarse cell), with fills and NaNs in every variable. */
    static final class Data {
        final int n;
        final long[] ids;
        final float[] q;
        final short[] qi;
        final double[] qd;
        final byte[] cls;
        final byte[] bits;
        final byte[] emb;
        final float[] scales;

        Data(int n, Random r) {
            this.n = n;
            ids = new long[n];
            q = new float[n];
            qi = new short[n];
            qd = new double[n];
            cls = new byte[n];
            bits = new byte[n];
            emb = new byte[n * BANDS];
            scales = new float[n];
            HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
            double[][] centres = new double[40][];
            for (int k = 0; k < centres.length; k++) centres[k] = new double[] {10 + r.nextDouble() * 2, 45 + r.nextDouble() * 2};
            for (int i = 0; i < n; i++) {
                double[] c = centres[r.nextInt(centres.length)];
                ids[i] = g.hash(c[0] + r.nextGaussian() * 0.02, c[1] + r.nextGaussian() * 0.02);
                q[i] = r.nextInt(30) == 0 ? Float.NaN : r.nextInt(30) == 0 ? -999f : (float) (r.nextGaussian() * 10);
                qi[i] = r.nextInt(20) == 0 ? QI_FILL : (short) r.nextInt(2000);
                qd[i] = r.nextInt(25) == 0 ? Double.NaN : 1e6 + r.nextDouble();
                cls[i] = r.nextInt(15) == 0 ? CLS_FILL : (byte) (r.nextInt(4) - 1);
                bits[i] = r.nextInt(15) == 0 ? BITS_FILL : (byte) (1 << r.nextInt(6));
                for (int b = 0; b < BANDS; b++) emb[i * BANDS + b] = (byte) (r.nextInt(255) - 127);
                scales[i] = r.nextInt(40) == 0 ? Float.NaN : 0.001f + r.nextFloat() * 0.01f;
            }
        }
    }

    static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static DggsWriter.Builder builder(Path out) {
        return DggsWriter.builder(out)
                .variable(new VariableSpec("q", DataType.FLOAT32, 1, -999f, ordered("units", "K", "flag_values", List.of(1, 2),
                        "flag_meanings", "a b"), VariableKind.QUANTITY))
                .variable(new VariableSpec("qi", DataType.INT16, 1, QI_FILL, ordered("scale_factor", 0.5, "add_offset", 10.0),
                        VariableKind.QUANTITY))
                .variable(new VariableSpec("qd", DataType.FLOAT64, 1, null, Map.of(), VariableKind.QUANTITY))
                .variable(new VariableSpec("cls", DataType.INT8, 1, CLS_FILL, ordered("flag_values", List.of(-1, 0, 1, 2),
                        "flag_meanings", "w x y z"), VariableKind.CLASS))
                .variable(new VariableSpec("bits", DataType.UINT8, 1, 255, ordered("flag_masks", List.of(1, 2, 4, 8, 16, 32),
                        "flag_values", List.of(1, 2), "flag_meanings", "a b c d e f"), VariableKind.BITS))
                .variable(new VariableSpec("embeddings", DataType.INT8, BANDS, null, ordered("scale_variable", "scales",
                        "pca", ordered("components", List.of(List.of(0.5, 0.5)), "explained_variance", List.of(0.9))),
                        VariableKind.QUANTITY))
                .variable(new VariableSpec("scales", DataType.FLOAT32, 1, null, Map.of(), VariableKind.QUANTITY))
                .chunking(256, 4)
                .created(java.time.Instant.parse("2024-01-01T00:00:00Z"));
    }

    Path write(String name, Data d) throws Exception {
        Path p = dir.resolve(name);
        try (DggsWriter w = builder(p).build()) {
            w.add(d.ids, new Object[] {d.q, d.qi, d.qd, d.cls, d.bits, d.emb, d.scales}, 0, d.n);
            w.finish();
        }
        return p;
    }

    @Test
    void aggregatesEqualABruteForceRecomputationFromTheDepth29Cells() throws Exception {
        Data d = new Data(15_000, new Random(SEED));
        Path p = write("s.zarr", d);
        checkPyramid(p, false);
        // the levels finer than the default first one (almost copies of the data), built on request
        int nat;
        try (DggsStore s = DggsStore.open(p)) {
            nat = s.nativeDepth();
            assertTrue(s.overviewDepths()[0] < nat, "the native level is not at least twice smaller than the data: "
                    + java.util.Arrays.toString(s.overviewDepths()));
        }
        Overviews.rebuild(p, null, 29);
        try (DggsStore s = DggsStore.open(p)) {
            assertEquals(nat, s.overviewDepths()[0], "--max-depth 29: from the native depth");
        }
        checkPyramid(p, true);
    }

    /** The pyramid of p: its level rule, and every level against a recomputation from the depth-29 cells. */
    private void checkPyramid(Path p, boolean fromNative) throws Exception {
        ValidationReport vr = DggsValidator.validate(p);
        assertTrue(vr.valid(), vr.problems().toString());
        try (DggsStore s = DggsStore.open(p)) {
            int[] depths = s.overviewDepths();
            assertTrue(depths.length >= 3, "several levels: " + java.util.Arrays.toString(depths));
            long n = s.cellCount();
            long[] ids = s.readCellIds(0, n);
            if (fromNative) {
                assertEquals(s.nativeDepth(), depths[0]);
            } else { // first level rule: the finest depth ≤ native with at most half as many cells as observations
                assertTrue(depths[0] <= s.nativeDepth());
                assertTrue(2 * cellsAt(ids, depths[0]) <= n);
                if (depths[0] < s.nativeDepth()) assertTrue(2 * cellsAt(ids, depths[0] + 1) > n);
            }
            for (int i = 1; i < depths.length; i++) assertEquals(depths[i - 1] - 1, depths[i]);
            // stop rule: the coarsest level fits in one chunk, the one before does not
            try (DggsStore last = s.overview(depths[depths.length - 1])) {
                assertTrue(last.cellCount() <= 256 || depths[depths.length - 1] == 0);
            }
            try (DggsStore before = s.overview(depths[depths.length - 2])) {
                assertTrue(before.cellCount() > 256);
            }
            float[] q = (float[]) s.read("q", 0, n);
            short[] qi = (short[]) s.read("qi", 0, n);
            double[] qd = (double[]) s.read("qd", 0, n);
            byte[] cls = (byte[]) s.read("cls", 0, n);
            byte[] bits = (byte[]) s.read("bits", 0, n);
            byte[] emb = (byte[]) s.read("embeddings", 0, n);
            float[] sc = (float[]) s.read("scales", 0, n);
            for (int depth : depths) {
                try (DggsStore o = s.overview(depth)) {
                    checkLevel(o, depth, ids, q, qi, qd, cls, bits, emb, sc);
                }
            }
        }
    }

    /** Distinct parents at {@code depth} of depth-29 ids. */
    private static long cellsAt(long[] ids, int depth) {
        return java.util.Arrays.stream(ids).map(id -> HealpixGrid.parent(id, 29, depth)).distinct().count();
    }

    private void checkLevel(DggsStore o, int depth, long[] ids, float[] q, short[] qi, double[] qd, byte[] cls, byte[] bits,
                            byte[] emb, float[] sc) throws Exception {
        assertEquals(depth, o.depth());
        assertEquals(depth, o.nativeDepth());
        assertEquals(0, o.overviewDepths().length);
        assertEquals(DggsConvention.dggsObject(Ellipsoid.WGS84, depth), o.attributes().get("dggs"));
        // brute force: group the depth-29 rows by parent
        TreeMap<Long, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < ids.length; i++) groups.computeIfAbsent(HealpixGrid.parent(ids[i], 29, depth), k -> new ArrayList<>()).add(i);
        long m = o.cellCount();
        assertEquals(groups.size(), m);
        long[] lid = o.readCellIds(0, m);
        int[] count = (int[]) o.read("count", 0, m);
        float[] lq = (float[]) o.read("q", 0, m);
        float[] lqi = (float[]) o.read("qi", 0, m);
        double[] lqd = (double[]) o.read("qd", 0, m);
        byte[] lcls = (byte[]) o.read("cls", 0, m);
        byte[] lbits = (byte[]) o.read("bits", 0, m);
        byte[] lemb = (byte[]) o.read("embeddings", 0, m);
        float[] lsc = (float[]) o.read("scales", 0, m);
        int k = 0;
        for (Map.Entry<Long, List<Integer>> g : groups.entrySet()) {
            String at = "depth " + depth + " cell " + g.getKey();
            assertEquals(g.getKey(), lid[k], at);
            List<Integer> rows = g.getValue();
            assertEquals(rows.size(), count[k], at);
            double sq = 0, sqi = 0, sqd = 0;
            int nq = 0, nqi = 0, nqd = 0, or = 0;
            boolean anyBits = false;
            Map<Integer, Integer> hist = new HashMap<>();
            double[] se = new double[BANDS];
            int ne = 0;
            for (int r : rows) {
                if (!Float.isNaN(q[r]) && q[r] != -999f) { sq += q[r]; nq++; }
                if (qi[r] != QI_FILL) { sqi += qi[r]; nqi++; }
                if (!Double.isNaN(qd[r])) { sqd += qd[r]; nqd++; }
                if (cls[r] != CLS_FILL) hist.merge((int) cls[r], 1, Integer::sum);
                if (bits[r] != BITS_FILL) { or |= bits[r] & 0xFF; anyBits = true; }
                if (!Float.isNaN(sc[r])) {
                    for (int b = 0; b < BANDS; b++) se[b] += emb[r * BANDS + b] * (double) sc[r];
                    ne++;
                }
            }
            assertClose(nq == 0 ? Float.NaN : (float) (sq / nq), lq[k], at + " q");
            assertClose(nqi == 0 ? Float.NaN : (float) (sqi / nqi), lqi[k], at + " qi");
            double eqd = nqd == 0 ? Double.NaN : sqd / nqd;
            assertTrue(Double.isNaN(eqd) ? Double.isNaN(lqd[k]) : Math.abs(eqd - lqd[k]) <= 1e-14 * Math.abs(eqd), at + " qd " + eqd + " " + lqd[k]);
            int mode = CLS_FILL, best = 0;
            for (Map.Entry<Integer, Integer> e : hist.entrySet()) {
                if (e.getValue() > best || e.getValue() == best && e.getKey() < mode) {
                    mode = e.getKey();
                    best = e.getValue();
                }
            }
            assertEquals(mode, lcls[k], at + " cls (histogram " + hist + ")");
            assertEquals(anyBits ? or : 0xFF, lbits[k] & 0xFF, at + " bits");
            if (ne == 0) {
                assertTrue(Float.isNaN(lsc[k]), at + " scale");
            } else {
                double max = 0;
                for (int b = 0; b < BANDS; b++) max = Math.max(max, Math.abs(se[b] / ne));
                float scale = (float) (max / 127);
                assertClose(scale, lsc[k], at + " scale");
                for (int b = 0; b < BANDS; b++) {
                    double x = se[b] / ne / lsc[k];
                    if (Math.abs(Math.abs(x - Math.floor(x)) - 0.5) < 1e-6) continue; // a rounding tie: either side
                    assertEquals((byte) Math.max(-127, Math.min(127, Math.rint(x))), lemb[k * BANDS + b], at + " band " + b);
                }
            }
            k++;
        }
        // attributes
        Map<String, Object> qa = o.variable("q").attributes();
        assertEquals("K", qa.get("units"));
        assertFalse(qa.containsKey("flag_values"));
        assertFalse(qa.containsKey("flag_meanings"));
        assertEquals("NaN", qa.get("_FillValue"));
        assertEquals(0.5, o.variable("qi").attributes().get("scale_factor"));
        assertEquals(List.of(-1, 0, 1, 2), o.variable("cls").attributes().get("flag_values"));
        assertEquals(-127, o.variable("cls").attributes().get("_FillValue"));
        assertFalse(o.variable("bits").attributes().containsKey("flag_values"));
        assertEquals(List.of(1, 2, 4, 8, 16, 32), o.variable("bits").attributes().get("flag_masks"));
        assertEquals(ordered("components", List.of(List.of(0.5, 0.5)), "explained_variance", List.of(0.9)),
                o.variable("embeddings").attributes().get("pca"));
        assertEquals(DataType.UINT32, o.variable("count").dataType());
        assertEquals(DataType.FLOAT32, o.variable("qi").dataType());
        assertEquals(DataType.FLOAT64, o.variable("qd").dataType());
        assertEquals(DataType.INT8, o.variable("cls").dataType());
        assertEquals(DataType.UINT8, o.variable("bits").dataType());
        assertEquals(VariableKind.CLASS, o.variable("cls").kind());
        assertEquals(VariableKind.BITS, o.variable("bits").kind());
        @SuppressWarnings("unchecked")
        Map<String, Object> kinds = (Map<String, Object>) o.facts().get("variables");
        assertEquals(ordered("kind", "class", "aggregation", "mode"), kinds.get("cls"));
        assertEquals(ordered("kind", "quantity", "aggregation", "sum"), kinds.get("count"));
        assertEquals((long) ids.length, ((Number) o.facts().get("observations")).longValue());
    }

    private static void assertClose(float expected, float actual, String what) {
        if (Float.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), what + ": expected NaN, found " + actual);
        } else {
            assertTrue(Math.abs(expected - actual) <= Math.ulp(expected), what + ": expected " + expected + ", found " + actual);
        }
    }

    /**
     * The spacing estimate equals its documented definition computed naively from the ids in memory: for each of the
     * 4,096 samples, the nearest other observation (haversine between depth-29 cell centres) among the finest cell
     * holding another one, found by scanning the depths, and that cell's 8 neighbours; then the median. The store
     * has more rows than the estimate caches centres for, and is sampled with a stride.
     */
    @Test
    void theSpacingEstimateIsItsDefinition() throws Exception {
        Random r = new Random(SEED + 11);
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        java.util.TreeSet<Long> set = new java.util.TreeSet<>();
        for (int i = 0; i < 150; i++) { // a jittered grid of ~10 m near 60 N, two clustered sets, a lone point
            for (int j = 0; j < 150; j++) {
                set.add(g.hash(24 + (j + 0.3 * r.nextGaussian()) * 1.8e-4, 60 + (i + 0.3 * r.nextGaussian()) * 9e-5));
            }
        }
        for (long id : new Data(3_000, r).ids) set.add(id);
        set.add(g.hash(-170, -80));
        long[] ids = set.stream().mapToLong(Long::longValue).toArray();
        int n = ids.length, samples = Overviews.SPACING_SAMPLES;
        assertTrue(n > 2 * samples && n > 8192, "n " + n);
        double radius = HealpixGrid.of(Ellipsoid.WGS84, 0).cellEdgeMetres() / Math.sqrt(Math.PI / 3);
        double[] dist = new double[samples];
        int m = 0;
        for (int k = 0; k < samples; k++) {
            int row = (int) ((double) k * n / samples);
            int d = 0;
            for (int e = 28; e > 0 && d == 0; e--) {
                if (count(ids, HealpixGrid.parent(ids[row], 29, e), e) >= 2) d = e;
            }
            long p = HealpixGrid.parent(ids[row], 29, d);
            double best = Double.POSITIVE_INFINITY;
            double[] a = g.center(ids[row]);
            List<Long> cells = new ArrayList<>(List.of(p));
            for (long nb : HealpixGrid.of(Ellipsoid.WGS84, d).neighbours(p)) if (nb >= 0) cells.add(nb);
            for (long cell : cells) {
                int lo = lowerBound(ids, HealpixGrid.firstChild(cell, d, 29));
                int hi = lowerBound(ids, HealpixGrid.childrenEnd(cell, d, 29));
                for (int o = lo; o < hi; o++) {
                    if (o == row) continue;
                    double[] b = g.center(ids[o]);
                    double p1 = Math.toRadians(a[1]), p2 = Math.toRadians(b[1]);
                    double dp = p2 - p1, dl = Math.toRadians(b[0] - a[0]);
                    double h = Math.sin(dp / 2) * Math.sin(dp / 2)
                            + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
                    best = Math.min(best, 2 * radius * Math.asin(Math.min(1, Math.sqrt(h))));
                }
            }
            if (best < Double.POSITIVE_INFINITY) dist[m++] = best;
        }
        java.util.Arrays.sort(dist, 0, m);
        Path p = dir.resolve("spacing.zarr");
        try (DggsWriter w = DggsWriter.builder(p)
                .variable(new VariableSpec("v", DataType.FLOAT32, 1, null, Map.of(), VariableKind.QUANTITY)).build()) {
            w.add(ids, new Object[] {new float[n]}, 0, n);
            w.finish();
        }
        try (DggsStore s = DggsStore.open(p)) {
            assertEquals(n, s.cellCount());
            assertEquals(dist[m / 2], Overviews.medianSpacing(s), 0, "seed " + SEED);
        }
    }

    /** Ids of the sorted {@code ids} inside cell (d). */
    private static int count(long[] ids, long cell, int d) {
        return lowerBound(ids, HealpixGrid.childrenEnd(cell, d, 29)) - lowerBound(ids, HealpixGrid.firstChild(cell, d, 29));
    }

    private static int lowerBound(long[] ids, long key) {
        int i = java.util.Arrays.binarySearch(ids, key);
        return i >= 0 ? i : -i - 1;
    }

    /**
     * The spacing estimate searches around each sampled observation from the finest cell holding another one, found
     * from its neighbours in id order; that is the finest depth a scan of every depth finds (clusters, sibling cells,
     * observations alone on their base face, the first and the last id).
     */
    @Test
    void theSpacingSearchStartsAtTheFinestCellHoldingAnotherObservation() {
        Random r = new Random(SEED + 7);
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        java.util.TreeSet<Long> set = new java.util.TreeSet<>();
        for (long id : new Data(3_000, r).ids) {
            set.add(id);
            if (r.nextInt(10) == 0) set.add(id ^ 1); // a sibling: they share the depth-28 cell
        }
        set.add(g.hash(-170, -80)); // alone on its base face
        set.add(g.hash(100, 1));
        set.add(g.hash(100.0000001, 1)); // a pair on another face
        long[] ids = set.stream().mapToLong(Long::longValue).toArray();
        int n = ids.length;
        for (int k = 0; k < 400; k++) {
            int row = k < 2 ? k * (n - 1) : k < 5 ? java.util.Arrays.binarySearch(ids, new long[] {
                    g.hash(-170, -80), g.hash(100, 1), g.hash(100.0000001, 1)}[k - 2]) : r.nextInt(n);
            int expected = -1;
            for (int d = 28; d >= 0 && expected < 0; d--) {
                long p = HealpixGrid.parent(ids[row], 29, d);
                int holding = 0;
                for (long id : ids) if (HealpixGrid.parent(id, 29, d) == p) holding++;
                if (holding >= 2) expected = d;
            }
            int found = 0;
            if (row > 0) found = Math.max(found, Overviews.commonDepth(ids[row], ids[row - 1], 29));
            if (row + 1 < n) found = Math.max(found, Overviews.commonDepth(ids[row], ids[row + 1], 29));
            assertEquals(Math.max(0, expected), found, "row " + row + " of " + n + ", id " + ids[row] + ", seed " + SEED);
        }
    }

    @Test
    void rootListsThePyramidPerTheMultiscalesConventionAndStaysADggsGroup() throws Exception {
        Path p = write("s.zarr", new Data(5_000, new Random(SEED + 1)));
        try (DggsStore s = DggsStore.open(p)) {
            Map<String, Object> a = s.attributes();
            assertTrue(DggsConvention.check(a, "root").isEmpty());
            List<?> conv = (List<?>) a.get("zarr_conventions");
            assertEquals(2, conv.size());
            assertEquals(Overviews.MULTISCALES_UUID, ((Map<?, ?>) conv.get(1)).get("uuid"));
            assertEquals("multiscales", ((Map<?, ?>) conv.get(1)).get("name"));
            List<?> layout = (List<?>) ((Map<?, ?>) a.get("multiscales")).get("layout");
            int[] depths = s.overviewDepths();
            assertEquals(depths.length, layout.size());
            for (int i = 0; i < depths.length; i++) {
                Map<?, ?> e = (Map<?, ?>) layout.get(i);
                assertEquals("overviews/" + depths[i], e.get("asset"));
                Map<?, ?> t = (Map<?, ?>) e.get("transform");
                if (i == 0) {
                    assertFalse(e.containsKey("derived_from"));
                    assertEquals(List.of((double) (1L << (29 - depths[0]))), t.get("scale"));
                } else {
                    assertEquals("overviews/" + depths[i - 1], e.get("derived_from"));
                    assertEquals(List.of(2.0), t.get("scale"));
                }
            }
            assertTrue(((Number) s.facts().get("median_spacing_m")).doubleValue() > 0);
            // a level's own attributes
            Map<String, Object> level = org.healpixzarr.zarr.ZarrGroup.open(new PrefixStore(s.store(), "overviews/" + depths[0]), "")
                    .attributes();
            assertEquals(List.of(DggsConvention.conventionEntry()), level.get("zarr_conventions"));
            assertTrue(DggsConvention.check(level, "level").isEmpty());
        }
    }

    // ---------------------------------------------------------------- native depth

    /** A regular grid of {@code side × side} points {@code spacing} metres apart (on the authalic sphere) at (lon0, lat0). */
    Path grid(String name, double spacing, double lon0, double lat0, int side) throws Exception {
        double r = HealpixGrid.of(Ellipsoid.WGS84, 0).cellEdgeMetres() / Math.sqrt(Math.PI / 3);
        double dlat = Math.toDegrees(spacing / r);
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        long[] ids = new long[side * side];
        float[] v = new float[ids.length];
        for (int i = 0; i < side; i++) {
            double lat = lat0 + i * dlat;
            double dlon = Math.toDegrees(spacing / (r * Math.cos(Math.toRadians(lat)))); // rows keep the spacing
            for (int j = 0; j < side; j++) ids[i * side + j] = g.hash(lon0 + j * dlon, lat);
        }
        Path p = dir.resolve(name);
        try (DggsWriter w = DggsWriter.builder(p)
                .variable(new VariableSpec("v", DataType.FLOAT32, 1, null, Map.of(), VariableKind.QUANTITY)).build()) {
            w.add(ids, new Object[] {v}, 0, ids.length);
            w.finish();
        }
        return p;
    }

    @Test
    void nativeDepthOnRegularGridsOfKnownSpacing() throws Exception {
        double[][] cases = {{500, 14, 5, 0.3}, {10, 20, -60, 51.5}, {120, 16, 100, -33}, {2000, 12, 179.9, 70}, {30, 18, 0, 0.5}};
        for (double[] c : cases) {
            Path p = grid("g" + (int) c[0] + ".zarr", c[0], c[2], c[3], 60);
            try (DggsStore s = DggsStore.open(p)) {
                double est = ((Number) s.facts().get("median_spacing_m")).doubleValue();
                assertEquals(c[0], est, c[0] * 0.002, "spacing " + c[0]);
                assertEquals((int) c[1], s.nativeDepth(), "native depth for " + c[0] + " m");
                int first = s.overviewDepths()[0]; // the native level holds about one observation a cell: not written
                assertTrue(first < s.nativeDepth() && first >= s.nativeDepth() - 2, "first level " + first + " for " + c[0] + " m");
                assertTrue(HealpixGrid.of(Ellipsoid.WGS84, s.nativeDepth()).cellEdgeMetres() < c[0]);
                assertTrue(HealpixGrid.of(Ellipsoid.WGS84, s.nativeDepth() - 1).cellEdgeMetres() >= c[0]);
            }
        }
        assertEquals(14, Overviews.nativeDepthFor(500));
        assertEquals(20, Overviews.nativeDepthFor(10));
    }

    @Test
    void storesWithFewerThanTwoCellsHaveNoPyramid() throws Exception {
        Path p = dir.resolve("one.zarr");
        try (DggsWriter w = DggsWriter.builder(p)
                .variable(new VariableSpec("v", DataType.FLOAT32, 1, null, Map.of(), VariableKind.QUANTITY)).build()) {
            w.add(new long[] {12345}, new Object[] {new float[] {1}}, 0, 1);
            w.finish();
        }
        try (DggsStore s = DggsStore.open(p)) {
            assertEquals(0, s.overviewDepths().length);
            assertEquals(29, s.nativeDepth());
            assertNull(s.facts().get("median_spacing_m"));
            assertFalse(s.attributes().containsKey("multiscales"));
            assertEquals(1, ((List<?>) s.attributes().get("zarr_conventions")).size());
        }
        assertFalse(Files.exists(p.resolve("overviews")));
        assertTrue(DggsValidator.validate(p).valid());
    }

    // ---------------------------------------------------------------- rebuild

    static Map<String, String> digest(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                m.put(root.relativize(f).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return m;
    }

    static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(t);
                else Files.copy(f, t);
            }
        }
    }

    @Test
    void rebuildIsByteIdenticalAndMinDepthExtendsThePyramid() throws Exception {
        Path p = write("s.zarr", new Data(8_000, new Random(SEED + 2)));
        Map<String, String> before = digest(p);
        Run r = cli("overviews", p.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("native depth"), r.out());
        assertEquals(before, digest(p), "rebuild gives the same bytes");
        int[] depths;
        try (DggsStore s = DggsStore.open(p)) {
            depths = s.overviewDepths();
        }
        int coarse = depths[depths.length - 1];
        assertTrue(coarse > 2);
        Run r2 = cli("overviews", p.toString(), "--min-depth", "2");
        assertEquals(0, r2.code(), r2.err());
        try (DggsStore s = DggsStore.open(p)) {
            assertEquals(2, s.overviewDepths()[s.overviewDepths().length - 1]);
            assertEquals(depths[0], s.overviewDepths()[0]);
            try (DggsStore o = s.overview(2)) {
                assertEquals(8_000L, ((Number) o.facts().get("observations")).longValue());
            }
        }
        assertTrue(DggsValidator.validate(p).valid());
        assertEquals(0, cli("overviews", p.toString(), "-q").code());
        assertEquals(before, digest(p), "back to the default pyramid, same bytes");
        Run info = cli("info", p.toString());
        assertTrue(info.out().contains("native_depth:") && info.out().contains("median_spacing_m:")
                && info.out().contains("overview_cells:"), info.out());
        try (Stream<Path> s = Files.list(p)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".")), "no temporary folder left");
        }
    }

    @Test
    void blockAndColumnPathsWriteTheSamePyramid() throws Exception {
        Data d = new Data(8_000, new Random(SEED + 3));
        Path a = write("a.zarr", d);
        Path b = dir.resolve("b.zarr");
        DggsWriter.ColumnWriter c = builder(b).build().columns(d.ids);
        c.write("q", d.q);
        c.write("qi", d.qi);
        c.write("qd", d.qd);
        c.write("cls", d.cls);
        c.write("bits", d.bits);
        c.write("embeddings", d.emb);
        c.write("scales", d.scales);
        c.finish();
        assertEquals(digest(a), digest(b));
    }

    /** Overviews built from the writer's rows in memory equal those read back from the store, duplicates included. */
    @Test
    void overviewsFromMemoryAreTheSameBytes() throws Exception {
        Data d = new Data(8_000, new Random(SEED + 5));
        for (int i = 0; i < 300; i++) d.ids[7_000 + i] = d.ids[i * 3]; // collisions: the first observation is kept
        Path a = write("mem-a.zarr", d);
        Path b = dir.resolve("mem-b.zarr");
        try (DggsWriter w = builder(b).overviewsFromMemory(true).build()) {
            // in several blocks, so that the rows are gathered across blocks
            Object[] cols = {d.q, d.qi, d.qd, d.cls, d.bits, d.emb, d.scales};
            w.add(java.util.Arrays.copyOfRange(d.ids, 0, 3_000), slice(cols, d.n, 0, 3_000), 0, 3_000);
            w.add(java.util.Arrays.copyOfRange(d.ids, 3_000, d.n), slice(cols, d.n, 3_000, d.n), 0, d.n - 3_000);
            w.finish();
        }
        Map<String, String> da = digest(a);
        assertTrue(da.keySet().stream().anyMatch(k -> k.startsWith("overviews/")), da.keySet().toString());
        assertEquals(da, digest(b));
    }

    /** Rows [from, to) of every column of {@code rows} rows (bands: the column's length / rows). */
    private static Object[] slice(Object[] cols, int rows, int from, int to) {
        Object[] r = new Object[cols.length];
        for (int c = 0; c < cols.length; c++) {
            int bands = java.lang.reflect.Array.getLength(cols[c]) / rows;
            Object o = java.lang.reflect.Array.newInstance(cols[c].getClass().getComponentType(), (to - from) * bands);
            System.arraycopy(cols[c], from * bands, o, 0, (to - from) * bands);
            r[c] = o;
        }
        return r;
    }

    @Test
    void failedRebuildLeavesTheStoreAsItWas() throws Exception {
        Path p = write("s.zarr", new Data(6_000, new Random(SEED + 4)));
        // damage one shard of a variable: the rebuild must fail reading it and change nothing
        Path shard;
        try (Stream<Path> s = Files.walk(p.resolve("cls").resolve("c"))) {
            shard = s.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(b, b.length / 2));
        Map<String, String> before = digest(p);
        Run r = cli("overviews", p.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("cls"), r.err());
        assertEquals(before, digest(p));
        try (Stream<Path> s = Files.list(p)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith(".")), "no temporary folder left");
        }
        Run bad = cli("overviews", dir.resolve("nothing.zarr").toString());
        assertEquals(1, bad.code());
    }

    // ---------------------------------------------------------------- validation

    @Test
    void validatorChecksTheLevels() throws Exception {
        Path p = write("s.zarr", new Data(6_000, new Random(SEED + 5)));
        int d;
        try (DggsStore s = DggsStore.open(p)) {
            d = s.overviewDepths()[1];
        }
        FileSystemStore level = new FileSystemStore(p.resolve("overviews").resolve(String.valueOf(d)));
        ZarrArray count = ZarrArray.open(level, "count");
        int[] c = (int[]) count.read(new long[] {3}, new int[] {1});
        count.write(new long[] {3}, new int[] {1}, new int[] {c[0] + 1});
        ValidationReport r = DggsValidator.validate(p);
        assertFalse(r.valid());
        assertTrue(r.problems().toString().contains("overviews/" + d + "/count: row 3"), r.problems().toString());
        count.write(new long[] {3}, new int[] {1}, c);
        assertTrue(DggsValidator.validate(p).valid());
        ZarrArray ids = ZarrArray.open(level, "cell_ids");
        long[] id = (long[]) ids.read(new long[] {5}, new int[] {1});
        ids.write(new long[] {5}, new int[] {1}, new long[] {id[0] + 1});
        ValidationReport r2 = DggsValidator.validate(p);
        assertFalse(r2.valid());
        assertTrue(r2.problems().toString().contains("overviews/" + d + "/"), r2.problems().toString());
    }

    // ---------------------------------------------------------------- independent oracle

    @Test
    void numpyOracleRecomputesCountMeanAndOrOfEveryLevel() throws Exception {
        ExternalTools.requirePython("numpy", "numcodecs");
        Path p = write("s.zarr", new Data(5_000, new Random(SEED + 6)));
        Path script = Path.of(getClass().getResource("/dggs/check_overviews.py").toURI());
        String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, script.toString(), p.toString()), Map.of());
        assertTrue(out.startsWith("OK"), out);
        try (DggsStore s = DggsStore.open(p)) {
            assertTrue(out.contains("levels " + s.overviewDepths().length), out);
        }
    }

    // ---------------------------------------------------------------- samples

    @Test
    void samplesGetTheirNativeDepth() throws Exception {
        Path ec = Path.of(getClass().getResource("/earthcare").toURI());
        List<String> args = new ArrayList<>(List.of("convert", "earthcare"));
        try (Stream<Path> s = Files.list(ec)) {
            s.filter(f -> f.getFileName().toString().endsWith("06109D.h5")).sorted().forEach(f -> args.add(f.toString()));
        }
        Path out = dir.resolve("ec.zarr");
        args.addAll(List.of("-o", out.toString(), "--no-stac", "-q"));
        Run r = cli(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        try (DggsStore s = DggsStore.open(out)) {
            assertEquals(14, s.nativeDepth(), "EarthCARE MSI, ~500 m pixels");
            double spacing = ((Number) s.facts().get("median_spacing_m")).doubleValue();
            assertTrue(spacing > 400 && spacing < 600, "spacing " + spacing);
        }
        Path tessera = Path.of(getClass().getResource("/tessera").toURI());
        Path tout = dir.resolve("tessera");
        Run t = cli("convert", "tessera", tessera.toString(), "--year", "2024", "-o", tout.toString(), "--no-stac", "-q");
        assertEquals(0, t.code(), t.err());
        int stores = 0;
        try (Stream<Path> s = Files.list(tout)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".zarr"))::iterator) {
                try (DggsStore st = DggsStore.open(p)) {
                    if (st.cellCount() < 100) continue;
                    assertEquals(20, st.nativeDepth(), p + ": TESSERA, 10 m pixels");
                    stores++;
                }
            }
        }
        assertTrue(stores > 0);
    }
}
