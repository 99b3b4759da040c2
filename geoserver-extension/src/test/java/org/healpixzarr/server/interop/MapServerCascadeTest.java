package org.healpixzarr.server.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Our WMS cascaded by another map server (issue 6): Debian's MapServer 8 ({@code mapserv}, built with WMS_CLIENT)
 * publishes a layer with {@code CONNECTIONTYPE WMS} pointing at our {@code /ows?}, the mapfile recipe of
 * docs/admin-guide.md §7. MapServer runs as a CGI program from the command line (no web server): the request in
 * {@code QUERY_STRING}, the answer (headers, blank line, body) on stdout, its debug log (the URLs it sends us) on
 * stderr. Checked through MapServer: its capabilities list the cascaded layer; GetMap in EPSG:4326 (MapServer must
 * send us BBOX in lat,lon order) and EPSG:3857 is pixel for pixel our own GetMap of the same box; an empty box is
 * transparent; GetFeatureInfo (text/plain, text/html) is our answer for the observation under the pixel; and a wrong
 * layer name in the mapfile is an error MapServer reports (the layer is {@code wms_essential}).
 *
 * <p>The maps use square pixels: with non-square pixels MapServer 8.0 widens the BBOX it sends by half a pixel on
 * each side and resamples our answer, so its map is no longer ours pixel for pixel.
 */
class MapServerCascadeTest {
    /** Our layer under its name in the cascading mapfile. */
    static final String CASCADED = "vza";
    static InteropServer s;
    @TempDir
    static Path dir;
    static Path conf;

    @BeforeAll
    static void start() throws IOException {
        s = InteropServer.get();
        conf = dir.resolve("mapserver.conf");
        // MapServer 8 serves only the mapfiles its configuration allows (a regular expression on the path)
        Files.writeString(conf, "CONFIG\n  ENV\n    MS_MAP_PATTERN \"^" + dir.toAbsolutePath().toString().replaceAll("[.^$*+?()\\[\\]{}|\\\\]", "\\\\$0")
                + "/\"\n  END\nEND\n");
    }

    @BeforeEach
    void tool() {
        ExternalTools.requireCommand("mapserv");
    }

    /** Writes a mapfile cascading our layer {@code remoteName} as layer {@value #CASCADED}; returns its path. */
    static Path mapfile(String file, String remoteName) throws IOException {
        Path map = dir.resolve(file);
        Files.writeString(map, """
                MAP
                  NAME "cascade"
                  EXTENT -180 -90 180 90
                  SIZE 256 256
                  PROJECTION "init=epsg:4326" END
                  OUTPUTFORMAT
                    NAME "png"
                    DRIVER "AGG/PNG"
                    MIMETYPE "image/png"
                    IMAGEMODE RGBA
                    EXTENSION "png"
                    TRANSPARENT ON
                  END
                  WEB
                    METADATA
                      "wms_title" "healpix-zarr cascaded"
                      "wms_onlineresource" "http://127.0.0.1/cgi-bin/mapserv?map=%1$s&"
                      "wms_srs" "EPSG:4326 EPSG:3857"
                      "wms_enable_request" "*"
                      "wms_feature_info_mime_type" "text/html"
                    END
                  END
                  LAYER
                    NAME "%2$s"
                    TYPE RASTER
                    STATUS ON
                    CONNECTIONTYPE WMS
                    CONNECTION "%3$s?"
                    PROJECTION "init=epsg:4326" END
                    METADATA
                      "wms_title" "viewing zenith angle (cascaded)"
                      "wms_name" "%4$s"
                      "wms_server_version" "1.3.0"
                      "wms_srs" "EPSG:4326 EPSG:3857"
                      "wms_format" "image/png"
                      "wms_transparent" "TRUE"
                      "wms_queryable" "1"
                      "wms_essential" "true"
                    END
                    # MapServer answers GetFeatureInfo only on layers with a template; this one forwards it to us
                    TEMPLATE "cascaded"
                  END
                END
                """.formatted(map.toAbsolutePath(), CASCADED, s.ows(), remoteName));
        return map;
    }

    static Path map() throws IOException {
        Path m = dir.resolve("cascade.map");
        return Files.exists(m) ? m : mapfile("cascade.map", InteropServer.LAYER);
    }

