package org.healpixzarr.server.ows.wcs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.healpixzarr.DataException;
import org.healpixzarr.server.catalog.Layer;

/**
 * What the WCS needs from a layer's data. The service validates every parameter first; the default
 * ({@link SamplerCoverageBackend}) reads the layer's samplers. Implementations are thread-safe.
 */
interface CoverageBackend {
    /** The bands and native resolution of a layer. */
    CoverageInfo info(Layer layer) throws IOException, DataException;

    /**
     * Writes a float32 GeoTIFF (NaN no-data) of the layer on a grid.
     *
     * @param crs   canonical code of the output CRS ({@code EPSG:4326}, {@code CRS:84}, {@code EPSG:3857}, UTM)
     * @param wsen  the area as {west, south, east, north} in degrees, to be expressed in {@code crs}
     * @param bands band indices of the layer's variable, in output order
     */
    void writeGeoTiff(Layer layer, String crs, double[] wsen, int width, int height, int[] bands, OutputStream out)
            throws IOException, DataException;

    /**
     * Description of a coverage.
     *
     * @param bands         one per band of the variable
     * @param resolutionDeg native cell size in degrees (the store's native depth), &gt; 0
     */
    record CoverageInfo(List<Band> bands, double resolutionDeg) {}

    /**
     * One band (a range field).
     *
     * @param name        field name, unique within the coverage
     * @param description long name or variable name
     * @param units       CF units, or {@code null}
     */
    record Band(String name, String description, String units) {}
}
