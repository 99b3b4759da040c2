package org.healpixzarr.server.interop;

import org.healpixzarr.testing.ExternalTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EarthCARE sample through the real Jetty server: GetMap in PNG (transparent or with BGCOLOR) and JPEG decoded
 * and checked against the stored cell positions, GetLegendGraphic, and GetCoverage read back with {@code gdalinfo}
 * (CRS, geotransform against the SUBSET, pixel corners in the TIFF versus pixel centres in DescribeCoverage).
 */
class ServerRealDataTest {
    static InteropServer s;
    static final int W = 200, H = 500, Z = 256;
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        s = InteropServer.get();
    }

    /** A GetMap of a lon/lat box (EPSG:4326, so BBOX is lat,lon). */
    static String getMap(String layer, double[] wsen, int w, int h, String extra) {
        return String.format(Locale.ROOT, "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=%s&STYLES=&CRS=EPSG:4326"
                + "&BBOX=%.10f,%.10f,%.10f,%.10f&WIDTH=%d&HEIGHT=%d%s", layer, wsen[1], wsen[0], wsen[3], wsen[2], w, h, extra);
    }

    static BufferedImage decode(HttpResponse<byte[]> r, String type, int w, int h) throws IOException {
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals(type, r.headers().firstValue("Content-Type").orElse(""));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertTrue(img != null, "not a decodable " + type);
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        return img;
    }

    static final IntPredicate TRANSPARENT = argb -> (argb >>> 24) == 0;

    @Test
    void capabilitiesLinksFollowTheReverseProxy() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base() + "/ows?SERVICE=WMS&REQUEST=GetCapabilities"))
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "maps.example.org").build();
        String caps = client.send(req, HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(caps.contains("xlink:href=\"https://maps.example.org/ows"), caps.substring(0, Math.min(2000, caps.length())));
        assertTrue(!caps.contains("http://127.0.0.1"), "a direct link leaked past the proxy");
        String direct = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base() + "/ows?SERVICE=WMS&REQUEST=GetCapabilities"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(direct.contains("xlink:href=\"" + s.base() + "/ows"), "without a proxy the links are the server's own");
    }

    @Test
    void transparentPngOfTheWholeFrameDrawsOnlyNearObservations() throws Exception {
        BufferedImage img = decode(s.get(getMap(InteropServer.LAYER, s.bbox, W, H, "&FORMAT=image/png&TRANSPARENT=TRUE")), "image/png", W, H);
        assertTrue(img.getColorModel().hasAlpha());
        // pixels of ~9 km over isolated observations: the overview cell a pixel centre falls in, so few pixels
        new Swath(s.cells, s.bbox, W, H, s.radius).check(img, TRANSPARENT, 0, 10, "transparent PNG, whole frame");
    }

    @Test
    void transparentPngZoomedInDrawsEveryObservation() throws Exception {
        BufferedImage img = decode(s.get(getMap(InteropServer.LAYER, s.zoom, Z, Z, "&FORMAT=image/png&TRANSPARENT=TRUE")), "image/png", Z, Z);
        new Swath(s.cells, s.zoom, Z, Z, s.radius).check(img, TRANSPARENT, 0.95, 100, "transparent PNG, zoomed in");
    }

    @Test
    void opaquePngFillsWithBgcolor() throws Exception {
        for (double[] box : new double[][] {s.bbox, s.zoom}) {
            int w = box == s.bbox ? W : Z, h = box == s.bbox ? H : Z;
            BufferedImage img = decode(s.get(getMap(InteropServer.LAYER, box, w, h, "&FORMAT=image/png&TRANSPARENT=FALSE&BGCOLOR=0x123456")),
                    "image/png", w, h);
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) assertEquals(0xff, img.getRGB(x, y) >>> 24, "opaque at " + x + "," + y);
            new Swath(s.cells, box, w, h, s.radius).check(img, argb -> (argb & 0xffffff) == 0x123456, box == s.bbox ? 0 : 0.95,
                    box == s.bbox ? 10 : 100, "opaque PNG");
        }
    }

    @Test
    void jpegIsOpaqueOnTheDefaultWhite() throws Exception {
        BufferedImage img = decode(s.get(getMap(InteropServer.LAYER, s.zoom, Z, Z, "&FORMAT=image/jpeg")), "image/jpeg", Z, Z);
        assertTrue(!img.getColorModel().hasAlpha());
        // JPEG blurs edges a little: near-white is background
        new Swath(s.cells, s.zoom, Z, Z, s.radius).check(img,
                argb -> ((argb >> 16) & 0xff) > 230 && ((argb >> 8) & 0xff) > 230 && (argb & 0xff) > 230, 0.95, 100, "JPEG");
    }

    @Test
    void legendGraphicIsAColourRamp() throws Exception {
        HttpResponse<byte[]> r = s.get("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=" + InteropServer.LAYER + "&FORMAT=image/png");
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("image/png", r.headers().firstValue("Content-Type").orElse(""));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) {
            int c = img.getRGB(x, y);
            int rr = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
            if ((c >>> 24) > 0 && Math.max(rr, Math.max(g, b)) - Math.min(rr, Math.min(g, b)) > 40) colours.add(c);
        }
        assertTrue(colours.size() >= 16, "a ramp has many saturated colours, found " + colours.size());
    }

    static final Pattern POS = Pattern.compile("<gml:pos>([^<]+)</gml:pos>");
    static final Pattern OFFSET = Pattern.compile("<gml:offsetVector[^>]*>([^<]+)</gml:offsetVector>");
    static final Pattern HIGH = Pattern.compile("<gml:high>([^<]+)</gml:high>");

    static String[] first(Pattern p, String text, int n) {
        Matcher m = p.matcher(text);
        for (int i = 0; i < n; i++) assertTrue(m.find(), p + " #" + (i + 1) + " in " + text);
        return m.group(1).trim().split("\\s+");
    }

    @Test
    void describeCoverageGridIsAtPixelCentres() throws Exception {
        HttpResponse<byte[]> r = s.get("SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeCoverage&COVERAGEID=" + InteropServer.COVERAGE);
        assertEquals(200, r.statusCode());
        String d = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        double[] b = s.bbox;
        String[] origin = first(POS, d, 1), high = first(HIGH, d, 1);
        double dLon = Double.parseDouble(first(OFFSET, d, 1)[1]), dLat = Double.parseDouble(first(OFFSET, d, 2)[0]);
        assertTrue(dLon > 0 && dLat < 0, d);
        // axis order Lat Long; the origin is the centre of the north-west pixel
        assertEquals(b[3] + dLat / 2, Double.parseDouble(origin[0]), 1e-9);
        assertEquals(b[0] + dLon / 2, Double.parseDouble(origin[1]), 1e-9);
        assertEquals(b[2] - b[0], (Long.parseLong(high[0]) + 1) * dLon, 1e-6);
        assertEquals(b[3] - b[1], -(Long.parseLong(high[1]) + 1) * dLat, 1e-6);
    }

    @Test
    void getCoverageGeoTiffIsGeoreferencedAtPixelCorners() throws Exception {
        ExternalTools.requireCommand("gdalinfo");
        double south = 40, north = 50, west = 5, east = 10;
        HttpResponse<byte[]> r = s.get(String.format(Locale.ROOT, "SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID=%s"
                + "&SUBSET=Lat(%s,%s)&SUBSET=Long(%s,%s)&FORMAT=image/tiff", InteropServer.COVERAGE, south, north, west, east));
        assertEquals(200, r.statusCode(), () -> new String(r.body()));
        assertEquals("image/tiff", r.headers().firstValue("Content-Type").orElse(""));
        Path tif = Files.write(tmp.resolve("coverage.tif"), r.body());
        JsonNode info = new ObjectMapper().readTree(ExternalTools.runOk("gdalinfo", "-json", "-stats", tif.toString()));
        GdalChecks.assertEpsg4326(info);
        assertEquals("Area", info.path("metadata").path("").path("AREA_OR_POINT").asText(), "pixels are areas: corners in the geotransform");
        JsonNode gt = info.path("geoTransform");
        int w = info.path("size").get(0).asInt(), h = info.path("size").get(1).asInt();
        assertEquals(west, gt.get(0).asDouble(), 1e-9, "west edge of the first pixel");
        assertEquals(north, gt.get(3).asDouble(), 1e-9, "north edge of the first pixel");
        assertEquals(0, gt.get(2).asDouble());
        assertEquals(0, gt.get(4).asDouble());
        assertEquals(east - west, w * gt.get(1).asDouble(), 1e-9);
        assertEquals(south - north, h * gt.get(5).asDouble(), 1e-9);
        // the native resolution, as DescribeCoverage advertises it (within one pixel of rounding)
        String d = new String(s.get("SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeCoverage&COVERAGEID=" + InteropServer.COVERAGE).body(),
                java.nio.charset.StandardCharsets.UTF_8);
        double dLon = Double.parseDouble(first(OFFSET, d, 1)[1]);
        assertEquals((east - west) / dLon, w, 1.0);
        JsonNode band = info.path("bands").get(0);
        assertEquals("Float32", band.path("type").asText());
        assertEquals("NaN", band.path("noDataValue").asText());
        GdalChecks.assertValuesMatchStore(s, tif, new double[] {west, south, east, north}, 0.5);
    }
}
