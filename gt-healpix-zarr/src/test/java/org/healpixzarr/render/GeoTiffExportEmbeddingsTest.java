package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.sis.referencing.CommonCRS;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.coverage.Samples;
import org.healpixzarr.coverage.TargetGrid;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-band export of embeddings: the chosen bands, dequantised, read back by GDAL; blocks of rows agree. */
class GeoTiffExportEmbeddingsTest {
    @TempDir
    Path dir;

    @Test
    void selectedBandsDequantised() throws Exception {
        ExternalTools.requireCommand("gdallocationinfo");
        long[] ids = RenderFixtures.lattice(10, 45, 0.0002, 30); // ~20 m apart
        Arrays.sort(ids);
        Path p = RenderFixtures.embeddings(dir.resolve("e.zarr"), ids, 8, null, new Random(9), new byte[ids.length * 8], new float[ids.length]);
        int w = 90, h = 70;
        try (DggsStore s = DggsStore.open(p)) {
            CellSampler sampler = CellSampler.of(s);
            TargetGrid grid = TargetGrid.of(CommonCRS.defaultGeographic(), new double[] {9.999, 44.999, 10.007, 45.007}, w, h);
            Path f = dir.resolve("e.tif");
            try (OutputStream o = Files.newOutputStream(f)) {
                GeoTiffExport.write(sampler, grid, "embeddings", new int[] {5, 2}, o);
            }
            Samples smp = sampler.sample(grid, List.of("embeddings", "scales"));
            List<Integer> px = new ArrayList<>();
            for (int i = 0; i < w * h; i += 13) px.add(i);
            StringBuilder in = new StringBuilder();
            for (int i : px) in.append(i % w).append(' ').append(i / w).append('\n');
            String[] got = ExternalTools.runOk(List.of("gdallocationinfo", "-valonly", f.toString()), in.toString()).trim().split("\\s+");
            assertEquals(px.size() * 2, got.length);
            int values = 0;
            for (int k = 0; k < px.size(); k++) {
                int i = px.get(k);
                for (int b = 0; b < 2; b++) {
                    double want = smp.value("embeddings", b == 0 ? 5 : 2, i) * smp.value("scales", 0, i);
                    float read = Float.parseFloat(got[2 * k + b].replace("nan", "NaN"));
                    assertEquals((float) want, read, 0f, "pixel " + i + " band " + b);
                    if (!Double.isNaN(want)) values++;
                }
            }
            assertTrue(values > 50, "values compared: " + values);
            // the same export sampled in blocks of rows (as large requests are) gives the same bytes
            Path g = dir.resolve("blocks.tif");
            long old = GeoTiffExport.blockValues;
            GeoTiffExport.blockValues = 3 * w * 3; // a few rows per block
            try (OutputStream o = Files.newOutputStream(g)) {
                GeoTiffExport.write(sampler, grid, "embeddings", new int[] {5, 2}, o);
            } finally {
                GeoTiffExport.blockValues = old;
            }
            assertTrue(Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(g)), "block-wise export differs");
        }
    }
}
