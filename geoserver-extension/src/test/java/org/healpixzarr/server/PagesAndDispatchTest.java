package org.healpixzarr.server;

import static org.healpixzarr.server.TestServer.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.healpixzarr.server.catalog.LayerResolver;
import org.healpixzarr.server.ows.OwsException;
import org.healpixzarr.server.ows.OwsRequest;
import org.healpixzarr.server.ows.OwsResponse;
import org.healpixzarr.server.ows.OwsService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pages, unknown routes, and the OGC dispatch to (fake) services over real HTTP. */
class PagesAndDispatchTest {
    @TempDir
    Path tmp;

    /** Answers with what it received; "boom" layers make it fail in the two ways a service can. */
    static final class Fake implements OwsService {
        final String name;
        final AtomicReference<OwsRequest> last = new AtomicReference<>();
        final AtomicReference<LayerResolver> layers = new AtomicReference<>();

        Fake(String name) { this.name = name; }

        @Override
        public String name() { return name; }

        @Override
        public OwsResponse handle(OwsRequest r, LayerResolver l) throws OwsException {
            last.set(r);
            layers.set(l);
            String layer = r.get("LAYERS");
            if ("ows-error".equals(layer)) throw new OwsException(404, "LayerNotDefined", "layers", "no layer <ows-error>");
            if ("crash".equals(layer)) throw new IllegalStateException("secret internal detail /etc/passwd");
            return new OwsResponse(200, "text/plain; charset=utf-8",
                    (name + " " + r.get("REQUEST") + " " + l.layers().size()).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void mapAndAdminPagesAreServed() throws Exception {
        try (TestServer s = TestServer.start(tmp.resolve("data"), Map.of())) {
            HttpResponse<String> map = s.get("/");
            assertEquals(200, map.statusCode());
            assertTrue(map.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(map.body().contains("/static/leaflet/leaflet.js") && map.body().contains("/static/map.js"), map.body());
            HttpResponse<String> js = s.get("/static/map.js");
            assertEquals(200, js.statusCode());
            assertTrue(js.body().contains("GetCapabilities") && js.body().contains("L.tileLayer.wms"));
            assertEquals(200, s.get("/static/map.css").statusCode());

            HttpResponse<String> leaflet = s.get("/static/leaflet/leaflet.js");
            if (getClass().getResource("/org/healpixzarr/server/web/static/leaflet/leaflet.js") != null) {
                assertEquals(200, leaflet.statusCode());
                assertTrue(leaflet.body().contains("Leaflet 1.9.4"), leaflet.body().substring(0, 200));
                assertEquals(200, s.get("/static/leaflet/leaflet.css").statusCode());
                assertEquals(200, s.get("/static/leaflet/images/marker-icon.png").statusCode());
            } else {
                assertEquals(302, leaflet.statusCode());
                assertEquals(Router.LEAFLET_CDN + "leaflet.js", leaflet.headers().firstValue("Location").orElse(null));
            }

            assertEquals(302, s.get("/admin").statusCode());
            HttpResponse<String> admin = s.admin("GET", "/admin/", null);
            assertEquals(200, admin.statusCode());
            assertTrue(admin.body().contains("/admin/admin.js"));
            HttpResponse<String> adminJs = s.admin("GET", "/admin/admin.js", null);
            assertEquals(200, adminJs.statusCode());
            assertTrue(adminJs.body().contains("/coveragestores") && adminJs.body().contains("GetMap"));

            for (String p : List.of("/nothing", "/static/nothing.js", "/static/../catalog.json", "/admin.password", "/catalog.json",
                    "/static/%2e%2e/x", "/owsx", "/rest-x")) {
                HttpResponse<String> r = s.get(p);
                assertTrue(r.statusCode() == 404 || r.statusCode() == 400, p + " -> " + r.statusCode());
                assertFalse(r.body().contains("pbkdf2") || r.body().contains("at org."), r.body());
            }
            assertEquals(404, s.admin("GET", "/admin/nothing.html", null).statusCode());
            assertEquals(405, s.send(HttpRequest.newBuilder(s.uri("/")).DELETE()).statusCode());
        }
    }

    @Test
    void owsRequestsGoToTheServiceNamedBySERVICE() throws Exception {
        Fake wms = new Fake("WMS");
        Fake wcs = new Fake("WCS");
        Path data = tmp.resolve("data");
        try (TestServer s = TestServer.start(data, Map.of("WMS", wms, "wcs", wcs))) {
            HttpResponse<String> r = s.get("/ows?sErViCe=wms&Request=GetCapabilities&version=1.3.0");
            assertEquals(200, r.statusCode());
            assertEquals("WMS GetCapabilities 0", r.body());
            assertEquals(s.uri("/ows").toString(), wms.last.get().baseUrl());
            assertEquals("1.3.0", wms.last.get().get("VERSION"));
            assertEquals(s.server.catalog(), wms.layers.get(), "the services see the catalogue");

            assertEquals("WCS GetCapabilities 0", s.get("/ows?service=WCS&request=GetCapabilities").body());
            assertEquals("WMS GetMap 0", s.get("/wms?request=GetMap&layers=a").body(), "/wms implies the service");
            assertEquals(s.uri("/wms").toString(), wms.last.get().baseUrl());
            assertEquals("WCS DescribeCoverage 0", s.get("/wcs?request=DescribeCoverage").body());
            assertEquals("WMS GetMap 0", s.get("/ows?request=GetMap").body(), "GetMap implies WMS");
            assertEquals("WCS GetCoverage 0", s.get("/ows?REQUEST=GetCoverage").body(), "GetCoverage implies WCS");
            assertEquals("a b", s.get("/ows?service=WMS&request=GetMap&layers=a%20b").body().isEmpty() ? "" : wms.last.get().get("LAYERS"));

            HttpResponse<String> post = s.send(HttpRequest.newBuilder(s.uri("/ows")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("SERVICE=WMS&REQUEST=GetMap&LAYERS=x")));
            assertEquals("WMS GetMap 0", post.body());
            assertEquals("x", wms.last.get().get("LAYERS"));

            HttpResponse<String> missing = s.get("/ows?version=1.3.0");
            assertEquals(400, missing.statusCode());
            assertTrue(missing.body().contains("ows:ExceptionReport") && missing.body().contains("exceptionCode=\"MissingParameterValue\"")
                    && missing.body().contains("locator=\"service\""), missing.body());
            HttpResponse<String> unknown = s.get("/ows?service=WPS&request=GetCapabilities");
            assertEquals(400, unknown.statusCode());
            assertTrue(unknown.body().contains("InvalidParameterValue") && unknown.body().contains("[WCS, WMS]"), unknown.body());
            assertEquals(400, s.get("/wms?service=WCS&request=GetCapabilities").statusCode());
            assertEquals(400, s.get("/ows?service=WMS&service=WCS&request=GetMap").statusCode(), "conflicting repeated parameter");
            // OWSLib appends service=WMS to the capabilities link ...?SERVICE=WMS&: the same value twice is accepted
            assertEquals("WMS GetMap 0", s.get("/ows?SERVICE=WMS&service=WMS&request=GetMap&layers=a").body());

            HttpResponse<String> owsError = s.get("/ows?service=WMS&request=GetMap&layers=ows-error");
            assertEquals(404, owsError.statusCode());
            assertTrue(owsError.body().contains("<ServiceExceptionReport version=\"1.3.0\"")
                    && owsError.body().contains("code=\"LayerNotDefined\"") && owsError.body().contains("no layer &lt;ows-error&gt;"), owsError.body());
            HttpResponse<String> crash = s.get("/ows?service=WCS&request=GetCoverage&layers=crash");
            assertEquals(500, crash.statusCode());
            assertTrue(crash.body().contains("NoApplicableCode") && crash.body().contains("incident"), crash.body());
            assertFalse(crash.body().contains("secret") || crash.body().contains("IllegalState") || crash.body().contains("at org."), crash.body());
            assertEquals(405, s.send(HttpRequest.newBuilder(s.uri("/ows")).PUT(HttpRequest.BodyPublishers.noBody())).statusCode());
            assertEquals(415, s.send(HttpRequest.newBuilder(s.uri("/ows")).header("Content-Type", "text/xml")
                    .POST(HttpRequest.BodyPublishers.ofString("<GetCapabilities/>"))).statusCode());

            // a published layer is visible to the service
            Path store = TestServer.writeStore(data.resolve("s.zarr"), 0, 0, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z");
            assertEquals(201, s.admin("POST", "/rest/workspaces", obj("workspace", obj("name", "w"))).statusCode());
            assertEquals(201, s.admin("POST", "/rest/workspaces/w/coveragestores", obj("coverageStore", Map.of("name", "s", "path", store.toString()))).statusCode());
            assertEquals(201, s.admin("POST", "/rest/workspaces/w/coveragestores/s/coverages", obj("coverage", obj("name", "flag"))).statusCode());
            assertEquals("WMS GetCapabilities 1", s.get("/ows?service=WMS&request=GetCapabilities").body());
            assertNotNull(wms.layers.get().find("w:flag"));
            assertTrue(Files.exists(data.resolve("catalog.json")));
        }
    }

    @Test
    void servicesAreFoundWithServiceLoader() throws Exception {
        try (TestServer s = TestServer.start(tmp.resolve("data"))) {
            assertTrue(s.server.services().contains("TESTSVC"), s.server.services().toString());
            HttpResponse<String> r = s.get("/ows?service=testsvc&request=Hello");
            assertEquals(200, r.statusCode());
            assertEquals("discovered Hello", r.body());
        }
    }
}
