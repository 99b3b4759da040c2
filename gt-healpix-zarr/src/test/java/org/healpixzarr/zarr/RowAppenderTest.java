package org.healpixzarr.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ZarrArray#appender()} writes the same objects as one {@link ZarrArray#write} of the whole array. */
class RowAppenderTest {
    private static final System.Logger LOG = System.getLogger(RowAppenderTest.class.getName());

    @TempDir
    Path dir;

    @Test
    void sameObjectsAsOneWholeWrite() throws Exception {
        long seed = new Random().nextLong();
        LOG.log(System.Logger.Level.INFO, "seed {0}", seed);
        Random rnd = new Random(seed);
        DataType[] types = {DataType.FLOAT32, DataType.INT8, DataType.UINT64, DataType.INT16, DataType.FLOAT64};
        for (int trial = 0; trial < 120; trial++) {
            DataType t = types[rnd.nextInt(types.length)];
            int bands = rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(4);
            int chunk = 1 + rnd.nextInt(9);
            boolean sharded = rnd.nextInt(3) > 0;
            int shard = chunk * (1 + rnd.nextInt(5));
            int rows = rnd.nextInt(6) == 0 ? shard * (1 + rnd.nextInt(3)) : rnd.nextInt(80);
            int format = !sharded && rnd.nextInt(4) == 0 ? 2 : 3;
            Number fill = t.isFloat() ? (rnd.nextBoolean() ? Double.NaN : 0.0) : (Number) (long) rnd.nextInt(3);
            long[] shape = bands == 1 ? new long[] {rows} : new long[] {rows, bands};
            int[] cs = bands == 1 ? new int[] {chunk} : new int[] {chunk, bands};
            int[] ss = bands == 1 ? new int[] {shard} : new int[] {shard, bands};
            ArrayMetadata.Builder b = ArrayMetadata.builder(shape, t).chunkShape(cs).fillValue(fill).zarrFormat(format)
                    .compression(rnd.nextBoolean() ? Compression.ZSTD : Compression.GZIP, 1);
            if (sharded) b.shardShape(ss);
            ArrayMetadata md = b.build();
            Object data = data(t, rows * bands, fill, rnd);
            String what = "trial " + trial + " (seed " + seed + "): " + t + " rows " + rows + " bands " + bands + " chunk " + chunk
                    + (sharded ? " shard " + shard : "") + " v" + format + " fill " + fill;

            FileSystemStore whole = new FileSystemStore(dir.resolve("w" + trial));
            ZarrArray w = ZarrArray.create(whole, "a", md);
            if (rows > 0) w.write(bands == 1 ? new long[] {0} : new long[] {0, 0}, bands == 1 ? new int[] {rows} : new int[] {rows, bands}, data);

            FileSystemStore parts = new FileSystemStore(dir.resolve("p" + trial));
            ZarrArray p = ZarrArray.create(parts, "a", md);
            try (ZarrArray.RowAppender app = p.appender()) {
                int done = 0;
                while (done < rows) {
                    int n = Math.min(rows - done, rnd.nextInt(2 * chunk + 2));
                    Object piece = t.newArray(n * bands + rnd.nextInt(3)); // longer than needed: only n rows are taken
                    System.arraycopy(data, done * bands, piece, 0, n * bands);
                    app.append(piece, n);
                    done += n;
                }
                app.finish();
            }
            assertSameObjects(whole, parts, what);
            if (rows > 0) {
                Object back = ZarrArray.open(parts, "a").read(bands == 1 ? new long[] {0} : new long[] {0, 0},
                        bands == 1 ? new int[] {rows} : new int[] {rows, bands});
                assertArrayEquals(TestData.bits(data), TestData.bits(back), what);
            }
        }
    }

    @Test
    void foreignShardingWithIndexAtStartAndOuterCodec() throws Exception {
        String json = "{\"zarr_format\":3,\"node_type\":\"array\",\"shape\":[23],\"data_type\":\"int32\","
                + "\"chunk_grid\":{\"name\":\"regular\",\"configuration\":{\"chunk_shape\":[6]}},"
                + "\"chunk_key_encoding\":{\"name\":\"default\",\"configuration\":{\"separator\":\"/\"}},\"fill_value\":0,"
                + "\"codecs\":[{\"name\":\"sharding_indexed\",\"configuration\":{\"chunk_shape\":[2],\"codecs\":[{\"name\":\"bytes\","
                + "\"configuration\":{\"endian\":\"little\"}},{\"name\":\"zstd\",\"configuration\":{\"level\":1,\"checksum\":false}}],"
                + "\"index_codecs\":[{\"name\":\"bytes\",\"configuration\":{\"endian\":\"little\"}},{\"name\":\"crc32c\"}],"
                + "\"index_location\":\"start\"}},{\"name\":\"gzip\",\"configuration\":{\"level\":1}}],\"attributes\":{}}";
        int[] v = new int[23];
        for (int i = 0; i < v.length; i++) v[i] = i < 6 ? 0 : i * 7 - 50; // first shard all fill: no object
        FileSystemStore a = new FileSystemStore(dir.resolve("a")), b = new FileSystemStore(dir.resolve("b"));
        a.set("m/zarr.json", json.getBytes(StandardCharsets.UTF_8));
        b.set("m/zarr.json", json.getBytes(StandardCharsets.UTF_8));
        ZarrArray.open(a, "m").write(new long[] {0}, new int[] {23}, v);
        try (ZarrArray.RowAppender app = ZarrArray.open(b, "m").appender()) {
            app.append(v, 10);
            app.append(java.util.Arrays.copyOfRange(v, 10, 23), 13);
            app.finish();
        }
        assertSameObjects(a, b, "index at start, outer gzip");
        assertNull(b.get("m/c/0"), "an all-fill shard is not stored");
        assertArrayEquals(v, (int[]) ZarrArray.open(b, "m").read(new long[] {0}, new int[] {23}));
    }

