package org.healpixzarr.server.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.server.catalog.Catalog;
import org.healpixzarr.server.catalog.CatalogException;

/**
 * The admin REST API, JSON only, shaped like GeoServer's ({@code /rest/workspaces}, {@code .../coveragestores},
 * {@code .../coverages}, {@code /rest/layers}), independent of the HTTP server. A trailing {@code .json} on the
 * last path segment is accepted. Errors are {@code {"error":{"status":..,"message":..}}} with 400 (malformed
 * request), 403 (path outside the roots), 404, 405, 409 (exists / not empty), 415 (body not JSON).
 *
 * <p>Authentication is the HTTP layer's job. Thread-safe.
 */
public final class RestApi {
    /** JSON media type of every answer. */
    public static final String JSON = "application/json; charset=utf-8";
    /** Largest request body accepted, bytes. */
    public static final int MAX_BODY = 1 << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Catalog catalog;

    /** An answer: status, {@code Location} header (201 only, else null), {@code Allow} header (405 only), JSON body. */
    public record Response(int status, String location, String allow, byte[] body) {}

    public RestApi(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Handles one request.
     *
     * @param method      HTTP method, upper-case
     * @param path        the path below {@code /rest}, e.g. {@code /workspaces/demo} (decoded)
     * @param query       query parameters
     * @param contentType the request's Content-Type, or null
     * @param body        the request body (empty if none)
     * @param base        absolute URL of {@code /rest} for links, e.g. {@code http://127.0.0.1:8080/rest}
     */
    public Response handle(String method, String path, Map<String, List<String>> query, String contentType, byte[] body,
                           String base) {
        try {
            return route(method, segments(path), query, contentType, body, base);
        } catch (CatalogException e) {
            return error(e.status(), e.getMessage());
        } catch (JsonProcessingException e) {
            return error(400, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return error(500, "could not save the catalogue: " + e.getMessage());
        }
    }

    private static List<String> segments(String path) {
        List<String> s = new ArrayList<>();
        for (String p : (path == null ? "" : path).split("/")) if (!p.isEmpty()) s.add(p);
        if (!s.isEmpty()) {
            String last = s.get(s.size() - 1);
            if (last.endsWith(".json") && last.length() > 5) s.set(s.size() - 1, last.substring(0, last.length() - 5));
        }
        return s;
    }

    private Response route(String m, List<String> s, Map<String, List<String>> q, String ct, byte[] body, String base)
            throws CatalogException, IOException {
        int n = s.size();
        if (n == 0) return index(m, base);
        if (s.get(0).equals("workspaces")) {
            if (n == 1) {
                if (m.equals("GET")) return listWorkspaces(base);
                if (m.equals("POST")) return createWorkspace(json(ct, body), base);
                return notAllowed("GET, POST");
            }
            String ws = s.get(1);
            if (n == 2) {
                if (m.equals("GET")) return getWorkspace(ws, base);
                if (m.equals("DELETE")) {
                    catalog.deleteWorkspace(ws, recurse(q));
                    return ok(MAPPER.createObjectNode());
                }
                return notAllowed("GET, DELETE");
            }
            if (!s.get(2).equals("coveragestores")) return notFound(s);
            if (n == 3) {
                if (m.equals("GET")) return listStores(ws, base);
                if (m.equals("POST")) return createStore(ws, json(ct, body), base);
                return notAllowed("GET, POST");
            }
            String cs = s.get(3);
            if (n == 4) {
                if (m.equals("GET")) return getStore(ws, cs, base);
                if (m.equals("DELETE")) {
                    catalog.deleteStore(ws, cs, recurse(q));
                    return ok(MAPPER.createObjectNode());
                }
                return notAllowed("GET, DELETE");
            }
            if (!s.get(4).equals("coverages")) return notFound(s);
            if (n == 5) {
                if (m.equals("GET")) return listCoverages(ws, cs, q, base);
                if (m.equals("POST")) return publish(ws, cs, json(ct, body), base);
                return notAllowed("GET, POST");
            }
            if (n == 6) {
                String c = s.get(5);
                Catalog.LayerInfo l = catalog.layer(ws, c);
                if (!l.store().equals(cs)) throw new CatalogException(404, "no coverage '" + c + "' in store '" + ws + ":" + cs + "'");
                if (m.equals("GET")) return ok(coverage(l, base));
                if (m.equals("DELETE")) {
                    catalog.unpublish(ws, c);
                    return ok(MAPPER.createObjectNode());
                }
                return notAllowed("GET, DELETE");
            }
            return notFound(s);
        }
        if (s.get(0).equals("layers")) {
            if (n == 1) {
                if (m.equals("GET")) return listLayers(base);
                return notAllowed("GET");
            }
            if (n == 2) {
                String[] wl = qualified(s.get(1));
                if (m.equals("GET")) return ok(layer(catalog.layer(wl[0], wl[1]), base));
                if (m.equals("PUT")) return putLayer(wl[0], wl[1], json(ct, body), base);
                if (m.equals("DELETE")) {
                    catalog.unpublish(wl[0], wl[1]);
                    return ok(MAPPER.createObjectNode());
                }
                return notAllowed("GET, PUT, DELETE");
            }
        }
        return notFound(s);
    }

    // ------------------------------------------------------------------ resources

    private static Response index(String m, String base) {
        if (!m.equals("GET")) return notAllowed("GET");
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode r = o.putObject("rest");
        r.put("workspaces", base + "/workspaces.json");
        r.put("layers", base + "/layers.json");
        return ok(o);
    }

    private Response listWorkspaces(String base) {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode a = o.putObject("workspaces").putArray("workspace");
        for (Catalog.WorkspaceInfo w : catalog.workspaces()) {
            a.addObject().put("name", w.name()).put("href", base + "/workspaces/" + w.name() + ".json");
        }
        return ok(o);
    }

    private Response createWorkspace(JsonNode in, String base) throws CatalogException, IOException {
        JsonNode w = member(in, "workspace");
        String name = text(w, "name", true);
        catalog.createWorkspace(name);
        return created(base + "/workspaces/" + name, workspace(catalog.workspace(name), base));
    }

    private Response getWorkspace(String ws, String base) throws CatalogException {
        return ok(workspace(catalog.workspace(ws), base));
    }

    private static ObjectNode workspace(Catalog.WorkspaceInfo w, String base) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode x = o.putObject("workspace");
        x.put("name", w.name());
        x.put("coverageStores", base + "/workspaces/" + w.name() + "/coveragestores.json");
        return o;
    }

    private Response listStores(String ws, String base) throws CatalogException {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode a = o.putObject("coverageStores").putArray("coverageStore");
        for (Catalog.StoreInfo s : catalog.stores(ws)) {
            a.addObject().put("name", s.name()).put("href", storeHref(base, ws, s.name()) + ".json");
        }
        return ok(o);
    }

    private Response createStore(String ws, JsonNode in, String base) throws CatalogException, IOException {
        catalog.workspace(ws); // 404 before anything else
        JsonNode c = member(in, "coverageStore");
        String name = text(c, "name", true);
        String url = text(c, "url", false);
        String path = text(c, "path", false);
        if (url == null && path == null) throw new CatalogException(400, "coverageStore needs a \"url\" (file:/...) or a \"path\"");
        if (url != null && path != null) throw new CatalogException(400, "coverageStore takes a \"url\" or a \"path\", not both");
        Catalog.StoreInfo s = catalog.addStore(ws, name, url != null ? url : path, text(c, "description", false));
        return created(storeHref(base, ws, name), store(s, base));
    }

    private Response getStore(String ws, String cs, String base) throws CatalogException {
        return ok(store(catalog.store(ws, cs), base));
    }

    private static String storeHref(String base, String ws, String cs) {
        return base + "/workspaces/" + ws + "/coveragestores/" + cs;
    }

    private static ObjectNode store(Catalog.StoreInfo s, String base) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode x = o.putObject("coverageStore");
        x.put("name", s.name());
        x.put("type", s.kind().equals("store") ? "DGGS-Zarr" : "DGGS-Zarr mosaic");
        x.put("kind", s.kind());
        x.put("enabled", true);
        x.put("available", s.available());
        if (s.error() != null) x.put("error", s.error());
        x.putObject("workspace").put("name", s.workspace()).put("href", base + "/workspaces/" + s.workspace() + ".json");
        x.put("url", java.nio.file.Path.of(s.path()).toUri().toString());
        x.put("path", s.path());
        if (s.description() != null) x.put("description", s.description());
        ArrayNode mem = x.putArray("members");
        s.members().forEach(mem::add);
        ArrayNode vars = x.putArray("variables");
        for (VariableInfo v : s.variables()) {
            ObjectNode vn = vars.addObject();
            vn.put("name", v.name());
            vn.put("dataType", v.dataType().v3Name());
            vn.put("bands", v.bands());
            vn.put("kind", v.kind().name().toLowerCase(Locale.ROOT));
            if (v.units() != null) vn.put("units", v.units());
            if (v.longName() != null) vn.put("longName", v.longName());
        }
        if (s.bbox() != null) bbox(x.putObject("latLonBoundingBox"), s.bbox());
        ArrayNode t = x.putArray("times");
        s.times().forEach(t::add);
        ArrayNode l = x.putArray("layers");
        s.layers().forEach(l::add);
        x.put("coverages", storeHref(base, s.workspace(), s.name()) + "/coverages.json");
        return o;
    }

    private Response listCoverages(String ws, String cs, Map<String, List<String>> q, String base) throws CatalogException {
        ObjectNode o = MAPPER.createObjectNode();
        List<String> list = q.get("list");
        if (list != null && list.contains("all")) {
            // GeoServer's "list=all": the coverages the store could publish
            ArrayNode a = o.putObject("list").putArray("string");
            for (VariableInfo v : catalog.store(ws, cs).variables()) a.add(v.name());
            return ok(o);
        }
        ArrayNode a = o.putObject("coverages").putArray("coverage");
        for (Catalog.LayerInfo l : catalog.layers(ws, cs)) {
            a.addObject().put("name", l.name()).put("href", storeHref(base, ws, cs) + "/coverages/" + l.name() + ".json");
        }
        return ok(o);
    }

    private Response publish(String ws, String cs, JsonNode in, String base) throws CatalogException, IOException {
        catalog.store(ws, cs); // 404 first
        JsonNode c = member(in, "coverage");
        String name = text(c, "name", false);
        String variable = text(c, "variable", false);
        if (variable == null) variable = text(c, "nativeCoverageName", false);
        if (variable == null) variable = text(c, "nativeName", false);
        if (name == null && variable == null) throw new CatalogException(400, "coverage needs a \"name\" or a \"nativeCoverageName\" (the variable)");
        Catalog.LayerInfo l = catalog.publish(ws, cs, name, variable, text(c, "title", false));
        return created(storeHref(base, ws, cs) + "/coverages/" + l.name(), coverage(l, base));
    }

    private static ObjectNode coverage(Catalog.LayerInfo l, String base) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode x = o.putObject("coverage");
        x.put("name", l.name());
        x.put("nativeCoverageName", l.variable());
        x.put("title", l.title());
        x.putObject("store").put("name", l.workspace() + ":" + l.store())
                .put("href", storeHref(base, l.workspace(), l.store()) + ".json");
        if (l.bbox() != null) bbox(x.putObject("latLonBoundingBox"), l.bbox());
        ArrayNode t = x.putArray("times");
        l.times().forEach(t::add);
        x.put("layer", base + "/layers/" + l.qualifiedName() + ".json");
        return o;
    }

