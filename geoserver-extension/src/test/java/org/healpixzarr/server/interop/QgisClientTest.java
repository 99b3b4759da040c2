package org.healpixzarr.server.interop;

import org.healpixzarr.testing.ExternalTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QGIS (Debian's python3-qgis and qgis-providers: the libraries of the desktop application) as a client: the layer
 * added through QGIS's WMS provider with the data-source URI of its "Add WMS layer" dialog, in EPSG:4326 and in
 * EPSG:3857, drawn by QGIS's map renderer, and identified (text and HTML); and the WCS 2.0.1 coverage opened through
 * QGIS's GDAL provider (its own WCS provider speaks only WCS 1.0/1.1) and sampled; by
 * {@code src/test/resources/interop/qgis_client.py}; this test checks what it saw and the images it drew.
 */
class QgisClientTest {
    @TempDir
    Path tmp;

    @Test
    void qgisAddsDrawsAndIdentifiesTheLayer() throws Exception {
        ExternalTools.requirePython("qgis.core");
        InteropServer s = InteropServer.get();
        Path script = Path.of("src/test/resources/interop/qgis_client.py").toAbsolutePath();
        int k = s.cells.length / 2; // the observation the zoom box is centred on
        double[] c = s.cells[k];
        String point = String.format(Locale.ROOT, "%.10f,%.10f", c[0], c[1]);
        String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, script.toString(), s.ows(), InteropServer.LAYER, InteropServer.COVERAGE,
                OwsLibClientTest.box(s.zoom), point, tmp.toString()), Map.of("QT_QPA_PLATFORM", "offscreen"));
        JsonNode r = new ObjectMapper().readTree(out.substring(out.indexOf('{')));

        JsonNode geo = r.path("4326");
        assertTrue(geo.path("valid").asBoolean(), "QGIS refused the layer in EPSG:4326: " + geo);
        assertEquals("EPSG:4326", geo.path("crs").asText());
        // the layer extent QGIS read from the capabilities (EPSG:4326 BoundingBox, lat/lon order) is lon/lat in QGIS
        for (int i = 0; i < 4; i++) assertEquals(s.bbox[i], geo.path("extent").get(i).asDouble(), 1e-6, "extent " + i + ": " + geo);
        assertEquals("[]", geo.path("render_errors").toString());
        double[] visible = new double[4];
        for (int i = 0; i < 4; i++) visible[i] = geo.path("visible_extent").get(i).asDouble();
        BufferedImage img = ImageIO.read(tmp.resolve("qgis_4326.png").toFile());
        assertEquals(256, img.getWidth());
        new Swath(s.cells, visible, 256, 256, s.radius).check(img, ServerRealDataTest.TRANSPARENT, 0.95, 100, "QGIS map in EPSG:4326");

        JsonNode text = geo.path("identify").path("text");
        assertTrue(text.path("valid").asBoolean(), text.toString());
        String t = text.path("results").get(0).asText();
        Matcher m = Pattern.compile(InteropServer.VARIABLE + ": (\\S+)").matcher(t);
        assertTrue(m.find(), "identify text names the variable and its value: " + t);
        assertEquals(s.values[k], Float.parseFloat(m.group(1)), 1e-6f * Math.abs(s.values[k]), t);
        assertTrue(t.contains("cell_id: ") && t.contains("layer: " + InteropServer.LAYER), t);
        JsonNode html = geo.path("identify").path("html");
        assertTrue(html.path("valid").asBoolean(), html.toString());
        assertTrue(html.path("results").get(0).asText().contains("<table"), html.toString());

        JsonNode merc = r.path("3857");
        assertTrue(merc.path("valid").asBoolean(), "QGIS refused the layer in EPSG:3857: " + merc);
        assertEquals("[]", merc.path("render_errors").toString());
        BufferedImage m3857 = ImageIO.read(tmp.resolve("qgis_3857.png").toFile());
        int drawn = 0;
        for (int y = 0; y < m3857.getHeight(); y++) {
            for (int x = 0; x < m3857.getWidth(); x++) if (!ServerRealDataTest.TRANSPARENT.test(m3857.getRGB(x, y))) drawn++;
        }
        assertTrue(drawn >= 100 && drawn < 256 * 256 * 3 / 4, "EPSG:3857 map: " + drawn + " pixels drawn");

        JsonNode wcs = r.path("wcs_gdal");
        assertTrue(wcs.path("valid").asBoolean(), "QGIS (GDAL provider) refused the WCS coverage: " + wcs);
        assertEquals("EPSG:4326", wcs.path("crs").asText());
        assertEquals(1, wcs.path("bands").asInt());
        for (int i = 0; i < 4; i++) assertEquals(s.bbox[i], wcs.path("extent").get(i).asDouble(), 1e-6, "coverage extent " + i + ": " + wcs);
        // the coverage pixel holding the observation takes the nearest observation within the native cell edge: the
        // value of one of the cells within that distance (plus a pixel) of it
        double pixel = (s.bbox[2] - s.bbox[0]) / wcs.path("size").get(0).asDouble() * 111_320;
        double sample = wcs.path("sample").asDouble(Double.NaN);
        boolean found = false;
        for (int i = 0; i < s.cells.length && !found; i++) {
            double ex = (s.cells[i][0] - c[0]) * 111_320 * Math.cos(Math.toRadians(c[1])), ey = (s.cells[i][1] - c[1]) * 110_574;
            found = Math.hypot(ex, ey) <= 1.2 * s.radius + 2 * pixel && Math.abs(s.values[i] - sample) <= 1e-6 * Math.abs(s.values[i]);
        }
        assertTrue(found, "sampled " + sample + " at the observation of " + s.values[k] + ": not a value of a nearby cell; " + wcs);
    }
}
