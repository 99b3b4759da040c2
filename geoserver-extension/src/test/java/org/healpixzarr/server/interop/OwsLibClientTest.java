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
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OWSLib (Debian's python3-owslib) as a client: WebMapService 1.3.0 contents and getmap, WebCoverageService 2.0.1
 * contents, grid and getCoverage, by {@code src/test/resources/interop/owslib_client.py}; this test checks what it
 * saw and the files it fetched.
 */
class OwsLibClientTest {
    @TempDir
    Path tmp;

    static String box(double[] wsen) {
        return String.format(Locale.ROOT, "%.10f,%.10f,%.10f,%.10f", wsen[0], wsen[1], wsen[2], wsen[3]);
    }

    @Test
    void owslibReadsBothServices() throws Exception {
        ExternalTools.requirePython("owslib");
        ExternalTools.requireCommand("gdalinfo");
        InteropServer s = InteropServer.get();
        Path script = Path.of("src/test/resources/interop/owslib_client.py").toAbsolutePath();
        double[] c = s.cells[s.cells.length / 2];
        double[] subset = {Math.floor(c[0]) - 1, Math.floor(c[1]) - 1, Math.floor(c[0]) + 2, Math.floor(c[1]) + 1};
        String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, script.toString(), s.ows(), InteropServer.LAYER, InteropServer.COVERAGE,
                box(s.zoom), box(subset), tmp.toString()), Map.of());
        JsonNode r = new ObjectMapper().readTree(out);

        JsonNode wms = r.path("wms");
        assertEquals("1.3.0", wms.path("version").asText());
        assertEquals("healpix-zarr WMS", wms.path("title").asText());
        assertEquals("[\"earthcare:aot670\",\"earthcare:vza\"]", wms.path("layers").toString());
        JsonNode layer = wms.path("layer");
        assertEquals(s.server.catalog().layer("earthcare", "vza").title(), layer.path("title").asText());
        for (int i = 0; i < 4; i++) assertEquals(s.bbox[i], layer.path("bbox").get(i).asDouble(), 1e-6, "WGS84 bbox " + i);
        assertTrue(layer.path("crs").toString().contains("EPSG:4326") && layer.path("crs").toString().contains("EPSG:3857"), layer.toString());
        assertTrue(layer.path("styles").toString().contains("viridis"), layer.toString());
        assertTrue(layer.path("queryable").asBoolean());
        assertTrue(wms.path("formats").toString().contains("image/png") && wms.path("formats").toString().contains("image/jpeg"), wms.toString());
        assertEquals("image/png", wms.path("map_content_type").asText());
        BufferedImage img = ImageIO.read(tmp.resolve("map.png").toFile());
        new Swath(s.cells, s.zoom, 256, 256, s.radius).check(img, ServerRealDataTest.TRANSPARENT, 0.95, 100, "OWSLib getmap");

        JsonNode wcs = r.path("wcs");
        assertEquals("2.0.1", wcs.path("version").asText());
        assertEquals("[\"earthcare__aot670\",\"earthcare__vza\"]", wcs.path("coverages").toString());
        JsonNode cov = wcs.path("coverage");
        assertEquals("[\"i\",\"j\"]", cov.path("axis_labels").toString(), "grid axes");
        JsonNode env = cov.path("envelopes").get(0);
        assertEquals("http://www.opengis.net/def/crs/EPSG/0/4326", env.path("srs").asText());
        double[] latLon = {s.bbox[1], s.bbox[0], s.bbox[3], s.bbox[2]};
        for (int i = 0; i < 4; i++) assertEquals(latLon[i], env.path("bbox").get(i).asDouble(), 1e-6, "envelope (Lat Long) " + i);
        assertEquals("[0,0]", cov.path("low").toString());
        double dLon = cov.path("offsets").get(0).get(1).asDouble(), dLat = cov.path("offsets").get(1).get(0).asDouble();
        // the grid origin is the centre of the north-west pixel; the grid spans the bounding box
        assertEquals(s.bbox[3] + dLat / 2, cov.path("origin").get(0).asDouble(), 1e-9);
        assertEquals(s.bbox[0] + dLon / 2, cov.path("origin").get(1).asDouble(), 1e-9);
        assertEquals(s.bbox[2] - s.bbox[0], (cov.path("high").get(0).asLong() + 1) * dLon, 1e-6);
        assertEquals(s.bbox[3] - s.bbox[1], -(cov.path("high").get(1).asLong() + 1) * dLat, 1e-6);
        assertEquals("[\"image/tiff\"]", cov.path("formats").toString());
        Path tif = tmp.resolve("coverage.tif");
        JsonNode info = new ObjectMapper().readTree(ExternalTools.runOk("gdalinfo", "-json", tif.toString()));
        GdalChecks.assertEpsg4326(info);
        GdalClientTest.assertExtent(info, subset, 1e-9);
        GdalChecks.assertValuesMatchStore(s, tif, subset, 0.1);
    }
}
