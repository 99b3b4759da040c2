package org.healpixzarr.dggs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.healpixzarr.CollisionException;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.zarr.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DggsWriterTest {
    @TempDir
    Path dir;

    static final long SEED = Long.getLong("test.seed", System.nanoTime());

    /** Random observations around a point, with duplicates and rows without a cell. */
    static final class Obs {
        final long[] ids;
        final float[] q;
        final byte[] cls;
        final short[] bands; // 3 per row

        Obs(int n, Random r) {
            ids = new long[n];
            q = new float[n];
            cls = new byte[n];
            bands = new short[3 * n];
            HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
            for (int i = 0; i < n; i++) {
                if (r.nextInt(20) == 0) ids[i] = -1;
                else if (i > 0 && r.nextInt(10) == 0) ids[i] = ids[r.nextInt(i)] == -1 ? -1 : ids[r.nextInt(i)];
                else ids[i] = g.hash(10 + r.nextDouble() * 0.01, 45 + r.nextDouble() * 0.01);
                q[i] = r.nextFloat();
                cls[i] = (byte) r.nextInt(5);
                for (int b = 0; b < 3; b++) bands[3 * i + b] = (short) r.nextInt();
            }
        }
    }

    static DggsWriter.Builder builder(Path out) {
        return DggsWriter.builder(out)
                .variable(new VariableSpec("q", DataType.FLOAT32, 1, Float.NaN, Map.of("units", "1"), VariableKind.QUANTITY))
                .variable(new VariableSpec("cls", DataType.INT8, 1, (byte) -127, Map.of(), VariableKind.CLASS))
                .variable(new VariableSpec("emb", DataType.INT16, 3, null, Map.of(), VariableKind.QUANTITY))
                .chunking(1000, 4);
    }

    @Test
    void inMemoryAndSpilledRunsGiveTheSameStoreAndKeepFirst() throws Exception {
        System.out.println("DggsWriterTest seed " + SEED + " (-Dtest.seed to replay)");
        Random r = new Random(SEED);
        Obs o = new Obs(20_000, r);
        Path a = dir.resolve("mem.zarr"), b = dir.resolve("spill.zarr");
        WriteReport ra, rb;
        try (DggsWriter w = builder(a).build()) {
            w.add(o.ids, new Object[] {o.q, o.cls, o.bands}, 0, 7000);
            w.add(o.ids, new Object[] {o.q, o.cls, o.bands}, 7000, 20_000);
            ra = w.finish();
        }
        try (DggsWriter w = builder(b).memoryBudget(30_000).build()) { // forces several runs
            for (int s = 0; s < 20_000; s += 1500) w.add(o.ids, new Object[] {o.q, o.cls, o.bands}, s, Math.min(20_000, s + 1500));
            rb = w.finish();
        }
        assertEquals(0, ra.spilledRuns());
        assertTrue(rb.spilledRuns() > 3, "spilled runs: " + rb.spilledRuns());
        // expected: first observation per id
        Map<Long, Integer> first = new HashMap<>();
        long none = 0;
        for (int i = 0; i < o.ids.length; i++) {
            if (o.ids[i] == -1) none++;
            else first.putIfAbsent(o.ids[i], i);
        }
        for (WriteReport rep : List.of(ra, rb)) {
            assertEquals(20_000, rep.rowsAdded());
            assertEquals(none, rep.rowsWithoutCell());
            assertEquals(first.size(), rep.cellsWritten());
            assertEquals(20_000 - none - first.size(), rep.collisions());
            assertTrue(rep.cellsWithCollision() > 0 && rep.cellsWithCollision() <= rep.collisions());
        }
        assertEquals(ra.cellsWithCollision(), rb.cellsWithCollision());
        for (Path p : List.of(a, b)) {
            try (DggsStore s = DggsStore.open(p)) {
                long[] ids = s.readCellIds(0, s.cellCount());
                float[] q = (float[]) s.read("q", 0, s.cellCount());
                byte[] c = (byte[]) s.read("cls", 0, s.cellCount());
                short[] e = (short[]) s.read("emb", 0, s.cellCount());
                for (int i = 0; i < ids.length; i++) {
                    if (i > 0) assertTrue(ids[i] > ids[i - 1], "ascending at " + i);
                    int row = first.get(ids[i]);
                    assertEquals(Float.floatToRawIntBits(o.q[row]), Float.floatToRawIntBits(q[i]));
                    assertEquals(o.cls[row], c[i]);
                    for (int k = 0; k < 3; k++) assertEquals(o.bands[3 * row + k], e[3 * i + k]);
                }
                assertEquals(first.size(), ((Number) s.facts().get("cells")).longValue());
                assertEquals((long) rb.collisions(), ((Number) s.facts().get("collisions")).longValue());
            }
            assertTrue(DggsValidator.validate(p).valid(), DggsValidator.validate(p).problems().toString());
        }
        assertNoLeftovers();
    }

    @Test
    void columnModeWritesTheSameStoreAsBlockMode() throws Exception {
        Random r = new Random(SEED + 1);
        Obs o = new Obs(12_000, r);
        Path a = dir.resolve("blocks.zarr"), b = dir.resolve("columns.zarr");
        WriteReport ra, rb;
        try (DggsWriter w = builder(a).build()) {
            w.add(o.ids, new Object[] {o.q, o.cls, o.bands}, 0, o.ids.length);
            ra = w.finish();
        }
        DggsWriter.ColumnWriter c = builder(b).build().columns(o.ids);
        c.write("emb", o.bands); // any order
        c.write("q", o.q);
        assertThrows(IllegalArgumentException.class, () -> c.write("q", o.q), "twice");
        assertThrows(IllegalArgumentException.class, () -> c.write("nope", o.q), "undeclared");
        assertThrows(IllegalArgumentException.class, () -> c.write("cls", new byte[3]), "wrong length");
        assertThrows(IllegalStateException.class, c::finish, "cls missing");
        assertFalse(Files.exists(b), "a failed finish leaves no store");
        DggsWriter.ColumnWriter c2 = builder(b).build().columns(o.ids);
        c2.write("q", o.q);
        c2.write("cls", o.cls);
        c2.write("emb", o.bands);
        rb = c2.finish();
        assertEquals(ra.cellsWritten(), rb.cellsWritten());
        assertEquals(ra.collisions(), rb.collisions());
        assertEquals(ra.rowsWithoutCell(), rb.rowsWithoutCell());
        try (DggsStore sa = DggsStore.open(a); DggsStore sb = DggsStore.open(b)) {
            assertArrayEquals(sa.readCellIds(0, sa.cellCount()), sb.readCellIds(0, sb.cellCount()));
            for (String v : List.of("q", "cls", "emb")) {
                Object x = sa.read(v, 0, sa.cellCount()), y = sb.read(v, 0, sb.cellCount());
                assertTrue(java.util.Objects.deepEquals(x, y), v);
            }
        }
        assertTrue(DggsValidator.validate(b).valid());
        assertNoLeftovers();
    }

    /** Every file of a store, by relative path, as bytes. */
    static Map<String, byte[]> tree(Path root) throws Exception {
        Map<String, byte[]> m = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
        return m;
    }

    static void assertSameTree(Path a, Path b) throws Exception {
        Map<String, byte[]> ta = tree(a), tb = tree(b);
        assertEquals(ta.keySet(), tb.keySet(), b.toString());
        for (String k : ta.keySet()) assertArrayEquals(ta.get(k), tb.get(k), b + ": " + k);
    }

    /**
     * Finishing gathers each chunk straight from the added blocks (in memory) or merges spilled runs a chunk at a
     * time: whatever the block sizes (empty, one row, offsets into shared arrays), the budget, explicit spills and
     * the column mode, the store's bytes are the same; several shards per array and a partial last chunk.
     */
    @Test
    void finishingPathsWriteByteIdenticalStores() throws Exception {
        Random r = new Random(SEED + 2);
        Obs o = new Obs(9_500, r);
        java.time.Instant t = java.time.Instant.parse("2024-01-01T00:00:00Z");
        Object[] cols = {o.q, o.cls, o.bands};
        Path whole = dir.resolve("whole.zarr");
        try (DggsWriter w = builder(whole).created(t).build()) {
            w.add(o.ids, cols, 0, o.ids.length);
            w.finish();
        }
        // blocks of random sizes, some empty, some single rows
        Path blocks = dir.resolve("blocks.zarr");
        try (DggsWriter w = builder(blocks).created(t).build()) {
            for (int s = 0; s < o.ids.length; ) {
                int n = Math.min(o.ids.length - s, r.nextInt(4) == 0 ? r.nextInt(2) : 1 + r.nextInt(900));
                w.add(o.ids, cols, s, s + n);
                s += n;
            }
            w.finish();
        }
        // spilled by the writer's own budget, and by explicit spills of a shared budget
        Path budget = dir.resolve("budget.zarr");
        try (DggsWriter w = builder(budget).created(t).memoryBudget(25_000).build()) {
            for (int s = 0; s < o.ids.length; s += 700) w.add(o.ids, cols, s, Math.min(o.ids.length, s + 700));
            assertTrue(w.bufferedBytes() < 25_000 + 700 * 30);
            assertTrue(w.finish().spilledRuns() > 5);
        }
        Path spills = dir.resolve("spills.zarr");
        try (DggsWriter w = builder(spills).created(t).build()) {
            for (int s = 0; s < o.ids.length; s += 1300) {
                w.add(o.ids, cols, s, Math.min(o.ids.length, s + 1300));
                assertTrue(w.bufferedBytes() > 0);
                if (r.nextBoolean()) {
                    w.spill();
                    assertEquals(0, w.bufferedBytes());
                }
            }
            w.spill();
            w.spill(); // nothing buffered: no effect
            int runs = w.finish().spilledRuns();
            assertTrue(runs >= 1 && runs <= 9, runs + " runs");
        }
        DggsWriter.ColumnWriter c = builder(dir.resolve("columns.zarr")).created(t).build().columns(o.ids);
        c.write("cls", o.cls);
        c.write("emb", o.bands);
        c.write("q", o.q);
        c.finish();
        try (DggsStore s = DggsStore.open(whole)) {
            assertTrue(s.cellCount() > 2 * 4000, "more than two shards of 4 x 1000 cells: " + s.cellCount());
            assertTrue(s.cellCount() % 1000 != 0, "a partial last chunk");
        }
        for (String n : List.of("blocks.zarr", "budget.zarr", "spills.zarr", "columns.zarr")) assertSameTree(whole, dir.resolve(n));
        assertNoLeftovers();
    }

    @Test
    void strictPolicyFailsNamingTheCellAndLeavesNothing() throws Exception {
        Path out = dir.resolve("strict.zarr");
        long id = HealpixGrid.of(Ellipsoid.WGS84, 29).hash(1, 2);
        try (DggsWriter w = builder(out).duplicatePolicy(DuplicatePolicy.FAIL).build()) {
            w.add(new long[] {5, id, 7, id}, new Object[] {new float[4], new byte[4], new short[12]}, 0, 4);
            CollisionException e = assertThrows(CollisionException.class, w::finish);
            assertTrue(e.getMessage().contains(Long.toString(id)), e.getMessage());
            assertTrue(e.getMessage().contains("rows 1 and 3"), e.getMessage());
        }
        assertFalse(Files.exists(out));
        assertNoLeftovers();
    }

    @Test
    void closeWithoutFinishLeavesNoStoreAndNoSpill() throws Exception {
        Path out = dir.resolve("aborted.zarr");
        Random r = new Random(SEED);
        Obs o = new Obs(5000, r);
        try (DggsWriter w = builder(out).memoryBudget(10_000).build()) {
            w.add(o.ids, new Object[] {o.q, o.cls, o.bands}, 0, 5000);
        }
        assertFalse(Files.exists(out));
        assertNoLeftovers();
    }

    @Test
    void rejectsMismatchedColumnsAndBadIds() {
        DggsWriter w = builder(dir.resolve("x.zarr")).build();
        assertThrows(IllegalArgumentException.class, () -> w.add(new long[1], new Object[] {new double[1], new byte[1], new short[3]}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> w.add(new long[1], new Object[] {new float[1], new byte[1]}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> w.add(new long[] {12L << 58}, new Object[] {new float[1], new byte[1], new short[3]}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new VariableSpec("cell_ids", DataType.INT8, 1, null, null, VariableKind.CLASS));
    }

    @Test
    void metadataFollowsTheConventionExactly() throws Exception {
        Path out = dir.resolve("meta.zarr");
        try (DggsWriter w = builder(out).attributes(Map.of("title", "t")).build()) {
            long id = HealpixGrid.of(Ellipsoid.WGS84, 29).hash(179.9999, -30);
            long id2 = HealpixGrid.of(Ellipsoid.WGS84, 29).hash(-179.9999, -30.1);
            w.add(new long[] {id, id2}, new Object[] {new float[2], new byte[2], new short[6]}, 0, 2);
            w.finish();
        }
        try (DggsStore s = DggsStore.open(out)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> d = (Map<String, Object>) s.attributes().get("dggs");
            assertEquals(List.of("name", "refinement_level", "indexing_scheme", "ellipsoid", "spatial_dimension",
                    "coordinate", "compression"), List.copyOf(d.keySet()));
            assertEquals(29, ((Number) d.get("refinement_level")).intValue());
            assertEquals("t", s.attributes().get("title"));
            double[] bbox = s.bbox();
            assertTrue(bbox[0] > bbox[2], "antimeridian bbox must have west > east: " + java.util.Arrays.toString(bbox));
            assertTrue(bbox[0] > 179 && bbox[2] < -179, java.util.Arrays.toString(bbox));
            assertTrue(bbox[1] < -30.1 && bbox[3] > -30, java.util.Arrays.toString(bbox));
            assertEquals(List.of("q", "cls", "emb"), s.variables().stream().map(VariableInfo::name).toList());
            assertEquals(3, s.variable("emb").bands());
            assertEquals("1", s.variable("q").units());
            assertEquals(VariableKind.CLASS, s.variable("cls").kind());
        }
    }

    private void assertNoLeftovers() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> hidden = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), hidden, "temporary files left behind");
        }
    }
}
