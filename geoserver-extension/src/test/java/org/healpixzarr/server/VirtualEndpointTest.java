package org.healpixzarr.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.validation.Schema;
import org.healpixzarr.server.catalog.Catalog;
import org.healpixzarr.server.ows.OgcSchemas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-workspace virtual OGC endpoints ({@code /{workspace}/ows}, {@code /wms}, {@code /wcs}) of the real server
 * with its real WMS and WCS, over real HTTP: only the workspace's layers, named with or without the prefix, links
 * of the capabilities back to the virtual endpoint (documents valid against the OGC schemas), OGC 404s for layers of
 * other workspaces, HTTP 404 for unknown workspaces, and catalogue changes seen at once.
 */
class VirtualEndpointTest {
    @TempDir
    static Path tmp;
    static TestServer s;
    static final String TEMP_BOX = "&CRS=EPSG:4326&BBOX=44.99,4.99,45.01,7.01&WIDTH=300&HEIGHT=40";

    @BeforeAll
    static void start() throws Exception {
        Path data = tmp.resolve("data");
        s = TestServer.start(data);
        TestServer.writeStore(data.resolve("a.zarr"), 5, 45, "2025-06-25T13:00:00Z", "2025-06-25T14:00:00Z");
        TestServer.writeStore(data.resolve("b.zarr"), 20, 50, "2025-06-26T13:00:00Z", "2025-06-26T14:00:00Z");
        Catalog c = s.server.catalog();
        c.createWorkspace("eo");
        c.addStore("eo", "a", "a.zarr", null);
        c.publish("eo", "a", "temp", "temperature", "Temperature A");
        c.publish("eo", "a", "flag", "flag", null);
        c.createWorkspace("other");
        c.addStore("other", "b", "b.zarr", null);
        c.publish("other", "b", "temp", "temperature", "Temperature B");
        c.createWorkspace("empty");
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return s.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static void assertValid(Schema schema, HttpResponse<byte[]> r) throws Exception {
        List<String> errors = OgcSchemas.errors(schema, r.body());
        assertTrue(errors.isEmpty(), errors + "\n" + text(r));
    }

    static List<String> all(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        for (Matcher m = p.matcher(text); m.find(); ) out.add(m.group(1));
        return out;
    }

    static final Pattern LAYER_NAME = Pattern.compile("<Layer queryable=\"1\"[^>]*>\\s*<Name>([^<]*)</Name>");
    static final Pattern HREF = Pattern.compile("xlink:href=\"([^\"]*)\"");
    static final Pattern COVERAGE_ID = Pattern.compile("<wcs:CoverageId>([^<]*)</wcs:CoverageId>");

    @Test
    void wmsCapabilitiesListOnlyTheWorkspaceLayersAndLinkBackToIt() throws Exception {
        String base = "http://127.0.0.1:" + s.server.port();
        for (String endpoint : List.of("/eo/wms", "/eo/ows", "/eo/wms/")) {
            HttpResponse<byte[]> r = get(endpoint + "?SERVICE=WMS&REQUEST=GetCapabilities");
            assertEquals(200, r.statusCode(), text(r));
            assertValid(OgcSchemas.wmsCapabilities(), r);
            String caps = text(r);
            assertEquals(List.of("temp", "flag"), all(LAYER_NAME, caps), endpoint);
            assertFalse(caps.contains("Temperature B"), "a layer of another workspace leaked");
            String path = endpoint.replaceAll("/$", "");
            List<String> hrefs = all(HREF, caps);
            assertTrue(hrefs.size() > 5, caps);
            for (String h : hrefs) assertTrue(h.startsWith(base + path), h + " should lead back to " + path);
            assertTrue(caps.contains("LAYER=temp&amp;STYLE="), "legend links name the layer as listed");
        }
        String root = text(get("/ows?SERVICE=WMS&REQUEST=GetCapabilities"));
        assertEquals(List.of("eo:temp", "eo:flag", "other:temp"), all(LAYER_NAME, root));
        // behind a reverse proxy the links go through the proxy, to the virtual endpoint
        String proxied = text(get("/eo/wms?SERVICE=WMS&REQUEST=GetCapabilities", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "maps.example.org"));
        for (String h : all(HREF, proxied)) assertTrue(h.startsWith("https://maps.example.org/eo/wms"), h);
    }

    @Test
    void getMapTakesPlainAndQualifiedNamesOfTheWorkspaceOnly() throws Exception {
        String q = "?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&FORMAT=image/png&TRANSPARENT=TRUE" + TEMP_BOX;
        HttpResponse<byte[]> reference = get("/ows" + q + "&LAYERS=eo:temp");
        assertEquals(200, reference.statusCode(), text(reference));
        assertEquals("image/png", reference.headers().firstValue("Content-Type").orElse(""));
        for (String path : List.of("/eo/ows", "/eo/wms")) {
            for (String name : List.of("temp", "eo:temp")) {
                HttpResponse<byte[]> r = get(path + q + "&LAYERS=" + name);
                assertEquals(200, r.statusCode(), text(r));
                assertArrayEquals(reference.body(), r.body(), path + " LAYERS=" + name + " draws the same map");
            }
            for (String name : List.of("other:temp", "nope", "eo:nope", "empty:temp")) {
                HttpResponse<byte[]> r = get(path + q + "&LAYERS=" + name);
                assertEquals(404, r.statusCode(), path + " LAYERS=" + name);
                assertValid(OgcSchemas.wmsException(), r);
                assertTrue(text(r).contains("code=\"LayerNotDefined\""), text(r));
            }
        }
        // the other workspace's endpoint draws its own "temp"
        HttpResponse<byte[]> other = get("/other/wms" + q.replace(TEMP_BOX, "&CRS=EPSG:4326&BBOX=49.99,19.99,50.01,22.01&WIDTH=300&HEIGHT=40")
                + "&LAYERS=temp");
        assertEquals(200, other.statusCode(), text(other));
        HttpResponse<byte[]> wrong = get("/other/wms" + q + "&LAYERS=eo:temp");
        assertEquals(404, wrong.statusCode());
    }

    @Test
    void featureInfoAndLegendUseTheWorkspaceNames() throws Exception {
        HttpResponse<byte[]> info = get("/eo/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=eo:temp&QUERY_LAYERS=temp"
                + "&STYLES=&INFO_FORMAT=application/json&I=150&J=20" + TEMP_BOX);
        assertEquals(200, info.statusCode(), text(info));
        assertTrue(text(info).contains("\"temp\""), text(info));
        assertFalse(text(info).contains("eo:temp"), "named as in this endpoint's capabilities: " + text(info));
        HttpResponse<byte[]> legend = get("/eo/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=temp&FORMAT=image/png");
        assertEquals(200, legend.statusCode(), text(legend));
        assertEquals("image/png", legend.headers().firstValue("Content-Type").orElse(""));
        assertEquals(404, get("/eo/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&LAYER=other:temp&FORMAT=image/png").statusCode());
    }

    @Test
    void wcsOfAWorkspace() throws Exception {
        String base = "http://127.0.0.1:" + s.server.port();
        for (String endpoint : List.of("/eo/wcs", "/eo/ows")) {
            HttpResponse<byte[]> caps = get(endpoint + "?SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCapabilities");
            assertEquals(200, caps.statusCode(), text(caps));
            assertValid(OgcSchemas.wcs(), caps);
            assertEquals(List.of("temp", "flag"), all(COVERAGE_ID, text(caps)));
            for (String h : all(HREF, text(caps))) {
                if (h.startsWith(base)) assertTrue(h.startsWith(base + endpoint), h);
            }
            assertTrue(text(caps).contains("xlink:href=\"" + base + endpoint + "?"), text(caps));
        }
        assertEquals(List.of("eo__temp", "eo__flag", "other__temp"),
                all(COVERAGE_ID, text(get("/wcs?SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCapabilities"))));
        byte[] reference = null;
        for (String id : List.of("temp", "eo__temp", "eo:temp")) {
            HttpResponse<byte[]> d = get("/eo/wcs?SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeCoverage&COVERAGEID=" + id);
            assertEquals(200, d.statusCode(), id + ": " + text(d));
            assertValid(OgcSchemas.wcs(), d);
            assertTrue(text(d).contains("gml:id=\"temp\""), text(d));
            HttpResponse<byte[]> g = get("/eo/wcs?SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID=" + id
                    + "&SUBSET=Lat(44.9,45.1)&SUBSET=Long(5,7)&FORMAT=image/tiff");
            assertEquals(200, g.statusCode(), id + ": " + text(g));
            assertEquals("image/tiff", g.headers().firstValue("Content-Type").orElse(""));
            if (reference == null) reference = g.body();
            else assertArrayEquals(reference, g.body(), id);
        }
        for (String id : List.of("other__temp", "other:temp", "nope")) {
            HttpResponse<byte[]> r = get("/eo/wcs?SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeCoverage&COVERAGEID=" + id);
            assertEquals(404, r.statusCode(), id);
            assertValid(OgcSchemas.ows2Exception(), r);
            assertTrue(text(r).contains("exceptionCode=\"NoSuchCoverage\""), text(r));
        }
    }

    @Test
    void unknownWorkspaceIsNotFound() throws Exception {
        for (String path : List.of("/nope/ows?SERVICE=WMS&REQUEST=GetCapabilities", "/nope/wms?REQUEST=GetCapabilities",
                "/nope/wcs?SERVICE=WCS&REQUEST=GetCapabilities", "/EO/wms?REQUEST=GetCapabilities")) {
            HttpResponse<byte[]> r = get(path);
            assertEquals(404, r.statusCode(), path);
            assertTrue(text(r).contains("no workspace named"), text(r));
            assertValid(path.contains("/wms") ? OgcSchemas.wmsException() : OgcSchemas.ows2Exception(), r);
        }
        assertEquals(404, get("/eo/wfs?SERVICE=WFS&REQUEST=GetCapabilities").statusCode(), "no such service endpoint");
        assertEquals(404, get("/a/eo/ows?SERVICE=WMS&REQUEST=GetCapabilities").statusCode());
    }

    @Test
    void emptyWorkspaceAndCatalogueChanges() throws Exception {
        HttpResponse<byte[]> empty = get("/empty/wms?REQUEST=GetCapabilities&SERVICE=WMS");
        assertEquals(200, empty.statusCode(), text(empty));
        assertValid(OgcSchemas.wmsCapabilities(), empty);
        assertEquals(List.of(), all(LAYER_NAME, text(empty)));
        HttpResponse<byte[]> emptyWcs = get("/empty/wcs?REQUEST=GetCapabilities&SERVICE=WCS");
        assertEquals(200, emptyWcs.statusCode(), text(emptyWcs));
        assertValid(OgcSchemas.wcs(), emptyWcs);

        Catalog c = s.server.catalog();
        c.createWorkspace("later");
        assertEquals(200, get("/later/ows?SERVICE=WMS&REQUEST=GetCapabilities").statusCode(), "a new workspace has its endpoint at once");
        c.addStore("later", "b", "b.zarr", null);
        c.publish("later", "b", "t2", "temperature", null);
        assertEquals(List.of("t2"), all(LAYER_NAME, text(get("/later/ows?SERVICE=WMS&REQUEST=GetCapabilities"))));
        c.deleteWorkspace("later", true);
        assertEquals(404, get("/later/ows?SERVICE=WMS&REQUEST=GetCapabilities").statusCode(), "gone with its workspace");
    }
}
