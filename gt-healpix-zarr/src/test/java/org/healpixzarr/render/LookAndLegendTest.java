package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.healpixzarr.dggs.DggsStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Colouring of sampled values (background, clamping, palettes, PCA, dequantisation) and the legend images. */
class LookAndLegendTest {
    @TempDir
    static Path dir;
    static Path cm, cop, emb;
    static Map<String, Object> pca;

    @BeforeAll
    static void stores() throws Exception {
        cm = RenderFixtures.earthCare(dir, "CM_");
        cop = RenderFixtures.earthCare(dir, "COP");
        Random rnd = new Random(11);
        long[] ids = RenderFixtures.lattice(5, 5, 0.001, 8);
        Arrays.sort(ids);
        pca = RenderFixtures.randomPca(16, rnd);
        emb = RenderFixtures.embeddings(dir.resolve("emb.zarr"), ids, 16, pca, rnd, new byte[ids.length * 16], new float[ids.length]);
    }

    /** Values from maps: variable → per point per band. */
    record Fake(boolean[] has, Map<String, double[][]> v) implements Look.Values {
        @Override
        public boolean has(int i) {
            return has[i];
        }

        @Override
        public double value(String variable, int band, int i) {
            return v.get(variable)[i][band];
        }
    }

    @Test
    void colourMapBackgroundAndClamping() throws Exception {
        try (DggsStore s = DggsStore.open(cop)) {
            Style base = Styles.find(s, "cloud_top_height", "magma");
            Style st = new Style(base.name(), base.title(), base.variable(), 0, 0, 10);
            Look l = Look.resolve(s, st);
            Fake f = new Fake(new boolean[] {false, true, true, true, true}, Map.of("cloud_top_height",
                    new double[][] {{1}, {Double.NaN}, {5}, {20}, {-3}}));
            ColorMap magma = ColorMap.of("magma");
            int bg = 0xFF123456;
            assertArrayEquals(new int[] {bg, bg, magma.argb(0.5), magma.argb(1.0), magma.argb(0.0)}, l.paint(f, 5, bg));
            assertEquals(0, l.paint(f, 5, 0)[0], "transparent background");
        }
    }

