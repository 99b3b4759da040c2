package org.healpixzarr.server.ows.wcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
 * WCS 2.0.1 over real HTTP with a test double for the data side (GeoTIFF contents are tested with real stores in
 * {@code WcsRealDataTest}): documents against the official schemas, KVP parsing as GDAL and others send it, the
 * exception codes and HTTP statuses.
 */
class WcsServiceTest {
    static final String OWS = "http://www.opengis.net/ows/2.0";
    static final String GML = "http://www.opengis.net/gml/3.2";
    static final String WCS = "http://www.opengis.net/wcs/2.0";
    static FakeCoverageBackend backend;
    static OwsHttp http;
    static final Layer TEMP = new Layer("test:wind", "Wind", List.of(), "w",
            List.of(new Style("viridis", "Viridis", "w", 0, 0, 30)), new double[] {-10, 30, 20, 60}, List.of());
    static final Layer MASK = new Layer("test:mask", "Mask", List.of(), "m",
            List.of(new Style("classes", "Classes", "m", 0, Double.NaN, Double.NaN)), new double[] {170, -10, -170, 10}, List.of());

    @BeforeAll
    static void start() throws IOException {
        backend = new FakeCoverageBackend();
        http = new OwsHttp(new WcsService(backend), new TestLayers(List.of(TEMP, MASK)));
    }

    @AfterAll
    static void stop() {
        http.close();
    }

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

    static String text(Document d, String ns, String name, int i) {
        return elements(d, ns, name).get(i).getTextContent();
    }

    @Test
    void capabilitiesAreValidWithAbsoluteUrls() throws Exception {
        for (String q : List.of("SERVICE=WCS&REQUEST=GetCapabilities", "SERVICE=WCS&VERSION=&REQUEST=GetCapabilities",
                "service=wcs&request=getcapabilities&acceptversions=2.0.1")) {
            OwsHttp.Reply r = http.get(q);
            assertEquals(200, r.status(), r.text());
            assertTrue(r.contentType().startsWith("application/xml"));
            assertEquals(List.of(), OgcSchemas.errors(OgcSchemas.wcs(), r.body()));
            Document d = dom(r.body());
            assertEquals("2.0.1", d.getDocumentElement().getAttribute("version"));
            List<Element> gets = elements(d, OWS, "Get");
            assertEquals(3, gets.size());
            for (Element g : gets) assertTrue(g.getAttributeNS("http://www.w3.org/1999/xlink", "href").startsWith(http.base() + "?"));
            assertEquals(List.of("test__wind", "test__mask"), List.of(text(d, WCS, "CoverageId", 0), text(d, WCS, "CoverageId", 1)));
            assertEquals("-10 30", text(d, OWS, "LowerCorner", 0));
            assertEquals("20 60", text(d, OWS, "UpperCorner", 0));
            assertEquals("-180 -10", text(d, OWS, "LowerCorner", 1), "antimeridian widened");
        }
    }

    @Test
    void describeCoverageIsValidWithPixelCentreOrigin() throws Exception {
        // GDAL sends an empty VERSION and a FORMAT on DescribeCoverage
        OwsHttp.Reply r = http.get("SERVICE=WCS&VERSION=&REQUEST=DescribeCoverage&COVERAGEID=test__wind,test:mask&FORMAT=image/tiff");
        assertEquals(200, r.status(), r.text());
        assertEquals(List.of(), OgcSchemas.errors(OgcSchemas.wcs(), r.body()));
        Document d = dom(r.body());
        Element env = elements(d, GML, "Envelope").get(0);
        assertEquals("http://www.opengis.net/def/crs/EPSG/0/4326", env.getAttribute("srsName"));
        assertEquals("Lat Long", env.getAttribute("axisLabels"));
        assertEquals("30 -10", text(d, GML, "lowerCorner", 0));
        assertEquals("60 20", text(d, GML, "upperCorner", 0));
        assertEquals("0 0", text(d, GML, "low", 0));
        assertEquals("2999 2999", text(d, GML, "high", 0));
        assertEquals("59.995 -9.995", text(d, GML, "pos", 0), "origin at the centre of the top-left pixel");
        assertEquals("0 0.01", text(d, GML, "offsetVector", 0));
        assertEquals("-0.01 0", text(d, GML, "offsetVector", 1));
        List<Element> fields = elements(d, "http://www.opengis.net/swe/2.0", "field");
        assertEquals(4, fields.size());
        assertEquals("w_1", fields.get(0).getAttribute("name"));
        Element uom = elements(d, "http://www.opengis.net/swe/2.0", "uom").get(0);
        assertEquals("m.s-1", uom.getAttribute("code"));
        assertEquals("NaN", text(d, "http://www.opengis.net/swe/2.0", "nilValue", 0));
        assertEquals("wind <u>", text(d, "http://www.opengis.net/swe/2.0", "description", 0));
    }