    private Response listLayers(String base) {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode a = o.putObject("layers").putArray("layer");
        for (Catalog.LayerInfo l : catalog.allLayers()) {
            a.addObject().put("name", l.qualifiedName()).put("href", base + "/layers/" + l.qualifiedName() + ".json");
        }
        return ok(o);
    }

    private static ObjectNode layer(Catalog.LayerInfo l, String base) {
        ObjectNode o = MAPPER.createObjectNode();
        ObjectNode x = o.putObject("layer");
        x.put("name", l.name());
        x.put("workspace", l.workspace());
        x.put("qualifiedName", l.qualifiedName());
        x.put("type", "RASTER");
        x.put("title", l.title());
        x.put("available", l.available());
        if (l.defaultStyle() != null) x.putObject("defaultStyle").put("name", l.defaultStyle());
        ArrayNode st = x.putObject("styles").putArray("style");
        for (String s : l.styles()) st.addObject().put("name", s);
        x.putObject("resource").put("@class", "coverage").put("name", l.qualifiedName())
                .put("href", storeHref(base, l.workspace(), l.store()) + "/coverages/" + l.name() + ".json");
        if (l.bbox() != null) bbox(x.putObject("latLonBoundingBox"), l.bbox());
        ArrayNode t = x.putArray("times");
        l.times().forEach(t::add);
        return o;
    }

