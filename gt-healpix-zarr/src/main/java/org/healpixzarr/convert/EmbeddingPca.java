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
 * products), eigen-decomposition by Householder tridiagonalisation and implicit QL (all 128 eigenpairs; the three
 * largest kept),
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
        double[] x1 = new double[dims], x2 = new double[dims], x3 = new double[dims];
        int i4 = n - n % 4;
        for (int i = 0; i < i4; i += 4) { // four samples per pass over the matrix: a quarter of its loads and stores
            centre(q, i * dims, scale[i], mean, x, dims);
            centre(q, (i + 1) * dims, scale[i + 1], mean, x1, dims);
            centre(q, (i + 2) * dims, scale[i + 2], mean, x2, dims);
            centre(q, (i + 3) * dims, scale[i + 3], mean, x3, dims);
            for (int a = 0; a < dims; a++) axpy4(x[a], x, x1[a], x1, x2[a], x2, x3[a], x3, c[a], a, dims);
        }
        for (int i = i4; i < n; i++) {
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
        double[][] v = eigen(c, eig);
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
        double[][] proj = new double[COMPONENTS][n];
        for (int i = 0; i < n; i++) {
            centre(q, i * dims, scale[i], mean, x, dims);
            for (int k = 0; k < COMPONENTS; k++) proj[k][i] = dot(x, comp[k], dims);
        }
        double[][] range = new double[COMPONENTS][];
        for (int k = 0; k < COMPONENTS; k++) {
            Arrays.sort(proj[k]);
            range[k] = new double[] {percentile(proj[k], 2), percentile(proj[k], 98)};
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

    /** {@code y[from..to) += a0 * x0[from..to) + a1 * x1[..] + a2 * x2[..] + a3 * x3[..]}. */
    private static void axpy4(double a0, double[] x0, double a1, double[] x1, double a2, double[] x2, double a3,
            double[] x3, double[] y, int from, int to) {
        for (int b = from; b < to; b++) y[b] += a0 * x0[b] + a1 * x1[b] + a2 * x2[b] + a3 * x3[b];
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
     * Eigen-decomposition of the symmetric matrix {@code a} (overwritten): Householder reduction to tridiagonal
     * form, then the implicit QL method with Wilkinson-type shifts, both accumulating the orthogonal transforms.
     * The eigenvalues go to {@code eig} (in no particular order), the returned matrix holds the matching unit
     * eigenvectors as rows. About {@code 7 n^3} floating-point operations.
     *
     * @throws ArithmeticException if the QL iteration does not converge (not seen on finite input)
     */
    static double[][] eigen(double[][] a, double[] eig) {
        int n = a.length;
        double[] off = new double[n];
        double[][] vt = tridiagonalise(a, eig, off);
        ql(eig, off, vt);
        return vt;
    }

    /**
     * Householder reduction {@code T = Q^T A Q}: the diagonal of T goes to {@code d}, its sub-diagonal to
     * {@code e[0 .. n-2]} ({@code e[i]} couples {@code d[i]} and {@code d[i+1]}; {@code e[n-1] = 0}); returns
     * {@code Q^T}. Reflection k zeroes column k below its sub-diagonal, acting on rows and columns {@code k+1 ..}.
     */
    private static double[][] tridiagonalise(double[][] a, double[] d, double[] e) {
        int n = a.length;
        double[][] qt = new double[n][n];
        for (int i = 0; i < n; i++) qt[i][i] = 1;
        double[] v = new double[n], p = new double[n], u = new double[n];
        for (int k = 0; k < n - 2; k++) {
            int s = k + 1;
            double norm2 = 0;
            for (int i = s; i < n; i++) norm2 += a[i][k] * a[i][k];
            double x0 = a[s][k];
            double alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
            double vv = norm2 - x0 * x0 + (x0 - alpha) * (x0 - alpha);
            if (norm2 == 0 || vv == 0) {
                e[k] = x0;
                continue;
            }
            for (int i = s; i < n; i++) v[i] = a[i][k];
            v[s] = x0 - alpha;
            double beta = 2 / vv;
            e[k] = alpha;
            // p = beta A v over the trailing block (rows of the symmetric block as columns), then
            // w = p - (beta/2)(p.v) v, and A <- A - v w^T - w v^T
            Arrays.fill(p, s, n, 0);
            for (int j = s; j < n; j++) axpy(beta * v[j], a[j], p, s, n);
            double pv = 0;
            for (int i = s; i < n; i++) pv += p[i] * v[i];
            double half = 0.5 * beta * pv;
            for (int i = s; i < n; i++) p[i] -= half * v[i];
            for (int i = s; i < n; i++) update(a[i], -v[i], p, -p[i], v, s, n);
            // Q^T <- H Q^T on rows s..n-1: u = v^T Q^T, then Q^T -= beta v u^T
            Arrays.fill(u, 0);
            for (int i = s; i < n; i++) axpy(v[i], qt[i], u, 0, n);
            for (int i = s; i < n; i++) axpy(-beta * v[i], u, qt[i], 0, n);
        }
        for (int i = 0; i < n; i++) d[i] = a[i][i];
        if (n >= 2) e[n - 2] = a[n - 1][n - 2];
        e[n - 1] = 0;
        return qt;
    }

    /** {@code y[from..to) += a * x[from..to) + b * z[from..to)}. */
    private static void update(double[] y, double a, double[] x, double b, double[] z, int from, int to) {
        for (int j = from; j < to; j++) y[j] += a * x[j] + b * z[j];
    }

    /**
     * Implicit QL iterations on the symmetric tridiagonal {@code (d, e)} (as left by {@link #tridiagonalise}):
     * {@code d} becomes the eigenvalues, and each plane rotation is applied to the rows of {@code vt}.
     */
    private static void ql(double[] d, double[] e, double[][] vt) {
        int n = d.length;
        for (int l = 0; l < n; l++) {
            for (int iter = 0; ; iter++) {
                int m = l;
                while (m < n - 1) {
                    double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
                    if (Math.abs(e[m]) + dd == dd) break;
                    m++;
                }
                if (m == l) break;
                if (iter == 60) throw new ArithmeticException("QL iteration did not converge for eigenvalue " + l);
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Math.hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
                double s = 1, c = 1, p = 0;
                int i = m - 1;
                for (; i >= l; i--) {
                    double f = s * e[i], b = c * e[i];
                    r = Math.hypot(f, g);
                    e[i + 1] = r;
                    if (r == 0) { // underflow: the matrix splits here, start again
                        d[i + 1] -= p;
                        e[m] = 0;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                    rotateRows(vt[i + 1], vt[i], c, s, vt[i].length);
                }
                if (r == 0 && i >= l) continue;
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
        }
    }

    /** {@code (x, y) <- (c x + s y, c y - s x)} element by element. */
    private static void rotateRows(double[] x, double[] y, double c, double s, int n) {
        for (int k = 0; k < n; k++) {
            double xk = x[k], yk = y[k];
            x[k] = c * xk + s * yk;
            y[k] = c * yk - s * xk;
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
