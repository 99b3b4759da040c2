package org.healpixzarr.dggs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.healpixzarr.DataException;
import org.healpixzarr.zarr.ArrayMetadata;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.zarr.FileSystemStore;
import org.healpixzarr.zarr.ZarrArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LevelAggregator.Embedding}'s specialised batch loop (copied one-row cells, one-observation cells taken from
 * level 0, means divided out once) against the generic loop it replaced ({@link Generic}, kept here verbatim as the
 * oracle): the same bytes and the same float bits at every level, on random event streams with one-row cells,
 * cells spanning batches, missing / zero / negative / infinite / subnormal / declared-fill scales, zero vectors,
 * -128, vectors whose largest |value| is not 127, ±127 clamps and exact rint ties. Seed: {@code -Dtest.seed=N}.
 */
class EmbeddingAggregatorTest {
    static final long SEED = Long.getLong("test.seed", System.nanoTime());

    @TempDir
    Path dir;

    /** The embedding aggregator as it was before its specialised loop: accumulate + emit through the default batch. */
    static final class Generic extends LevelAggregator {
        private final DataType scaleType;
        private final int bands;
        private final Fill scaleFill;
        private final double[][] sum;
        private final long[] n;
        private final Output[] emb;
        private final Output[] scales;
        private byte[] col;
        private Object sc;

        Generic(DataType scaleType, int bands, Fill scaleFill, Output[] emb, Output[] scales) {
            super(emb.length);
            this.scaleType = scaleType;
            this.bands = bands;
            this.scaleFill = scaleFill;
            this.emb = emb;
            this.scales = scales;
            this.sum = new double[levels][bands];
            this.n = new long[levels];
        }

        @Override
        void read(DggsStore src, long from, long to) {
            throw new UnsupportedOperationException();
        }

        void columns(byte[] c, Object s) {
            col = c;
            sc = s;
        }

        @Override
        void accumulate(int from, int to) {
            double[] s = sum[0];
            for (int i = from; i < to; i++) {
                if (scaleFill.isMissing(sc, i)) continue;
                double f = doubleAt(sc, scaleType, i);
                for (int b = 0, k = i * bands; b < bands; b++, k++) s[b] += col[k] * f;
                n[0]++;
            }
        }

        @Override
        void emit(int j) {
            double[] s = sum[j];
            byte[] q = (byte[]) emb[j].buffer;
            float[] scale = (float[]) scales[j].buffer;
            int at = pos[j] * bands;
            if (n[j] == 0) {
                Arrays.fill(q, at, at + bands, (byte) 0);
                scale[pos[j]] = Float.NaN;
            } else {
                double max = 0;
                for (int b = 0; b < bands; b++) max = Math.max(max, Math.abs(s[b] / n[j]));
                float f = (float) (max / 127);
                scale[pos[j]] = f;
                for (int b = 0; b < bands; b++) q[at + b] = quantise(s[b] / n[j], f);
            }
            if (j + 1 < levels) {
                for (int b = 0; b < bands; b++) sum[j + 1][b] += s[b];
                n[j + 1] += n[j];
            }
            Arrays.fill(s, 0);
            n[j] = 0;
        }

        static byte quantise(double mean, float scale) {
            if (scale == 0) return 0;
            double v = Math.rint(mean / scale);
            return (byte) Math.max(-127, Math.min(127, v));
        }

        @Override
        Output[] outputs(int j) {
            return new Output[] {emb[j], scales[j]};
        }
    }

    @Test
    void specialisedLoopEqualsTheGenericOneBitForBit() throws Exception {
        System.out.println("EmbeddingAggregatorTest seed " + SEED + " (-Dtest.seed=" + SEED + ")");
        Random r = new Random(SEED);
        int[] copiedTotal = new int[1];
        for (int t = 0; t < 300; t++) {
            try {
                oneCase(r, t, copiedTotal);
            } catch (AssertionError e) {
                throw new AssertionError("case " + t + ", seed " + SEED + ": " + e.getMessage(), e);
            }
        }
        // the fast paths were exercised (a test of the generic path alone would prove nothing)
        assertTrue(copiedTotal[0] > 10_000, "copied one-row cells: " + copiedTotal[0]);
    }

