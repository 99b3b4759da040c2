package org.healpixzarr.render;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import org.healpixzarr.DataException;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.coverage.Samples;
import org.healpixzarr.coverage.TargetGrid;
import org.healpixzarr.dggs.DggsStore;

/**
 * Draws a layer on a target grid. Stateless and thread-safe.
 *
 * <p>Each pixel takes the colour of the value the {@link CellSampler} gives it (the cell it falls in at the depth
 * matching the pixel size): colour map over the style's {@code [min, max]} (values outside are clamped to the
 * end colours), palette colour of the class code (codes the palette does not list in grey), or PCA false
 * colour. Pixels without a cell, and cells whose value is the fill value or NaN, get the background.
 *
 * <p>CONTRACT (issue 5).
 */
public final class Renderer {
    private Renderer() {}

    /**
     * Samples and colours one layer.
     *
     * @param background colour of pixels without data; {@code null} leaves them fully transparent (ARGB image)
     * @return a {@code width × height} image of the grid (TYPE_INT_ARGB, its pixels in a {@link DataBufferInt}
     *         row by row: {@link Png#encode} reads them in place)
     */
    public static BufferedImage render(CellSampler sampler, TargetGrid grid, Style style, Color background)
            throws IOException, DataException {
        Look look = Look.resolve(sampler.store(), style);
        Samples s = sampler.sample(grid, look.variables());
        int[] argb = look.paint(values(s, sampler.store()), s.size(), background == null ? 0 : background.getRGB());
        return image(argb, grid.width(), grid.height());
    }

    /** A legend image for a style (colour bar with range and units, or the palette's classes with their names). */
    public static BufferedImage legend(CellSampler sampler, Style style) throws DataException {
        return legend(sampler.store(), style);
    }

    /** A legend image for a style of a variable of {@code store} (TYPE_INT_ARGB, white background). */
    public static BufferedImage legend(DggsStore store, Style style) throws DataException {
        return Legend.draw(Look.resolve(store, style));
    }

    /**
     * Draws {@code legend} over the bottom-right corner of {@code map} (a copy; the legend is scaled down to at
     * most half the map's size if needed).
     */
    public static BufferedImage withLegend(BufferedImage map, BufferedImage legend) {
        BufferedImage out = new BufferedImage(map.getWidth(), map.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(map, 0, 0, null);
        double k = Math.min(1, Math.min(map.getWidth() / 2.0 / legend.getWidth(), map.getHeight() / 2.0 / legend.getHeight()));
        int w = (int) Math.round(legend.getWidth() * k), h = (int) Math.round(legend.getHeight() * k);
        int margin = Math.min(8, Math.min(map.getWidth(), map.getHeight()) / 50);
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(legend, map.getWidth() - w - margin, map.getHeight() - h - margin, w, h, null);
        g.dispose();
        return out;
    }

    /** A TYPE_INT_ARGB image over {@code argb} itself (row by row, no copy). */
    static BufferedImage image(int[] argb, int width, int height) {
        DirectColorModel cm = (DirectColorModel) ColorModel.getRGBdefault();
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(argb, width * height), width, height, width,
                cm.getMasks(), null);
        return new BufferedImage(cm, raster, false, null);
    }

    static Look.Values values(Samples s, DggsStore store) {
        return new Look.Values() {
            @Override
            public boolean has(int i) {
                return s.has(i);
            }

            @Override
            public double value(String variable, int band, int i) {
                return s.value(variable, band, i);
            }

            @Override
            public float[] exactFloats(String variable, int band) throws DataException {
                return switch (store.variable(variable).dataType()) {
                    // values of these types are floats exactly, NaN where a point has no cell or the fill value
                    case FLOAT32, INT8, UINT8, INT16, UINT16 -> s.band(variable, band);
                    default -> null;
                };
            }
        };
    }
}
