package org.healpixzarr.server.catalog;

import java.util.List;

/** How the OGC services see the catalogue: the published layers. Thread-safe. */
public interface LayerResolver {
    /** All published layers, in a stable order. */
    List<Layer> layers();

    /** A layer by qualified name ({@code ws:name}) or, if unambiguous, plain name; {@code null} if unknown. */
    Layer find(String name);

    /**
     * The workspace these layers are restricted to (a virtual endpoint, where {@link #layers()} names them without
     * the {@code workspace:} prefix), or {@code null} for all the server's layers.
     */
    default String workspace() {
        return null;
    }
}