    private void oneCase(Random r, int t, int[] copiedTotal) throws IOException, DataException {
        int levels = 1 + r.nextInt(5);
        int bands = new int[] {1, 2, 3, 8, 13, 128, 128, 130}[r.nextInt(8)];
        DataType st = r.nextInt(5) == 0 ? DataType.FLOAT64 : DataType.FLOAT32;
        Number declared = switch (r.nextInt(4)) {
            case 0 -> -1.0;
            case 1 -> 0.25;
            default -> null;
        };
        LevelAggregator.Fill fill = new LevelAggregator.Fill(st, declared);
        // level-0 cells (1 to 4 rows, mostly 1) and the top level each one closes
        int cellsN = 1 + r.nextInt(r.nextBoolean() ? 40 : 3000);
        int[] size = new int[cellsN];
        int[] top = new int[cellsN];
        int rows = 0;
        for (int c = 0; c < cellsN; c++) {
            // 2 and 4: a division by a power of two; 3 and 6: not (with a tie cell, means at x.5 × scale with 6)
            size[c] = r.nextInt(10) < 7 ? 1 : new int[] {2, 3, 4, 6}[r.nextInt(4)];
            int k = 0;
            while (k + 1 < levels && r.nextInt(3) == 0) k++;
            top[c] = c == cellsN - 1 ? levels - 1 : k;
            rows += size[c];
        }
        byte[] emb = new byte[rows * bands];
        double[] scale = new double[rows];
        int row = 0;
        for (int c = 0; c < cellsN; c++) {
            // same scale, the largest band shared: the new scale is that scale and the means are exact multiples of
            // it / n, at x.5 × scale for an even n (a reciprocal instead of the division misses such ties)
            boolean tie = size[c] >= 2 && r.nextInt(4) == 0;
            float tieScale = (float) (r.nextDouble() * 0.01 + 1e-4);
            for (int i = 0; i < size[c]; i++, row++) {
                int k = row * bands;
                int kind = r.nextInt(20);
                for (int b = 0; b < bands; b++) {
                    emb[k + b] = (byte) (kind == 0 ? 0 : kind == 1 ? r.nextInt(256) - 128 : kind == 2 ? r.nextInt(7) - 3 : r.nextInt(255) - 127);
                }
                if (kind >= 3 || tie) emb[k + r.nextInt(bands)] = (byte) (r.nextBoolean() ? 127 : -127);
                if (tie) {
                    emb[k] = 127;
                    scale[row] = tieScale;
                } else {
                    scale[row] = randomScale(r, declared);
                }
            }
        }
        // level-j cells: one per cell whose top is ≥ j
        int[] cellsAt = new int[levels];
        for (int c = 0; c < cellsN; c++) for (int j = 0; j <= top[c]; j++) cellsAt[j]++;
        LevelAggregator.Output[][] a = outputs(t + "a", levels, bands, cellsAt);
        LevelAggregator.Output[][] b = outputs(t + "b", levels, bands, cellsAt);
        Generic old = new Generic(st, bands, fill, a[0], a[1]);
        LevelAggregator.Embedding neu = new LevelAggregator.Embedding("e", "s", st, bands, fill, b[0], b[1]);
        // batches cut at random rows (a cell may span batches; an event may fall on a batch's row 0)
        int[] start = new int[cellsN + 1];
        for (int c = 0; c < cellsN; c++) start[c + 1] = start[c] + size[c];
        int from = 0;
        int c = 0; // next cell whose end is an event
        while (from < rows) {
            int len = Math.min(rows - from, 1 + r.nextInt(r.nextBoolean() ? 8 : 4000));
            List<int[]> ev = new ArrayList<>();
            // the end of cell c is an event of this batch at row start[c + 1] - from when it lies in (from, from + len),
            // or at len for the last cell in the last batch
            while (c < cellsN && (start[c + 1] < from + len || start[c + 1] == rows && from + len == rows)) {
                ev.add(new int[] {start[c + 1] - from, top[c]});
                c++;
            }
            int[] evRow = new int[ev.size()];
            int[] evTop = new int[ev.size()];
            for (int e = 0; e < evRow.length; e++) {
                evRow[e] = ev.get(e)[0];
                evTop[e] = ev.get(e)[1];
            }
            byte[] ce = Arrays.copyOfRange(emb, from * bands, (from + len) * bands);
            Object cs;
            if (st == DataType.FLOAT32) {
                float[] f = new float[len];
                for (int i = 0; i < len; i++) f[i] = (float) scale[from + i];
                cs = f;
            } else {
                cs = Arrays.copyOfRange(scale, from, from + len);
            }
            old.columns(ce, cs);
            neu.columns(ce, cs);
            old.batch(evRow, evTop, evRow.length, len);
            neu.batch(evRow, evTop, evRow.length, len);
            from += len;
        }
        assertEquals(cellsN, c);
        assertArrayEquals(old.pos, neu.pos);
        for (int j = 0; j < levels; j++) {
            assertEquals(cellsAt[j], neu.pos[j]);
            byte[] qa = (byte[]) a[0][j].buffer, qb = (byte[]) b[0][j].buffer;
            for (int i = 0; i < qa.length; i++) {
                if (qa[i] != qb[i]) throw new AssertionError("level " + j + " cell " + i / bands + " band " + i % bands + ": " + qa[i] + " != " + qb[i]);
            }
            float[] fa = (float[]) a[1][j].buffer, fb = (float[]) b[1][j].buffer;
            for (int i = 0; i < fa.length; i++) {
                if (Float.floatToRawIntBits(fa[i]) != Float.floatToRawIntBits(fb[i])) {
                    throw new AssertionError("level " + j + " cell " + i + " scale: " + fa[i] + " != " + fb[i]);
                }
            }
            if (j == 0 && st == DataType.FLOAT32) {
                for (int i = 0; i < cellsN; i++) {
                    if (size[i] == 1 && fb[i] == (float) scale[start[i]] && fb[i] > 0 && Float.isFinite(fb[i])) copiedTotal[0]++;
                }
            }
        }
        for (LevelAggregator.Output[] o : a) for (LevelAggregator.Output x : o) x.close();
        for (LevelAggregator.Output[] o : b) for (LevelAggregator.Output x : o) x.close();
    }

