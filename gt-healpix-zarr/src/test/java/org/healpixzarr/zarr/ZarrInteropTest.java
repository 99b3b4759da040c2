package org.healpixzarr.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent readers of our output, with exact value comparison: a standalone Python Zarr v3
 * reader (numpy + numcodecs, src/test/resources/zarr/read_v3.py), zarrita under node
 * (src/test/node, needs {@code npm ci} there), and Debian's zarr-python 2 and xarray for v2.
 */
class ZarrInteropTest {
    @TempDir
    Path dir;

    private static final long[] SHAPE_2D = {45, 70};

    private static String script(String name) throws Exception {
        return Path.of(ZarrInteropTest.class.getResource("/zarr/" + name).toURI()).toString();
    }

    /** Writes one array per data type (and layout), returns path -> expected full data. */
    private Map<String, Object> writeV3(Store store) throws Exception {
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        ZarrGroup.create(store, "", Map.of("title", "interop"), 3);
        for (DataType t : DataType.values()) {
            // sharded zstd, 2-D, edge shards and chunks, partly unwritten (fill), NaN fill for floats
            String p = "sh_" + t.v3Name();
            ZarrArray a = ZarrArray.create(store, p, ArrayMetadata.builder(SHAPE_2D, t).chunkShape(8, 10).shardShape(16, 30)
                    .compression(Compression.ZSTD, 3).fillValue(t.isFloat() ? Double.NaN : 3).dimensionNames("y", "x").build());
            Object full = t.newArray(45 * 70);
            Regions.fill(full, a.metadata().fillBits());
            Object part = TestData.random(t, 40 * 50, t.ordinal());
            a.write(new long[] {3, 12}, new int[] {40, 50}, part);
            TestData.put(full, SHAPE_2D, new long[] {3, 12}, new int[] {40, 50}, part);
            expected.put(p, full);
            // sharded, 2-D rows of bands like a store's embeddings, without compression (inner chunks bytes only) or
            // at a fast (negative) zstd level, alternately
            String u = "shu_" + t.v3Name();
            boolean fast = t.ordinal() % 2 == 1;
            ZarrArray c = ZarrArray.create(store, u, ArrayMetadata.builder(new long[] {301, 7}, t).chunkShape(64, 7)
                    .shardShape(128, 7).compression(fast ? Compression.ZSTD : Compression.NONE, fast ? -1 : 0)
                    .dimensionNames("cells", "band").build());
            Object rows = TestData.random(t, 301 * 7, 300 + t.ordinal());
            c.write(new long[] {0, 0}, new int[] {301, 7}, rows);
            expected.put(u, rows);
            // plain gzip 1-D with edge chunk
            String g = "gz_" + t.v3Name();
            ZarrArray b = ZarrArray.create(store, g, ArrayMetadata.builder(new long[] {1001}, t).chunkShape(100)
                    .compression(Compression.GZIP, 6).build());
            Object d = TestData.random(t, 1001, 100 + t.ordinal());
            b.write(new long[] {0}, new int[] {1001}, d);
            expected.put(g, d);
        }
        return expected;
    }

    private static void compare(String out, Object expected, String what) {
        StringBuilder header = new StringBuilder();
        long[] got = TestData.parseOracle(out, header);
        assertArrayEquals(TestData.bits(expected), got, what + " (" + header + ")");
    }

