package org.healpixzarr.render;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import org.healpixzarr.DataException;
import org.healpixzarr.coverage.CellSampler;
import org.healpixzarr.coverage.TargetGrid;

/**
 * Draws a layer on a target grid. Stateless and thread-safe.
 *
 * <p>CONTRACT (issue 5).
 */
public final class Renderer {
    private Renderer() {}

    /**
     * Samples and colours one layer.
     *
     * @param background colour of pixels without data; {@code null} leaves them fully transparent (ARGB image)
     * @return a {@code width × height} image of the grid (TYPE_INT_ARGB)
     */
    public static BufferedImage render(CellSampler sampler, TargetGrid grid, Style style, Color background)
            throws IOException, DataException {
        throw new UnsupportedOperationException("issue 5");
    }

    /** A legend image for a style (colour bar with range and units, or the palette's classes with their names). */
    public static BufferedImage legend(CellSampler sampler, Style style) throws DataException {
        throw new UnsupportedOperationException("issue 5");
    }
}
