package org.healpixzarr.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ZarrArrayTest {
    @TempDir
    Path dir;

    /** Layouts: name, format, shape, chunk, shard (null = none). */
    static final Object[][] LAYOUTS = {
        {"v3-1d", 3, new long[] {1000}, new int[] {128}, null},
        {"v3-1d-sharded", 3, new long[] {1000}, new int[] {64}, new int[] {256}},
        {"v3-2d", 3, new long[] {37, 53}, new int[] {8, 16}, null},
        {"v3-2d-sharded", 3, new long[] {37, 53}, new int[] {4, 8}, new int[] {16, 24}},
        {"v2-1d", 2, new long[] {1000}, new int[] {128}, null},
        {"v2-2d", 2, new long[] {37, 53}, new int[] {8, 16}, null},
        // chunks of whole rows (as the 128-band embeddings): blocks of rows are contiguous in chunk and result
        {"v3-2d-rows", 3, new long[] {37, 5}, new int[] {8, 5}, null},
        {"v3-2d-rows-sharded", 3, new long[] {37, 5}, new int[] {4, 5}, new int[] {16, 5}},
    };

    static Stream<Arguments> cases() {
        List<Arguments> l = new ArrayList<>();
        for (DataType t : DataType.values()) {
            for (Compression c : Compression.values()) {
                for (Object[] lay : LAYOUTS) l.add(Arguments.of(t, c, lay[0], lay[1], lay[2], lay[3], lay[4]));
            }
        }
        return l.stream();
    }

    static Number fillFor(DataType t) {
        if (t.isFloat()) return Double.NaN;
        return t.isUnsigned() ? 7 : -3;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void roundTrip(DataType t, Compression c, String layout, int format, long[] shape, int[] chunk, int[] shard) throws Exception {
        Store store = new FileSystemStore(dir.resolve("s.zarr"));
        ArrayMetadata.Builder b = ArrayMetadata.builder(shape, t).chunkShape(chunk).compression(c, c == Compression.GZIP ? 5 : 3)
                .fillValue(fillFor(t)).zarrFormat(format).attributes(Map.of("units", "K"));
        if (shard != null) b.shardShape(shard);
        ZarrArray a = ZarrArray.create(store, "var", b.build());
        int n = 1;
        for (long s : shape) n *= (int) s;
        int[] full = new int[shape.length];
        for (int i = 0; i < full.length; i++) full[i] = (int) shape[i];
        long[] zero = new long[shape.length];

        // nothing written: all fill
        Object empty = a.read(zero, full);
        Object fills = t.newArray(n);
        Regions.fill(fills, ArrayMetadata.fillBits(ArrayMetadata.normaliseFill(fillFor(t), t), t));
        TestData.assertSameBits(fills, empty, "unwritten array reads as fill");

        Object data = TestData.random(t, n, 42);
        a.write(zero, full, data);
        ZarrArray r = ZarrArray.open(store, "var");
        assertEquals(format, r.metadata().zarrFormat());
        assertEquals(t, r.dataType());
        assertEquals(c, r.metadata().compression());
        assertArrayEquals(chunk, r.metadata().chunkShape());
        assertArrayEquals(shard, r.metadata().shardShape());
        assertEquals("K", r.metadata().attributes().get("units"));
        TestData.assertSameBits(data, r.read(zero, full), "full round trip");

        // partial hyperslab write (read-modify-write across chunk/shard boundaries) and read
        boolean wide = shape.length == 2 && shape[1] > 40;
        long[] off = shape.length == 1 ? new long[] {100} : new long[] {3, wide ? 5 : 1};
        int[] ps = shape.length == 1 ? new int[] {333} : new int[] {20, wide ? 30 : 3};
        Object patch = TestData.random(t, shape.length == 1 ? 333 : ps[0] * ps[1], 7);
        r.write(off, ps, patch);
        TestData.put(data, shape, off, ps, patch);
        TestData.assertSameBits(data, r.read(zero, full), "after partial write");
        long[] ro = shape.length == 1 ? new long[] {250} : new long[] {10, wide ? 2 : 1};
        int[] rs = shape.length == 1 ? new int[] {750} : new int[] {27, wide ? 40 : 4};
        TestData.assertSameBits(TestData.sub(data, shape, ro, rs, t), r.read(ro, rs), "partial read incl. edge");
        // every whole (inner) chunk inside the array, read alone (the decoded chunk is the result), and blocks of
        // whole rows
        for (long c0 = 0; c0 + chunk[0] <= shape[0]; c0 += chunk[0]) {
            if (shape.length == 1) {
                TestData.assertSameBits(TestData.sub(data, shape, new long[] {c0}, chunk, t), r.read(new long[] {c0}, chunk), "chunk " + c0);
                continue;
            }
            for (long c1 = 0; c1 + chunk[1] <= shape[1]; c1 += chunk[1]) {
                long[] co = {c0, c1};
                TestData.assertSameBits(TestData.sub(data, shape, co, chunk, t), r.read(co, chunk), "chunk " + c0 + "," + c1);
            }
            long[] rowsAt = {c0 + 1, 0};
            int[] rows = {(int) Math.min(2 * chunk[0], shape[0] - c0 - 1), (int) shape[1]};
            TestData.assertSameBits(TestData.sub(data, shape, rowsAt, rows, t), r.read(rowsAt, rows), "rows from " + (c0 + 1));
        }
        // empty region
        assertEquals(0, java.lang.reflect.Array.getLength(r.read(ro, new int[shape.length])));
    }

    /** A store that hands out the same array for the same key or range, as a caching store may. */
    static final class SameArrayStore implements Store {
        final Store base;
        final Map<String, byte[]> cache = new java.util.HashMap<>();

        SameArrayStore(Store base) {
            this.base = base;
        }

        @Override
        public byte[] get(String key) throws java.io.IOException {
            if (!cache.containsKey(key)) cache.put(key, base.get(key));
            return cache.get(key);
        }

        @Override
        public byte[] getRange(String key, long offset, int length) throws java.io.IOException {
            String k = key + "@" + offset + "+" + length;
            if (!cache.containsKey(k)) cache.put(k, base.getRange(key, offset, length));
            return cache.get(k);
        }

        @Override
        public long size(String key) throws java.io.IOException {
            return base.size(key);
        }

        @Override
        public void set(String key, byte[] value) throws java.io.IOException {
            cache.clear();
            base.set(key, value);
        }

        @Override
        public void delete(String key) throws java.io.IOException {
            cache.clear();
            base.delete(key);
        }

        @Override
        public List<String> list(String prefix) throws java.io.IOException {
            return base.list(prefix);
        }
    }

    @Test
    void readsNeverHandOutTheStoresArrays() throws Exception {
        // uncompressed 8-bit chunks decode to the stored bytes themselves: a whole-chunk read must still return an
        // array of the caller's own
        for (int[] shard : new int[][] {null, {32}}) {
            Store store = new FileSystemStore(dir.resolve("same" + (shard == null ? "" : "-sharded") + ".zarr"));
            ArrayMetadata.Builder b = ArrayMetadata.builder(new long[] {64}, DataType.UINT8).chunkShape(8)
                    .compression(Compression.NONE, 0).fillValue(0);
            if (shard != null) b.shardShape(shard);
            byte[] data = (byte[]) TestData.random(DataType.UINT8, 64, 3);
            ZarrArray.create(store, "v", b.build()).write(new long[] {0}, new int[] {64}, data);
            ZarrArray a = ZarrArray.open(new SameArrayStore(store), "v");
            for (int c = 0; c < 64; c += 8) {
                byte[] first = (byte[]) a.read(new long[] {c}, new int[] {8});
                java.util.Arrays.fill(first, (byte) 0x55);
                assertArrayEquals(java.util.Arrays.copyOfRange(data, c, c + 8), (byte[]) a.read(new long[] {c}, new int[] {8}),
                        "chunk " + c + " read again after the first result was changed");
            }
        }
    }

    @Test
    void missingChunkReadsAsFillAndFillChunksAreNotStored() throws Exception {
        FileSystemStore store = new FileSystemStore(dir.resolve("m.zarr"));
        ZarrArray a = ZarrArray.create(store, "x", ArrayMetadata.builder(new long[] {100}, DataType.FLOAT32)
                .chunkShape(10).fillValue(Double.NaN).compression(Compression.ZSTD, 3).build());
        float[] v = new float[10];
        java.util.Arrays.fill(v, 1.5f);
        a.write(new long[] {30}, new int[] {10}, v);
        assertEquals(List.of("x/c/3", "x/zarr.json"), store.list("x/"));
        float[] all = (float[]) a.read(new long[] {0}, new int[] {100});
        for (int i = 0; i < 100; i++) {
            if (i >= 30 && i < 40) assertEquals(1.5f, all[i]);
            else assertTrue(Float.isNaN(all[i]));
        }
        // rewriting with fill deletes the chunk
        java.util.Arrays.fill(v, Float.NaN);
        a.write(new long[] {30}, new int[] {10}, v);
        assertEquals(List.of("x/zarr.json"), store.list("x/"));
    }

    @Test
    void metadataJsonFollowsV3Spec() throws Exception {
        FileSystemStore store = new FileSystemStore(dir.resolve("j.zarr"));
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("b", 1);
        attrs.put("a", List.of("x", 2.5, true));
        attrs.put("n", null);
        ZarrArray.create(store, "cell_ids", ArrayMetadata.builder(new long[] {1000}, DataType.UINT64).chunkShape(100)
                .shardShape(500).compression(Compression.ZSTD, 5).fillValue(0).dimensionNames("cells").attributes(attrs).build());
        String json = Files.readString(store.root().resolve("cell_ids/zarr.json"));
        Map<String, Object> m = Json.read(json.getBytes(), "k");
        assertEquals(List.of("zarr_format", "node_type", "shape", "data_type", "chunk_grid", "chunk_key_encoding", "fill_value",
                "codecs", "attributes", "dimension_names"), new ArrayList<>(m.keySet()));
        assertEquals("{name=regular, configuration={chunk_shape=[500]}}", m.get("chunk_grid").toString());
        assertEquals("{name=default, configuration={separator=/}}", m.get("chunk_key_encoding").toString());
        assertEquals("[{name=sharding_indexed, configuration={chunk_shape=[100], codecs=[{name=bytes, configuration={endian=little}}, "
                + "{name=zstd, configuration={level=5, checksum=true}}], index_codecs=[{name=bytes, configuration={endian=little}}, "
                + "{name=crc32c}], index_location=end}}]", m.get("codecs").toString());
        assertTrue(json.contains("\n"), "pretty printed");
        ZarrArray r = ZarrArray.open(store, "cell_ids");
        assertEquals(attrs, r.metadata().attributes());
        assertEquals(List.of("b", "a", "n"), new ArrayList<>(r.metadata().attributes().keySet()));
        assertArrayEquals(new String[] {"cells"}, r.metadata().dimensionNames());
        r.setAttributes(Map.of("k", "v"));
        assertEquals(Map.of("k", "v"), ZarrArray.open(store, "cell_ids").metadata().attributes());
    }

    @Test
    void fillValuesSpecialFloats() throws Exception {
        FileSystemStore store = new FileSystemStore(dir.resolve("f.zarr"));
        double[] fills = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e300};
        for (int fmt : new int[] {2, 3}) {
            for (int i = 0; i < fills.length; i++) {
                String p = "v" + fmt + "_" + i;
                ZarrArray.create(store, p, ArrayMetadata.builder(new long[] {5}, DataType.FLOAT64).zarrFormat(fmt).fillValue(fills[i]).build());
                ZarrArray a = ZarrArray.open(store, p);
                assertEquals(Double.doubleToLongBits(fills[i]), Double.doubleToLongBits(a.metadata().fillValue().doubleValue()));
                double[] v = (double[]) a.read(new long[] {0}, new int[] {5});
                assertEquals(Double.doubleToLongBits(fills[i]), Double.doubleToLongBits(v[4]));
            }
        }
        String j = Files.readString(store.root().resolve("v3_0/zarr.json"));
        assertTrue(j.contains("\"fill_value\" : \"NaN\""), j);
        assertTrue(Files.readString(store.root().resolve("v3_2/zarr.json")).contains("\"-Infinity\""));
        // uint64 fill above Long.MAX_VALUE
        ZarrArray.create(store, "u", ArrayMetadata.builder(new long[] {3}, DataType.UINT64).fillValue(new java.math.BigInteger("18446744073709551615")).build());
        assertTrue(Files.readString(store.root().resolve("u/zarr.json")).contains("18446744073709551615"));
        assertArrayEquals(new long[] {-1, -1, -1}, (long[]) ZarrArray.open(store, "u").read(new long[] {0}, new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> ArrayMetadata.builder(new long[] {3}, DataType.UINT8).fillValue(256).build());
    }

    @Test
    void groups() throws Exception {
        for (int fmt : new int[] {2, 3}) {
            FileSystemStore store = new FileSystemStore(dir.resolve("g" + fmt + ".zarr"));
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("dggs", Map.of("name", "healpix", "refinement_level", 29));
            attrs.put("title", "t");
            ZarrGroup root = ZarrGroup.create(store, "", attrs, fmt);
            ZarrGroup.create(store, "overviews", null, fmt);
            ZarrGroup.create(store, "overviews/12", Map.of("x", 1), fmt);
            ZarrArray.create(store, "cell_ids", ArrayMetadata.builder(new long[] {10}, DataType.UINT64).zarrFormat(fmt).build());
            ZarrArray.create(store, "overviews/12/cell_ids", ArrayMetadata.builder(new long[] {10}, DataType.UINT64).zarrFormat(fmt).build());
            ZarrGroup g = ZarrGroup.open(store, "");
            assertEquals(fmt, g.zarrFormat());
            assertEquals(attrs, g.attributes());
            assertEquals(List.of("cell_ids"), g.childArrays());
            assertEquals(List.of("overviews"), g.childGroups());
            assertEquals(List.of("12"), ZarrGroup.open(store, "overviews").childGroups());
            assertEquals(List.of("cell_ids"), ZarrGroup.open(store, "overviews/12").childArrays());
            // same via a non-file-system listing
            assertEquals(List.of("cell_ids"), ZarrGroup.open(new CountingStore(store), "").childArrays());
            root.setAttributes(Map.of("a", 1));
            assertEquals(Map.of("a", 1), ZarrGroup.open(store, "").attributes());
            assertThrows(org.healpixzarr.FormatException.class, () -> ZarrGroup.open(store, "cell_ids"));
            assertThrows(org.healpixzarr.FormatException.class, () -> ZarrArray.open(store, "nothing"));
        }
    }

    @Test
    void wrongArgumentsAreIllegalArgument() throws Exception {
        Store store = new FileSystemStore(dir.resolve("w.zarr"));
        ZarrArray a = ZarrArray.create(store, "a", ArrayMetadata.builder(new long[] {10}, DataType.INT32).chunkShape(4).build());
        assertThrows(IllegalArgumentException.class, () -> a.write(new long[] {0}, new int[] {2}, new long[2]));
        assertThrows(IllegalArgumentException.class, () -> a.write(new long[] {0}, new int[] {2}, new int[3]));
        assertThrows(IllegalArgumentException.class, () -> a.read(new long[] {8}, new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> ArrayMetadata.builder(new long[] {10}, DataType.INT32).chunkShape(4).shardShape(6).build());
        assertThrows(IllegalArgumentException.class, () -> ArrayMetadata.builder(new long[] {10}, DataType.INT32).zarrFormat(2).shardShape(4).build());
        assertNull(store.get("a/c/0"));
    }

    @Test
    void dataTypeNames() throws Exception {
        assertEquals("|i1", DataType.INT8.v2Name());
        assertEquals("<u8", DataType.UINT64.v2Name());
        assertEquals("<f4", DataType.FLOAT32.v2Name());
        assertEquals(DataType.UINT16, DataType.fromV3Name("uint16"));
        assertThrows(org.healpixzarr.FormatException.class, () -> DataType.fromV3Name("complex64"));
        for (DataType t : DataType.values()) assertEquals(t, DataType.fromV2Name(t.v2Name())[0]);
    }
}
