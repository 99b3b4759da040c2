package org.healpixzarr.server.ows.wms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;
import org.healpixzarr.server.ows.OgcSchemas;
import org.healpixzarr.server.ows.OwsHttp;
import org.healpixzarr.server.ows.TestLayers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * WMS 1.3.0 over real HTTP with a test double for the data side (drawing and sampling are tested with real stores
 * in {@code WmsRealDataTest}): parameters, capabilities against the official schemas, image encoding rules,
 * exceptions for hostile input.
 */
class WmsServiceTest {
    static final String WMS = "http://www.opengis.net/wms";
    static final String TITLE = "Temperature <&> \"quoted\"";
    static FakeMapBackend backend;
    static OwsHttp http;

    static final Layer TEMP = new Layer("test:temp", TITLE, List.of(), "t",
            List.of(new Style("viridis", "Viridis", "t", 0, 200, 300), new Style("gray", "Grey", "t", 0, 200, 300)),
            new double[] {-10, 30, 20, 60}, List.of("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"));
    static final Layer MASK = new Layer("test:mask", "Mask", List.of(), "m",
            List.of(new Style("classes", "Classes", "m", 0, Double.NaN, Double.NaN)),
            new double[] {170, -10, -170, 10}, List.of());

    @BeforeAll
    static void start() throws IOException {
        backend = new FakeMapBackend();
        http = new OwsHttp(new WmsService(backend), new TestLayers(List.of(TEMP, MASK)));
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    static final String MAP = "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=test:temp&STYLES=&CRS=EPSG:4326"
            + "&BBOX=30,-10,60,20&WIDTH=64&HEIGHT=32&FORMAT=image/png";

    static Document dom(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    static List<Element> elements(Document d, String ns, String name) {
        NodeList n = d.getElementsByTagNameNS(ns, name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < n.getLength(); i++) out.add((Element) n.item(i));
        return out;
    }

    static BufferedImage image(OwsHttp.Reply r) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertNotNull(img, "not an image: " + r.contentType() + " " + r.text());
        return img;
    }

    @Test
    void capabilitiesWithoutVersionAre130AndValid() throws Exception {
        OwsHttp.Reply r = http.get("SERVICE=WMS&REQUEST=GetCapabilities");
        assertEquals(200, r.status());
        assertTrue(r.contentType().startsWith("text/xml"), r.contentType());
        assertEquals(List.of(), OgcSchemas.errors(OgcSchemas.wmsCapabilities(), r.body()));
        Document d = dom(r.body());
        assertEquals("1.3.0", d.getDocumentElement().getAttribute("version"));
        // absolute operation URLs from the base URL the client used
        for (String op : List.of("GetMap", "GetFeatureInfo", "GetCapabilities")) {
            Element e = elements(d, WMS, op).get(0);
            Element res = (Element) e.getElementsByTagNameNS(WMS, "OnlineResource").item(0);
            assertTrue(res.getAttributeNS("http://www.w3.org/1999/xlink", "href").startsWith(http.base() + "?"), op);
        }
        Element legendOp = (Element) d.getElementsByTagNameNS("http://www.opengis.net/sld", "GetLegendGraphic").item(0);
        assertNotNull(legendOp);
        // the layer: escaped title read back intact, boxes per CRS, EPSG:4326 in lat,lon order
        Element temp = layer(d, "test:temp");
        assertEquals(TITLE, child(temp, "Title").getTextContent());
        assertEquals("-10", child(temp, "EX_GeographicBoundingBox").getElementsByTagNameNS(WMS, "westBoundLongitude").item(0).getTextContent());
        List<String> crss = new ArrayList<>();
        for (Element b : children(temp, "BoundingBox")) {
            crss.add(b.getAttribute("CRS"));
            if (b.getAttribute("CRS").equals("EPSG:4326")) {
                assertEquals(List.of("30", "-10", "60", "20"), List.of(b.getAttribute("minx"), b.getAttribute("miny"), b.getAttribute("maxx"), b.getAttribute("maxy")));
            }
            if (b.getAttribute("CRS").equals("CRS:84")) {
                assertEquals(List.of("-10", "30", "20", "60"), List.of(b.getAttribute("minx"), b.getAttribute("miny"), b.getAttribute("maxx"), b.getAttribute("maxy")));
            }
            if (b.getAttribute("CRS").equals("EPSG:3857")) {
                assertEquals(-1113194.9079, Double.parseDouble(b.getAttribute("minx")), 1e-3);
                assertEquals(8399737.8898, Double.parseDouble(b.getAttribute("maxy")), 1e-3);
            }
        }
        assertEquals(List.of("CRS:84", "EPSG:4326", "EPSG:3857"), crss);
        Element dim = child(temp, "Dimension");
        assertEquals("time", dim.getAttribute("name"));
        assertEquals("2024-01-01T00:00:00Z,2024-01-02T00:00:00Z", dim.getTextContent());
        List<Element> styles = children(temp, "Style");
        assertEquals(2, styles.size());
        Element legend = (Element) styles.get(1).getElementsByTagNameNS(WMS, "OnlineResource").item(0);
        String href = legend.getAttributeNS("http://www.w3.org/1999/xlink", "href");
        assertTrue(href.startsWith(http.base() + "?") && href.contains("REQUEST=GetLegendGraphic") && href.contains("STYLE=gray")
                && href.contains("LAYER=test%3Atemp"), href);
        // the legend URL works
        OwsHttp.Reply lg = http.get(href.substring(href.indexOf('?') + 1));
        assertEquals(200, lg.status());
        assertEquals(120, image(lg).getWidth());
        assertEquals("gray", backend.style.name());
        // the antimeridian layer: no time dimension, valid boxes
        Element mask = layer(d, "test:mask");
        assertTrue(children(mask, "Dimension").isEmpty());
        assertEquals("1", mask.getAttribute("queryable"));
        // VERSION negotiation: a client asking for 1.1.1 still gets 1.3.0
        assertEquals("1.3.0", dom(http.get("SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities").body()).getDocumentElement().getAttribute("version"));
    }

    static Element layer(Document d, String name) {
        for (Element e : elements(d, WMS, "Layer")) {
            Element n = child(e, "Name");
            if (n != null && n.getTextContent().equals(name)) return e;
        }
        throw new AssertionError("no layer " + name);
    }

    static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getLocalName().equals(name)) out.add(c);
        }
        return out;
    }

    static Element child(Element e, String name) {
        List<Element> c = children(e, name);
        return c.isEmpty() ? null : c.get(0);
    }

    @Test
    void validatorRejectsBrokenDocuments() throws Exception {
        String caps = http.get("SERVICE=WMS&REQUEST=GetCapabilities").text();
        String noTitle = caps.replaceFirst("<Title>healpix-zarr WMS</Title>", "");
        assertFalse(OgcSchemas.errors(OgcSchemas.wmsCapabilities(), noTitle.getBytes("UTF-8")).isEmpty());
        String badBox = caps.replaceFirst("<westBoundLongitude>", "<westBoundLongitude>x");
        assertFalse(OgcSchemas.errors(OgcSchemas.wmsCapabilities(), badBox.getBytes("UTF-8")).isEmpty());
        String ex = http.get("SERVICE=WMS&REQUEST=GetMap").text();
        assertEquals(List.of(), OgcSchemas.errors(OgcSchemas.wmsException(), ex.getBytes("UTF-8")));
        String badEx = ex.replace("ServiceException ", "ServiceExceptio ").replace("</ServiceException>", "</ServiceExceptio>");
        assertFalse(OgcSchemas.errors(OgcSchemas.wmsException(), badEx.getBytes("UTF-8")).isEmpty());
    }

    @Test
    void transparentPngKeepsNoDataTransparent() throws Exception {
        OwsHttp.Reply r = http.get(MAP + "&TRANSPARENT=TRUE");
        assertEquals(200, r.status());
        assertEquals("image/png", r.contentType());
        BufferedImage img = image(r);
        assertEquals(64, img.getWidth());
        assertEquals(32, img.getHeight());
        assertTrue(img.getColorModel().hasAlpha());
        assertEquals(FakeMapBackend.COLOUR, img.getRGB(5, 3));
        assertEquals(0, img.getRGB(5, 30) >>> 24, "no-data is transparent");
    }

    @Test
    void opaquePngFillsNoDataWithBgcolor() throws Exception {
        for (String transparent : List.of("&TRANSPARENT=FALSE", "")) {
            BufferedImage img = image(http.get(MAP + transparent + "&BGCOLOR=0x00FF00"));
            assertEquals(FakeMapBackend.COLOUR, img.getRGB(5, 3));
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) assertEquals(0xFF, img.getRGB(x, y) >>> 24, "opaque at " + x + "," + y);
            }
            assertEquals(0xFF00FF00, img.getRGB(5, 30));
        }
        // default background: white
        assertEquals(0xFFFFFFFF, image(http.get(MAP)).getRGB(0, 31));
    }

    @Test
    void jpegIsNeverTransparent() throws Exception {
        OwsHttp.Reply r = http.get(MAP.replace("image/png", "image/jpeg") + "&TRANSPARENT=TRUE&BGCOLOR=0x0000FF");
        assertEquals(200, r.status());
        assertEquals("image/jpeg", r.contentType());
        BufferedImage img = image(r);
        assertFalse(img.getColorModel().hasAlpha());
        assertEquals(64, img.getWidth());
        int bg = img.getRGB(10, 28);
        assertTrue((bg & 0xFF) > 230 && ((bg >> 16) & 0xFF) < 25 && ((bg >> 8) & 0xFF) < 25, Integer.toHexString(bg));
        int data = img.getRGB(10, 4);
        assertTrue(((data >> 16) & 0xFF) > 180, Integer.toHexString(data));
    }

    @Test
    void bboxAndCrsAreHandedOverInTheCrsAxisOrder() throws Exception {
        http.get(MAP);
        assertEquals("EPSG:4326", backend.crs);
        assertEquals(List.of(30.0, -10.0, 60.0, 20.0), List.of(backend.bbox[0], backend.bbox[1], backend.bbox[2], backend.bbox[3]));
        http.get(MAP.replace("CRS=EPSG:4326&BBOX=30,-10,60,20", "CRS=CRS:84&BBOX=-10,30,20,60"));
        assertEquals("CRS:84", backend.crs);
        assertEquals(-10.0, backend.bbox[0]);
        assertEquals(200, http.get(MAP.replace("CRS=EPSG:4326&BBOX=30,-10,60,20", "CRS=EPSG:3857&BBOX=-1e6,3e6,1e6,5e6")).status());
        assertEquals("EPSG:3857", backend.crs);
        assertEquals(200, http.get(MAP.replace("CRS=EPSG:4326", "CRS=EPSG:32632").replace("BBOX=30,-10,60,20", "BBOX=300000,4000000,700000,5000000")).status());
        assertEquals("EPSG:32632", backend.crs);
    }

    @Test
    void stylesAndTime() throws Exception {
        http.get(MAP.replace("STYLES=", "STYLES=gray"));
        assertEquals("gray", backend.style.name());
        http.get(MAP);
        assertEquals("viridis", backend.style.name());
        OwsHttp.Reply r = http.get(MAP.replace("LAYERS=test:temp&STYLES=", "LAYERS=test:temp,mask&STYLES=gray,"));
        assertEquals(200, r.status());
        assertEquals("classes", backend.style.name(), "the last layer drawn, default style");
        assertEquals(200, http.get(MAP + "&TIME=2024-01-02T00:00:00Z").status());
    }

    @Test
    void featureInfoInEveryAdvertisedFormat() throws Exception {
        String gfi = MAP.replace("GetMap", "GetFeatureInfo") + "&QUERY_LAYERS=test:temp&I=7&J=3";
        OwsHttp.Reply text = http.get(gfi + "&INFO_FORMAT=text/plain");
        assertEquals(200, text.status());
        assertTrue(text.contentType().startsWith("text/plain"));
        assertTrue(text.text().contains("cell_id: 1234567\ndepth: 12\nlon: 10.500000000\nlat: -20.250000000\ncount: 3\nt: 271.5 K\n"), text.text());
        assertEquals(7, backend.i);
        assertEquals(3, backend.j);
        OwsHttp.Reply json = http.get(gfi + "&INFO_FORMAT=application/json");
        assertTrue(json.contentType().startsWith("application/json"));
        JsonNode n = new ObjectMapper().readTree(json.body()).get("layers").get(0);
        assertEquals("test:temp", n.get("layer").asText());
        assertEquals(1234567L, n.get("cell_id").asLong());
        assertEquals(271.5, n.get("values").get(0).get("value").asDouble());
        assertEquals("K", n.get("values").get(0).get("units").asText());
        OwsHttp.Reply html = http.get(gfi + "&INFO_FORMAT=text/html");
        assertTrue(html.contentType().startsWith("text/html"));
        assertTrue(html.text().contains("<th>cell_id</th><td>1234567</td>"), html.text());
        assertTrue(html.text().contains("Temperature") || html.text().contains("test:temp"));
        // every INFO_FORMAT the capabilities advertise is answered
        Document d = dom(http.get("SERVICE=WMS&REQUEST=GetCapabilities").body());
        Element op = elements(d, WMS, "GetFeatureInfo").get(0);
        for (Element f : children(op, "Format")) {
            assertEquals(200, http.get(gfi + "&INFO_FORMAT=" + OwsHttp.enc(f.getTextContent())).status(), f.getTextContent());
        }
        // no cell under the pixel
        OwsHttp.Reply none = http.get(gfi.replace("J=3", "J=30") + "&INFO_FORMAT=application/json");
        assertTrue(new ObjectMapper().readTree(none.body()).get("layers").get(0).get("cell_id").isNull());
    }

    static Stream<Arguments> hostile() {
        String gfi = MAP.replace("GetMap", "GetFeatureInfo") + "&QUERY_LAYERS=test:temp&INFO_FORMAT=text/plain";
        return Stream.of(
                Arguments.of("SERVICE=WMS", 400, "MissingParameterValue"),
                Arguments.of("SERVICE=WMS&REQUEST=GetStuff", 501, "OperationNotSupported"),
                Arguments.of("SERVICE=WFS&REQUEST=GetMap", 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("LAYERS=test:temp&", ""), 400, "MissingParameterValue"),
                Arguments.of(MAP.replace("&BBOX=30,-10,60,20", ""), 400, "MissingParameterValue"),
                Arguments.of(MAP.replace("&WIDTH=64", ""), 400, "MissingParameterValue"),
                Arguments.of(MAP.replace("&CRS=EPSG:4326", ""), 400, "MissingParameterValue"),
                Arguments.of(MAP.replace("&FORMAT=image/png", ""), 400, "MissingParameterValue"),
                Arguments.of(MAP + "&LAYERS=test:mask", 400, "InvalidParameterValue"),
                Arguments.of(MAP + "&WIDTH=64", 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("BBOX=30,-10,60,20", "BBOX=a,b,c,d"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("BBOX=30,-10,60,20", "BBOX=30,-10,60"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("BBOX=30,-10,60,20", "BBOX=60,-10,30,20"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("BBOX=30,-10,60,20", "BBOX=30,-10,30,20"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("BBOX=30,-10,60,20", "BBOX=NaN,-10,60,20"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("BBOX=30,-10,60,20", "BBOX=30,-Infinity,60,20"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("BBOX=30,-10,60,20", "BBOX=30,-10,60,1e999"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("WIDTH=64", "WIDTH=0"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("WIDTH=64", "WIDTH=-5"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("WIDTH=64", "WIDTH=abc"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("WIDTH=64", "WIDTH=1000000"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("WIDTH=64", "WIDTH=99999999999999999999999"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("WIDTH=64&HEIGHT=32", "WIDTH=4096&HEIGHT=4096"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("LAYERS=test:temp", "LAYERS=test:nothing"), 404, "LayerNotDefined"),
                Arguments.of(MAP.replace("LAYERS=test:temp", "LAYERS=test:temp,,"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("CRS=EPSG:4326", "CRS=EPSG:9999"), 400, "InvalidCRS"),
                Arguments.of(MAP.replace("CRS=EPSG:4326", "CRS=EPSG:99999999999"), 400, "InvalidCRS"),
                Arguments.of(MAP.replace("CRS=EPSG:4326", "CRS=AUTO2:42001"), 400, "InvalidCRS"),
                Arguments.of(MAP.replace("image/png", "image/gif"), 400, "InvalidFormat"),
                Arguments.of(MAP.replace("STYLES=", "STYLES=nope"), 400, "StyleNotDefined"),
                Arguments.of(MAP.replace("STYLES=", "STYLES=,,"), 400, "StyleNotDefined"),
                Arguments.of(MAP + "&BGCOLOR=red", 400, "InvalidParameterValue"),
                Arguments.of(MAP + "&TRANSPARENT=maybe", 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("VERSION=1.3.0", "VERSION=1.1.1"), 400, "InvalidParameterValue"),
                Arguments.of(MAP.replace("LAYERS=test:temp", "LAYERS=" + OwsHttp.enc("<x a=\"1\">&amp;'</x>]]>")), 404, "LayerNotDefined"),
                Arguments.of(MAP.replace("LAYERS=test:temp", "LAYERS=%01%02%EF%BF%BF%ED%A0%80"), 404, "LayerNotDefined"),
                Arguments.of(gfi.replace("&INFO_FORMAT=text/plain", "&INFO_FORMAT=text/csv") + "&I=1&J=1", 400, "InvalidFormat"),
                Arguments.of(gfi + "&I=64&J=1", 400, "InvalidPoint"),
                Arguments.of(gfi + "&I=1&J=-1", 400, "InvalidPoint"),
                Arguments.of(gfi + "&I=x&J=1", 400, "InvalidPoint"),
                Arguments.of(gfi + "&J=1", 400, "MissingParameterValue"),
                Arguments.of(gfi.replace("QUERY_LAYERS=test:temp", "QUERY_LAYERS=test:mask") + "&I=1&J=1", 400, "LayerNotQueryable"),
                Arguments.of("SERVICE=WMS&REQUEST=GetLegendGraphic&LAYER=test:none", 404, "LayerNotDefined"),
                Arguments.of("SERVICE=WMS&REQUEST=GetLegendGraphic&LAYER=test:temp&STYLE=x", 400, "StyleNotDefined"));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void hostileInputGetsAValidServiceException(String query, int status, String code) throws Exception {
        OwsHttp.Reply r = http.get(query);
        assertEquals(status, r.status(), r.text());
        assertTrue(r.contentType().startsWith("text/xml"), r.contentType());
        assertEquals(List.of(), OgcSchemas.errors(OgcSchemas.wmsException(), r.body()), r.text());
        Element e = elements(dom(r.body()), "http://www.opengis.net/ogc", "ServiceException").get(0);
        assertEquals(code, e.getAttribute("code"), r.text());
        assertFalse(r.text().contains("\tat org."), "no stack trace");
    }

    @Test
    void injectedMarkupIsEchoedAsText() throws Exception {
        String evil = "<x a=\"1\">&amp;'</x>]]>";
        OwsHttp.Reply r = http.get(MAP.replace("LAYERS=test:temp", "LAYERS=" + OwsHttp.enc(evil)));
        Element e = elements(dom(r.body()), "http://www.opengis.net/ogc", "ServiceException").get(0);
        assertTrue(e.getTextContent().contains(evil), e.getTextContent());
        assertEquals(1, e.getParentNode().getChildNodes().getLength() - countWhitespace(e.getParentNode()), "one element, nothing injected");
    }

    private static int countWhitespace(org.w3c.dom.Node n) {
        int k = 0;
        for (org.w3c.dom.Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) if (!(c instanceof Element)) k++;
        return k;
    }

    @Test
    void exceptionsInImageAndBlank() throws Exception {
        String bad = MAP.replace("STYLES=", "STYLES=nope") + "&TRANSPARENT=TRUE";
        OwsHttp.Reply in = http.get(bad + "&EXCEPTIONS=INIMAGE");
        assertEquals("image/png", in.contentType());
        BufferedImage img = image(in);
        assertEquals(64, img.getWidth());
        assertEquals(32, img.getHeight());
        assertTrue(countOpaque(img) > 0, "the message is drawn");
        OwsHttp.Reply blank = http.get(bad + "&EXCEPTIONS=BLANK");
        BufferedImage b = image(blank);
        assertEquals(0, countOpaque(b), "a blank transparent image");
        BufferedImage opaque = image(http.get(MAP.replace("STYLES=", "STYLES=nope") + "&EXCEPTIONS=BLANK&BGCOLOR=0x123456"));
        assertEquals(0xFF123456, opaque.getRGB(10, 10));
        // JPEG in-image exception
        OwsHttp.Reply jpeg = http.get(MAP.replace("STYLES=", "STYLES=nope").replace("image/png", "image/jpeg") + "&EXCEPTIONS=application/vnd.ogc.se_inimage");
        assertEquals("image/jpeg", jpeg.contentType());
        assertEquals(64, image(jpeg).getWidth());
        // a huge size asked with INIMAGE does not allocate it
        OwsHttp.Reply huge = http.get(MAP.replace("WIDTH=64&HEIGHT=32", "WIDTH=100000&HEIGHT=100000") + "&EXCEPTIONS=INIMAGE");
        assertEquals(400, huge.status());
        assertEquals(256, image(huge).getWidth());
        // unknown EXCEPTIONS value: XML
        assertTrue(http.get(bad + "&EXCEPTIONS=whatever").contentType().startsWith("text/xml"));
    }

    private static int countOpaque(BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) >>> 24) != 0) n++;
        return n;
    }

    @Test
    void legendGraphic() throws Exception {
        OwsHttp.Reply r = http.get("SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=temp&FORMAT=image/png");
        assertEquals(200, r.status());
        assertEquals("image/png", r.contentType());
        assertEquals(30, image(r).getHeight());
        assertEquals("viridis", backend.style.name());
    }

    @Test
    void canonicalCrs() {
        assertEquals("CRS:84", WmsService.canonicalCrs("crs:84"));
        assertEquals("EPSG:4326", WmsService.canonicalCrs("epsg:4326"));
        assertEquals("EPSG:32760", WmsService.canonicalCrs("EPSG:32760"));
        assertNull(WmsService.canonicalCrs("EPSG:32661"));
        assertNull(WmsService.canonicalCrs("EPSG:4326 "+"x"));
        assertEquals("EPSG:3857", WmsService.canonicalCrs("EPSG:900913"));
    }
}
