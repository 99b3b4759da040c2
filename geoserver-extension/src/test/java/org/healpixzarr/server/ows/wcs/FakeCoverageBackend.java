package org.healpixzarr.server.ows.wcs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.healpixzarr.server.catalog.Layer;

/** A test double of the data side: two bands in m s-1; records the last GetCoverage it was asked for. */
final class FakeCoverageBackend implements CoverageBackend {
    volatile String crs;
    volatile double[] wsen;
    volatile int width;
    volatile int height;
    volatile int[] bands;

    @Override
    public CoverageInfo info(Layer layer) {
        double res = layer.name().endsWith("mask") ? 1e-4 : 0.01;
        return new CoverageInfo(List.of(new Band(layer.variable() + "_1", "wind <u>", "m s-1"), new Band(layer.variable() + "_2", "wind v", null)), res);
    }

    @Override
    public void writeGeoTiff(Layer layer, String crs, double[] wsen, int width, int height, int[] bands, OutputStream out) throws IOException {
        this.crs = crs;
        this.wsen = wsen.clone();
        this.width = width;
        this.height = height;
        this.bands = bands.clone();
        out.write(new byte[] {'I', 'I', 42, 0});
    }
}
