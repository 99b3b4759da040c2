package org.healpixzarr.dggs;

import java.io.IOException;
import java.util.Arrays;
import org.healpixzarr.DataException;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.zarr.ZarrArray;

/**
 * Aggregates one source variable (or an embedding and its scale) into every overview level at once, in a single
 * pass over the source rows sorted by cell id. Level 0 is the finest overview level; a level-j cell is closed when
 * the id stream leaves it, its value written to the level's output buffer and its state merged into level j + 1.
 * The state carried up is exact (double sums and counts, full class histograms, OR masks), so every level equals
 * the aggregate of the depth-29 observations it covers, whatever the number of levels in between.
 *
 * <p>Not thread-safe: one thread drives one aggregator; different aggregators may run on different threads.
 */
abstract class LevelAggregator {
    final int levels;
    /** Next output position per level within the current output buffer. */
    final int[] pos;

    LevelAggregator(int levels) {
        this.levels = levels;
        this.pos = new int[levels];
    }

    /** Loads the source columns of rows [from, to) of the batch. */
    abstract void read(DggsStore src, long from, long to) throws IOException, DataException;

    /** Adds batch rows [from, to) (all in the open level-0 cell) to level 0. */
    abstract void accumulate(int from, int to);

    /** Writes level {@code j}'s open cell to its buffer at {@code pos[j]} and merges it into level j + 1 (if any), then resets it. */
    abstract void emit(int j);

    /** The output arrays of level j (created by the caller), with their buffers. */
    abstract Output[] outputs(int j);

    /** Closes levels 0..top. */
    final void close(int top) {
        for (int j = 0; j <= top; j++) {
            emit(j);
            pos[j]++;
        }
    }

    /** One output array of one level and its buffer of {@code capacity × bands} values. */
    static final class Output {
        final ZarrArray array;
        final int bands;
        final Object buffer;

        Output(ZarrArray array, int capacity) {
            this.array = array;
            this.bands = array.shape().length > 1 ? (int) array.shape()[1] : 1;
            this.buffer = array.dataType().newArray(capacity * bands);
        }

        /** Writes the first {@code n} cells of the buffer at row {@code at}. */
        void write(long at, int n) throws IOException {
            Object part = Columns.slice(buffer, 0, n * bands);
            if (bands == 1) array.write(new long[] {at}, new int[] {n}, part);
            else array.write(new long[] {at, 0}, new int[] {n, bands}, part);
        }

        /** Moves cells [from, from + n) to the start of the buffer. */
        void shift(int from, int n) {
            System.arraycopy(buffer, from * bands, buffer, 0, n * bands);
        }
    }

    // ------------------------------------------------------------------ typed access

    /** The numeric value of element i as a long (unsigned types widened; uint64 as its bits). */
    static long longAt(Object col, DataType t, int i) {
        switch (t) {
            case INT8: return ((byte[]) col)[i];
            case UINT8: return ((byte[]) col)[i] & 0xFFL;
            case INT16: return ((short[]) col)[i];
            case UINT16: return ((short[]) col)[i] & 0xFFFFL;
            case INT32: return ((int[]) col)[i];
            case UINT32: return ((int[]) col)[i] & 0xFFFFFFFFL;
            case INT64: case UINT64: return ((long[]) col)[i];
            case FLOAT32: return Double.doubleToLongBits(((float[]) col)[i]);
            default: return Double.doubleToLongBits(((double[]) col)[i]);
        }
    }

    /** The value of element i as a double (uint64 converted as unsigned). */
    static double doubleAt(Object col, DataType t, int i) {
        switch (t) {
            case FLOAT32: return ((float[]) col)[i];
            case FLOAT64: return ((double[]) col)[i];
            case UINT64: {
                long v = ((long[]) col)[i];
                return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
            }
            default: return longAt(col, t, i);
        }
    }

    /** Stores a numeric value (as returned by {@link #longAt}) into element i. */
    static void putLong(Object buf, DataType t, int i, long v) {
        switch (t) {
            case INT8: case UINT8: ((byte[]) buf)[i] = (byte) v; break;
            case INT16: case UINT16: ((short[]) buf)[i] = (short) v; break;
            case INT32: case UINT32: ((int[]) buf)[i] = (int) v; break;
            case INT64: case UINT64: ((long[]) buf)[i] = v; break;
            case FLOAT32: ((float[]) buf)[i] = (float) Double.longBitsToDouble(v); break;
            default: ((double[]) buf)[i] = Double.longBitsToDouble(v);
        }
    }

    /** The no-data test of a variable: NaN for floats, and its {@code _FillValue} if declared. */
    static final class Fill {
        final DataType type;
        final boolean declared;
        final long bits; // numeric value as longAt returns it
        final double value;

