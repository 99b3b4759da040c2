package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.sis.referencing.CommonCRS;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.coverage.TargetGrid;
import org.healpixzarr.dggs.CellBlock;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders of the converted EarthCARE sample, checked pixel by pixel against the store's cells read independently
 * (DggsStore.readBox, brute-force nearest cell by great-circle distance): size, transparency outside the swath,
 * class and colour-map colours of the nearest observation.
 */
class RenderSampleTest {
    @TempDir
    static Path dir;
    static Path cm, cop;
    /** A box over four rows of the sample's swath (the sample keeps one row in 56: rows are 25 km apart). */
    static final double W = 6.2, S = 44.0, E = 6.9, N = 44.9;
    static final int WIDTH = 210, HEIGHT = 380; // ~265 m pixels: finer than the native 398 m cells, nearest-observation mode

    @BeforeAll
    static void convert() throws Exception {
        cm = RenderFixtures.earthCare(dir, "CM_");
        cop = RenderFixtures.earthCare(dir, "COP");
    }

    static double metres(double lon1, double lat1, double lon2, double lat2) {
        double p1 = Math.toRadians(lat1), p2 = Math.toRadians(lat2), dl = Math.toRadians(lon2 - lon1);
        double a = Math.pow(Math.sin((p2 - p1) / 2), 2) + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(dl / 2), 2);
        return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /** PNG bytes ({@link Png}, as the WMS writes them) decoded again, as a user's viewer would see them. */
    static BufferedImage png(BufferedImage img) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(Png.encode(img)));
    }

    interface Expected {
        int argb(CellBlock cells, int k);
    }

    /** Checks every pixel against the nearest cell; returns the colours seen. */
    static Set<Integer> check(DggsStore s, String variable, BufferedImage img, double radius, int minOpaque, Expected expected) throws Exception {
        assertEquals(WIDTH, img.getWidth());
        assertEquals(HEIGHT, img.getHeight());
        CellBlock cells = s.readBox(W - 0.05, S - 0.05, E + 0.05, N + 0.05, List.of(variable));
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        double[][] c = new double[cells.size()][];
        for (int k = 0; k < c.length; k++) c[k] = g.center(cells.ids()[k]);
        int opaque = 0, transparent = 0, checked = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                double lon = W + (x + 0.5) * (E - W) / WIDTH, lat = N - (y + 0.5) * (N - S) / HEIGHT;
                double best = Double.MAX_VALUE, second = Double.MAX_VALUE;
                int at = -1;
                for (int k = 0; k < c.length; k++) {
                    double d = metres(lon, lat, c[k][0], c[k][1]);
                    if (d < best) {
                        second = best;
                        best = d;
                        at = k;
                    } else if (d < second) {
                        second = d;
                    }
                }
                int px = img.getRGB(x, y);
                if (px >>> 24 != 0) colours.add(px);
                if (best > 1.05 * radius) {
                    assertEquals(0, px >>> 24, "pixel " + x + "," + y + " is " + best + " m from the nearest observation: transparent");
                    transparent++;
                } else if (best < 0.95 * radius && second - best > 1) {
                    int want = expected.argb(cells, at);
                    if (want == 0) {
                        assertEquals(0, px >>> 24, "pixel " + x + "," + y + ": the nearest cell has no value");
                    } else {
                        assertEquals(Integer.toHexString(want), Integer.toHexString(px), "pixel " + x + "," + y);
                        opaque++;
                    }
                    checked++;
                }
            }
        }
        assertTrue(opaque >= minOpaque && transparent > 5000 && checked > 500,
                "a meaningful test: " + opaque + " opaque, " + transparent + " transparent, " + checked + " checked");
        return colours;
    }

    @Test
    void cloudMaskClassesAreThoseOfTheNearestCells() throws Exception {
        try (DggsStore s = DggsStore.open(cm)) {
            CellSampler sampler = CellSampler.of(s);
            TargetGrid grid = TargetGrid.of(CommonCRS.defaultGeographic(), new double[] {W, S, E, N}, WIDTH, HEIGHT);
            Style st = Styles.find(s, "cloud_mask", null);
            BufferedImage img = png(Renderer.render(sampler, grid, st, null));
            Palette p = Palette.earthCare("cloud_mask");
            Set<Integer> seen = check(s, "cloud_mask", img, sampler.radiusMetres(), 500, (cells, k) -> {
                byte v = ((byte[]) cells.values().get("cloud_mask"))[k];
                return v == -127 ? 0 : p.argb(v);
            });
            // the colours present are exactly the palette colours of the classes present in the box's cells
            CellBlock cells = s.readBox(W, S, E, N, List.of("cloud_mask"));
            Set<Integer> classes = new HashSet<>();
            for (byte v : (byte[]) cells.values().get("cloud_mask")) if (v != -127) classes.add(p.argb(v));
            assertTrue(classes.size() >= 3, "the box holds several classes: " + classes.size());
            assertEquals(classes, seen);
            // a background colour replaces transparency
            BufferedImage bg = Renderer.render(sampler, grid, st, Color.BLACK);
            assertEquals(0xFF000000, bg.getRGB(0, 0));
            for (int y = 0; y < HEIGHT; y++) for (int x = 0; x < WIDTH; x++) {
                if (img.getRGB(x, y) >>> 24 != 0) assertEquals(img.getRGB(x, y), bg.getRGB(x, y));
                else assertEquals(0xFF000000, bg.getRGB(x, y));
            }
        }
    }

    @Test
    void cloudTopHeightColourMapOfTheNearestCells() throws Exception {
        try (DggsStore s = DggsStore.open(cop)) {
            CellSampler sampler = CellSampler.of(s);
            TargetGrid grid = TargetGrid.of(CommonCRS.defaultGeographic(), new double[] {W, S, E, N}, WIDTH, HEIGHT);
            Style st = Styles.find(s, "cloud_top_height", "cividis");
            BufferedImage img = png(Renderer.render(sampler, grid, st, null));
            ColorMap m = ColorMap.of("cividis");
            check(s, "cloud_top_height", img, sampler.radiusMetres(), 50, (cells, k) -> {
                float v = ((float[]) cells.values().get("cloud_top_height"))[k];
                return v > 9e36f ? 0 : m.argb(v, st.min(), st.max());
            });
        }
    }

    /**
     * The renderer colours float32 and small integer variables from {@link org.healpixzarr.coverage.Samples#band}:
     * the same colours as value by value, on real samples (overview level and nearest observations).
     */
    @Test
    void floatPathOfRealSamplesEqualsThePerPointPath() throws Exception {
        for (Path store : List.of(cop, cm)) {
            try (DggsStore s = DggsStore.open(store)) {
                CellSampler sampler = CellSampler.of(s);
                for (TargetGrid grid : List.of(TargetGrid.of(CommonCRS.defaultGeographic(), new double[] {W, S, E, N}, WIDTH, HEIGHT),
                        TargetGrid.of(CommonCRS.defaultGeographic(), s.bbox(), 100, 250))) {
                    for (String variable : store == cop ? List.of("cloud_top_height") : List.of("cloud_mask", "cloud_type")) {
                        Style st = Styles.find(s, variable, null);
                        Look look = Look.resolve(s, st);
                        org.healpixzarr.coverage.Samples smp = sampler.sample(grid, look.variables());
                        Look.Values fast = Renderer.values(smp, s);
                        assertTrue(fast.exactFloats(variable, 0) != null, variable + " is read as floats");
                        Look.Values slow = new Look.Values() {
                            @Override
                            public boolean has(int i) {
                                return smp.has(i);
                            }

                            @Override
                            public double value(String v, int band, int i) {
                                return smp.value(v, band, i);
                            }
                        };
                        int[] want = look.paint(slow, smp.size(), 0xFF102030);
                        org.junit.jupiter.api.Assertions.assertArrayEquals(want, look.paint(fast, smp.size(), 0xFF102030), variable);
                        assertTrue(java.util.Arrays.stream(want).distinct().count() > 2, variable + ": a meaningful image");
                    }
                }
            }
        }
    }

    @Test
    void theWholeFrameFromTheOverview() throws Exception {
        try (DggsStore s = DggsStore.open(cm)) {
            double[] b = s.bbox();
            TargetGrid grid = TargetGrid.of(CommonCRS.defaultGeographic(), b, 100, 250);
            BufferedImage img = png(Renderer.render(CellSampler.of(s), grid, Styles.find(s, "cloud_type", null), null));
            assertEquals(100, img.getWidth());
            assertEquals(250, img.getHeight());
            Set<Integer> allowed = new HashSet<>();
            for (Palette.Entry e : Palette.earthCare("cloud_type").entries()) allowed.add(e.argb());
            int opaque = 0;
            for (int y = 0; y < 250; y++) for (int x = 0; x < 100; x++) {
                int px = img.getRGB(x, y);
                if (px >>> 24 == 0) continue;
                opaque++;
                assertTrue(allowed.contains(px), "palette colour at " + x + "," + y + ": " + Integer.toHexString(px));
            }
            assertTrue(opaque > 0 && opaque < 100 * 250 / 4, "a thin swath: " + opaque + " opaque pixels");
            assertEquals(0, img.getRGB(0, 0) >>> 24, "transparent corner, away from the swath");
        }
    }
}
