package org.healpixzarr.convert;

import static org.healpixzarr.testing.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.input.tessera.TesseraTile;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PCA display basis of TESSERA conversions: the {@code pca} attribute against numpy's {@code eigh}. */
class TesseraPcaTest {
    @TempDir
    Path dir;

    static Path samples() throws Exception {
        return Path.of(TesseraPcaTest.class.getResource("/tessera").toURI());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> oracle(int max) throws Exception {
        ExternalTools.requirePython("numpy", "osgeo.gdal");
        String json = ExternalTools.runOk(List.of(ExternalTools.PYTHON,
                Path.of(TesseraPcaTest.class.getResource("/tessera_pca_oracle.py").toURI()).toString(),
                samples().toString(), "2024", Integer.toString(max)), Map.of());
        return new ObjectMapper().readValue(json, Map.class);
    }

    static double[] doubles(Object list) {
        List<?> l = (List<?>) list;
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) d[i] = ((Number) l.get(i)).doubleValue();
        return d;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** The basis (as the attribute map) equals numpy's PCA of the same sample. */
    static void assertMatchesOracle(Map<String, Object> pca, Map<String, Object> ref) {
        double[] mean = doubles(pca.get("mean")), rmean = doubles(ref.get("mean"));
        assertEquals(128, mean.length);
        for (int d = 0; d < 128; d++) assertEquals(rmean[d], mean[d], 1e-12 * (1 + Math.abs(rmean[d])), "mean " + d);
        List<?> comps = (List<?>) pca.get("components"), rcomps = (List<?>) ref.get("components");
        assertEquals(3, comps.size());
        double[] var = doubles(pca.get("explained_variance")), rvar = doubles(ref.get("explained_variance"));
        List<?> range = (List<?>) pca.get("range"), rrange = (List<?>) ref.get("range");
        for (int k = 0; k < 3; k++) {
            double[] c = doubles(comps.get(k)), r = doubles(rcomps.get(k));
            assertEquals(1, Math.abs(dot(c, r)), 1e-9, "component " + k + " against numpy");
            assertEquals(rvar[k], var[k], 1e-9 * rvar[k], "explained variance " + k);
            assertTrue(var[k] > 0 && (k == 0 || var[k] <= var[k - 1]), "decreasing variances");
            double[] lohi = doubles(range.get(k)), rlohi = doubles(rrange.get(k));
            assertTrue(lohi[0] < lohi[1]);
            // a component and numpy's may differ in sign only where numpy's sign rule and ours could disagree: none
            assertEquals(rlohi[0], lohi[0], 1e-9 * Math.sqrt(rvar[k]), "range lo " + k);
            assertEquals(rlohi[1], lohi[1], 1e-9 * Math.sqrt(rvar[k]), "range hi " + k);
            for (int j = 0; j < 3; j++) {
                assertEquals(j == k ? 1 : 0, dot(c, doubles(comps.get(j))), 1e-12, "orthonormal " + k + "," + j);
            }
        }
    }

    @Test
    void everyPartitionCarriesTheSameBasisAndItIsNumpys() throws Exception {
        Path out = dir.resolve("out");
        assertEquals(0, cli("convert", "tessera", samples().toString(), "--year", "2024", "-o", out.toString(), "-q").code());
        List<Path> stores;
        try (Stream<Path> s = Files.list(out)) {
            stores = s.filter(p -> p.toString().endsWith(".zarr")).sorted().toList();
        }
        assertTrue(stores.size() >= 3, stores.toString());
        Object first = null;
        for (Path p : stores) {
            try (DggsStore s = DggsStore.open(p)) {
                Map<String, Object> a = s.variable("embeddings").attributes();
                assertEquals("scales", a.get("scale_variable"), p.toString());
                Object pca = a.get("pca");
                assertTrue(pca instanceof Map, p + ": " + a.keySet());
                if (first == null) first = pca;
                assertEquals(first, pca, "same basis in " + p);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> pca = (Map<String, Object>) first;
        assertEquals(List.of("mean", "components", "explained_variance", "range"), new ArrayList<>(pca.keySet()));
        Map<String, Object> ref = oracle(PcaSample.MAX);
        assertEquals(1, ((Number) ref.get("stride")).intValue(), "the samples are small: every valid pixel");
        assertMatchesOracle(pca, ref);
    }

    /** With a stride (every 10th valid pixel of the run across tiles), the sample and basis are numpy's too. */
    @Test
    void stridedSampleAcrossTilesMatchesNumpy() throws Exception {
        Map<String, Object> ref = oracle(700);
        List<String> names = TesseraTile.list(samples(), 2024);
        long valid = 0;
        for (String n : names) try (TesseraTile t = TesseraTile.open(samples(), 2024, n)) { valid += PcaSample.countValid(t); }
        PcaSample s = new PcaSample(valid, 700);
        for (String n : names) try (TesseraTile t = TesseraTile.open(samples(), 2024, n)) { s.add(t); }
        assertEquals(((Number) ref.get("n")).intValue(), s.size());
        assertTrue(((Number) ref.get("stride")).intValue() > 1);
        assertMatchesOracle(EmbeddingPca.of(s.values(), s.scales(), s.size(), 128).attribute(), ref);
    }

    /** The eigen-decomposition of random symmetric matrices: A v = lambda v, V orthonormal. */
    @Test
    void eigenDecomposes() {
        long seed = new SplittableRandom().nextLong();
        System.out.println("eigenDecomposes seed " + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int n : new int[] {1, 2, 3, 5, 40, 128}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = a[j][i] = rnd.nextDouble(-1, 1) * (i == j ? n : 1);
                }
            }
            assertDecomposes(a, "random n " + n + ", seed " + seed);
        }
    }

    /**
     * Matrices where a Householder column is already zero (diagonal, block-diagonal), where eigenvalues repeat
     * (identity plus a rank-one term: all but one equal), and of mixed magnitudes (a covariance-like spectrum).
     */
    @Test
    void eigenDecomposesDegenerateMatrices() {
        int n = 12;
        double[][] diagonal = new double[n][n], blocks = new double[n][n], rankOne = new double[n][n];
        double[][] graded = new double[n][n];
        for (int i = 0; i < n; i++) {
            diagonal[i][i] = n - 2 * i;
            blocks[i][i] = i % 3;
            rankOne[i][i] = 2;
            for (int j = 0; j < n; j++) {
                rankOne[i][j] += (i + 1) * (j + 1) / 10.0;
                graded[i][j] = Math.pow(10, -(i + j) / 3.0) * (i == j ? 2 : Math.cos(i * 7 + j * 7));
            }
        }
        for (int i = 0; i + 1 < n; i += 3) blocks[i][i + 1] = blocks[i + 1][i] = 0.5;
        assertDecomposes(new double[n][n], "zero");
        assertDecomposes(diagonal, "diagonal");
        assertDecomposes(blocks, "block-diagonal");
        double[] eig = assertDecomposes(rankOne, "identity plus rank one");
        Arrays.sort(eig);
        for (int k = 0; k < n - 1; k++) assertEquals(2, eig[k], 1e-12, "repeated eigenvalue " + k);
        assertDecomposes(graded, "graded");
    }

    /** Decomposes a copy of {@code a}, checks A v = lambda v (relative to the matrix norm) and V orthonormal. */
    private static double[] assertDecomposes(double[][] a, String what) {
        int n = a.length;
        double[][] work = new double[n][];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            work[i] = a[i].clone();
            for (double x : a[i]) norm = Math.max(norm, Math.abs(x));
        }
        double[] eig = new double[n];
        double[][] vt = EmbeddingPca.eigen(work, eig);
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i][j] * vt[k][j];
                assertEquals(eig[k] * vt[k][i], av, 1e-13 * n * (norm + 1), what + ": pair " + k + " row " + i);
            }
            for (int j = 0; j < n; j++) assertEquals(j == k ? 1 : 0, dot(vt[k], vt[j]), 1e-13, what + ": orthonormal");
        }
        return eig;
    }
}