    @Test
    void v3ReadByIndependentPythonReader() throws Exception {
        ExternalTools.requirePython("numpy", "numcodecs");
        Path root = dir.resolve("v3.zarr");
        Map<String, Object> expected = writeV3(new FileSystemStore(root));
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, script("read_v3.py"), root.toString(), e.getKey()), Map.of());
            compare(out, e.getValue(), "read_v3.py " + e.getKey());
        }
    }

    @Test
    void v3ReadByZarrita() throws Exception {
        ExternalTools.requireCommand("node");
        Path nodeDir = Path.of("src/test/node").toAbsolutePath();
        ExternalTools.requireFile(nodeDir.resolve("node_modules/zarrita"), "run `npm ci` in gt-healpix-zarr/src/test/node");
        Path root = dir.resolve("v3.zarr");
        Map<String, Object> expected = writeV3(new FileSystemStore(root));
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String out = ExternalTools.runOk(List.of("node", nodeDir.resolve("read_zarrita.mjs").toString(), root.toString(), e.getKey()), Map.of());
            compare(out, e.getValue(), "zarrita " + e.getKey());
        }
    }

    private Map<String, Object> writeV2(Store store) throws Exception {
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        ZarrGroup.create(store, "", Map.of("title", "interop v2"), 2);
        Compression[] cs = Compression.values();
        for (DataType t : DataType.values()) {
            Compression c = cs[t.ordinal() % cs.length];
            String p = "v_" + t.v3Name();
            ZarrArray a = ZarrArray.create(store, p, ArrayMetadata.builder(SHAPE_2D, t).chunkShape(16, 32).zarrFormat(2)
                    .compression(c, 3).fillValue(t.isFloat() ? Double.NaN : 0).dimensionNames("y", "x")
                    .attributes(Map.of("long_name", "test " + t)).build());
            Object full = t.newArray(45 * 70);
            Regions.fill(full, a.metadata().fillBits());
            Object part = TestData.random(t, 30 * 60, 200 + t.ordinal());
            a.write(new long[] {15, 10}, new int[] {30, 60}, part);
            TestData.put(full, SHAPE_2D, new long[] {15, 10}, new int[] {30, 60}, part);
            expected.put(p, full);
        }
        return expected;
    }

    @Test
    void v2ReadByZarrPython2() throws Exception {
        ExternalTools.requirePython("numpy", "zarr");
        Path root = dir.resolve("v2.zarr");
        Map<String, Object> expected = writeV2(new FileSystemStore(root));
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, script("read_v2.py"), root.toString(), e.getKey()), Map.of());
            compare(out, e.getValue(), "zarr-python 2 " + e.getKey());
        }
    }

    @Test
    void v2ReadByXarray() throws Exception {
        ExternalTools.requirePython("numpy", "zarr", "xarray");
        Path root = dir.resolve("v2.zarr");
        Map<String, Object> expected = writeV2(new FileSystemStore(root));
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, script("read_v2.py"), root.toString(), e.getKey(), "xarray"), Map.of());
            assertEquals("dims y,x", out.substring(0, out.indexOf('\n')));
            compare(out.substring(out.indexOf('\n') + 1), e.getValue(), "xarray " + e.getKey());
        }
    }

    @Test
    void javaReadsWhatZarrPython2Writes() throws Exception {
        ExternalTools.requirePython("numpy", "zarr", "numcodecs");
        Path root = dir.resolve("py2.zarr");
        String py = "import sys, numpy as np, zarr, numcodecs\n"
                + "g = zarr.open_group(sys.argv[1], mode='w')\n"
                + "a = g.create_dataset('a', shape=(13, 7), chunks=(5, 3), dtype='<f8', compressor=numcodecs.Zstd(level=2), fill_value=np.nan)\n"
                + "a[2:11, 1:6] = np.arange(45, dtype='<f8').reshape(9, 5) * 0.5\n"
                + "b = g.create_dataset('b', shape=(10,), chunks=(4,), dtype='>i4', compressor=numcodecs.GZip(level=1), fill_value=-1)\n"
                + "b[:7] = np.arange(7)\n";
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.PYTHON, "-c", py, root.toString()));
        ExternalTools.runOk(cmd, Map.of());
        FileSystemStore s = new FileSystemStore(root);
        double[] a = (double[]) ZarrArray.open(s, "a").read(new long[] {0, 0}, new int[] {13, 7});
        for (int i = 0; i < 13; i++) {
            for (int j = 0; j < 7; j++) {
                double v = a[i * 7 + j];
                if (i >= 2 && i < 11 && j >= 1 && j < 6) assertEquals(((i - 2) * 5 + (j - 1)) * 0.5, v);
                else assertEquals(Double.NaN, v);
            }
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, -1, -1, -1}, (int[]) ZarrArray.open(s, "b").read(new long[] {0}, new int[] {10}));
        assertEquals(List.of("a", "b"), ZarrGroup.open(s, "").childArrays());
    }
}
