package org.healpixzarr.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZarrShardingAndErrorsTest {
    @TempDir
    Path dir;

    private FileSystemStore fs;

    private ZarrArray sharded(Store store) throws IOException {
        ZarrArray a = ZarrArray.create(store, "x", ArrayMetadata.builder(new long[] {4096}, DataType.INT64)
                .chunkShape(256).shardShape(2048).compression(Compression.ZSTD, 3).build());
        long[] v = new long[4096];
        for (int i = 0; i < v.length; i++) v[i] = i * 1_000_003L;
        a.write(new long[] {0}, new int[] {4096}, v);
        return a;
    }

    @Test
    void partialReadOfShardReadsOnlyIndexAndNeededInnerChunks() throws Exception {
        fs = new FileSystemStore(dir.resolve("s.zarr"));
        CountingStore cs = new CountingStore(fs);
        sharded(cs);
        long shardSize = fs.size("x/c/0");
        ZarrArray a = ZarrArray.open(cs, "x");
        cs.reset();
        long[] r = (long[]) a.read(new long[] {300}, new int[] {100});
        for (int i = 0; i < 100; i++) assertEquals((300 + i) * 1_000_003L, r[i]);
        assertEquals(2, cs.reads(), "index suffix + one inner chunk: " + cs.readsByKey());
        assertEquals(Map.of("x/c/0", 2), cs.readsByKey());
        assertTrue(cs.bytesRead() < shardSize / 3, cs.bytesRead() + " of " + shardSize);
        // two adjacent inner chunks are fetched in one range request
        cs.reset();
        a.read(new long[] {500}, new int[] {100});
        assertEquals(2, cs.reads());
        // an empty inner chunk (all fill) is not fetched
        a.write(new long[] {1024}, new int[] {256}, new long[256]);
        cs.reset();
        long[] z = (long[]) a.read(new long[] {1024}, new int[] {256});
        assertEquals(0, Arrays.stream(z).filter(x -> x != 0).count());
        assertEquals(1, cs.reads(), "only the index");
    }

    @Test
    void wholeShardWriteDoesNotRead() throws Exception {
        fs = new FileSystemStore(dir.resolve("s.zarr"));
        CountingStore cs = new CountingStore(fs);
        ZarrArray a = sharded(cs);
        cs.reset();
        a.write(new long[] {2048}, new int[] {2048}, new long[2048]);
        assertEquals(0, cs.reads());
        assertEquals(0, fs.size("x/c/1") < 0 ? 0 : 1, "an all-fill shard is deleted");
        long[] v = new long[2048];
        Arrays.fill(v, 5);
        cs.reset();
        a.write(new long[] {2048}, new int[] {2048}, v);
        assertEquals(0, cs.reads());
        assertEquals(1, cs.writes());
    }

    @Test
    void corruptIndexChecksum() throws Exception {
        fs = new FileSystemStore(dir.resolve("s.zarr"));
        ZarrArray a = sharded(fs);
        byte[] b = fs.get("x/c/0");
        b[b.length - 10] ^= 0x40;
        fs.set("x/c/0", b);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> a.read(new long[] {0}, new int[] {10}));
        assertTrue(e.getMessage().contains("x/c/0") && e.getMessage().contains("crc32c"), e.getMessage());
        assertThrows(CorruptDataException.class, () -> a.read(new long[] {0}, new int[] {4096}));
        IOException w = assertThrows(IOException.class, () -> a.write(new long[] {0}, new int[] {1}, new long[1]));
        assertInstanceOf(DataException.class, w.getCause());
    }

    @Test
    void truncatedShard() throws Exception {
        fs = new FileSystemStore(dir.resolve("s.zarr"));
        ZarrArray a = sharded(fs);
        byte[] b = fs.get("x/c/0");
        fs.set("x/c/0", Arrays.copyOf(b, b.length - 7));
        for (int[] s : new int[][] {{10}, {2048}}) {
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> a.read(new long[] {0}, s));
            assertTrue(e.getMessage().contains("x/c/0"), e.getMessage());
        }
        fs.set("x/c/0", Arrays.copyOf(b, 10));
        assertThrows(CorruptDataException.class, () -> a.read(new long[] {0}, new int[] {10}));
        assertThrows(CorruptDataException.class, () -> a.read(new long[] {0}, new int[] {2048}));
        // index intact but inner chunk data cut: rebuild the shard without its first bytes' content
        byte[] cut = b.clone();
        Arrays.fill(cut, 0, 50, (byte) 0x55);
        fs.set("x/c/0", cut);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> a.read(new long[] {0}, new int[] {10}));
        assertTrue(e.getMessage().contains("x/c/0 (inner chunk [0])") && e.getMessage().contains("zstd"), e.getMessage());
    }

    @Test
    void corruptPlainChunks() throws Exception {
        fs = new FileSystemStore(dir.resolve("p.zarr"));
        for (Compression c : Compression.values()) {
            String p = "a_" + c;
            ZarrArray a = ZarrArray.create(fs, p, ArrayMetadata.builder(new long[] {100}, DataType.FLOAT32).chunkShape(50).compression(c, 1).build());
            a.write(new long[] {0}, new int[] {100}, TestData.random(DataType.FLOAT32, 100, 1));
            fs.set(p + "/c/1", "garbage!".getBytes(StandardCharsets.US_ASCII));
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> a.read(new long[] {0}, new int[] {100}));
            assertTrue(e.getMessage().startsWith(p + "/c/1"), e.getMessage());
            a.read(new long[] {0}, new int[] {50});
        }
    }

    private void metadata(String json) throws IOException {
        fs.set("m/zarr.json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static final String GOOD = "{\"zarr_format\":3,\"node_type\":\"array\",\"shape\":[10],\"data_type\":\"%s\","
            + "\"chunk_grid\":{\"name\":\"regular\",\"configuration\":{\"chunk_shape\":[5]}},"
            + "\"chunk_key_encoding\":{\"name\":\"default\",\"configuration\":{\"separator\":\"/\"}},"
            + "\"fill_value\":0,\"codecs\":%s,\"attributes\":{}}";

    @Test
    void invalidMetadata() throws Exception {
        fs = new FileSystemStore(dir.resolve("m.zarr"));
        metadata(String.format(GOOD, "int32", "[{\"name\":\"bytes\",\"configuration\":{\"endian\":\"little\"}}]"));
        ZarrArray.open(fs, "m");
        String[][] bad = {
            {String.format(GOOD, "complex64", "[{\"name\":\"bytes\"}]"), "complex64"},
            {String.format(GOOD, "int32", "[{\"name\":\"bytes\",\"configuration\":{\"endian\":\"little\"}},{\"name\":\"blosc\"}]"), "blosc"},
            {String.format(GOOD, "int32", "[{\"name\":\"transpose\",\"configuration\":{\"order\":[0]}},{\"name\":\"bytes\",\"configuration\":{\"endian\":\"little\"}}]"), "transpose"},
            {String.format(GOOD, "int32", "[]"), "codecs"},
            {"{\"zarr_format\":3,\"node_type\":\"array\",\"shape\":[10]}", "data_type"},
            {"{not json", "JSON"},
        };
        for (String[] b : bad) {
            metadata(b[0]);
            FormatException e = assertThrows(FormatException.class, () -> ZarrArray.open(fs, "m"));
            assertTrue(e.getMessage().startsWith("m/zarr.json") && e.getMessage().contains(b[1]), e.getMessage());
        }
    }

    @Test
    void readsForeignCodecChains() throws Exception {
        // big endian + crc32c + gzip on plain chunks; sharding with index at start and an outer gzip
        fs = new FileSystemStore(dir.resolve("f.zarr"));
        String codecs = "[{\"name\":\"bytes\",\"configuration\":{\"endian\":\"big\"}},{\"name\":\"crc32c\"},{\"name\":\"gzip\",\"configuration\":{\"level\":1}}]";
        metadata(String.format(GOOD, "int32", codecs));
        ZarrArray a = ZarrArray.open(fs, "m");
        int[] v = {1, -2, 3, 4, 5, 6, 7, 8, 9, 1 << 30};
        a.write(new long[] {0}, new int[] {10}, v);
        assertEquals(Arrays.toString(v), Arrays.toString((int[]) ZarrArray.open(fs, "m").read(new long[] {0}, new int[] {10})));
        fs.delete("m/c/0");
        fs.delete("m/c/1");
        String sh = "[{\"name\":\"sharding_indexed\",\"configuration\":{\"chunk_shape\":[1],\"codecs\":[{\"name\":\"bytes\",\"configuration\":{\"endian\":\"little\"}},"
                + "{\"name\":\"zstd\",\"configuration\":{\"level\":1,\"checksum\":false}}],\"index_codecs\":[{\"name\":\"bytes\",\"configuration\":{\"endian\":\"little\"}},{\"name\":\"crc32c\"}],"
                + "\"index_location\":\"start\"}},{\"name\":\"gzip\",\"configuration\":{\"level\":1}}]";
        metadata(String.format(GOOD, "int32", sh));
        a = ZarrArray.open(fs, "m");
        a.write(new long[] {0}, new int[] {10}, v);
        a.write(new long[] {2}, new int[] {1}, new int[] {33});
        v[2] = 33;
        assertEquals(Arrays.toString(v), Arrays.toString((int[]) ZarrArray.open(fs, "m").read(new long[] {0}, new int[] {10})));
        assertEquals(Arrays.toString(Arrays.copyOfRange(v, 1, 4)), Arrays.toString((int[]) a.read(new long[] {1}, new int[] {3})));
    }
}
