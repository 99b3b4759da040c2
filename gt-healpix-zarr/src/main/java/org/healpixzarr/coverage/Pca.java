package org.healpixzarr.coverage;

import java.util.List;
import java.util.Map;

/**
 * The {@code pca} attribute of an {@code embeddings} array: {@code {"mean": [b doubles], "components": [[b], [b],
 * [b]], "range": [[lo, hi] x 3]}} in dequantised units. Projects an embedding on the three components and scales
 * each to [0, 1] by its range (clamped). Immutable.
 */
final class Pca {
    final double[] mean;
    final double[][] components;
    final double[] lo;
    final double[] hi;

    private Pca(double[] mean, double[][] components, double[] lo, double[] hi) {
        this.mean = mean;
        this.components = components;
        this.lo = lo;
        this.hi = hi;
    }

    /** The attribute parsed, or {@code null} if absent or not of the documented shape. */
    static Pca of(Object attribute, int bands) {
        if (!(attribute instanceof Map)) return null;
        Map<?, ?> m = (Map<?, ?>) attribute;
        double[] mean = vector(m.get("mean"), bands);
        if (mean == null || !(m.get("components") instanceof List) || !(m.get("range") instanceof List)) return null;
        List<?> c = (List<?>) m.get("components"), r = (List<?>) m.get("range");
        if (c.size() != 3 || r.size() != 3) return null;
        double[][] comp = new double[3][];
        double[] lo = new double[3], hi = new double[3];
        for (int k = 0; k < 3; k++) {
            comp[k] = vector(c.get(k), bands);
            double[] range = vector(r.get(k), 2);
            if (comp[k] == null || range == null || !(range[1] > range[0])) return null;
            lo[k] = range[0];
            hi[k] = range[1];
        }
        return new Pca(mean, comp, lo, hi);
    }

    private static double[] vector(Object o, int n) {
        if (!(o instanceof List) || ((List<?>) o).size() != n) return null;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            Object x = ((List<?>) o).get(i);
            if (!(x instanceof Number)) return null;
            v[i] = ((Number) x).doubleValue();
        }
        return v;
    }

    /** Component k of an embedding, scaled to [0, 1]. */
    double project(double[] embedding, int k) {
        double s = 0;
        double[] c = components[k];
        for (int b = 0; b < embedding.length; b++) s += (embedding[b] - mean[b]) * c[b];
        double t = (s - lo[k]) / (hi[k] - lo[k]);
        return t < 0 ? 0 : t > 1 ? 1 : t;
    }
}
