package org.healpixzarr.server.ows;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One OGC key-value-pair request, independent of the HTTP server: parameter names are case-insensitive (kept
 * upper-cased), values as sent (URL-decoded), every occurrence kept so that repeated parameters can be refused.
 * Immutable, thread-safe.
 *
 * @param baseUrl absolute URL of the service endpoint as the client reached it (for capabilities links), e.g.
 *                {@code http://127.0.0.1:8080/ows}
 * @param params  upper-cased name to values in order of appearance
 */
public record OwsRequest(String baseUrl, Map<String, List<String>> params) {
    private static final java.util.Set<String> REPEATABLE = java.util.Set.of("SERVICE", "VERSION", "REQUEST");

    public OwsRequest {
        TreeMap<String, List<String>> m = new TreeMap<>();
        for (var e : params.entrySet()) {
            m.computeIfAbsent(e.getKey().toUpperCase(Locale.ROOT), k -> new java.util.ArrayList<>()).addAll(e.getValue());
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        params = java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The single value of a parameter, or {@code null}; a repeated parameter is a client error, except
     * {@code SERVICE}, {@code VERSION} and {@code REQUEST} repeated with the same value: clients such as OWSLib
     * append {@code service=WMS} to a capabilities link that already carries {@code SERVICE=WMS}.
     */
    public String get(String name) throws OwsException {
        List<String> v = params.get(name.toUpperCase(Locale.ROOT));
        if (v == null || v.isEmpty()) return null;
        if (v.size() > 1 && !(REPEATABLE.contains(name.toUpperCase(Locale.ROOT)) && v.stream().allMatch(x -> x.equals(v.get(0))))) {
            throw new OwsException(400, "InvalidParameterValue", name, "parameter " + name + " given " + v.size() + " times");
        }
        return v.get(0);
    }
}