        Fill(DataType type, Number fill) {
            this.type = type;
            this.declared = fill != null;
            if (fill == null) {
                bits = 0;
                value = Double.NaN;
            } else if (type == DataType.FLOAT32) {
                value = fill.floatValue();
                bits = Double.doubleToLongBits((float) value);
            } else if (type == DataType.FLOAT64) {
                value = fill.doubleValue();
                bits = Double.doubleToLongBits(value);
            } else {
                bits = fill instanceof java.math.BigInteger ? ((java.math.BigInteger) fill).longValue() : fill.longValue();
                value = fill.doubleValue();
            }
        }

        boolean isMissing(Object col, int i) {
            if (type == DataType.FLOAT32) {
                float v = ((float[]) col)[i];
                return v != v || declared && v == (float) value;
            }
            if (type == DataType.FLOAT64) {
                double v = ((double[]) col)[i];
                return v != v || declared && v == value;
            }
            return declared && longAt(col, type, i) == bits;
        }
    }

    // ------------------------------------------------------------------ mean

    /** QUANTITY: mean of the valid values per band, float32 (float64 for 32/64-bit sources). */
    static final class Mean extends LevelAggregator {
        private final String name;
        private final DataType type;
        private final DataType outType;
        private final int bands;
        private final Fill fill;
        private final double[][] sum;
        private final long[][] n;
        private final Output[] out;
        private Object col;

        Mean(String name, DataType type, DataType outType, int bands, Fill fill, Output[] out) {
            super(out.length);
            this.name = name;
            this.type = type;
            this.outType = outType;
            this.bands = bands;
            this.fill = fill;
            this.out = out;
            this.sum = new double[levels][bands];
            this.n = new long[levels][bands];
        }

        @Override
        void read(DggsStore src, long from, long to) throws IOException, DataException {
            col = src.read(name, from, to);
        }

        @Override
        void accumulate(int from, int to) {
            double[] s = sum[0];
            long[] c = n[0];
            for (int i = from; i < to; i++) {
                for (int b = 0, k = i * bands; b < bands; b++, k++) {
                    if (fill.isMissing(col, k)) continue;
                    s[b] += doubleAt(col, type, k);
                    c[b]++;
                }
            }
        }

        @Override
        void emit(int j) {
            double[] s = sum[j];
            long[] c = n[j];
            Object buf = out[j].buffer;
            int at = pos[j] * bands;
            for (int b = 0; b < bands; b++) {
                double m = c[b] == 0 ? Double.NaN : s[b] / c[b];
                if (outType == DataType.FLOAT32) ((float[]) buf)[at + b] = (float) m;
                else ((double[]) buf)[at + b] = m;
                if (j + 1 < levels) {
                    sum[j + 1][b] += s[b];
                    n[j + 1][b] += c[b];
                }
            }
            Arrays.fill(s, 0);
            Arrays.fill(c, 0);
        }

        @Override
        Output[] outputs(int j) {
            return new Output[] {out[j]};
        }
    }

    // ------------------------------------------------------------------ or

    /** BITS: bitwise OR of the valid values per band, in the source type; the fill value when none is valid. */
    static final class Or extends LevelAggregator {
        private final String name;
        private final DataType type;
        private final int bands;
        private final Fill fill;
        private final long fillBits;
        private final long[][] acc;
        private final boolean[][] any;
        private final Output[] out;
        private Object col;

        Or(String name, DataType type, int bands, Fill fill, long outFill, Output[] out) {
            super(out.length);
            this.name = name;
            this.type = type;
            this.bands = bands;
            this.fill = fill;
            this.fillBits = outFill;
            this.out = out;
            this.acc = new long[levels][bands];
            this.any = new boolean[levels][bands];
        }

        @Override
        void read(DggsStore src, long from, long to) throws IOException, DataException {
            col = src.read(name, from, to);
        }

        @Override
        void accumulate(int from, int to) {
            long[] a = acc[0];
            boolean[] y = any[0];
            for (int i = from; i < to; i++) {
                for (int b = 0, k = i * bands; b < bands; b++, k++) {
                    if (fill.isMissing(col, k)) continue;
                    a[b] |= longAt(col, type, k);
                    y[b] = true;
                }
            }
        }

        @Override
        void emit(int j) {
            Object buf = out[j].buffer;
            int at = pos[j] * bands;
            for (int b = 0; b < bands; b++) {
                putLong(buf, type, at + b, any[j][b] ? acc[j][b] : fillBits);
                if (j + 1 < levels && any[j][b]) {
                    acc[j + 1][b] |= acc[j][b];
                    any[j + 1][b] = true;
                }
                acc[j][b] = 0;
                any[j][b] = false;
            }
        }

        @Override
        Output[] outputs(int j) {
            return new Output[] {out[j]};
        }
    }

    // ------------------------------------------------------------------ mode