    /** What {@code mapserv} answered: CGI headers (lower-case names), body, and the URLs it sent us (from its debug log). */
    record Cgi(Map<String, String> headers, byte[] body, List<String> sent, String log) {
        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The one request MapServer sent us, as decoded upper-case parameters. */
        Map<String, String> sentParams() {
            assertEquals(1, sent.size(), "MapServer sends us one request: " + sent + "\n" + log);
            Map<String, String> p = new HashMap<>();
            String u = sent.get(0);
            for (String kv : u.substring(u.indexOf('?') + 1).split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) p.put(kv.substring(0, eq).toUpperCase(Locale.ROOT), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return p;
        }
    }

    static final Pattern SENT = Pattern.compile("HTTP request: id=\\d+, (\\S+)");

    /** Runs {@code mapserv} as a CGI program on {@code map} with the WMS request {@code query} (already encoded). */
    static Cgi mapserv(Path map, String query) throws IOException {
        Path out = Files.createTempFile(dir, "mapserv", ".out");
        ExternalTools.Result r = ExternalTools.run(List.of("sh", "-c", "exec mapserv > \"$1\"", "sh", out.toString()), Map.of(
                "MAPSERVER_CONFIG_FILE", conf.toString(), "REQUEST_METHOD", "GET", "QUERY_STRING", "map=" + map + "&" + query,
                "MS_ERRORFILE", "stderr", "MS_DEBUGLEVEL", "1"));
        byte[] all = Files.readAllBytes(out);
        Files.delete(out);
        assertEquals(0, r.exitCode(), () -> "mapserv failed: " + r.stderr());
        int end = -1, skip = 0;
        for (int i = 0; i + 1 < all.length && end < 0; i++) {
            if (all[i] == '\n' && all[i + 1] == '\n') {
                end = i;
                skip = 2;
            } else if (i + 3 < all.length && all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
                end = i;
                skip = 4;
            }
        }
        assertTrue(end > 0, () -> "no CGI header in the output of mapserv: " + new String(all, 0, Math.min(all.length, 500), StandardCharsets.ISO_8859_1));
        Map<String, String> headers = new HashMap<>();
        for (String line : new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(all, end + skip, all.length);
        List<String> sent = new ArrayList<>();
        Matcher m = SENT.matcher(r.stderr());
        while (m.find()) sent.add(m.group(1));
        return new Cgi(headers, body, sent, r.stderr());
    }

    static BufferedImage png(Cgi c, int w, int h) throws IOException {
        assertEquals("image/png", c.contentType(), () -> c.text() + "\n" + c.log());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(c.body()));
        assertTrue(img != null, "MapServer's PNG decodes");
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        return img;
    }

    static String getMap(String layer, String crs, double[] bbox, int w, int h) {
        return String.format(Locale.ROOT, "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=%s&STYLES=&CRS=%s&BBOX=%.10f,%.10f,%.10f,%.10f&WIDTH=%d&HEIGHT=%d"
                + "&FORMAT=image/png&TRANSPARENT=TRUE", layer, crs, bbox[0], bbox[1], bbox[2], bbox[3], w, h);
    }

    /** 1/1024 degree: pixel edges on exact binary fractions, printed exactly by MapServer (%.15g) and by us. */
    static final double P = 1.0 / 1024;

    /** A box of w × h square pixels of {@link #P} degrees around the zoom box's observation (EPSG:4326 axis order: lat,lon). */
    static double[] geoBox(int w, int h) {
        double[] c = s.cells[s.cells.length / 2];
        double lon = Math.rint(c[0] / P) * P, lat = Math.rint(c[1] / P) * P;
        return new double[] {lat - h * P / 2, lon - w * P / 2, lat + h * P / 2, lon + w * P / 2};
    }

    /** Asserts that MapServer's map is ours pixel for pixel (ARGB), and returns the number of drawn pixels. */
    static int assertSameAsOurs(BufferedImage ms, String ourQuery, String what) throws Exception {
        HttpResponse<byte[]> r = s.get(ourQuery);
        BufferedImage ours = ServerRealDataTest.decode(r, "image/png", ms.getWidth(), ms.getHeight());
        int drawn = 0, differ = 0, first = -1;
        for (int y = 0; y < ms.getHeight(); y++) {
            for (int x = 0; x < ms.getWidth(); x++) {
                int a = ours.getRGB(x, y), b = ms.getRGB(x, y);
                if ((a >>> 24) != 0) drawn++;
                // a transparent pixel has no colour: compare alpha only there
                boolean same = (a >>> 24) == 0 ? (b >>> 24) == 0 : a == b;
                if (!same && differ++ == 0) first = y * ms.getWidth() + x;
            }
        }
        int n = differ, f = first;
        assertEquals(0, n, () -> what + ": " + n + " pixels differ from ours, first at x=" + (f % ms.getWidth()) + " y=" + (f / ms.getWidth())
                + String.format(" ours %08x, MapServer's %08x", ours.getRGB(f % ms.getWidth(), f / ms.getWidth()), ms.getRGB(f % ms.getWidth(), f / ms.getWidth())));
        return drawn;
    }

