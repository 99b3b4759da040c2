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