    @Test
    void misuseIsRefusedAndAnUnfinishedShardLeavesNothing() throws Exception {
        FileSystemStore fs = new FileSystemStore(dir.resolve("s"));
        ZarrArray a = ZarrArray.create(fs, "a", ArrayMetadata.builder(new long[] {100}, DataType.INT32).chunkShape(10).shardShape(50).build());
        int[] v = new int[100];
        java.util.Arrays.fill(v, 9);
        try (ZarrArray.RowAppender app = a.appender()) {
            assertThrows(IllegalArgumentException.class, () -> app.append(new long[10], 10), "wrong data class");
            assertThrows(IllegalArgumentException.class, () -> app.append(v, 101), "more rows than data");
            app.append(v, 70);
            assertThrows(IllegalArgumentException.class, () -> app.append(v, 31), "beyond the array");
            assertThrows(IllegalStateException.class, app::finish, "rows missing");
        }
        // the first shard was complete and is stored; the second was being streamed and is discarded, no temporary file
        assertTrue(fs.size("a/c/0") > 0);
        assertNull(fs.get("a/c/1"));
        try (Stream<Path> files = Files.walk(dir.resolve("s"))) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(FileSystemStore.TMP_MARK)).toList());
        }
        ZarrArray m = ZarrArray.create(fs, "m", ArrayMetadata.builder(new long[] {10, 4}, DataType.INT32).chunkShape(5, 2).build());
        assertThrows(IllegalStateException.class, m::appender, "chunks not spanning the second dimension");
    }

    @Test
    void storeWriterCommitsOrDiscards() throws Exception {
        FileSystemStore fs = new FileSystemStore(dir.resolve("w"));
        Store prefixed = new PrefixStore(fs, "g");
        List<Store> stores = List.of(fs, prefixed, new CountingStore(fs));
        for (int i = 0; i < stores.size(); i++) {
            Store s = stores.get(i);
            String key = "k" + i + "/v";
            try (Store.ValueWriter w = s.writer(key)) {
                w.write("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
                w.write("xdefx".getBytes(StandardCharsets.US_ASCII), 1, 3);
                assertEquals(6, w.position());
                assertNull(s.get(key), "invisible before the commit");
                w.commit();
            }
            assertEquals("abcdef", new String(s.get(key), StandardCharsets.US_ASCII));
            try (Store.ValueWriter w = s.writer(key)) {
                w.write(new byte[] {1, 2}, 0, 2);
            }
            assertEquals("abcdef", new String(s.get(key), StandardCharsets.US_ASCII), "closed without commit: old value kept");
        }
        assertEquals("abcdef", new String(fs.get("g/k1/v"), StandardCharsets.US_ASCII));
        try (Stream<Path> files = Files.walk(dir.resolve("w"))) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().contains(FileSystemStore.TMP_MARK)));
        }
    }

    private static Object data(DataType t, int n, Number fill, Random rnd) {
        Object a = t.newArray(n);
        int i = 0;
        while (i < n) { // runs of fill values (whole fill chunks and shards) and of random values
            int run = Math.min(n - i, 1 + rnd.nextInt(12));
            boolean isFill = rnd.nextInt(3) == 0;
            for (int k = i; k < i + run; k++) {
                double x = isFill ? fill.doubleValue() : rnd.nextInt(200) - 100 + (t.isFloat() ? rnd.nextDouble() : 0);
                if (t == DataType.UINT64 && !isFill) x = Math.abs(x);
                java.lang.reflect.Array.set(a, k, convert(t, x));
            }
            i += run;
        }
        return a;
    }

    private static Object convert(DataType t, double x) {
        switch (t) {
            case FLOAT32: return (float) x;
            case FLOAT64: return x;
            case INT8: return (byte) x;
            case INT16: return (short) x;
            default: return (long) x;
        }
    }

    private static void assertSameObjects(Store a, Store b, String what) throws IOException {
        List<String> ka = a.list(""), kb = b.list("");
        assertEquals(ka, kb, what);
        for (String k : ka) assertArrayEquals(a.get(k), b.get(k), what + ": " + k);
    }
}
