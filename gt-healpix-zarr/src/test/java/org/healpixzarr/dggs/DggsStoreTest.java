package org.healpixzarr.dggs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.healpixzarr.FormatException;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.zarr.CountingStore;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.zarr.FileSystemStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DggsStoreTest {
    @TempDir
    static Path dir;
    static Path store;
    static long[] ids;
    static double[] lon, lat;
    static final long SEED = Long.getLong("test.seed", System.nanoTime());

    /** A store of 200,000 points on a band from 170°E across the antimeridian to 170°W, 20 chunks of 10,000 cells. */
    @BeforeAll
    static void write() throws Exception {
        System.out.println("DggsStoreTest seed " + SEED);
        Random r = new Random(SEED);
        int n = 200_000;
        lon = new double[n];
        lat = new double[n];
        long[] cells = new long[n];
        double[] v = new double[n];
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        for (int i = 0; i < n; i++) {
            lon[i] = 170 + r.nextDouble() * 20;
            lat[i] = -10 + r.nextDouble() * 20;
            cells[i] = g.hash(lon[i], lat[i]);
            v[i] = i;
        }
        store = dir.resolve("band.zarr");
        try (DggsWriter w = DggsWriter.builder(store).chunking(10_000, 4)
                .variable(new VariableSpec("row", DataType.FLOAT64, 1, Double.NaN, Map.of(), VariableKind.QUANTITY)).build()) {
            w.add(cells, new Object[] {v}, 0, n);
            w.finish();
        }
        try (DggsStore s = DggsStore.open(store)) {
            ids = s.readCellIds(0, s.cellCount());
        }
    }

    @Test
    void boxReadEqualsBruteForceAndTouchesOnlyIntersectingChunks() throws Exception {
        double[][] boxes = {{175, -1, 176, 0}, {179.5, 2, -179.5, 3}, {-175, -10, -170, 10}, {0, 0, 1, 1}};
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        for (double[] b : boxes) {
            CountingStore counting = new CountingStore(new FileSystemStore(store));
            try (DggsStore s = DggsStore.open(counting, store.toString())) {
                counting.reset();
                CellBlock block = s.readBox(b[0], b[1], b[2], b[3], List.of("row"));
                List<Long> expected = new ArrayList<>();
                for (long id : ids) {
                    double[] c = g.center(id);
                    if (DggsStore.inBox(c[0], c[1], b[0], b[1], b[2], b[3])) expected.add(id);
                }
                assertEquals(expected.size(), block.size(), "cells in box " + java.util.Arrays.toString(b));
                for (int i = 0; i < block.size(); i++) assertEquals((long) expected.get(i), block.ids()[i]);
                double[] rows = (double[]) block.values().get("row");
                for (int i = 0; i < block.size(); i++) {
                    int row = (int) rows[i];
                    assertEquals(block.ids()[i], g.hash(lon[row], lat[row]));
                }
                // chunk pruning: the keys read are only chunk index + the shards' indexes/inner chunks of intersecting chunks
                long totalChunks = (ids.length + 9_999) / 10_000;
                long touchedChunks = 0;
                for (long c = 0; c < totalChunks; c++) {
                    long first = ids[(int) (c * 10_000)];
                    long last = ids[(int) Math.min(ids.length - 1, c * 10_000 + 9_999)];
                    boolean hit = false;
                    for (long id : expected) hit |= id >= first && id <= last;
                    if (hit) touchedChunks++;
                }
                System.out.printf("box %s: %d cells, %d of %d chunks intersect, %d reads, %d bytes%n",
                        java.util.Arrays.toString(b), block.size(), touchedChunks, totalChunks, counting.reads(), counting.bytesRead());
                if (expected.isEmpty()) {
                    assertTrue(counting.bytesRead() < 20_000, "an empty box read " + counting.bytesRead() + " bytes");
                } else {
                    // each intersecting chunk: ~80 KB of ids + 80 KB of values, uncompressed upper bound 160 KB per chunk
                    long bound = (touchedChunks + 2) * 2 * 10_000 * 8L + 50_000;
                    assertTrue(counting.bytesRead() < bound, "read " + counting.bytesRead() + " bytes, bound " + bound);
                    assertTrue(touchedChunks < totalChunks, "the test box must not cover everything");
                }
            }
        }
    }

    @Test
    void lowerBoundIsTheFirstRowNotBelow() throws Exception {
        Random r = new Random(SEED);
        try (DggsStore s = DggsStore.open(store)) {
            for (int k = 0; k < 200; k++) {
                int i = r.nextInt(ids.length);
                assertEquals(i, s.lowerBound(ids[i]));
                long probe = ids[i] + 1;
                long expected = i + 1 < ids.length && ids[i + 1] == probe ? i + 1 : i + 1;
                assertEquals(expected, s.lowerBound(probe));
            }
            assertEquals(0, s.lowerBound(0));
            assertEquals(ids.length, s.lowerBound(Long.MAX_VALUE));
        }
    }

    @Test
    void openRejectsWhatIsNotAStore() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty.zarr"));
        FormatException e = assertThrows(FormatException.class, () -> DggsStore.open(empty));
        assertTrue(e.getMessage().contains("zarr.json"), e.getMessage());
        assertThrows(FormatException.class, () -> DggsStore.open(dir.resolve("missing.zarr")));
        try (DggsStore s = DggsStore.open(store)) {
            FormatException v = assertThrows(FormatException.class, () -> s.variable("nope"));
            assertTrue(v.getMessage().contains("row"), v.getMessage());
        }
    }

    @Test
    void idsAreSortedUnique() {
        for (int i = 1; i < ids.length; i++) assertTrue(ids[i] > ids[i - 1]);
        assertArrayEquals(ids, java.util.Arrays.stream(ids).sorted().distinct().toArray());
    }
}