    @Test
    void capabilitiesListTheCascadedLayer() throws Exception {
        Cgi c = mapserv(map(), "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities");
        assertTrue(c.contentType().startsWith("text/xml"), c.contentType() + "\n" + c.text());
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(c.body()));
        assertEquals("WMS_Capabilities", d.getDocumentElement().getLocalName());
        assertEquals("1.3.0", d.getDocumentElement().getAttribute("version"));
        NodeList layers = d.getElementsByTagNameNS("http://www.opengis.net/wms", "Layer");
        Element cascaded = null;
        for (int i = 0; i < layers.getLength(); i++) {
            Element l = (Element) layers.item(i);
            if (CASCADED.equals(child(l, "Name"))) cascaded = l;
        }
        assertTrue(cascaded != null, "no layer " + CASCADED + " in\n" + c.text());
        assertEquals("1", cascaded.getAttribute("cascaded"), "MapServer marks it cascaded");
        assertEquals("1", cascaded.getAttribute("queryable"));
        assertEquals("viewing zenith angle (cascaded)", child(cascaded, "Title"));
        List<String> crs = new ArrayList<>();
        for (org.w3c.dom.Node n = cascaded.getFirstChild(); n != null; n = n.getNextSibling()) {
            if ("CRS".equals(n.getLocalName())) crs.add(n.getTextContent().trim());
        }
        assertTrue(crs.contains("EPSG:4326") && crs.contains("EPSG:3857"), "CRS of the cascaded layer: " + crs);
    }

