package org.healpixzarr.server.ows.wms;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.healpixzarr.DataException;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;

/**
 * What the WMS needs from a layer's data. The service validates every parameter before calling it; the default
 * ({@link SamplerMapBackend}) reads the layer's samplers through the render and coverage APIs. Implementations are
 * thread-safe.
 */
interface MapBackend {
    /**
     * Draws one layer, fully transparent where it has no data.
     *
     * @param crs   a code accepted by {@link WmsService#canonicalCrs}
     * @param bbox  {min axis0, min axis1, max axis0, max axis1} in the CRS's own axis order
     * @param style one of {@code layer.styles()}
     * @return a {@code width × height} ARGB image
     */
    BufferedImage render(Layer layer, String crs, double[] bbox, int width, int height, Style style)
            throws IOException, DataException;

    /** The legend of a style. */
    BufferedImage legend(Layer layer, Style style) throws IOException, DataException;

    /**
     * What the map shows at pixel ({@code i}, {@code j}) (column from the left, row from the top) of the given map.
     *
     * @return {@code null} where the layer has no cell
     */
    PointInfo pointInfo(Layer layer, String crs, double[] bbox, int width, int height, int i, int j)
            throws IOException, DataException;

    /**
     * The cell under a queried pixel.
     *
     * @param cellId nested id at {@code depth}
     * @param lon    longitude of the cell centre, degrees
     * @param lat    latitude of the cell centre, degrees
     * @param count  observations aggregated in the cell (1 at the store's own depth)
     * @param values one per band of the layer's variable
     */
    record PointInfo(long cellId, int depth, double lon, double lat, long count, List<Value> values) {}

    /**
     * One value.
     *
     * @param value NaN where the cell has no value (fill value)
     * @param units CF units, or {@code null}
     */
    record Value(String variable, int band, double value, String units) {}
}
