package org.healpixzarr.server.ows.wms;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.coverage.Crs;
import org.healpixzarr.coverage.Samples;
import org.healpixzarr.coverage.TargetGrid;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.render.Renderer;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.cs.AxisDirection;

/**
 * The map backend over the layer's samplers: {@link Renderer} for maps and legends, {@link CellSampler} for
 * feature info. A mosaic layer (several samplers) shows, at each pixel, the first store that has a cell there.
 * Stateless, thread-safe.
 */
final class SamplerMapBackend implements MapBackend {
    /** Grids larger than this are not materialised just to learn their pixel size (see {@link #pointInfo}). */
    private static final int PROBE_PIXELS = 1 << 16;

    @Override
    public BufferedImage render(Layer layer, String crs, double[] bbox, int width, int height, Style style)
            throws IOException, DataException {
        TargetGrid grid = TargetGrid.of(Crs.decode(crs), bbox, width, height);
        List<CellSampler> samplers = layer.samplers();
        if (samplers.size() == 1) return Renderer.render(samplers.get(0), grid, style, null);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        try {
            // the first store wins where stores overlap: draw it last
            for (int k = samplers.size() - 1; k >= 0; k--) g.drawImage(Renderer.render(samplers.get(k), grid, style, null), 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    @Override
    public BufferedImage legend(Layer layer, Style style) throws IOException, DataException {
        return Renderer.legend(first(layer), style);
    }

    @Override
    public PointInfo pointInfo(Layer layer, String crsCode, double[] bbox, int width, int height, int i, int j)
            throws IOException, DataException {
        CoordinateReferenceSystem crs = Crs.decode(crsCode);
        // The pixel size that chose the depth of the map: that of the whole grid (at its centre). A coarser grid
        // over the same box has a pixel size exactly k times larger, so a big map need not be materialised.
        int k = 1;
        while ((long) ceilDiv(width, k) * ceilDiv(height, k) > PROBE_PIXELS) k *= 2;
        double pixelSize = TargetGrid.of(crs, bbox, ceilDiv(width, k), ceilDiv(height, k)).pixelSizeMetres()
                * ((double) width / ceilDiv(width, k) + (double) height / ceilDiv(height, k)) / 2;
        // the centre of pixel (i, j): a one-pixel grid over that pixel's own box
        boolean latFirst = crs.getCoordinateSystem().getAxis(0).getDirection() == AxisDirection.NORTH;
        int xa = latFirst ? 1 : 0, ya = latFirst ? 0 : 1;
        double dx = (bbox[xa + 2] - bbox[xa]) / width, dy = (bbox[ya + 2] - bbox[ya]) / height;
        double[] px = new double[4];
        px[xa] = bbox[xa] + i * dx;
        px[xa + 2] = px[xa] + dx;
        px[ya + 2] = bbox[ya + 2] - j * dy;
        px[ya] = px[ya + 2] - dy;
        TargetGrid one = TargetGrid.of(crs, px, 1, 1);
        double[] lon = one.lon(), lat = one.lat();
        if (Double.isNaN(lon[0]) || Double.isNaN(lat[0])) return null;
        for (CellSampler sampler : layer.samplers()) {
            Samples s = sampler.sample(lon, lat, pixelSize, List.of(layer.variable()));
            if (!s.has(0)) continue;
            DggsStore store = sampler.store();
            VariableInfo info = store.variable(layer.variable());
            List<Value> values = new ArrayList<>();
            for (int b = 0; b < info.bands(); b++) {
                values.add(new Value(layer.variable(), b, s.value(layer.variable(), b, 0), info.units()));
            }
            double[] centre = HealpixGrid.of(store.ellipsoid(), s.depth()).center(s.cellId(0));
            return new PointInfo(s.cellId(0), s.depth(), centre[0], centre[1], s.count(0), values);
        }
        return null;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static CellSampler first(Layer layer) throws FormatException {
        if (layer.samplers().isEmpty()) {
            throw new FormatException(DataException.describe(layer.name(), "layer has no store", "at least one store", 0, "check the catalogue"));
        }
        return layer.samplers().get(0);
    }
}
