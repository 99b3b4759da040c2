package org.healpixzarr.server;

import static org.healpixzarr.server.TestServer.json;
import static org.healpixzarr.server.TestServer.names;
import static org.healpixzarr.server.TestServer.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.DggsValidator;
import org.healpixzarr.server.catalog.Layer;
import org.healpixzarr.stac.StacCatalog;
import org.healpixzarr.zarr.FileSystemStore;
import org.healpixzarr.zarr.ZarrGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalogue through the REST API over real HTTP: CRUD, status codes, persistence, validation, path confinement. */
class CatalogRestTest {
    @TempDir
    Path tmp;

    private Path data() throws Exception {
        return Files.createDirectories(tmp.resolve("data"));
    }

    @Test
    void workspaceStoreLayerLifecycleAndRestart() throws Exception {
        Path data = data();
        Path store = TestServer.writeStore(data.resolve("stores/a.zarr"), 10, 45, "2025-06-25T13:58:45Z", "2025-06-25T14:00:12Z");
        String password;
        try (TestServer s = TestServer.start(data)) {
            password = s.password;
            assertEquals("{\"workspaces\":{\"workspace\":[]}}", json(s.admin("GET", "/rest/workspaces", null)).toString());

            HttpResponse<String> r = s.admin("POST", "/rest/workspaces", obj("workspace", obj("name", "eo")));
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(s.uri("/rest/workspaces/eo").toString(), r.headers().firstValue("Location").orElse(null));
            assertEquals(409, s.admin("POST", "/rest/workspaces", obj("workspace", obj("name", "eo"))).statusCode());
            HttpResponse<String> bad = s.admin("POST", "/rest/workspaces", obj("workspace", obj("name", "no/slash")));
            assertEquals(400, bad.statusCode());
            assertTrue(json(bad).path("error").path("message").asText().contains("bad workspace name"), bad.body());
            assertEquals(List.of("eo"), names(json(s.admin("GET", "/rest/workspaces.json", null)).path("workspaces").path("workspace")));
            assertEquals("eo", json(s.admin("GET", "/rest/workspaces/eo", null)).path("workspace").path("name").asText());
            HttpResponse<String> missing = s.admin("GET", "/rest/workspaces/nope", null);
            assertEquals(404, missing.statusCode());
            assertEquals(404, json(missing).path("error").path("status").asInt());

            // a store by file: URL (absolute) and one by a path relative to the data folder
            r = s.admin("POST", "/rest/workspaces/eo/coveragestores",
                    obj("coverageStore", Map.of("name", "a", "url", store.toUri().toString())));
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(s.uri("/rest/workspaces/eo/coveragestores/a").toString(), r.headers().firstValue("Location").orElse(null));
            JsonNode cs = json(s.admin("GET", "/rest/workspaces/eo/coveragestores/a.json", null)).path("coverageStore");
            assertEquals("store", cs.path("kind").asText());
            assertEquals(List.of("temperature", "flag"), names(cs.path("variables")));
            assertEquals("K", cs.path("variables").get(0).path("units").asText());
            assertEquals("2025-06-25T13:58:45Z/2025-06-25T14:00:12Z", cs.path("times").get(0).asText());
            double[] box = bbox(store);
            assertEquals(box[0], cs.path("latLonBoundingBox").path("minx").asDouble());
            assertEquals(box[1], cs.path("latLonBoundingBox").path("miny").asDouble());
            assertEquals(box[2], cs.path("latLonBoundingBox").path("maxx").asDouble());
            assertEquals(box[3], cs.path("latLonBoundingBox").path("maxy").asDouble());
            assertTrue(box[0] <= 10 && box[1] <= 45 && box[2] >= 12 && box[3] >= 45, java.util.Arrays.toString(box));
            assertEquals(409, s.admin("POST", "/rest/workspaces/eo/coveragestores",
                    obj("coverageStore", Map.of("name", "a", "path", "stores/a.zarr"))).statusCode());
            assertEquals(201, s.admin("POST", "/rest/workspaces/eo/coveragestores",
                    obj("coverageStore", Map.of("name", "a2", "path", "stores/a.zarr"))).statusCode());
            assertEquals(List.of("a", "a2"), names(json(s.admin("GET", "/rest/workspaces/eo/coveragestores", null))
                    .path("coverageStores").path("coverageStore")));
            assertEquals(404, s.admin("POST", "/rest/workspaces/nope/coveragestores",
                    obj("coverageStore", Map.of("name", "x", "path", "stores/a.zarr"))).statusCode());

            // publish
            r = s.admin("POST", "/rest/workspaces/eo/coveragestores/a/coverages",
                    obj("coverage", Map.of("name", "t", "nativeCoverageName", "temperature")));
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(s.uri("/rest/workspaces/eo/coveragestores/a/coverages/t").toString(), r.headers().firstValue("Location").orElse(null));
            assertEquals("air temperature — Test store a.zarr", json(r).path("coverage").path("title").asText());
            assertEquals(409, s.admin("POST", "/rest/workspaces/eo/coveragestores/a2/coverages",
                    obj("coverage", Map.of("name", "t", "nativeCoverageName", "flag"))).statusCode());
            HttpResponse<String> noVar = s.admin("POST", "/rest/workspaces/eo/coveragestores/a/coverages", obj("coverage", obj("name", "rain")));
            assertEquals(400, noVar.statusCode());
            assertTrue(noVar.body().contains("temperature"), "names the choices: " + noVar.body());
            assertEquals(201, s.admin("POST", "/rest/workspaces/eo/coveragestores/a/coverages", obj("coverage", obj("name", "flag"))).statusCode());
            assertEquals(List.of("t", "flag"), names(json(s.admin("GET", "/rest/workspaces/eo/coveragestores/a/coverages", null))
                    .path("coverages").path("coverage")));
            assertEquals("[\"temperature\",\"flag\"]", json(s.admin("GET", "/rest/workspaces/eo/coveragestores/a/coverages.json?list=all", null))
                    .path("list").path("string").toString());
            assertEquals(List.of("eo:t", "eo:flag"), names(json(s.admin("GET", "/rest/layers", null)).path("layers").path("layer")));

            JsonNode layer = json(s.admin("GET", "/rest/layers/eo:t.json", null)).path("layer");
            assertEquals("t", layer.path("name").asText());
            assertEquals("RASTER", layer.path("type").asText());
            assertEquals("eo:t", layer.path("resource").path("name").asText());
            List<String> styles = names(layer.path("styles").path("style"));
            assertFalse(styles.isEmpty());
            String chosen = styles.get(styles.size() - 1);
            r = s.admin("PUT", "/rest/layers/eo:t", obj("layer", obj("defaultStyle", obj("name", chosen))));
            assertEquals(200, r.statusCode(), r.body());
            HttpResponse<String> badStyle = s.admin("PUT", "/rest/layers/eo:t", obj("layer", obj("defaultStyle", obj("name", "no-such-style"))));
            assertEquals(400, badStyle.statusCode());
            assertTrue(badStyle.body().contains(styles.get(0)), badStyle.body());
            assertEquals(404, s.admin("GET", "/rest/layers/eo:nope", null).statusCode());
            assertEquals(404, s.admin("GET", "/rest/layers/nope", null).statusCode());

            // what the OGC side sees
            Layer l = s.server.catalog().find("eo:t");
            assertNotNull(l);
            assertEquals("temperature", l.variable());
            assertEquals(chosen, l.styles().get(0).name());
            assertEquals(List.of("2025-06-25T13:58:45Z/2025-06-25T14:00:12Z"), l.times());
            assertNotNull(s.server.catalog().find("t"), "plain name, unambiguous");

            // deletes: 409 while not empty, then recurse
            assertEquals(200, s.admin("DELETE", "/rest/workspaces/eo/coveragestores/a2", null).statusCode(), "a2 publishes nothing");
            assertEquals(409, s.admin("DELETE", "/rest/workspaces/eo", null).statusCode());
            assertEquals(409, s.admin("DELETE", "/rest/workspaces/eo/coveragestores/a", null).statusCode());
            assertEquals(200, s.admin("DELETE", "/rest/layers/eo:flag", null).statusCode());
            assertEquals(404, s.admin("DELETE", "/rest/layers/eo:flag", null).statusCode());
            assertEquals(405, s.admin("PUT", "/rest/workspaces", null).statusCode());
            assertEquals(404, s.admin("GET", "/rest/nothing", null).statusCode());
            HttpResponse<String> form = s.send(HttpRequest.newBuilder(s.uri("/rest/workspaces"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + s.password).getBytes()))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("name=x")));
            assertEquals(415, form.statusCode(), "a cross-site HTML form cannot drive the API");
            assertEquals(400, s.admin("POST", "/rest/workspaces", "{not json").statusCode());
        }

        // restart on the same folder: everything is back, and no new password
        try (TestServer s = TestServer.start(data)) {
            assertNull(s.printedPassword, s.console);
            s.password = password;
            assertEquals(List.of("eo"), names(json(s.admin("GET", "/rest/workspaces", null)).path("workspaces").path("workspace")));
            assertEquals(List.of("eo:t"), names(json(s.admin("GET", "/rest/layers", null)).path("layers").path("layer")));
            JsonNode layer = json(s.admin("GET", "/rest/layers/eo:t", null)).path("layer");
            assertTrue(layer.path("available").asBoolean());
            Layer l = s.server.catalog().find("eo:t");
            assertNotNull(l);
            assertEquals(layer.path("defaultStyle").path("name").asText(), l.styles().get(0).name());
            assertEquals(200, s.admin("DELETE", "/rest/workspaces/eo?recurse=true", null).statusCode());
            assertTrue(s.server.catalog().layers().isEmpty());
        }
        try (TestServer s = TestServer.start(data)) {
            s.password = password;
            assertEquals("[]", json(s.admin("GET", "/rest/workspaces", null)).path("workspaces").path("workspace").toString());
        }
    }

    private static double[] bbox(Path store) throws Exception {
        try (DggsStore st = DggsStore.open(store)) {
            return st.bbox();
        }
    }

    @Test
    void oversizedBodyIsRefused() throws Exception {
        try (TestServer s = TestServer.start(data())) {
            String big = "{\"workspace\":{\"name\":\"" + "x".repeat(1 << 20) + "\"}}";
            HttpResponse<String> r = s.send(HttpRequest.newBuilder(s.uri("/rest/workspaces"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + s.password).getBytes()))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(big)));
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(s.server.catalog().workspaces().isEmpty());
        }
    }

    @Test
    void invalidStoreIsRejectedWithTheValidatorsMessage() throws Exception {
        Path data = data();
        Path store = TestServer.writeStore(data.resolve("bad.zarr"), 0, 0, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z");
        ZarrGroup root = ZarrGroup.open(new FileSystemStore(store), "");
        Map<String, Object> attrs = new LinkedHashMap<>(root.attributes());
        @SuppressWarnings("unchecked")
        Map<String, Object> d = new LinkedHashMap<>((Map<String, Object>) attrs.get("dggs"));
        d.put("grid_name", "healpix");
        attrs.put("dggs", d);
        root.setAttributes(attrs);
        List<String> problems = DggsValidator.validate(store.toRealPath()).problems();
        assertFalse(problems.isEmpty());
        try (TestServer s = TestServer.start(data)) {
            s.admin("POST", "/rest/workspaces", obj("workspace", obj("name", "w")));
            HttpResponse<String> r = s.admin("POST", "/rest/workspaces/w/coveragestores", obj("coverageStore", Map.of("name", "bad", "path", "bad.zarr")));
            assertEquals(400, r.statusCode(), r.body());
            String msg = json(r).path("error").path("message").asText();
            assertTrue(msg.contains(problems.get(0)), msg + " vs " + problems);
            assertEquals("[]", json(s.admin("GET", "/rest/workspaces/w/coveragestores", null)).path("coverageStores").path("coverageStore").toString());
            HttpResponse<String> notStore = s.admin("POST", "/rest/workspaces/w/coveragestores", obj("coverageStore", Map.of("name", "e", "path", ".")));
            assertEquals(400, notStore.statusCode(), notStore.body());
        }
    }

    @Test
    void pathsOutsideTheRootsAreRefused() throws Exception {
        Path data = data();
        Path outside = TestServer.writeStore(tmp.resolve("outside/o.zarr"), 0, 10, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z");
        Files.createSymbolicLink(data.resolve("link.zarr"), outside);
        Files.createDirectories(data.resolve("mosaic"));
        Files.createSymbolicLink(data.resolve("mosaic/escape"), outside.getParent());
        Path extra = Files.createDirectories(tmp.resolve("extra"));
        TestServer.writeStore(extra.resolve("e.zarr"), 5, 10, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z");
        try (TestServer s = TestServer.start(data, b -> b.root(extra))) {
            s.admin("POST", "/rest/workspaces", obj("workspace", obj("name", "w")));
            for (String p : List.of("../outside/o.zarr", data + "/../outside/o.zarr", outside.toString(), outside.toUri().toString(),
                    "link.zarr", "file:" + data + "/link.zarr")) {
                HttpResponse<String> r = s.admin("POST", "/rest/workspaces/w/coveragestores", obj("coverageStore", Map.of("name", "x", "path", p)));
                assertEquals(403, r.statusCode(), p + ": " + r.body());
                assertTrue(json(r).path("error").path("message").asText().contains("outside the allowed roots"), r.body());
            }
            // a folder whose only store is behind a link out of the root: the link is not followed
            HttpResponse<String> r = s.admin("POST", "/rest/workspaces/w/coveragestores", obj("coverageStore", Map.of("name", "m", "path", "mosaic")));
            assertEquals(400, r.statusCode(), r.body());
            assertEquals(400, s.admin("POST", "/rest/workspaces/w/coveragestores",
                    obj("coverageStore", Map.of("name", "h", "url", "http://example.org/x.zarr"))).statusCode());
            // an extra --root is allowed
            assertEquals(201, s.admin("POST", "/rest/workspaces/w/coveragestores",
                    obj("coverageStore", Map.of("name", "e", "path", extra.resolve("e.zarr").toString()))).statusCode());
        }
    }

    @Test
    void folderAndStacCatalogueAreServedAsMosaics() throws Exception {
        Path data = data();
        Path dir = Files.createDirectories(data.resolve("collection"));
        TestServer.writeStore(dir.resolve("p1.zarr"), 10, 45, "2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z");
        TestServer.writeStore(dir.resolve("sub/p2.zarr"), -170, -30, "2024-02-01T00:00:00Z", "2024-02-01T01:00:00Z");
        StacCatalog.rebuild(dir);
        try (TestServer s = TestServer.start(data)) {
            s.admin("POST", "/rest/workspaces", obj("workspace", obj("name", "w")));
            HttpResponse<String> r = s.admin("POST", "/rest/workspaces/w/coveragestores", obj("coverageStore", Map.of("name", "folder", "path", "collection")));
            assertEquals(201, r.statusCode(), r.body());
            JsonNode cs = json(r).path("coverageStore");
            assertEquals("folder", cs.path("kind").asText());
            assertEquals("DGGS-Zarr mosaic", cs.path("type").asText());
            assertEquals(2, cs.path("members").size());
            assertEquals(2, cs.path("times").size());
            double[] b1 = bbox(dir.resolve("p1.zarr")), b2 = bbox(dir.resolve("sub/p2.zarr"));
            JsonNode u = cs.path("latLonBoundingBox");
            assertEquals(b2[0], u.path("minx").asDouble());
            assertEquals(b2[1], u.path("miny").asDouble());
            assertEquals(b1[2], u.path("maxx").asDouble());
            assertEquals(b1[3], u.path("maxy").asDouble());

            r = s.admin("POST", "/rest/workspaces/w/coveragestores", obj("coverageStore", Map.of("name", "stac", "path", "collection/catalog.json")));
            assertEquals(201, r.statusCode(), r.body());
            cs = json(r).path("coverageStore");
            assertEquals("stac", cs.path("kind").asText());
            assertEquals(2, cs.path("members").size());
            assertEquals(201, s.admin("POST", "/rest/workspaces/w/coveragestores/stac/coverages", obj("coverage", obj("name", "temperature"))).statusCode());
            Layer l = s.server.catalog().find("w:temperature");
            assertEquals(2, l.times().size());
        }
    }
}
