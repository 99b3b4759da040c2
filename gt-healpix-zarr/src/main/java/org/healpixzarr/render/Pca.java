package org.healpixzarr.render;

import java.util.List;
import java.util.Map;

/**
 * The PCA projection recorded on an embeddings array (attribute {@code pca}): per-band mean, three principal
 * components and the display range of each component. RGB = the three components of (value − mean), each
 * stretched linearly from its range to 0..255. Immutable.
 *
 * <p>Attribute layout: {@code {"mean": [B doubles], "components": [[B], [B], [B]], "range": [[lo, hi] × 3]}}
 * with B the variable's bands.
 */
final class Pca {
    final double[] mean;
    final double[][] components;
    final double[][] range;

    private Pca(double[] mean, double[][] components, double[][] range) {
        this.mean = mean;
        this.components = components;
        this.range = range;
    }

    /**
     * Parses the attribute.
     *
     * @return the projection, or {@code null} if the attribute is absent
     * @throws IllegalArgumentException naming what is wrong if it is present but malformed
     */
    static Pca parse(Object attribute, int bands) {
        if (attribute == null) return null;
        if (!(attribute instanceof Map<?, ?> m)) throw new IllegalArgumentException("'pca' is not an object");
        double[] mean = vector(m.get("mean"), bands, "pca.mean");
        if (!(m.get("components") instanceof List<?> c) || c.size() != 3) {
            throw new IllegalArgumentException("pca.components must hold 3 vectors");
        }
        double[][] comp = new double[3][];
        for (int k = 0; k < 3; k++) comp[k] = vector(c.get(k), bands, "pca.components[" + k + "]");
        if (!(m.get("range") instanceof List<?> r) || r.size() != 3) {
            throw new IllegalArgumentException("pca.range must hold 3 [lo, hi] pairs");
        }
        double[][] range = new double[3][];
        for (int k = 0; k < 3; k++) {
            range[k] = vector(r.get(k), 2, "pca.range[" + k + "]");
            if (!(range[k][1] > range[k][0])) throw new IllegalArgumentException("pca.range[" + k + "] must have lo < hi");
        }
        return new Pca(mean, comp, range);
    }

    private static double[] vector(Object o, int n, String what) {
        if (!(o instanceof List<?> l) || l.size() != n) {
            throw new IllegalArgumentException(what + " must be a list of " + n + " numbers, found "
                    + (o instanceof List<?> l2 ? l2.size() + " elements" : String.valueOf(o)));
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            if (!(l.get(i) instanceof Number x) || !Double.isFinite(x.doubleValue())) {
                throw new IllegalArgumentException(what + "[" + i + "] is not a finite number: " + l.get(i));
            }
            v[i] = x.doubleValue();
        }
        return v;
    }

    /** The three components of a dequantised vector. */
    double[] project(double[] x) {
        double[] pc = new double[3];
        for (int k = 0; k < 3; k++) {
            double s = 0;
            double[] c = components[k];
            for (int b = 0; b < x.length; b++) s += c[b] * (x[b] - mean[b]);
            pc[k] = s;
        }
        return pc;
    }

    /** Opaque colour of a dequantised vector. */
    int argb(double[] x) {
        double[] pc = project(x);
        int rgb = 0;
        for (int k = 0; k < 3; k++) {
            double t = (pc[k] - range[k][0]) / (range[k][1] - range[k][0]);
            int c = (int) Math.round(Math.max(0, Math.min(1, t)) * 255);
            rgb = rgb << 8 | c;
        }
        return 0xFF000000 | rgb;
    }
}