    private static void assertArrayEquals(int[] a, int[] b) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, () -> Arrays.toString(hex(a)) + " vs " + Arrays.toString(hex(b)));
    }

    private static String[] hex(int[] a) {
        return Arrays.stream(a).mapToObj(Integer::toHexString).toArray(String[]::new);
    }

    @Test
    void palettesColourCodesAndOthers() throws Exception {
        try (DggsStore s = DggsStore.open(cm)) {
            Look l = Look.resolve(s, Styles.find(s, "cloud_mask", null));
            Palette p = Palette.earthCare("cloud_mask");
            Fake f = new Fake(new boolean[] {true, true, true, true}, Map.of("cloud_mask", new double[][] {{0}, {3}, {9}, {Double.NaN}}));
            assertArrayEquals(new int[] {p.entries().get(0).argb(), p.entries().get(3).argb(), Palette.OTHER, 0}, l.paint(f, 4, 0));
        }
    }

    @Test
    void pcaFalseColourAndDequantisedBands() throws Exception {
        try (DggsStore s = DggsStore.open(emb)) {
            int bands = 16;
            Random rnd = new Random(2);
            int n = 50;
            double[][] e = new double[n][bands], sc = new double[n][1];
            for (int i = 0; i < n; i++) {
                for (int b = 0; b < bands; b++) e[i][b] = rnd.nextInt(255) - 127;
                sc[i][0] = i == 7 ? 0 : i == 8 ? Double.NaN : 0.002 + 0.01 * rnd.nextDouble(); // 7, 8: no data
            }
            boolean[] has = new boolean[n];
            Arrays.fill(has, true);
            has[9] = false;
            Fake f = new Fake(has, Map.of("embeddings", e, "scales", sc));
            int[] got = Look.resolve(s, Styles.find(s, "embeddings", "pca")).paint(f, n, 0);
            @SuppressWarnings("unchecked") List<Double> mean = (List<Double>) pca.get("mean");
            @SuppressWarnings("unchecked") List<List<Double>> comp = (List<List<Double>>) pca.get("components");
            @SuppressWarnings("unchecked") List<List<Double>> range = (List<List<Double>>) pca.get("range");
            for (int i = 0; i < n; i++) {
                if (i == 7 || i == 8 || i == 9) {
                    assertEquals(0, got[i], "point " + i + " has no data");
                    continue;
                }
                int[] rgb = new int[3];
                for (int k = 0; k < 3; k++) {
                    double pc = 0;
                    for (int b = 0; b < bands; b++) pc += comp.get(k).get(b) * (e[i][b] * sc[i][0] - mean.get(b));
                    double t = (pc - range.get(k).get(0)) / (range.get(k).get(1) - range.get(k).get(0));
                    rgb[k] = (int) Math.round(255 * Math.min(1, Math.max(0, t)));
                }
                assertEquals(0xFF000000 | rgb[0] << 16 | rgb[1] << 8 | rgb[2], got[i], "point " + i);
            }
            Style b3 = Styles.find(s, "embeddings", "greys:band3");
            int[] grey = Look.resolve(s, new Style(b3.name(), b3.title(), b3.variable(), 3, -0.5, 0.5)).paint(f, n, 0);
            for (int i = 0; i < n; i++) {
                if (i == 7 || i == 8 || i == 9) assertEquals(0, grey[i]);
                else assertEquals(ColorMap.of("greys").argb(e[i][3] * sc[i][0], -0.5, 0.5), grey[i], "point " + i);
            }
        }
    }

    /** {@link Fake} that also offers its values as floats, as the renderer does for float32 and small integers. */
    record FloatFake(Fake f) implements Look.Values {
        @Override
        public boolean has(int i) {
            return f.has(i);
        }

        @Override
        public double value(String variable, int band, int i) {
            return f.value(variable, band, i);
        }

        @Override
        public float[] exactFloats(String variable, int band) {
            float[] out = new float[f.has().length];
            for (int i = 0; i < out.length; i++) out[i] = f.has(i) ? (float) f.value(variable, band, i) : Float.NaN;
            return out;
        }
    }

    /** Random float values in runs, with NaN, points without a cell, ±0, out-of-range values and bin boundaries. */
    static Fake randomFloats(String variable, Random rnd, int n, double lo, double hi, boolean codes) {
        boolean[] has = new boolean[n];
        double[][] v = new double[n][1];
        float x = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || rnd.nextInt(5) == 0) {
                int k = rnd.nextInt(10);
                x = codes ? rnd.nextInt(12) - 1
                        : k == 0 ? Float.NaN : k == 1 ? (rnd.nextBoolean() ? 0f : -0f)
                        : k == 2 ? (float) (lo + (hi - lo) * rnd.nextInt(257) / 256.0) // on a bin boundary
                        : (float) (lo - (hi - lo) * 0.2 + (hi - lo) * 1.4 * rnd.nextDouble());
            }
            has[i] = rnd.nextInt(9) != 0;
            v[i][0] = x;
        }
        return new Fake(has, Map.of(variable, v));
    }

    @Test
    void floatPathColoursExactlyLikeThePerPointPath() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (DggsStore c = DggsStore.open(cop); DggsStore m = DggsStore.open(cm)) {
            for (int round = 0; round < 20; round++) {
                int n = 1 + rnd.nextInt(3000);
                int bg = rnd.nextBoolean() ? 0 : 0xFF000000 | rnd.nextInt(1 << 24);
                double lo = rnd.nextGaussian() * 1000, hi = lo + (rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble() * 5000);
                String map = ColorMap.names().get(rnd.nextInt(ColorMap.names().size()));
                Style base = Styles.find(c, "cloud_top_height", map);
                Look colours = Look.resolve(c, new Style(base.name(), base.title(), base.variable(), 0, lo, hi));
                Fake f = randomFloats("cloud_top_height", rnd, n, lo, hi, false);
                org.junit.jupiter.api.Assertions.assertArrayEquals(colours.paint(f, n, bg), colours.paint(new FloatFake(f), n, bg),
                        "colour map " + map + " [" + lo + ", " + hi + "], seed " + seed);
                Look classes = Look.resolve(m, Styles.find(m, "cloud_mask", null));
                Fake k = randomFloats("cloud_mask", rnd, n, 0, 0, true);
                org.junit.jupiter.api.Assertions.assertArrayEquals(classes.paint(k, n, bg), classes.paint(new FloatFake(k), n, bg),
                        "palette, seed " + seed);
            }
        }
    }

    static Map<Integer, Integer> histogram(BufferedImage img) {
        Map<Integer, Integer> h = new HashMap<>();
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) h.merge(img.getRGB(x, y), 1, Integer::sum);
        return h;
    }

    static boolean hasText(BufferedImage img) {
        int dark = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y);
                if ((c >> 16 & 0xFF) < 100 && (c >> 8 & 0xFF) < 100 && (c & 0xFF) < 100) dark++;
            }
        }
        return dark > 50;
    }

    @Test
    void colourBarLegendHasTheMapHighAtTheTop() throws Exception {
        try (DggsStore s = DggsStore.open(cop)) {
            BufferedImage img = Renderer.legend(s, Styles.find(s, "cloud_top_height", "viridis"));
            ColorMap v = ColorMap.of("viridis");
            int x = Legend.PAD + Legend.BAR_W / 2, top = -1, bottom = -1;
            for (int y = 0; y < img.getHeight(); y++) {
                // the first and last rows of the bar are its frame
                if (img.getRGB(x, y) == v.argb(1 - 1.5 / Legend.BAR_H) && top < 0) top = y;
                if (img.getRGB(x, y) == v.argb(1 - (Legend.BAR_H - 1.5) / Legend.BAR_H)) bottom = y;
            }
            assertTrue(top > 0 && bottom > top, "high colour at the top (" + top + "), low at the bottom (" + bottom + ")");
            assertTrue(bottom - top >= Legend.BAR_H - 4, "bar height " + (bottom - top));
            assertTrue(hasText(img));
            assertEquals(0xFF, img.getRGB(img.getWidth() - 1, img.getHeight() - 1) >>> 24, "opaque");
        }
    }

    @Test
    void classLegendShowsEveryClassColour() throws Exception {
        try (DggsStore s = DggsStore.open(cop); DggsStore c = DggsStore.open(cm)) {
            for (var l : List.of(Look.resolve(s, Styles.find(s, "isccp_cloud_type", null)),
                    Look.resolve(c, Styles.find(c, "surface_classification", "any")),
                    Look.resolve(c, Styles.find(c, "cloud_mask_quality_status", null)))) {
                BufferedImage img = Legend.draw(l);
                Map<Integer, Integer> h = histogram(img);
                for (Palette.Entry e : l.palette.entries()) {
                    assertTrue(h.getOrDefault(e.argb(), 0) >= (Legend.SWATCH - 2) * (Legend.SWATCH - 2),
                            l.style.variable() + " swatch of " + e.label());
                }
                assertTrue(hasText(img));
                assertTrue(img.getHeight() >= Legend.LINE * (l.palette.entries().size() + 1), "one line per class");
            }
        }
        try (DggsStore s = DggsStore.open(emb)) {
            BufferedImage img = Renderer.legend(s, Styles.find(s, "embeddings", "pca"));
            assertTrue(hasText(img) && img.getHeight() >= 4 * Legend.LINE);
        }
    }
}
