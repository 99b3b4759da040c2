package org.healpixzarr.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A three-component principal component basis of dequantised embeddings ({@code int8 * scale}), the display
 * form of TESSERA embeddings: the stores carry it as the {@code pca} attribute of {@code embeddings} so that a
 * renderer maps every cell to three colour channels consistently across the partitions of one run.
 *
 * <p>Covariance with the {@code 1 / (n - 1)} normalisation of a centred sample (two passes: mean, then centred
 * products), eigen-decomposition by the cyclic Jacobi method (all 128 eigenpairs; the three largest kept),
 * components of unit length with the sign that makes their largest-magnitude element positive (the first such
 * element on ties). {@code range} holds the 2nd and 98th percentiles of the sample's projections on each
 * component (linear interpolation between order statistics, numpy's default). Deterministic: the same sample
 * gives bit-identical numbers. Immutable.
 *
 * @param mean               the sample mean, dequantised units, one value per dimension
 * @param components         three unit vectors, by decreasing explained variance
 * @param explainedVariance  the three eigenvalues (variance of the projections), dequantised units squared
 * @param range              {@code {lo, hi}} per component: 2nd and 98th percentile of the projections
 */
record EmbeddingPca(double[] mean, double[][] components, double[] explainedVariance, double[][] range) {
    static final int COMPONENTS = 3;

    /**
     * The basis of {@code n} samples: {@code q[i * dims .. (i + 1) * dims)} int8 values and {@code scale[i]}.
     *
     * @throws IllegalArgumentException if {@code n < 2}
     */
    static EmbeddingPca of(byte[] q, float[] scale, int n, int dims) {
        if (n < 2) throw new IllegalArgumentException("a PCA needs at least 2 samples, got " + n);
        // the loops are small methods: called often, they are compiled at once (this code runs once per process)
        double[] mean = new double[dims];
        for (int i = 0; i < n; i++) addScaled(q, i * dims, scale[i], mean, dims);
        for (int d = 0; d < dims; d++) mean[d] /= n;
        // upper triangle of the centred cross-product matrix, row by row
        double[][] c = new double[dims][dims];
        double[] x = new double[dims];
        for (int i = 0; i < n; i++) {
            centre(q, i * dims, scale[i], mean, x, dims);
            for (int a = 0; a < dims; a++) axpy(x[a], x, c[a], a, dims);
        }
        for (int a = 0; a < dims; a++) {
            for (int b = a; b < dims; b++) {
                c[a][b] /= n - 1;
                c[b][a] = c[a][b];
            }
        }
        double[] eig = new double[dims];
        double[][] v = jacobi(c, eig);
        Integer[] order = new Integer[dims];
        for (int k = 0; k < dims; k++) order[k] = k;
        Arrays.sort(order, new java.util.Comparator<Integer>() { // stable: equal eigenvalues keep index order
            @Override
            public int compare(Integer i, Integer j) {
                return Double.compare(eig[j], eig[i]);
            }
        });
        double[][] comp = new double[COMPONENTS][dims];
        double[] var = new double[COMPONENTS];
        for (int k = 0; k < COMPONENTS; k++) {
            int col = order[k];
            int big = 0;
            for (int d = 0; d < dims; d++) {
                comp[k][d] = v[col][d];
                if (Math.abs(comp[k][d]) > Math.abs(comp[k][big])) big = d;
            }
            if (comp[k][big] < 0) for (int d = 0; d < dims; d++) comp[k][d] = -comp[k][d];
            var[k] = eig[col];
        }
        double[][] range = new double[COMPONENTS][];
        double[] proj = new double[n];
        for (int k = 0; k < COMPONENTS; k++) {
            for (int i = 0; i < n; i++) {
                centre(q, i * dims, scale[i], mean, x, dims);
                proj[i] = dot(x, comp[k], dims);
            }
            Arrays.sort(proj);
            range[k] = new double[] {percentile(proj, 2), percentile(proj, 98)};
        }
        return new EmbeddingPca(mean, comp, var, range);
    }

    private static void addScaled(byte[] q, int o, double s, double[] sum, int dims) {
        for (int d = 0; d < dims; d++) sum[d] += q[o + d] * s;
    }

    private static void centre(byte[] q, int o, double s, double[] mean, double[] x, int dims) {
        for (int d = 0; d < dims; d++) x[d] = q[o + d] * s - mean[d];
    }

    /** {@code y[from..to) += a * x[from..to)}. */
    private static void axpy(double a, double[] x, double[] y, int from, int to) {
        for (int b = from; b < to; b++) y[b] += a * x[b];
    }

    private static double dot(double[] x, double[] y, int dims) {
        double p = 0;
        for (int d = 0; d < dims; d++) p += x[d] * y[d];
        return p;
    }

    /** Percentile {@code p} (0..100) of sorted values, linear between order statistics (numpy's default). */
    static double percentile(double[] sorted, double p) {
        double h = (sorted.length - 1) * (p / 100);
        int lo = (int) Math.floor(h);
        if (lo >= sorted.length - 1) return sorted[sorted.length - 1];
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    /**
     * Eigen-decomposition of the symmetric matrix {@code a} (overwritten) by cyclic Jacobi rotations: the
     * eigenvalues go to {@code eig}, the returned matrix holds the eigenvectors as rows.
     */
    static double[][] jacobi(double[][] a, double[] eig) {
        int n = a.length;
        double[][] vt = new double[n][n];
        for (int i = 0; i < n; i++) vt[i][i] = 1;
        double scale = 0;
        for (double[] row : a) for (double x : row) scale += x * x;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, offAbs = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                    offAbs += Math.abs(a[p][q]);
                }
            }
            if (off <= 1e-30 * scale) break;
            // first sweeps: only the large elements (threshold Jacobi); later: skip the negligible ones
            double threshold = sweep < 3 ? 0.2 * offAbs / ((double) n * n) : 0;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = Math.abs(a[p][q]);
                    if (sweep >= 3 && apq <= 0x1p-60 * Math.abs(a[p][p]) && apq <= 0x1p-60 * Math.abs(a[q][q])) {
                        a[p][q] = 0;
                        a[q][p] = 0;
                    } else if (apq > threshold) {
                        rotate(a, vt, p, q);
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) eig[i] = a[i][i];
        return vt;
    }

    /** One Jacobi rotation zeroing {@code a[p][q]}: rows p and q of A (then mirrored to the columns) and of V^T. */
    private static void rotate(double[][] a, double[][] vt, int p, int q) {
        double apq = a[p][q];
        if (apq == 0) return;
        int n = a.length;
        double app = a[p][p], aqq = a[q][q];
        double theta = (aqq - app) / (2 * apq);
        double t = theta == 0 ? 1 : Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1), s = t * c;
        rotateRows(a[p], a[q], c, s, n);
        a[p][p] = app - t * apq;
        a[q][q] = aqq + t * apq;
        a[p][q] = 0;
        a[q][p] = 0;
        for (int k = 0; k < n; k++) {
            if (k == p || k == q) continue;
            a[k][p] = a[p][k];
            a[k][q] = a[q][k];
        }
        rotateRows(vt[p], vt[q], c, s, n);
    }

    /** {@code (x, y) <- (c x - s y, s x + c y)} element by element. */
    private static void rotateRows(double[] x, double[] y, double c, double s, int n) {
        for (int k = 0; k < n; k++) {
            double xk = x[k], yk = y[k];
            x[k] = c * xk - s * yk;
            y[k] = s * xk + c * yk;
        }
    }

    /** The {@code pca} attribute: {@code {"mean", "components", "explained_variance", "range"}} (lists of numbers). */
    Map<String, Object> attribute() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", list(mean));
        List<Object> comps = new ArrayList<>();
        for (double[] c : components) comps.add(list(c));
        m.put("components", comps);
        m.put("explained_variance", list(explainedVariance));
        List<Object> r = new ArrayList<>();
        for (double[] x : range) r.add(list(x));
        m.put("range", r);
        return m;
    }

    private static List<Double> list(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double x : v) l.add(x);
        return l;
    }
}
