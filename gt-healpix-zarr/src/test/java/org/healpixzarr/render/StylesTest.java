package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.healpixzarr.FormatException;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.DggsWriter;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.dggs.VariableSpec;
import org.healpixzarr.zarr.DataType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StylesTest {
    @TempDir
    static Path dir;
    static Path cm, cop;

    @BeforeAll
    static void convert() throws Exception {
        cm = RenderFixtures.earthCare(dir, "CM_");
        cop = RenderFixtures.earthCare(dir, "COP");
    }

    /** numpy's default ("linear") percentile, written out independently of DataSample. */
    static double numpyPercentile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = (s.length - 1) * q / 100.0;
        int i = (int) pos;
        return i + 1 < s.length ? s[i] * (1 - (pos - i)) + s[i + 1] * (pos - i) : s[i];
    }

    @Test
    void quantityColourMapsWithDataPercentiles() throws Exception {
        try (DggsStore s = DggsStore.open(cop)) {
            List<Style> styles = Styles.of(s, "cloud_top_height");
            assertEquals(List.of("viridis", "magma", "inferno", "plasma", "cividis", "greys"), styles.stream().map(Style::name).toList());
            // the sample has 8000 cells (< the sample bound): the percentiles of all valid values
            float[] all = (float[]) s.read("cloud_top_height", 0, s.cellCount());
            double[] valid = new double[all.length];
            int n = 0;
            for (float f : all) if (f < 9e36f && !Float.isNaN(f)) valid[n++] = f;
            valid = Arrays.copyOf(valid, n);
            assertTrue(n > 100 && n < all.length, "the sample has both clouds and fill: " + n);
            for (Style st : styles) {
                assertEquals(numpyPercentile(valid, 2), st.min(), 1e-3);
                assertEquals(numpyPercentile(valid, 98), st.max(), 1e-3);
                assertEquals("cloud_top_height", st.variable());
                assertTrue(st.title().contains(" m"), st.title());
            }
            assertSame(styles, Styles.of(s, "cloud_top_height"), "cached per open store");
            assertEquals("viridis", Styles.find(s, "cloud_top_height", null).name());
            assertEquals("magma", Styles.find(s, "cloud_top_height", "Magma").name());
            FormatException e = assertThrows(FormatException.class, () -> Styles.find(s, "cloud_top_height", "jet"));
            assertTrue(e.getMessage().contains("unknown style 'jet'") && e.getMessage().contains("viridis"), e.getMessage());
            assertThrows(FormatException.class, () -> Styles.of(s, "nope"));
        }
    }

    @Test
    void earthCareClassesGetTheirFixedPalette() throws Exception {
        try (DggsStore s = DggsStore.open(cm); DggsStore c = DggsStore.open(cop)) {
            for (String v : List.of("cloud_mask", "cloud_type", "cloud_phase")) {
                assertEquals(List.of("classes"), Styles.of(s, v).stream().map(Style::name).toList());
                assertSame(Palette.earthCare(v).entries().size(), Look.resolve(s, Styles.find(s, v, "")).palette.entries().size());
            }
            Look isccp = Look.resolve(c, Styles.find(c, "isccp_cloud_type", "classes"));
            assertEquals(10, isccp.palette.entries().size());
            assertEquals("cirrus", isccp.palette.entries().get(3).label());
            assertTrue(Double.isNaN(Styles.find(c, "isccp_cloud_type", null).min()));
        }
    }

    @Test
    void classesWithoutFlagValuesUseTheCodesPresent() throws Exception {
        try (DggsStore s = DggsStore.open(cm)) {
            byte[] q = (byte[]) s.read("cloud_mask_quality_status", 0, s.cellCount());
            TreeSet<Long> present = new TreeSet<>();
            for (byte b : q) if (b != -127) present.add((long) b);
            Look l = Look.resolve(s, Styles.find(s, "cloud_mask_quality_status", null));
            assertEquals(new ArrayList<>(present), l.palette.entries().stream().map(Palette.Entry::code).toList());
        }
    }

    @Test
    void bitFieldsOfferDistinctValuesAndAnyBit() throws Exception {
        try (DggsStore s = DggsStore.open(cm)) {
            assertEquals(List.of("values", "any"), Styles.of(s, "surface_classification").stream().map(Style::name).toList());
            short[] v = (short[]) s.read("surface_classification", 0, s.cellCount());
            TreeSet<Long> present = new TreeSet<>();
            for (short x : v) if (x != -32767) present.add((long) x);
            Look values = Look.resolve(s, Styles.find(s, "surface_classification", "values"));
            assertEquals(new ArrayList<>(present), values.palette.entries().stream().map(Palette.Entry::code).toList());
            assertTrue(values.palette.entries().get(0).label().contains("bits"), values.palette.toString());
            Look any = Look.resolve(s, Styles.find(s, "surface_classification", "any"));
            assertEquals(2, any.palette.entries().size());
        }
    }

    @Test
    void rangesFromMetadataAndGenericFlagPalettes() throws Exception {
        long[] ids = RenderFixtures.lattice(10, 45, 0.001, 10);
        Arrays.sort(ids);
        int n = ids.length;
        float[] q = new float[n];
        byte[] cls = new byte[n];
        for (int i = 0; i < n; i++) {
            q[i] = i;
            cls[i] = (byte) (i % 3 == 0 ? 4 : 1);
        }
        Path p = dir.resolve("meta.zarr");
        try (DggsWriter w = DggsWriter.builder(p)
                .variable(new VariableSpec("a", DataType.FLOAT32, 1, Float.NaN, Map.of("valid_min", -5, "valid_max", 5), VariableKind.QUANTITY))
                .variable(new VariableSpec("b", DataType.FLOAT32, 1, Float.NaN, Map.of("valid_range", List.of(0, 250), "actual_range", List.of(1, 2)), VariableKind.QUANTITY))
                .variable(new VariableSpec("c", DataType.FLOAT32, 1, Float.NaN, Map.of("actual_range", List.of(3.5, 7.25)), VariableKind.QUANTITY))
                .variable(new VariableSpec("d", DataType.FLOAT32, 1, Float.NaN, Map.of(), VariableKind.QUANTITY))
                .variable(new VariableSpec("k", DataType.INT8, 1, (byte) -1, Map.of("flag_values", List.of(1, 4), "flag_meanings", "land open_water"), VariableKind.CLASS))
                .build()) {
            w.add(ids, new Object[] {q, q, q, q, cls}, 0, n);
            w.finish();
        }
        try (DggsStore s = DggsStore.open(p)) {
            assertRange(-5, 5, Styles.find(s, "a", null));
            assertRange(0, 250, Styles.find(s, "b", null));
            assertRange(3.5, 7.25, Styles.find(s, "c", null));
            double[] all = new double[n];
            for (int i = 0; i < n; i++) all[i] = i;
            assertRange(numpyPercentile(all, 2), numpyPercentile(all, 98), Styles.find(s, "d", null));
            Look k = Look.resolve(s, Styles.find(s, "k", null));
            assertEquals(List.of("land", "open water"), k.palette.entries().stream().map(Palette.Entry::label).toList());
            assertEquals(Palette.qualitative(1), k.palette.argb(4));
        }
    }

    private static void assertRange(double lo, double hi, Style s) {
        assertEquals(lo, s.min(), 1e-9, s.toString());
        assertEquals(hi, s.max(), 1e-9, s.toString());
    }

    @Test
    void embeddingsOfferPcaAndDequantisedBands() throws Exception {
        Random rnd = new Random(3);
        long[] ids = RenderFixtures.lattice(20, -30, 0.0005, 20);
        Arrays.sort(ids);
        // TESSERA's 128 bands (their overview aggregates once failed with "shard shape [4194304, 128] exceeds 2^31 bytes")
        int bands = 128;
        byte[] emb = new byte[ids.length * bands];
        float[] scales = new float[ids.length];
        Path with = RenderFixtures.embeddings(dir.resolve("emb-pca.zarr"), ids, bands, RenderFixtures.randomPca(bands, rnd), rnd, emb, scales);
        byte[] emb2 = new byte[ids.length * bands];
        float[] scales2 = new float[ids.length];
        Path without = RenderFixtures.embeddings(dir.resolve("emb.zarr"), ids, bands, null, new Random(4), emb2, scales2);
        try (DggsStore s = DggsStore.open(with); DggsStore t = DggsStore.open(without)) {
            List<Style> st = Styles.of(s, "embeddings");
            assertEquals(1 + bands, st.size());
            assertEquals("pca", st.get(0).name());
            assertEquals("band0", st.get(1).name());
            assertEquals(Look.Kind.PCA, Look.resolve(s, st.get(0)).kind);
            assertEquals("band0", Styles.of(t, "embeddings").get(0).name());
            assertThrows(FormatException.class, () -> Styles.find(t, "embeddings", "pca"));
            // band 7's range: percentiles of embedding × scale over all cells
            double[] deq = new double[ids.length];
            for (int i = 0; i < ids.length; i++) deq[i] = emb2[i * bands + 7] * (double) scales2[i];
            Style b7 = Styles.find(t, "embeddings", "band7");
            assertEquals(7, b7.band());
            assertRange(numpyPercentile(deq, 2), numpyPercentile(deq, 98), b7);
            Style m7 = Styles.find(t, "embeddings", "magma:band7");
            assertEquals(7, m7.band());
            assertEquals(b7.min(), m7.min());
            assertEquals(Look.Kind.COLOR_MAP, Look.resolve(t, m7).kind);
            assertEquals("magma", Look.resolve(t, m7).colorMap.name());
            assertEquals(List.of("embeddings", "scales"), Look.resolve(t, m7).variables());
            assertThrows(FormatException.class, () -> Styles.find(t, "embeddings", "band" + bands));
        }
    }

    @Test
    void malformedPcaIsIgnoredNotFatal() throws Exception {
        long[] ids = RenderFixtures.lattice(0, 0, 0.001, 4);
        Arrays.sort(ids);
        Map<String, Object> bad = Map.of("mean", List.of(1.0, 2.0), "components", List.of(), "range", List.of());
        Path p = RenderFixtures.embeddings(dir.resolve("bad-pca.zarr"), ids, 4, bad, new Random(1), new byte[ids.length * 4], new float[ids.length]);
        try (DggsStore s = DggsStore.open(p)) {
            assertEquals("band0", Styles.find(s, "embeddings", null).name());
        }
    }
}