    @Test
    void validatorRejectsBrokenDocuments() throws Exception {
        String desc = http.get("SERVICE=WCS&REQUEST=DescribeCoverage&COVERAGEID=test__wind").text();
        String noRange = desc.replaceAll("(?s)<gmlcov:rangeType>.*</gmlcov:rangeType>", "");
        assertFalse(OgcSchemas.errors(OgcSchemas.wcs(), noRange.getBytes("UTF-8")).isEmpty());
        String caps = http.get("SERVICE=WCS&REQUEST=GetCapabilities").text();
        String badId = caps.replace("<wcs:CoverageId>test__wind", "<wcs:CoverageId>test:wind");
        assertFalse(OgcSchemas.errors(OgcSchemas.wcs(), badId.getBytes("UTF-8")).isEmpty(), "a CoverageId is an NCName");
        String ex = http.get("SERVICE=WCS&REQUEST=DescribeCoverage").text();
        assertEquals(List.of(), OgcSchemas.errors(OgcSchemas.ows2Exception(), ex.getBytes("UTF-8")));
        assertFalse(OgcSchemas.errors(OgcSchemas.ows2Exception(), ex.replace("version=\"2.0.1\"", "version=\"1.1\"").getBytes("UTF-8")).isEmpty());
    }

    static final String COV = "SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID=test__wind&FORMAT=image/tiff";

    @Test
    void getCoverageAsGdalSendsIt() throws Exception {
        OwsHttp.Reply r = http.get(COV + "&SUBSET=Lat(40,50)&SUBSET=Long(0,10)&SCALESIZE=Long(100),Lat(50)");
        assertEquals(200, r.status(), r.text());
        assertEquals("image/tiff", r.contentType());
        assertEquals("EPSG:4326", backend.crs);
        assertArrayEquals(new double[] {0, 40, 10, 50}, backend.wsen);
        assertEquals(100, backend.width);
        assertEquals(50, backend.height);
        assertArrayEquals(new int[] {0, 1}, backend.bands);
        // label variants, i/j scaling, URL output CRS, lower-case keys
        r = http.get("service=WCS&version=2.0.1&request=GetCoverage&coverageid=test:wind&subset=lat(41,49)&subset=Lon(1,9)&scalesize=i(30),j(20)"
                + "&outputcrs=" + OwsHttp.enc("http://www.opengis.net/def/crs/EPSG/0/3857"));
        assertEquals(200, r.status(), r.text());
        assertEquals("EPSG:3857", backend.crs);
        assertArrayEquals(new double[] {1, 41, 9, 49}, backend.wsen);
        assertEquals(30, backend.width);
        assertEquals(20, backend.height);
        http.get(COV + "&SUBSET=long(0,10)&SUBSET=latitude(40,50)&OUTPUTCRS=urn:ogc:def:crs:EPSG::32631&SUBSETTINGCRS=http://www.opengis.net/def/crs/EPSG/0/4326");
        assertEquals("EPSG:32631", backend.crs);
        assertEquals(1000, backend.width, "native resolution 0.01 deg");
        // a subset sticking out is trimmed to the coverage; '*' is open
        http.get(COV + "&SUBSET=Lat(0,40)&SUBSET=Long(*,0)");
        assertArrayEquals(new double[] {-10, 30, 0, 40}, backend.wsen);
        // one axis scaled: the other keeps the aspect of the native grid
        http.get(COV + "&SUBSET=Lat(40,50)&SUBSET=Long(0,20)&SCALESIZE=Long(200)");
        assertEquals(100, backend.height);
        http.get(COV + "&SCALEFACTOR=10");
        assertEquals(300, backend.width);
        http.get(COV + "&SCALEAXES=Long(2),Lat(3)");
        assertEquals(1500, backend.width);
        assertEquals(1000, backend.height);
        http.get(COV + "&RANGESUBSET=w_2");
        assertArrayEquals(new int[] {1}, backend.bands);
        http.get(COV + "&RANGESUBSET=w_1:w_2");
        assertArrayEquals(new int[] {0, 1}, backend.bands);
        // no FORMAT, no VERSION: GeoTIFF
        assertEquals(200, http.get("SERVICE=WCS&REQUEST=GetCoverage&COVERAGEID=test__wind").status());
    }

