package org.healpixzarr.server;

import java.nio.charset.StandardCharsets;
import org.healpixzarr.server.catalog.LayerResolver;
import org.healpixzarr.server.ows.OwsException;
import org.healpixzarr.server.ows.OwsRequest;
import org.healpixzarr.server.ows.OwsResponse;
import org.healpixzarr.server.ows.OwsService;

/** Listed in the test META-INF/services: proves the server finds services with ServiceLoader. */
public final class DiscoveredTestService implements OwsService {
    @Override
    public String name() { return "TESTSVC"; }

    @Override
    public OwsResponse handle(OwsRequest r, LayerResolver l) throws OwsException {
        return new OwsResponse(200, "text/plain", ("discovered " + r.get("REQUEST")).getBytes(StandardCharsets.UTF_8));
    }
}
