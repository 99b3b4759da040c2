package org.healpixzarr.server.ows;

import org.healpixzarr.server.catalog.LayerResolver;

/**
 * One OGC service (WMS, WCS) as the HTTP server sees it. The server dispatches a key-value-pair request on
 * {@code /ows} (also {@code /wms}, {@code /wcs}) to the service named by its {@code SERVICE} parameter
 * (case-insensitive; {@code /wms} and {@code /wcs} imply it when absent).
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list them in
 * {@code META-INF/services/org.healpixzarr.server.ows.OwsService}. They need a public no-argument constructor and
 * must be thread-safe (one instance serves all requests concurrently).
 *
 * <p>Errors: throw {@link OwsException} for anything the client should see as an OGC exception; the service
 * writes its own exception report format when it catches one, or lets it propagate and the server writes a
 * generic OWS 2.0 {@code ExceptionReport} with the exception's status. Any other exception becomes a 500 OGC
 * exception without a stack trace.
 */
public interface OwsService {
    /** The {@code SERVICE} parameter value this service answers, upper-case, e.g. {@code "WMS"}, {@code "WCS"}. */
    String name();

    /**
     * Answers one request (any {@code REQUEST}: GetCapabilities, GetMap, ...).
     *
     * @param request the request; its {@code SERVICE} parameter may be absent when the endpoint implies it
     * @param layers  the published layers at the time of the request
     */
    OwsResponse handle(OwsRequest request, LayerResolver layers) throws OwsException;
}