    @Test
    void defaultSizeIsTheNativeResolutionCapped() throws Exception {
        // 1e-4 deg over 360 x 20 deg: 3.6 M x 200 k native pixels
        OwsHttp.Reply r = http.get("SERVICE=WCS&REQUEST=GetCoverage&COVERAGEID=test__mask");
        assertEquals(200, r.status(), r.text());
        assertEquals(4096, backend.width);
        assertEquals(227, backend.height);
        assertTrue((long) backend.width * backend.height * 2 <= WcsService.MAX_VALUES);
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("SERVICE=WCS", 400, "MissingParameterValue"),
                Arguments.of("SERVICE=WCS&REQUEST=GetFoo", 501, "OperationNotSupported"),
                Arguments.of("SERVICE=WCS&REQUEST=GetCapabilities&ACCEPTVERSIONS=1.0.0", 400, "VersionNegotiationFailed"),
                Arguments.of("SERVICE=WCS&REQUEST=DescribeCoverage", 400, "MissingParameterValue"),
                Arguments.of("SERVICE=WCS&REQUEST=DescribeCoverage&COVERAGEID=nothing", 404, "NoSuchCoverage"),
                Arguments.of("SERVICE=WCS&REQUEST=DescribeCoverage&COVERAGEID=test__wind,", 400, "InvalidParameterValue"),
                Arguments.of("SERVICE=WCS&REQUEST=DescribeCoverage&VERSION=1.0.0&COVERAGEID=test__wind", 400, "InvalidParameterValue"),
                Arguments.of("SERVICE=WCS&REQUEST=GetCoverage", 400, "MissingParameterValue"),
                Arguments.of(COV.replace("test__wind", "nothing"), 404, "NoSuchCoverage"),
                Arguments.of(COV + "&COVERAGEID=test__mask", 400, "InvalidParameterValue"),
                Arguments.of(COV.replace("test__wind", "test__wind,test__mask"), 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SUBSET=Time(1,2)", 404, "InvalidAxisLabel"),
                Arguments.of(COV + "&SUBSET=E(1,2)&SUBSETTINGCRS=EPSG:3857", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SUBSET=Lat(50,40)", 404, "InvalidSubsetting"),
                Arguments.of(COV + "&SUBSET=Lat(40,40)", 404, "InvalidSubsetting"),
                Arguments.of(COV + "&SUBSET=Lat(a,b)", 404, "InvalidSubsetting"),
                Arguments.of(COV + "&SUBSET=Lat(NaN,50)", 404, "InvalidSubsetting"),
                Arguments.of(COV + "&SUBSET=Lat(-80,-70)", 404, "InvalidSubsetting"),
                Arguments.of(COV + "&SUBSET=Lat(40,50)&SUBSET=Lat(41,49)", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SUBSET=garbage", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SUBSET=Lat(45)", 501, "OperationNotSupported"),
                Arguments.of(COV.replace("image/tiff", "image/png"), 400, "InvalidParameterValue"),
                Arguments.of(COV + "&OUTPUTCRS=EPSG:9999", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&OUTPUTCRS=" + OwsHttp.enc("http://www.opengis.net/def/crs/EPSG/0/<x/>"), 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SCALESIZE=Long(100000),Lat(10)", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SCALESIZE=Long(8000),Lat(8000)", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SCALESIZE=Long(-1),Lat(10)", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SCALESIZE=Long(1.5)", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SCALESIZE=Long(x)", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SCALESIZE=Foo(10)", 404, "InvalidAxisLabel"),
                Arguments.of(COV + "&SCALESIZE=Long(10)&SCALEFACTOR=2", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&SCALEFACTOR=0", 404, "InvalidScaleFactor"),
                Arguments.of(COV + "&SCALEFACTOR=0.0001", 400, "InvalidParameterValue"),
                Arguments.of(COV + "&RANGESUBSET=nope", 404, "NoSuchField"),
                Arguments.of(COV + "&MEDIATYPE=multipart/related", 501, "OperationNotSupported"),
                Arguments.of(COV.replace("test__wind", OwsHttp.enc("<a>&\"]]>")), 404, "NoSuchCoverage"),
                Arguments.of(COV.replace("test__wind", "%01%02"), 404, "NoSuchCoverage"));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void hostileInputGetsAnOwsExceptionReport(String query, int status, String code) throws Exception {
        OwsHttp.Reply r = http.get(query);
        assertEquals(status, r.status(), r.text());
        assertTrue(r.contentType().startsWith("application/xml"), r.contentType());
        assertEquals(List.of(), OgcSchemas.errors(OgcSchemas.ows2Exception(), r.body()), r.text());
        Element e = elements(dom(r.body()), OWS, "Exception").get(0);
        assertEquals(code, e.getAttribute("exceptionCode"), r.text());
        assertFalse(r.text().contains("\tat org."));
    }

    @Test
    void injectedMarkupIsEchoedAsText() throws Exception {
        OwsHttp.Reply r = http.get(COV.replace("test__wind", OwsHttp.enc("<a>&\"]]>")));
        assertTrue(text(dom(r.body()), OWS, "ExceptionText", 0).contains("<a>&\"]]>"));
    }

    @Test
    void crsNames() {
        assertEquals("EPSG:3857", WcsService.canonicalCrs("http://www.opengis.net/def/crs/EPSG/0/3857"));
        assertEquals("EPSG:4326", WcsService.canonicalCrs("urn:ogc:def:crs:EPSG:6.6:4326"));
        assertEquals("CRS:84", WcsService.canonicalCrs("http://www.opengis.net/def/crs/OGC/1.3/CRS84"));
        assertEquals("EPSG:32701", WcsService.canonicalCrs("EPSG:32701"));
        assertNull(WcsService.canonicalCrs("http://www.opengis.net/def/crs/EPSG/0/2154"));
        assertNull(WcsService.canonicalCrs("EPSG:4326x"));
    }
}