    private Response putLayer(String ws, String name, JsonNode in, String base) throws CatalogException, IOException {
        JsonNode l = member(in, "layer");
        JsonNode d = l.get("defaultStyle");
        String style = d == null ? null : d.isTextual() ? d.asText() : d.isObject() ? text(d, "name", false) : null;
        if (style == null) throw new CatalogException(400, "layer update needs \"defaultStyle\": {\"name\": ...} (the only property that can change)");
        return ok(layer(catalog.setDefaultStyle(ws, name, style), base));
    }

    // ------------------------------------------------------------------ helpers

    private static void bbox(ObjectNode b, double[] box) {
        b.put("minx", box[0]).put("miny", box[1]).put("maxx", box[2]).put("maxy", box[3]).put("crs", "EPSG:4326");
    }

    private static String[] qualified(String name) throws CatalogException {
        int c = name.indexOf(':');
        if (c <= 0 || c == name.length() - 1) {
            throw new CatalogException(404, "no layer '" + name + "': layers are named workspace:layer");
        }
        return new String[] {name.substring(0, c), name.substring(c + 1)};
    }

    private static boolean recurse(Map<String, List<String>> q) {
        List<String> r = q.get("recurse");
        return r != null && r.stream().anyMatch(v -> v.equalsIgnoreCase("true"));
    }