    /** CLASS: the most frequent valid value per band (ties: the smallest), in the source type; fill when none. */
    static final class Mode extends LevelAggregator {
        private final String name;
        private final DataType type;
        private final int bands;
        private final Fill fill;
        private final long fillBits;
        private final Histogram[][] hist;
        private final Output[] out;
        private Object col;

        Mode(String name, DataType type, int bands, Fill fill, long outFill, Output[] out) {
            super(out.length);
            this.name = name;
            this.type = type;
            this.bands = bands;
            this.fill = fill;
            this.fillBits = outFill;
            this.out = out;
            this.hist = new Histogram[levels][bands];
            for (Histogram[] h : hist) for (int b = 0; b < bands; b++) h[b] = new Histogram();
        }

        @Override
        void read(DggsStore src, long from, long to) throws IOException, DataException {
            col = src.read(name, from, to);
        }

        @Override
        void accumulate(int from, int to) {
            Histogram[] h = hist[0];
            for (int i = from; i < to; i++) {
                for (int b = 0, k = i * bands; b < bands; b++, k++) {
                    if (fill.isMissing(col, k)) continue;
                    h[b].add(longAt(col, type, k), 1);
                }
            }
        }

        private boolean less(long a, long b) {
            if (type == DataType.UINT64) return Long.compareUnsigned(a, b) < 0;
            if (type == DataType.FLOAT32 || type == DataType.FLOAT64) {
                return Double.compare(Double.longBitsToDouble(a), Double.longBitsToDouble(b)) < 0;
            }
            return a < b;
        }

        @Override
        void emit(int j) {
            Object buf = out[j].buffer;
            int at = pos[j] * bands;
            for (int b = 0; b < bands; b++) {
                Histogram h = hist[j][b];
                long best = fillBits, bestCount = 0;
                for (int e = 0; e < h.size; e++) {
                    long k = h.keys[e], c = h.counts[e];
                    if (c > bestCount || c == bestCount && less(k, best)) {
                        best = k;
                        bestCount = c;
                    }
                }
                putLong(buf, type, at + b, best);
                if (j + 1 < levels) {
                    Histogram up = hist[j + 1][b];
                    for (int e = 0; e < h.size; e++) up.add(h.keys[e], h.counts[e]);
                }
                h.clear();
            }
        }

        @Override
        Output[] outputs(int j) {
            return new Output[] {out[j]};
        }
    }

    /** A small insertion-ordered map long → count with linear probing; cleared in O(size). */
    static final class Histogram {
        long[] keys = new long[8];
        long[] counts = new long[8];
        int size;
        private int[] table = new int[16]; // slot -> entry + 1, 0 = empty

        void add(long key, long count) {
            int mask = table.length - 1;
            int s = mix(key) & mask;
            while (true) {
                int e = table[s];
                if (e == 0) break;
                if (keys[e - 1] == key) {
                    counts[e - 1] += count;
                    return;
                }
                s = (s + 1) & mask;
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            keys[size] = key;
            counts[size] = count;
            size++;
            table[s] = size;
            if (size * 2 > table.length) rehash();
        }

        private void rehash() {
            table = new int[table.length * 2];
            int mask = table.length - 1;
            for (int e = 0; e < size; e++) {
                int s = mix(keys[e]) & mask;
                while (table[s] != 0) s = (s + 1) & mask;
                table[s] = e + 1;
            }
        }

        private static int mix(long k) {
            long h = k * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }

        void clear() {
            if (size == 0) return;
            if (table.length > 64) table = new int[16];
            else Arrays.fill(table, 0);
            size = 0;
        }
    }

    // ------------------------------------------------------------------ embeddings

    /**
     * A quantised embedding (int8 × bands) with its per-row dequantisation scale: mean of the dequantised vectors,
     * re-quantised per cell into int8 with scale = max |mean| / 127 (values rounded half to even, clamped to
     * ±127). Rows whose scale is missing are left out; a cell without any has fill values and a NaN scale.
     */
    static final class Embedding extends LevelAggregator {
        private final String name;
        private final String scaleName;
        private final DataType scaleType;
        private final int bands;
        private final Fill scaleFill;
        private final double[][] sum;
        private final long[] n;
        private final Output[] emb;
        private final Output[] scales;
        private byte[] col;
        private Object sc;

        Embedding(String name, String scaleName, DataType scaleType, int bands, Fill scaleFill, Output[] emb, Output[] scales) {
            super(emb.length);
            this.name = name;
            this.scaleName = scaleName;
            this.scaleType = scaleType;
            this.bands = bands;
            this.scaleFill = scaleFill;
            this.emb = emb;
            this.scales = scales;
            this.sum = new double[levels][bands];
            this.n = new long[levels];
        }

        @Override
        void read(DggsStore src, long from, long to) throws IOException, DataException {
            col = (byte[]) src.read(name, from, to);
            sc = src.read(scaleName, from, to);
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

        /** {@code rint(mean / scale)} clamped to ±127; 0 for a zero scale. */
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
}
