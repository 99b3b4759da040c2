package org.healpixzarr.server.interop;

import org.healpixzarr.testing.ExternalTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GDAL (Debian's gdal-bin) as a client of the running server: its WMS driver (capabilities listing, a GetMap
 * dataset, gdal_translate to GeoTIFF) and its WCS driver (capabilities, coverage description, gdal_translate of a
 * window). The command lines are those of docs/admin-guide.md.
 */
class GdalClientTest {
    static InteropServer s;
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        s = InteropServer.get();
    }

    @BeforeEach
    void tools() {
        ExternalTools.requireCommand("gdalinfo");
        ExternalTools.requireCommand("gdal_translate");
        ExternalTools.requireCommand("gdallocationinfo");
    }

    static String gdal(String... args) throws IOException {
        return ExternalTools.runOk(List.of(args), Map.of());
    }

    /** The WMS driver's dataset name for a GetMap of {@code wsen}, transparent PNG. */
    static String wmsGetMap(double[] wsen) {
        return String.format(Locale.ROOT, "WMS:%s?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=%s&CRS=EPSG:4326"
                + "&BBOX=%.10f,%.10f,%.10f,%.10f&FORMAT=image/png&TRANSPARENT=TRUE", s.ows(), InteropServer.LAYER, wsen[1], wsen[0], wsen[3], wsen[2]);
    }

    /** The value of subdataset {@code NAME} whose name contains {@code needle}. */
    static String subdataset(String gdalinfo, String needle) {
        Matcher m = Pattern.compile("SUBDATASET_(\\d+)_NAME=(.*)").matcher(gdalinfo);
        while (m.find()) if (m.group(2).contains(needle)) return m.group(1) + " " + m.group(2).trim();
        throw new AssertionError("no subdataset with " + needle + " in\n" + gdalinfo);
    }

    @Test
    void wmsCapabilitiesListTheLayerWithItsBoundingBox() throws Exception {
        String out = gdal("gdalinfo", "WMS:" + s.ows() + "?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities");
        String[] sd = subdataset(out, "LAYERS=earthcare%3Avza&").split(" ", 2);
        String title = s.server.catalog().layer("earthcare", "vza").title();
        assertTrue(out.contains("SUBDATASET_" + sd[0] + "_DESC=" + title), out);
        Matcher bbox = Pattern.compile("BBOX=([-0-9.e]+),([-0-9.e]+),([-0-9.e]+),([-0-9.e]+)").matcher(sd[1]);
        assertTrue(bbox.find(), sd[1]);
        for (int i = 0; i < 4; i++) assertEquals(s.bbox[i], Double.parseDouble(bbox.group(i + 1)), 1e-6, "CRS:84 bbox " + i + " in " + sd[1]);
        assertTrue(out.contains("SUBDATASET_") && out.contains("LAYERS=earthcare%3Aaot670&"), out);
    }

    @Test
    void wmsGetMapTranslatedToGeoTiff() throws Exception {
        double[] z = s.zoom;
        JsonNode ds = JSON.readTree(gdal("gdalinfo", "-json", wmsGetMap(z)));
        assertEquals("WMS", ds.path("driverShortName").asText());
        GdalChecks.assertEpsg4326(ds);
        assertEquals("Alpha", ds.path("bands").get(3).path("colorInterpretation").asText(), ds.path("bands").toString());
        assertEquals(z[0], ds.path("geoTransform").get(0).asDouble(), 1e-9);
        assertEquals(z[3], ds.path("geoTransform").get(3).asDouble(), 1e-9);

        Path tif = tmp.resolve("wms.tif");
        gdal("gdal_translate", "-q", "-of", "GTiff", "-outsize", "256", "256", wmsGetMap(z), tif.toString());
        JsonNode info = JSON.readTree(gdal("gdalinfo", "-json", tif.toString()));
        GdalChecks.assertEpsg4326(info);
        assertExtent(info, z, 1e-9);
        assertEquals(4, info.path("bands").size());
        // the pixels GDAL fetched: drawn where the observations are, transparent elsewhere
        BufferedImage img = ImageIO.read(tif.toFile());
        assertTrue(img != null && img.getColorModel().hasAlpha(), "RGBA GeoTIFF readable by ImageIO");
        new Swath(s.cells, z, 256, 256, s.radius).check(img, ServerRealDataTest.TRANSPARENT, 0.95, 100, "GDAL WMS GetMap");
    }

    /** The GeoTIFF's extent (gdalinfo -json) equals {@code wsen} within {@code tol} degrees. */
    static void assertExtent(JsonNode info, double[] wsen, double tol) {
        JsonNode gt = info.path("geoTransform");
        int w = info.path("size").get(0).asInt(), h = info.path("size").get(1).asInt();
        double[] got = {gt.get(0).asDouble(), gt.get(3).asDouble() + h * gt.get(5).asDouble(), gt.get(0).asDouble() + w * gt.get(1).asDouble(),
                gt.get(3).asDouble()};
        for (int i = 0; i < 4; i++) assertEquals(wsen[i], got[i], tol, "extent " + i + ": " + java.util.Arrays.toString(got));
        assertEquals(0, gt.get(2).asDouble());
        assertEquals(0, gt.get(4).asDouble());
    }

    List<String> wcs(String... args) {
        List<String> c = new ArrayList<>(List.of(args));
        c.add(1, "-oo");
        c.add(2, "CACHE=" + tmp.resolve("wcs-cache"));
        return c;
    }

    @Test
    void wcsCapabilitiesListTheCoverage() throws Exception {
        String out = ExternalTools.runOk(wcs("gdalinfo", "WCS:" + s.ows() + "?VERSION=2.0.1"), Map.of());
        assertTrue(out.contains("Driver: WCS/"), out);
        subdataset(out, "coverage=" + InteropServer.COVERAGE);
        assertTrue(out.contains("formatSupported=image/tiff"), out);
    }

    @Test
    void wcsCoverageIsTheDescribedGridWithCornerGeoreferencing() throws Exception {
        JsonNode info = JSON.readTree(ExternalTools.runOk(wcs("gdalinfo", "-json", "WCS:" + s.ows() + "?VERSION=2.0.1&coverage=" + InteropServer.COVERAGE), Map.of()));
        assertEquals("WCS", info.path("driverShortName").asText());
        GdalChecks.assertEpsg4326(info);
        String d = new String(s.get("SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeCoverage&COVERAGEID=" + InteropServer.COVERAGE).body(), StandardCharsets.UTF_8);
        String[] high = ServerRealDataTest.first(ServerRealDataTest.HIGH, d, 1);
        assertEquals(Long.parseLong(high[0]) + 1, info.path("size").get(0).asLong());
        assertEquals(Long.parseLong(high[1]) + 1, info.path("size").get(1).asLong());
        // DescribeCoverage's origin is a pixel centre; GDAL turns it into the corner the store's bounding box has
        assertExtent(info, s.bbox, 1e-6);
        assertEquals("Float32", info.path("bands").get(0).path("type").asText());
        assertEquals(InteropServer.VARIABLE, info.path("bands").get(0).path("metadata").path("").path("NAME").asText(), info.path("bands").toString());
    }

    @Test
    void wcsWindowTranslatedToGeoTiff() throws Exception {
        double[] c = s.cells[s.cells.length / 2];
        double[] win = {Math.floor(c[0]) - 1, Math.floor(c[1]) - 1, Math.floor(c[0]) + 2, Math.floor(c[1]) + 1};
        Path tif = tmp.resolve("wcs.tif");
        ExternalTools.runOk(wcs("gdal_translate", "-q", "-projwin", fmt(win[0]), fmt(win[3]), fmt(win[2]), fmt(win[1]),
                "WCS:" + s.ows() + "?VERSION=2.0.1&coverage=" + InteropServer.COVERAGE, tif.toString()), Map.of());
        JsonNode info = JSON.readTree(gdal("gdalinfo", "-json", tif.toString()));
        GdalChecks.assertEpsg4326(info);
        // GDAL snaps the window to the coverage's native grid: within one pixel
        double px = info.path("geoTransform").get(1).asDouble();
        assertTrue(px > 0 && px < 0.01, "native pixels of ~400 m: " + px);
        assertExtent(info, win, 1.01 * px);
        assertEquals("Float32", info.path("bands").get(0).path("type").asText());
        GdalChecks.assertValuesMatchStore(s, tif, win, 0.1);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
