package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.healpixzarr.dggs.DggsWriter;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.dggs.VariableSpec;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.testing.Cli;
import org.healpixzarr.zarr.DataType;

/** Stores for the render tests: the converted EarthCARE samples and small synthetic stores. */
final class RenderFixtures {
    private RenderFixtures() {}

    static final String STEM = "ECA_EXBA_MSI_%s_2A_20250625T135845Z_20250929T143920Z_06109D.h5";

    /** Converts the EarthCARE sample product ({@code CM_}, {@code COP}, {@code AOT}) into {@code dir}. */
    static Path earthCare(Path dir, String product) throws Exception {
        Path out = dir.resolve(product.replace("_", "") + ".zarr");
        if (Files.exists(out)) return out;
        Path h5 = Path.of(RenderFixtures.class.getResource("/earthcare/" + String.format(STEM, product)).toURI());
        Cli.Run r = Cli.cli("convert", "earthcare", h5.toString(), "-o", out.toString(), "--no-stac");
        assertEquals(0, r.code(), r.err());
        return out;
    }

    /** Depth-29 ids of a {@code n × n} lattice of points {@code step} degrees apart from (lon0, lat0), sorted. */
    static long[] lattice(double lon0, double lat0, double step, int n) {
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        long[] ids = new long[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) ids[i * n + j] = g.hash(lon0 + j * step, lat0 + i * step);
        return ids;
    }

    /** Synthetic TESSERA-like store: int8 embeddings [cells, bands] and float32 scales, with an optional pca attribute. */
    static Path embeddings(Path out, long[] ids, int bands, Map<String, Object> pca, Random rnd, byte[] emb, float[] scales) throws Exception {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("long_name", "TESSERA embedding, quantised");
        if (pca != null) attrs.put("pca", pca);
        for (int i = 0; i < emb.length; i++) emb[i] = (byte) (rnd.nextInt(255) - 127);
        for (int i = 0; i < scales.length; i++) scales[i] = 0.01f + 0.02f * rnd.nextFloat();
        try (DggsWriter w = DggsWriter.builder(out)
                .variable(new VariableSpec("embeddings", DataType.INT8, bands, null, attrs, VariableKind.QUANTITY))
                .variable(new VariableSpec("scales", DataType.FLOAT32, 1, null, Map.of(), VariableKind.QUANTITY))
                .build()) {
            w.add(ids, new Object[] {emb, scales}, 0, ids.length);
            w.finish();
        }
        return out;
    }

    /** A pca attribute with random components for {@code bands} bands. */
    static Map<String, Object> randomPca(int bands, Random rnd) {
        List<Double> mean = new ArrayList<>();
        List<List<Double>> comp = new ArrayList<>();
        for (int b = 0; b < bands; b++) mean.add(rnd.nextGaussian() * 0.1);
        for (int k = 0; k < 3; k++) {
            List<Double> c = new ArrayList<>();
            for (int b = 0; b < bands; b++) c.add(rnd.nextGaussian() / Math.sqrt(bands));
            comp.add(c);
        }
        Map<String, Object> pca = new LinkedHashMap<>();
        pca.put("mean", mean);
        pca.put("components", comp);
        pca.put("range", List.of(List.of(-0.5, 0.5), List.of(-0.4, 0.6), List.of(-1.0, 0.2)));
        return pca;
    }
}
