package org.healpixzarr.server;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.UUID;
import org.healpixzarr.server.catalog.LayerResolver;
import org.healpixzarr.server.ows.OwsException;
import org.healpixzarr.server.ows.OwsRequest;
import org.healpixzarr.server.ows.OwsResponse;
import org.healpixzarr.server.ows.OwsService;

/**
 * Routes an OGC key-value-pair request to the {@link OwsService} named by its {@code SERVICE} parameter. When the
 * parameter is absent, the endpoint ({@code /wms}, {@code /wcs}) or else the operation (GetMap → WMS,
 * GetCoverage → WCS, ...) implies it. Any failure becomes an OGC exception report with a 4xx/5xx status: WMS 1.3.0
 * {@code ServiceExceptionReport} for WMS, OWS 2.0 {@code ExceptionReport} otherwise; unexpected exceptions are
 * logged with an incident id and answered with that id only, never a stack trace. Thread-safe.
 */
public final class OwsDispatcher {
    private static final System.Logger LOG = System.getLogger(OwsDispatcher.class.getName());
    private static final Map<String, String> IMPLIED_BY_REQUEST = Map.of(
            "GETMAP", "WMS", "GETFEATUREINFO", "WMS", "GETLEGENDGRAPHIC", "WMS",
            "GETCOVERAGE", "WCS", "DESCRIBECOVERAGE", "WCS");

    private final Map<String, OwsService> services;

    /** @param services SERVICE name (any case) to service */
    public OwsDispatcher(Map<String, OwsService> services) {
        TreeMap<String, OwsService> m = new TreeMap<>();
        services.forEach((k, v) -> m.put(k.toUpperCase(Locale.ROOT), v));
        this.services = Collections.unmodifiableMap(m);
    }

    /** The services on the class path ({@link ServiceLoader}), by {@link OwsService#name()}; the first of a name wins. */
    public static Map<String, OwsService> discover() {
        TreeMap<String, OwsService> m = new TreeMap<>();
        for (OwsService s : ServiceLoader.load(OwsService.class)) m.putIfAbsent(s.name().toUpperCase(Locale.ROOT), s);
        return m;
    }

    /** The names of the services offered, upper-case, sorted. */
    public List<String> serviceNames() { return List.copyOf(services.keySet()); }

    /**
     * Answers a request.
     *
     * @param endpoint {@code ows}, {@code wms} or {@code wcs}: the path it came on
     */
    public OwsResponse dispatch(String endpoint, OwsRequest request, LayerResolver layers) {
        String service = null;
        try {
            String implied = endpoint.equalsIgnoreCase("ows") ? null : endpoint.toUpperCase(Locale.ROOT);
            service = request.get("SERVICE");
            if (service != null) service = service.trim().toUpperCase(Locale.ROOT);
            if (service == null || service.isEmpty()) {
                service = implied;
                if (service == null) {
                    String op = request.get("REQUEST");
                    service = op == null ? null : IMPLIED_BY_REQUEST.get(op.trim().toUpperCase(Locale.ROOT));
                }
                if (service == null) {
                    throw new OwsException(400, "MissingParameterValue", "service", "parameter SERVICE is missing; this server offers "
                            + serviceNames());
                }
            } else if (implied != null && !service.equals(implied)) {
                throw new OwsException(400, "InvalidParameterValue", "service", "SERVICE=" + service + " sent to the /"
                        + endpoint.toLowerCase(Locale.ROOT) + " endpoint; use /ows or /" + service.toLowerCase(Locale.ROOT));
            }
            OwsService s = services.get(service);
            if (s == null) {
                throw new OwsException(400, "InvalidParameterValue", "service", "unknown service '" + service
                        + "'; this server offers " + serviceNames());
            }
            OwsResponse r = s.handle(request, layers);
            if (r == null) throw new IllegalStateException("service " + service + " returned no response");
            return r;
        } catch (OwsException e) {
            return exception(service, e.status(), e.code(), e.locator(), e.getMessage());
        } catch (RuntimeException | LinkageError | OutOfMemoryError | StackOverflowError e) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            LOG.log(System.Logger.Level.ERROR, "OGC request failed, incident " + id + ": " + request.params(), e);
            int status = e instanceof OutOfMemoryError ? 503 : 500;
            return exception(service, status, "NoApplicableCode", null,
                    (status == 503 ? "the server is out of memory; try a smaller request" : "internal error")
                            + " (incident " + id + ", see the server log)");
        }
    }

    /** An exception report in the format of {@code service} (WMS 1.3.0 for WMS, OWS 2.0 otherwise). */
    public static OwsResponse exception(String service, int status, String code, String locator, String message) {
        String loc = locator == null ? "" : " locator=\"" + xml(locator) + "\"";
        String body;
        String type;
        if ("WMS".equals(service)) {
            type = "text/xml; charset=utf-8";
            body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<ServiceExceptionReport version=\"1.3.0\" xmlns=\"http://www.opengis.net/ogc\">\n"
                    + "  <ServiceException code=\"" + xml(code) + "\"" + loc + ">" + xml(message) + "</ServiceException>\n"
                    + "</ServiceExceptionReport>\n";
        } else {
            type = "application/xml; charset=utf-8";
            body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<ows:ExceptionReport xmlns:ows=\"http://www.opengis.net/ows/2.0\" version=\"2.0.0\" xml:lang=\"en\">\n"
                    + "  <ows:Exception exceptionCode=\"" + xml(code) + "\"" + loc + ">\n"
                    + "    <ows:ExceptionText>" + xml(message) + "</ows:ExceptionText>\n"
                    + "  </ows:Exception>\n"
                    + "</ows:ExceptionReport>\n";
        }
        return new OwsResponse(status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    static String xml(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') b.append(' ');
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }
}
