package org.healpixzarr.server.interop;

import org.healpixzarr.testing.ExternalTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's pages in Debian's headless Chromium, driven by playwright-core ({@code src/test/node/screenshot.mjs}):
 * the Leaflet map page draws the EarthCARE layer's WMS tiles (pixels counted in the screenshot against a view of the
 * same place without the layer), and the admin page lists the published layers once authenticated. Screenshots are
 * kept in {@code target/interop-screenshots} (the administrator's guide images come from there).
 */
class BrowserPagesTest {
    static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    static final Path SHOTS = Path.of("target/interop-screenshots").toAbsolutePath();
    static final int WIDTH = 1200, HEIGHT = 800, PANEL = 320;
    static InteropServer s;

    @BeforeAll
    static void start() throws IOException {
        s = InteropServer.get();
        Files.createDirectories(SHOTS);
    }

    @BeforeEach
    void tools() {
        ExternalTools.requireCommand("node");
        ExternalTools.requireFile(Path.of("/usr/bin/chromium"), "Debian package chromium");
        ExternalTools.requireFile(NODE_DIR.resolve("node_modules/playwright-core"), "npm ci in geoserver-extension/src/test/node");
    }

    static JsonNode shoot(String path, Path png, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", NODE_DIR.resolve("screenshot.mjs").toString(), s.base() + path, png.toString(),
                "--width", "" + WIDTH, "--height", "" + HEIGHT));
        cmd.addAll(List.of(extra));
        String out = ExternalTools.runOk(cmd, Map.of());
        return new ObjectMapper().readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
    }

    /** Pixels of the map area (right of the panel, off the zoom buttons and the attribution) in a saturated colour. */
    static int colouredMapPixels(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(WIDTH, img.getWidth());
        assertEquals(HEIGHT, img.getHeight());
        int n = 0;
        for (int y = 0; y < HEIGHT - 24; y++) {
            for (int x = PANEL + 2; x < WIDTH; x++) {
                if (x < PANEL + 60 && y < 90) continue;
                int c = img.getRGB(x, y), r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) n++;
            }
        }
        return n;
    }

    @Test
    void mapPageDrawsTheLayerTiles() throws Exception {
        double[] c = s.cells[s.cells.length / 2];
        String bbox = String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f", c[0] - 0.8, c[1] - 0.3, c[0] + 0.8, c[1] + 0.3);
        Path with = SHOTS.resolve("map-page.png"), without = SHOTS.resolve("map-page-no-layer.png");
        JsonNode r = shoot("/?layers=" + InteropServer.LAYER + "&bbox=" + bbox, with, "--wait-tiles");
        assertEquals(200, r.path("status").asInt());
        assertEquals("2 layer(s)", r.path("statusText").asText(), r.toString());
        assertTrue(r.path("owsTilesLoaded").asInt() > 0, r.toString());
        assertEquals("[]", r.path("owsFailed").toString(), "failed WMS requests");
        assertEquals("[]", r.path("consoleErrors").toString(), "page errors");
        int drawn = colouredMapPixels(with);

        JsonNode r0 = shoot("/?bbox=" + bbox, without);
        assertEquals("2 layer(s)", r0.path("statusText").asText(), r0.toString());
        int background = colouredMapPixels(without);
        assertTrue(background < 50, "without the layer the map area is plain: " + background + " coloured pixels");
        assertTrue(drawn > 500, "the layer's observations are drawn: " + drawn + " coloured pixels (" + background + " without it)");
    }

    /** The colour type byte of a PNG's IHDR. */
    static int colourType(byte[] png) {
        return png[25];
    }

    /**
     * Chromium decodes the server's PNGs to the pixels ImageIO reads, in every colour type the encoder writes
     * (indexed with tRNS, RGB, RGBA): a transparent GetMap tile, the legend, and random images encoded the same
     * way. The canvas keeps premultiplied alpha, so translucent colours are compared within their rounding and the
     * colour of transparent pixels not at all.
     */
    @Test
    void chromiumDecodesThePngsAsImageIoDoes() throws Exception {
        double[] c = s.cells[s.cells.length / 2];
        String box = String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f", c[1] - 0.05, c[0] - 0.05, c[1] + 0.05, c[0] + 0.05);
        List<byte[]> pngs = new ArrayList<>();
        pngs.add(s.get("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=" + InteropServer.LAYER + "&STYLES=&CRS=EPSG:4326&BBOX=" + box
                + "&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE").body());
        pngs.add(s.get("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=" + InteropServer.LAYER + "&FORMAT=image/png").body());
        long seed = System.nanoTime();
        java.util.Random rnd = new java.util.Random(seed);
        for (boolean opaque : new boolean[] {true, false}) {
            BufferedImage img = new BufferedImage(97, 61, BufferedImage.TYPE_INT_ARGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, opaque ? rnd.nextInt() | 0xFF000000 : rnd.nextInt());
            }
            pngs.add(org.healpixzarr.render.Png.encode(img));
        }
        List<String> files = new ArrayList<>();
        java.util.Set<Integer> types = new java.util.TreeSet<>();
        for (int k = 0; k < pngs.size(); k++) {
            assertTrue(pngs.get(k).length > 8 && pngs.get(k)[1] == 'P', "PNG #" + k);
            types.add(colourType(pngs.get(k)));
            Path f = SHOTS.resolve("decoded-" + k + ".png");
            Files.write(f, pngs.get(k));
            files.add(f.toString());
        }
        assertEquals(java.util.Set.of(2, 3, 6), types, "every colour type is tried");
        List<String> cmd = new ArrayList<>(List.of("node", NODE_DIR.resolve("decode-png.mjs").toString()));
        cmd.addAll(files);
        String out = ExternalTools.runOk(cmd, Map.of());
        JsonNode decoded = new ObjectMapper().readTree(out.strip().lines().reduce((a, b) -> b).orElse("[]"));
        assertEquals(pngs.size(), decoded.size(), out);
        for (int k = 0; k < pngs.size(); k++) {
            BufferedImage want = ImageIO.read(new java.io.ByteArrayInputStream(pngs.get(k)));
            JsonNode d = decoded.get(k);
            assertEquals(want.getWidth(), d.path("width").asInt());
            assertEquals(want.getHeight(), d.path("height").asInt());
            byte[] rgba = java.util.Base64.getDecoder().decode(d.path("rgba").asText());
            assertEquals(want.getWidth() * want.getHeight() * 4, rgba.length);
            int opaquePixels = 0;
            for (int y = 0, i = 0; y < want.getHeight(); y++) {
                for (int x = 0; x < want.getWidth(); x++, i += 4) {
                    int p = want.getRGB(x, y), a = p >>> 24;
                    String where = "PNG #" + k + " (colour type " + colourType(pngs.get(k)) + ", seed " + seed + ") pixel " + x + "," + y;
                    assertEquals(a, rgba[i + 3] & 0xFF, where + " alpha");
                    if (a == 0) continue;
                    int tolerance = a == 255 ? 0 : 255 / a + 1;
                    if (a == 255) opaquePixels++;
                    for (int b = 0; b < 3; b++) {
                        int wantC = p >>> (16 - 8 * b) & 0xFF, got = rgba[i + b] & 0xFF;
                        assertTrue(Math.abs(wantC - got) <= tolerance, where + " channel " + b + ": " + got + ", expected " + wantC);
                    }
                }
            }
            assertTrue(opaquePixels > 0, "PNG #" + k + " shows something");
        }
    }

    @Test
    void adminPageListsTheLayersOnceAuthenticated() throws Exception {
        Path png = SHOTS.resolve("admin-page.png");
        JsonNode r = shoot("/admin/", png, "--user", "admin", "--password", s.password, "--wait-selector", "#layers tbody tr");
        assertEquals(200, r.path("status").asInt());
        assertEquals("healpix-zarr admin", r.path("title").asText());
        assertTrue(r.path("text").asText().contains("earthcare:vza"), r.path("text").asText());
        assertEquals("[]", r.path("consoleErrors").toString());
        JsonNode denied = shoot("/admin/", SHOTS.resolve("admin-denied.png"), "--user", "admin", "--password", "wrong");
        assertEquals(401, denied.path("status").asInt());
    }
}
