package org.healpixzarr.dggs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.zarr.FileSystemStore;
import org.healpixzarr.zarr.ZarrArray;
import org.healpixzarr.zarr.ZarrGroup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DggsValidatorTest {
    @TempDir
    Path dir;
    Path store;

    @BeforeEach
    void write() throws Exception {
        store = dir.resolve("s.zarr");
        int n = 5000;
        long[] ids = new long[n];
        float[] v = new float[n];
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        for (int i = 0; i < n; i++) {
            ids[i] = g.hash(i * 1e-4, 45);
            v[i] = i;
        }
        try (DggsWriter w = DggsWriter.builder(store).chunking(1000, 2)
                .variable(new VariableSpec("v", DataType.FLOAT32, 1, Float.NaN, Map.of(), VariableKind.QUANTITY)).build()) {
            w.add(ids, new Object[] {v}, 0, n);
            w.finish();
        }
    }

    private List<String> problems() throws Exception {
        ValidationReport r = DggsValidator.validate(store);
        return r.problems();
    }

    @Test
    void freshStoreIsValid() throws Exception {
        ValidationReport r = DggsValidator.validate(store);
        assertTrue(r.valid(), r.problems().toString());
        assertEquals(5000, r.cells());
    }

    @Test
    void extraKeyInDggsIsReported() throws Exception {
        FileSystemStore fs = new FileSystemStore(store);
        ZarrGroup root = ZarrGroup.open(fs, "");
        Map<String, Object> attrs = new LinkedHashMap<>(root.attributes());
        @SuppressWarnings("unchecked")
        Map<String, Object> d = new LinkedHashMap<>((Map<String, Object>) attrs.get("dggs"));
        d.put("grid_name", "healpix");
        attrs.put("dggs", d);
        root.setAttributes(attrs);
        List<String> p = problems();
        assertFalse(p.isEmpty());
        assertTrue(p.get(0).contains("grid_name"), p.toString());
    }

    @Test
    void unsortedIdsAreReported() throws Exception {
        ZarrArray ids = ZarrArray.open(new FileSystemStore(store), "cell_ids");
        long[] two = (long[]) ids.read(new long[] {10}, new int[] {2});
        ids.write(new long[] {10}, new int[] {2}, new long[] {two[1], two[0]});
        List<String> p = problems();
        assertTrue(p.stream().anyMatch(s -> s.contains("not strictly ascending at row 11")), p.toString());
    }

    @Test
    void damagedShardIndexIsReportedNamingTheObject() throws Exception {
        Path shard = store.resolve("v/c/0");
        byte[] b = Files.readAllBytes(shard);
        b[b.length - 1] ^= 0x5A; // inside the crc32c of the shard index
        Files.write(shard, b);
        List<String> p = problems();
        assertTrue(p.stream().anyMatch(s -> s.contains("v/c/0")), p.toString());
    }

    @Test
    void truncatedShardIsReported() throws Exception {
        Path shard = store.resolve("cell_ids/c/1");
        byte[] b = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(b, b.length / 2));
        List<String> p = problems();
        assertTrue(p.stream().anyMatch(s -> s.contains("cell_ids/c/1")), p.toString());
    }

    @Test
    void notAStore() throws Exception {
        Files.delete(store.resolve("zarr.json"));
        List<String> p = problems();
        assertTrue(p.get(0).contains("zarr.json"), p.toString());
        assertFalse(DggsValidator.validate(dir.resolve("none.zarr")).valid());
    }
}