    /** The text of the first child element {@code name} of {@code e} (WMS namespace), or null. */
    static String child(Element e, String name) {
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (name.equals(n.getLocalName())) return n.getTextContent().trim();
        }
        return null;
    }

    @Test
    void getMapInEpsg4326IsOursPixelForPixel() throws Exception {
        int h = 256, w = (int) Math.round(h / Math.cos(Math.toRadians(s.cells[s.cells.length / 2][1])));
        double[] box = geoBox(w, h);
        Cgi c = mapserv(map(), getMap(CASCADED, "EPSG:4326", box, w, h));
        BufferedImage img = png(c, w, h);
        // MapServer asked us for the same box, in the lat,lon axis order of EPSG:4326 in WMS 1.3.0
        Map<String, String> sent = c.sentParams();
        assertEquals("EPSG:4326", sent.get("CRS"));
        assertEquals("1.3.0", sent.get("VERSION"));
        assertEquals(InteropServer.LAYER, sent.get("LAYERS"));
        assertEquals(w + "x" + h, sent.get("WIDTH") + "x" + sent.get("HEIGHT"));
        String[] b = sent.get("BBOX").split(",");
        for (int i = 0; i < 4; i++) assertEquals(box[i], Double.parseDouble(b[i]), 0, "BBOX sent " + sent.get("BBOX"));
        int drawn = assertSameAsOurs(img, getMap(InteropServer.LAYER, "EPSG:4326", box, w, h), "EPSG:4326");
        // and the map is what the observations predict: drawn at the cells, transparent far from them
        double[] wsen = {box[1], box[0], box[3], box[2]};
        int n = new Swath(s.cells, wsen, w, h, s.radius).check(img, ServerRealDataTest.TRANSPARENT, 0.95, 100, "MapServer cascade, EPSG:4326");
        assertEquals(drawn, n);
    }

    @Test
    void getMapInEpsg3857IsOursPixelForPixel() throws Exception {
        double[] c = s.cells[s.cells.length / 2];
        double r = 6378137, px = 100; // square pixels of 100 m, edges on whole metres
        double x = Math.rint(r * Math.toRadians(c[0]) / px) * px;
        double y = Math.rint(r * Math.log(Math.tan(Math.PI / 4 + Math.toRadians(c[1]) / 2)) / px) * px;
        int w = 256, h = 256;
        double[] box = {x - w / 2 * px, y - h / 2 * px, x + w / 2 * px, y + h / 2 * px};
        Cgi cgi = mapserv(map(), getMap(CASCADED, "EPSG:3857", box, w, h));
        BufferedImage img = png(cgi, w, h);
        Map<String, String> sent = cgi.sentParams();
        assertEquals("EPSG:3857", sent.get("CRS"));
        String[] b = sent.get("BBOX").split(",");
        for (int i = 0; i < 4; i++) assertEquals(box[i], Double.parseDouble(b[i]), 0, "BBOX sent " + sent.get("BBOX"));
        int drawn = assertSameAsOurs(img, getMap(InteropServer.LAYER, "EPSG:3857", box, w, h), "EPSG:3857");
        assertTrue(drawn >= 100 && drawn < w * h * 3 / 4, "EPSG:3857 map through MapServer: " + drawn + " pixels drawn");
    }

    @Test
    void boxWithoutDataIsTransparent() throws Exception {
        double[] box = {-40, -60, -39, -59}; // the South Atlantic, far from the frame (lat,lon)
        Cgi c = mapserv(map(), getMap(CASCADED, "EPSG:4326", box, 256, 256));
        BufferedImage img = png(c, 256, 256);
        assertEquals(1, c.sent().size(), "MapServer did ask us: " + c.log());
        for (int y = 0; y < 256; y++) for (int x = 0; x < 256; x++) assertEquals(0, img.getRGB(x, y) >>> 24, "transparent at " + x + "," + y);
    }

    /**
     * GetFeatureInfo at the centre pixel of an odd-sized map centred on an observation. MapServer 8.0 sends us, with
     * the same WIDTH, HEIGHT, I and J, a BBOX half a pixel narrower on each side (its extent of pixel centres): the
     * centre of the centre pixel is the only place that does not move.
     */
    @Test
    void getFeatureInfoIsOursForTheObservationUnderThePixel() throws Exception {
        int k = s.cells.length / 2, n = 255, i = n / 2;
        double[] c = s.cells[k];
        double half = n / 2.0 * P;
        double[] box = {c[1] - half, c[0] - half, c[1] + half, c[0] + half};
        for (String format : List.of("text/plain", "text/html")) {
            String q = getMap(CASCADED, "EPSG:4326", box, n, n).replace("REQUEST=GetMap", "REQUEST=GetFeatureInfo")
                    + "&QUERY_LAYERS=" + CASCADED + "&INFO_FORMAT=" + format + "&I=" + i + "&J=" + i;
            Cgi cgi = mapserv(map(), q);
            assertTrue(cgi.contentType().startsWith(format), cgi.contentType() + "\n" + cgi.text() + "\n" + cgi.log());
            Map<String, String> sent = cgi.sentParams();
            assertEquals("GetFeatureInfo", sent.get("REQUEST"));
            assertEquals(InteropServer.LAYER, sent.get("QUERY_LAYERS"));
            assertEquals(format, sent.get("INFO_FORMAT"));
            String t = cgi.text();
            Matcher m = Pattern.compile(InteropServer.VARIABLE + (format.equals("text/plain") ? ": " : "</th><td>") + "([-0-9.eE]+)").matcher(t);
            assertTrue(m.find(), format + " names the variable and its value: " + t);
            assertEquals(s.values[k], Float.parseFloat(m.group(1)), 0, t);
            Matcher lon = Pattern.compile("lon" + (format.equals("text/plain") ? ": " : "</th><td>") + "([-0-9.]+)").matcher(t);
            assertTrue(lon.find(), t);
            assertEquals(c[0], Double.parseDouble(lon.group(1)), 1e-8, "the observation's cell: " + t);
            // our own answer to the same query, word for word
            HttpResponse<byte[]> ours = s.get(q.replace("LAYERS=" + CASCADED, "LAYERS=" + InteropServer.LAYER));
            assertEquals(200, ours.statusCode());
            assertEquals(new String(ours.body(), StandardCharsets.UTF_8), t);
        }
    }

    @Test
    void aWrongLayerNameIsAnErrorMapServerReports() throws Exception {
        Path wrong = mapfile("wrong.map", "earthcare:no_such_layer");
        Cgi c = mapserv(wrong, getMap(CASCADED, "EPSG:4326", geoBox(256, 256), 256, 256));
        assertTrue(c.contentType().startsWith("text/xml"), "an exception, not a map: " + c.contentType());
        String t = c.text();
        assertTrue(t.contains("ServiceExceptionReport") && t.contains("WMS GetMap request failed") && t.contains("earthcare%3Ano_such_layer"), t);
        // the same mapfile with our layer's name draws (so the error is the name, not the mapfile)
        png(mapserv(map(), getMap(CASCADED, "EPSG:4326", geoBox(256, 256), 256, 256)), 256, 256);
    }
}
