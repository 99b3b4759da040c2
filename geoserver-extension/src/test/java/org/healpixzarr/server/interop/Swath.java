package org.healpixzarr.server.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * An oracle, independent of the renderer, for a map of the sample in a lon/lat box: which pixels hold the centre of
 * a stored cell with a valid value, and which pixels have their centre farther than 1.2 × the native cell edge
 * (the sampler's search radius) plus {@link #MARGIN_PX} pixels from every such cell: those must be background.
 * The sample is sparse (a 200 × 43 pixel frame over 45° of latitude), so its observations are isolated discs.
 */
final class Swath {
    static final int MARGIN_PX = 3;
    final int width, height;
    final boolean[] cell;
    final boolean[] far;
    final int cellPixels, farPixels;

    /**
     * @param wsen         the map's west, south, east, north in degrees
     * @param radiusMetres the native cell edge
     */
    Swath(double[][] cells, double[] wsen, int width, int height, double radiusMetres) {
        this.width = width;
        this.height = height;
        double dx = (wsen[2] - wsen[0]) / width, dy = (wsen[3] - wsen[1]) / height;
        double pixelMetres = Math.max(dx, dy) * 111_320;
        double farMetres = 1.2 * radiusMetres + MARGIN_PX * pixelMetres;
        double padDeg = farMetres / 111_320 / Math.cos(Math.toRadians(Math.max(Math.abs(wsen[1]), Math.abs(wsen[3])))) + 1e-9;
        List<double[]> near = new ArrayList<>();
        cell = new boolean[width * height];
        for (double[] c : cells) {
            if (c[0] < wsen[0] - padDeg || c[0] > wsen[2] + padDeg || c[1] < wsen[1] - padDeg || c[1] > wsen[3] + padDeg) continue;
            near.add(c);
            int x = (int) Math.floor((c[0] - wsen[0]) / dx);
            int y = (int) Math.floor((wsen[3] - c[1]) / dy);
            if (x >= 0 && x < width && y >= 0 && y < height) cell[y * width + x] = true;
        }
        far = new boolean[width * height];
        int nc = 0, nf = 0;
        for (int y = 0; y < height; y++) {
            double lat = wsen[3] - (y + 0.5) * dy;
            double kx = 111_320 * Math.cos(Math.toRadians(lat)), ky = 110_574;
            for (int x = 0; x < width; x++) {
                double lon = wsen[0] + (x + 0.5) * dx;
                if (cell[y * width + x]) nc++;
                boolean isFar = true;
                for (double[] c : near) {
                    double ex = (c[0] - lon) * kx, ey = (c[1] - lat) * ky;
                    if (ex * ex + ey * ey <= farMetres * farMetres) {
                        isFar = false;
                        break;
                    }
                }
                if (isFar) {
                    far[y * width + x] = true;
                    nf++;
                }
            }
        }
        cellPixels = nc;
        farPixels = nf;
    }

    /**
     * Asserts that at least {@code minDrawn} (a fraction) of the pixels holding a cell centre are drawn, that at
     * least {@code minPixels} pixels are drawn at all, and that every far pixel is background.
     *
     * @param background whether an ARGB pixel is background
     * @return the number of pixels drawn
     */
    int check(BufferedImage img, IntPredicate background, double minDrawn, int minPixels, String what) {
        assertTrue(cellPixels >= 3 && farPixels > width * height / 4, what + ": the view must hold observations and empty space ("
                + cellPixels + " cell pixels, " + farPixels + " far pixels)");
        int drawn = 0, drawnAtCells = 0, badFar = 0, firstBad = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                boolean bg = background.test(img.getRGB(x, y));
                if (!bg) drawn++;
                if (cell[i] && !bg) drawnAtCells++;
                if (far[i] && !bg) {
                    badFar++;
                    if (firstBad < 0) firstBad = i;
                }
            }
        }
        int fb = firstBad, nBad = badFar, nAt = drawnAtCells, n = drawn;
        assertTrue(nAt >= minDrawn * cellPixels, what + ": only " + nAt + " of " + cellPixels + " pixels holding a cell centre are drawn");
        assertTrue(n >= minPixels, what + ": only " + n + " pixels drawn");
        assertTrue(nBad == 0, () -> what + ": " + nBad + " pixels far from any observation are not background, first at x=" + (fb % width)
                + " y=" + (fb / width) + String.format(" colour %08x", img.getRGB(fb % width, fb / width)));
        return n;
    }
}
