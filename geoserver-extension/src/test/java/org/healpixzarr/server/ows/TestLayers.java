package org.healpixzarr.server.ows;

import java.util.List;
import org.healpixzarr.server.catalog.Layer;
import org.healpixzarr.server.catalog.LayerResolver;

/** A fixed catalogue for tests. */
public record TestLayers(List<Layer> layers) implements LayerResolver {
    @Override
    public Layer find(String name) {
        for (Layer l : layers) if (l.name().equals(name)) return l;
        Layer hit = null;
        for (Layer l : layers) {
            if (l.name().substring(l.name().indexOf(':') + 1).equals(name)) {
                if (hit != null) return null;
                hit = l;
            }
        }
        return hit;
    }
}