    private static JsonNode json(String contentType, byte[] body) throws CatalogException, IOException {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new CatalogException(415, "the body must be JSON (Content-Type: application/json), found "
                    + (contentType == null ? "no Content-Type" : contentType));
        }
        if (body.length == 0) throw new CatalogException(400, "empty body: expected a JSON object");
        JsonNode n = MAPPER.readTree(body);
        if (n == null || !n.isObject()) throw new CatalogException(400, "expected a JSON object");
        return n;
    }

    /** {@code {"workspace": {...}}} -> the inner object; a bare object is accepted too. */
    private static JsonNode member(JsonNode in, String name) throws CatalogException {
        JsonNode x = in.get(name);
        if (x == null) {
            if (in.size() == 1 && in.fieldNames().hasNext()) {
                throw new CatalogException(400, "expected {\"" + name + "\": {...}}, found {\"" + in.fieldNames().next() + "\": ...}");
            }
            return in;
        }
        if (!x.isObject()) throw new CatalogException(400, "\"" + name + "\" must be a JSON object");
        return x;
    }

    private static String text(JsonNode n, String field, boolean required) throws CatalogException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new CatalogException(400, "missing \"" + field + "\"");
            return null;
        }
        if (!v.isTextual()) throw new CatalogException(400, "\"" + field + "\" must be a string, found " + v.getNodeType());
        return v.asText();
    }

    private static Response ok(ObjectNode o) {
        return new Response(200, null, null, bytes(o));
    }

    private static Response created(String location, ObjectNode o) {
        return new Response(201, location, null, bytes(o));
    }

    private static Response notAllowed(String allow) {
        Response e = error(405, "method not allowed here; allowed: " + allow);
        return new Response(405, null, allow, e.body());
    }

    private static Response notFound(List<String> s) {
        return error(404, "no such resource: /rest/" + String.join("/", s));
    }

    /** A JSON error answer. */
    public static Response error(int status, String message) {
        ObjectNode o = MAPPER.createObjectNode();
        o.putObject("error").put("status", status).put("message", message);
        return new Response(status, null, null, bytes(o));
    }

    private static byte[] bytes(ObjectNode o) {
        try {
            return (MAPPER.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
