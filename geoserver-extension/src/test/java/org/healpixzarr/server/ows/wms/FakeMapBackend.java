package org.healpixzarr.server.ows.wms;

import java.awt.image.BufferedImage;
import java.util.List;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;

/**
 * A test double of the data side: the map of a layer is opaque {@link #COLOUR} on its top half and no-data
 * (transparent) below; every pixel has the same cell. Records the last request it saw.
 */
final class FakeMapBackend implements MapBackend {
    static final int COLOUR = 0xFFCC3311;
    volatile String crs;
    volatile double[] bbox;
    volatile Style style;
    volatile int i = -1;
    volatile int j = -1;

    @Override
    public BufferedImage render(Layer layer, String crs, double[] bbox, int width, int height, Style style) {
        this.crs = crs;
        this.bbox = bbox.clone();
        this.style = style;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < height / 2; y++) for (int x = 0; x < width; x++) img.setRGB(x, y, COLOUR);
        return img;
    }

    @Override
    public BufferedImage legend(Layer layer, Style style) {
        this.style = style;
        return new BufferedImage(120, 30, BufferedImage.TYPE_INT_ARGB);
    }

    @Override
    public PointInfo pointInfo(Layer layer, String crs, double[] bbox, int width, int height, int i, int j) {
        this.crs = crs;
        this.bbox = bbox.clone();
        this.i = i;
        this.j = j;
        if (j >= height / 2) return null;
        return new PointInfo(1234567L, 12, 10.5, -20.25, 3, List.of(new Value(layer.variable(), 0, 271.5, "K")));
    }
}
