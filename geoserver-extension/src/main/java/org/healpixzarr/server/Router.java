package org.healpixzarr.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.healpixzarr.server.catalog.Catalog;
import org.healpixzarr.server.catalog.LayerResolver;
import org.healpixzarr.server.ows.OwsRequest;
import org.healpixzarr.server.ows.OwsResponse;
import org.healpixzarr.server.rest.AdminPassword;
import org.healpixzarr.server.rest.RestApi;

/**
 * The one Jetty handler of the server: routes by path, guards {@code /rest} and {@code /admin} with HTTP Basic
 * authentication, and turns every unexpected exception into a 500 without a stack trace (the stack goes to the
 * log under an incident id).
 *
 * <pre>
 * /ows /wms /wcs          OGC services (GET query or POST form), {@link OwsDispatcher}
 * /{ws}/ows /{ws}/wms /{ws}/wcs   the same restricted to workspace ws ({@link Catalog#workspaceLayers}); 404 if none
 * /rest/...               admin REST API (Basic auth), {@link RestApi}
 * /admin/                 admin page (Basic auth)
 * /                       map page;  /static/...  its scripts and styles
 * /static/leaflet/...     Leaflet, from the jar if it was built with it, else a redirect to unpkg.com
 * </pre>
 */
final class Router extends Handler.Abstract {
    private static final System.Logger LOG = System.getLogger(Router.class.getName());
    private static final String WEB = "/org/healpixzarr/server/web/";
    /** Where Leaflet is fetched from when the jar was built without it (see src/main/web/package.json). */
    static final String LEAFLET_CDN = "https://unpkg.com/leaflet@1.9.4/dist/";
    private static final Pattern RESOURCE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*");
    /** A workspace's virtual OGC endpoint: {@code /{workspace}/ows}, {@code /wms} or {@code /wcs}. */
    private static final Pattern VIRTUAL = Pattern.compile("/([^/]+)/(ows|wms|wcs)/?");
    private static final String REALM = "Basic realm=\"healpix-zarr admin\", charset=\"UTF-8\"";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "png", "image/png", "svg", "image/svg+xml", "json", "application/json; charset=utf-8",
            "map", "application/json; charset=utf-8", "ico", "image/x-icon");

    private final Catalog catalog;
    private final OwsDispatcher ows;
    private final RestApi rest;
    private final AdminPassword password;

    Router(Catalog catalog, OwsDispatcher ows, AdminPassword password) {
        this.catalog = catalog;
        this.ows = ows;
        this.rest = new RestApi(catalog);
        this.password = password;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            route(request, response, callback);
        } catch (Throwable t) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            LOG.log(System.Logger.Level.ERROR, "request " + request.getMethod() + " " + request.getHttpURI().getPath()
                    + " failed, incident " + id, t);
            if (t instanceof Error e && !(t instanceof OutOfMemoryError) && !(t instanceof StackOverflowError)) {
                // keep the JVM's own handling of fatal errors, but still answer the client without details
                send(response, callback, 500, "text/plain; charset=utf-8", ("internal error (incident " + id + ")\n").getBytes(StandardCharsets.UTF_8));
                throw e;
            }
            if (!response.isCommitted()) {
                send(response, callback, 500, "text/plain; charset=utf-8",
                        ("internal error (incident " + id + ", see the server log)\n").getBytes(StandardCharsets.UTF_8));
            } else {
                callback.failed(t);
            }
        }
        return true;
    }

    private void route(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        Matcher virtual;
        if (path.equals("/ows") || path.equals("/wms") || path.equals("/wcs")
                || path.equals("/ows/") || path.equals("/wms/") || path.equals("/wcs/")) {
            String endpoint = path.replace("/", "");
            ows(request, response, callback, endpoint, "/" + endpoint, catalog);
        } else if ((virtual = VIRTUAL.matcher(path)).matches()) {
            // before /rest and /admin: "rest/ows" is no REST resource, a workspace may be called "rest"
            String ws = virtual.group(1), endpoint = virtual.group(2);
            LayerResolver layers = catalog.workspaceLayers(ws);
            if (layers == null) {
                write(response, callback, OwsDispatcher.exception(endpoint.equals("wms") ? "WMS" : null, 404, "NoApplicableCode",
                        null, "no workspace named " + ws + "; the endpoint of all layers is /" + endpoint));
            } else {
                ows(request, response, callback, endpoint, "/" + ws + "/" + endpoint, layers);
            }
        } else if (path.equals("/rest") || path.startsWith("/rest/")) {
            if (!authorised(request, response, callback, true)) return;
            rest(request, response, callback, path.substring("/rest".length()));
        } else if (path.equals("/admin")) {
            redirect(response, callback, "/admin/");
        } else if (path.startsWith("/admin/")) {
            if (!authorised(request, response, callback, false)) return;
            String file = path.substring("/admin/".length());
            resource(request, response, callback, "admin/" + (file.isEmpty() ? "index.html" : file));
        } else if (path.equals("/") || path.equals("/index.html")) {
            resource(request, response, callback, "map/index.html");
        } else if (path.startsWith("/static/leaflet/")) {
            String file = path.substring("/static/leaflet/".length());
            if (getClass().getResource(WEB + "static/leaflet/" + file) == null && RESOURCE.matcher(file).matches()) {
                redirect(response, callback, LEAFLET_CDN + file);
            } else {
                resource(request, response, callback, "static/leaflet/" + file);
            }
        } else if (path.startsWith("/static/")) {
            resource(request, response, callback, "map/" + path.substring("/static/".length()));
        } else {
            notFound(response, callback, path);
        }
    }

    // ------------------------------------------------------------------ OGC

    /**
     * An OGC request on {@code path} (its links in capabilities lead back there) over {@code layers}.
     *
     * @param endpoint {@code ows}, {@code wms} or {@code wcs}
     */
    private void ows(Request request, Response response, Callback callback, String endpoint, String path, LayerResolver layers)
            throws Exception {
        String method = request.getMethod();
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (method.equals("GET") || method.equals("HEAD")) {
            add(params, Request.extractQueryParameters(request, StandardCharsets.UTF_8));
        } else if (method.equals("POST")) {
            String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                write(response, callback, OwsDispatcher.exception(endpoint.equals("wms") ? "WMS" : null, 415, "OperationNotSupported",
                        null, "only key-value-pair requests are supported: GET, or POST application/x-www-form-urlencoded"));
                return;
            }
            add(params, Request.getParameters(request)); // query and form fields
        } else {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, POST");
            write(response, callback, OwsDispatcher.exception(endpoint.equals("wms") ? "WMS" : null, 405, "OperationNotSupported",
                    null, "HTTP method " + method + " not supported; use GET"));
            return;
        }
        OwsRequest r = new OwsRequest(origin(request) + path, params);
        write(response, callback, ows.dispatch(endpoint, r, layers));
    }

    private static void add(Map<String, List<String>> params, Fields fields) {
        for (Fields.Field f : fields) params.computeIfAbsent(f.getName(), k -> new ArrayList<>()).addAll(f.getValues());
    }

    private static void write(Response response, Callback callback, OwsResponse r) {
        send(response, callback, r.status(), r.contentType(), r.body());
    }

    // ------------------------------------------------------------------ REST

    private void rest(Request request, Response response, Callback callback, String path) throws Exception {
        byte[] body;
        long declared = request.getLength();
        if (declared > RestApi.MAX_BODY) {
            sendRest(response, callback, RestApi.error(413, "request body over " + RestApi.MAX_BODY + " bytes"));
            return;
        }
        try (InputStream in = Request.asInputStream(request)) {
            body = in.readNBytes(RestApi.MAX_BODY + 1);
        } catch (IOException e) {
            sendRest(response, callback, RestApi.error(400, "cannot read the request body: " + e.getMessage()));
            return;
        }
        if (body.length > RestApi.MAX_BODY) {
            sendRest(response, callback, RestApi.error(413, "request body over " + RestApi.MAX_BODY + " bytes"));
            return;
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        add(query, Request.extractQueryParameters(request, StandardCharsets.UTF_8));
        RestApi.Response r = rest.handle(request.getMethod(), path, query, request.getHeaders().get(HttpHeader.CONTENT_TYPE),
                body, origin(request) + "/rest");
        sendRest(response, callback, r);
    }

    private static void sendRest(Response response, Callback callback, RestApi.Response r) {
        if (r.location() != null) response.getHeaders().put(HttpHeader.LOCATION, r.location());
        if (r.allow() != null) response.getHeaders().put(HttpHeader.ALLOW, r.allow());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        send(response, callback, r.status(), RestApi.JSON, r.body());
    }

    private boolean authorised(Request request, Response response, Callback callback, boolean json) {
        if (password.checkHeader(request.getHeaders().get(HttpHeader.AUTHORIZATION))) return true;
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, REALM);
        String msg = request.getHeaders().get(HttpHeader.AUTHORIZATION) == null ? "authentication required (user admin)"
                : "wrong user or password";
        if (json) sendRest(response, callback, RestApi.error(401, msg));
        else send(response, callback, 401, "text/plain; charset=utf-8", (msg + "\n").getBytes(StandardCharsets.UTF_8));
        return false;
    }

    // ------------------------------------------------------------------ static files

    private void resource(Request request, Response response, Callback callback, String name) throws IOException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            send(response, callback, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (!RESOURCE.matcher(name).matches()) {
            notFound(response, callback, name);
            return;
        }
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream(WEB + name)) {
            if (in == null) {
                notFound(response, callback, Request.getPathInContext(request));
                return;
            }
            bytes = in.readAllBytes();
        }
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, name.startsWith("static/leaflet/") ? "max-age=86400" : "no-cache");
        send(response, callback, 200, TYPES.getOrDefault(ext, "application/octet-stream"),
                request.getMethod().equals("HEAD") ? new byte[0] : bytes);
    }

    private static void redirect(Response response, Callback callback, String location) {
        response.getHeaders().put(HttpHeader.LOCATION, location);
        send(response, callback, 302, "text/plain; charset=utf-8", ("see " + location + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void notFound(Response response, Callback callback, String path) {
        send(response, callback, 404, "text/plain; charset=utf-8", ("not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** scheme://host:port as the client reached the server. */
    private static String origin(Request request) {
        HttpURI u = request.getHttpURI();
        String host = u.getHost();
        if (host != null && host.indexOf(':') >= 0 && !host.startsWith("[")) host = "[" + host + "]";
        return u.getScheme() + "://" + host + (u.getPort() > 0 ? ":" + u.getPort() : "");
    }

    private static void send(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