    /** Mostly TESSERA-like (0, 1); sometimes missing, zero, negative, infinite, subnormal, huge or the declared fill. */
    private static double randomScale(Random r, Number declared) {
        switch (r.nextInt(25)) {
            case 0: return Double.NaN;
            case 1: return Double.POSITIVE_INFINITY;
            case 2: return 0.0;
            case 3: return -r.nextDouble();
            case 4: return Float.MIN_VALUE * (1 + r.nextInt(1000));
            case 5: return 1e30 * r.nextDouble();
            case 6: return declared == null ? r.nextDouble() : declared.doubleValue();
            case 7: return Double.NEGATIVE_INFINITY;
            default: return r.nextDouble() * 0.02;
        }
    }

    private LevelAggregator.Output[][] outputs(String name, int levels, int bands, int[] cells) throws IOException {
        FileSystemStore store = new FileSystemStore(dir);
        LevelAggregator.Output[][] o = new LevelAggregator.Output[2][levels];
        for (int j = 0; j < levels; j++) {
            int n = Math.max(1, cells[j]);
            o[0][j] = new LevelAggregator.Output(ZarrArray.create(store, name + "/" + j + "/e",
                    ArrayMetadata.builder(new long[] {n, bands}, DataType.INT8).chunkShape(n, bands).fillValue(0).build()), n);
            o[1][j] = new LevelAggregator.Output(ZarrArray.create(store, name + "/" + j + "/s",
                    ArrayMetadata.builder(new long[] {n}, DataType.FLOAT32).chunkShape(n).fillValue(Float.NaN).build()), n);
        }
        return o;
    }
}
