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

    /**
     * Aggregates batch rows [0, len): the rows before {@code evRow[e]} close levels 0..{@code evTop[e]} after them.
     * The aggregators of the common one-band variables (float mean, 8-bit mode) and of embeddings override it with
     * a loop of their own, compiled for their class alone.
     */
    void batch(int[] evRow, int[] evTop, int events, int len) {
        int r0 = 0;
        for (int e = 0; e < events; e++) {
            accumulate(r0, evRow[e]);
            close(evTop[e]);
            r0 = evRow[e];
        }
        accumulate(r0, len);
    }

    /** Closes levels 0..top. */
    final void close(int top) {
        close(0, top);
    }

    /** Closes levels from..top (the specialised loops close level 0 themselves). */
    final void close(int from, int top) {
        for (int j = from; j <= top; j++) {
            emit(j);
            pos[j]++;
        }
    }

    /** One output array of one level and its buffer of {@code capacity × bands} values, written front to back. */
    static final class Output implements AutoCloseable {
        final ZarrArray array;
        final int bands;
        final Object buffer;
        private final ZarrArray.RowAppender appender;
        private long appended;

        Output(ZarrArray array, int capacity) {
            this.array = array;
            this.bands = array.shape().length > 1 ? (int) array.shape()[1] : 1;
            this.buffer = array.dataType().newArray(capacity * bands);
            this.appender = array.appender();
        }

        /** Writes the first {@code n} cells of the buffer at row {@code at}, which must follow the rows written before. */
        void write(long at, int n) throws IOException {
            if (at != appended) throw new IllegalStateException(array + ": rows written out of order at " + at + ", expected " + appended);
            appender.append(buffer, n);
            appended += n;
        }

        /** Stores the last chunk and shard (all rows written). */
        void finish() throws IOException {
            appender.finish();
        }

        @Override
        public void close() throws IOException {
            appender.close();
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
     *
     * <p>The per-batch loop is specialised (the same results as {@code accumulate} + {@code emit}, bit for bit):
     * <ul>
     *   <li>a level-0 cell of one row (most of them at the native depth) whose float32 scale f is finite and
     *       positive and whose vector's largest |value| is 127 (TESSERA's own quantisation) re-quantises to itself:
     *       its mean is v × f exactly (an 8-bit integer times a 24-bit significand), so max |mean| = 127 f, the new
     *       scale (float) (127 f / 127) = f and rint(v f / f) = v; it is copied, only its dequantised values are
     *       added to level 1;</li>
     *   <li>a cell of any level holding one valid observation has the sums of the level-0 cell holding it (adding the
     *       +0.0 sums of cells without any changes nothing: a sum is never −0.0), hence its output: it is copied from
     *       that cell's, kept aside when it was emitted;</li>
     *   <li>otherwise each band's mean is divided out once (not once for the maximum and again for the value).</li>
     * </ul>
     */
    static final class Embedding extends LevelAggregator {
        /** (double) (byte) u at u: an int8 value as a double by a table look-up, not a conversion. */
        private static final double[] BYTE_VALUE = new double[256];

        static {
            for (int u = 0; u < 256; u++) BYTE_VALUE[u] = (byte) u;
        }

        private final String name;
        private final String scaleName;
        private final DataType scaleType;
        private final int bands;
        private final Fill scaleFill;
        private final double[][] sum;
        private final long[] n;
        private final Output[] emb;
        private final Output[] scales;
        /** Scratch: the means of the cell being emitted. */
        private final double[] mean;
        /** Output (values, scale) of the last level-0 cell emitted with exactly one valid observation. */
        private final byte[] oneQ;
        private float oneScale;
        private byte[] col;
        /** {@code col} read 8 bytes at a time. */
        private java.nio.ByteBuffer words;
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
            this.mean = new double[bands];
            this.oneQ = new byte[bands];
        }

        @Override
        void read(DggsStore src, long from, long to) throws IOException, DataException {
            columns((byte[]) src.read(name, from, to), src.read(scaleName, from, to));
        }

        /** Sets the batch's columns: the embeddings (rows × bands) and the scales (one per row, in the scale type). */
        void columns(byte[] embeddings, Object scaleColumn) {
            col = embeddings;
            words = java.nio.ByteBuffer.wrap(embeddings).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            sc = scaleColumn;
        }

        @Override
        void batch(int[] evRow, int[] evTop, int events, int len) {
            float[] f32 = scaleType == DataType.FLOAT32 ? (float[]) sc : null;
            int r0 = 0;
            for (int e = 0; e < events; e++) {
                int r1 = evRow[e];
                if (f32 == null || r1 - r0 != 1 || n[0] != 0 || !copied(f32, r0)) {
                    accumulate(r0, r1);
                    emit(0);
                }
                pos[0]++;
                close(1, evTop[e]);
                r0 = r1;
            }
            accumulate(r0, len);
        }

        /**
         * The level-0 cell of row i alone, when it re-quantises to itself (see the class comment): writes it at
         * {@code pos[0]}, adds it to level 1 and returns true; otherwise changes nothing and returns false.
         */
        private boolean copied(float[] f32, int i) {
            float f = f32[i];
            if (!(f > 0 && f < Float.POSITIVE_INFINITY) || scaleFill.declared && f == (float) scaleFill.value) return false;
            byte[] c = col;
            int k = i * bands;
            if (!maxAbs127(k)) return false;
            int p = pos[0];
            System.arraycopy(c, k, (byte[]) emb[0].buffer, p * bands, bands);
            ((float[]) scales[0].buffer)[p] = f;
            if (levels > 1) {
                System.arraycopy(c, k, oneQ, 0, bands);
                oneScale = f;
                double[] s1 = sum[1];
                double d = f;
                for (int b = 0; b < bands; b++) s1[b] += BYTE_VALUE[c[k + b] & 0xFF] * d;
                n[1]++;
            }
            return true;
        }

        /**
         * Whether the largest |value| of the vector at {@code col[k..k + bands)} is 127: no -128 and some ±127,
         * tested 8 bytes at a time (a byte of x equal to v makes a zero byte of x ^ vvvvvvvv, and y has a zero byte
         * iff (y - 0x01..01) & ~y & 0x80..80 is not 0); the bands past a multiple of 8 one by one.
         */
        private boolean maxAbs127(int k) {
            final long ones = 0x0101010101010101L, highs = 0x8080808080808080L;
            long m128 = 0, p127 = 0, m127 = 0;
            int b = 0;
            for (; b + 8 <= bands; b += 8) {
                long x = words.getLong(k + b);
                long y = x ^ highs; // -128 = 0x80
                m128 |= (y - ones) & ~y;
                y = x ^ 0x7F7F7F7F7F7F7F7FL;
                p127 |= (y - ones) & ~y;
                y = x ^ 0x8181818181818181L; // -127 = 0x81
                m127 |= (y - ones) & ~y;
            }
            boolean no128 = (m128 & highs) == 0, any127 = ((p127 | m127) & highs) != 0;
            for (; b < bands; b++) {
                byte v = col[k + b];
                no128 &= v != -128;
                any127 |= v == 127 || v == -127;
            }
            return no128 && any127;
        }

        @Override
        void accumulate(int from, int to) {
            double[] s = sum[0];
            for (int i = from; i < to; i++) {
                if (scaleFill.isMissing(sc, i)) continue;
                double f = doubleAt(sc, scaleType, i);
                for (int b = 0, k = i * bands; b < bands; b++, k++) s[b] += BYTE_VALUE[col[k] & 0xFF] * f;
                n[0]++;
            }
        }

        @Override
        void emit(int j) {
            double[] s = sum[j];
            byte[] q = (byte[]) emb[j].buffer;
            float[] scale = (float[]) scales[j].buffer;
            int p = pos[j];
            int at = p * bands;
            long c = n[j];
            if (c == 0) {
                Arrays.fill(q, at, at + bands, (byte) 0);
                scale[p] = Float.NaN;
            } else if (c == 1 && j > 0) {
                System.arraycopy(oneQ, 0, q, at, bands);
                scale[p] = oneScale;
            } else {
                double[] mn = mean;
                double d = c;
                if ((c & (c - 1)) == 0) { // s / 2^k = s × 2^-k, both the correctly rounded s / 2^k
                    double r = 1 / d;
                    for (int b = 0; b < bands; b++) mn[b] = s[b] * r;
                } else {
                    for (int b = 0; b < bands; b++) mn[b] = s[b] / d;
                }
                double max = 0;
                for (int b = 0; b < bands; b++) max = Math.max(max, Math.abs(mn[b]));
                float f = (float) (max / 127);
                scale[p] = f;
                if (f == 0) {
                    Arrays.fill(q, at, at + bands, (byte) 0);
                } else { // rint(mean / scale) clamped to ±127
                    double fd = f;
                    for (int b = 0; b < bands; b++) mn[b] = Math.rint(mn[b] / fd);
                    for (int b = 0; b < bands; b++) q[at + b] = (byte) Math.max(-127, Math.min(127, mn[b]));
                }
                if (c == 1) {
                    System.arraycopy(q, at, oneQ, 0, bands);
                    oneScale = f;
                }
            }
            if (j + 1 < levels) {
                double[] u = sum[j + 1];
                for (int b = 0; b < bands; b++) u[b] += s[b];
                n[j + 1] += c;
            }
            Arrays.fill(s, 0);
            n[j] = 0;
        }

        @Override
        Output[] outputs(int j) {
            return new Output[] {emb[j], scales[j]};
        }
    }

    // ------------------------------------------------------------------ fast paths (one band)

    /** {@link Mean} for one band, with typed loops for float columns. */
    static final class Mean1 extends LevelAggregator {
        @Override
        void batch(int[] evRow, int[] evTop, int events, int len) {
            if (type != DataType.FLOAT32 || !out32) {
                super.batch(evRow, evTop, events, len);
                return;
            }
            // float32 to float32, level 0 kept in locals: the same operations, in the same order, as
            // accumulate + emit(0) (a segment's sum from 0, added to the carried sum; mean as double, then float)
            float[] v = (float[]) col;
            float f = (float) fill.value;
            boolean d = fill.declared;
            float[] o0 = (float[]) out[0].buffer;
            boolean up = levels > 1;
            double s0 = sum[0];
            long c0 = n[0];
            int p0 = pos[0];
            int r0 = 0;
            for (int e = 0; ; e++) {
                int r1 = e < events ? evRow[e] : len;
                double s = 0;
                long c = 0;
                for (int i = r0; i < r1; i++) {
                    float x = v[i];
                    if (x != x || d && x == f) continue;
                    s += x;
                    c++;
                }
                s0 += s;
                c0 += c;
                r0 = r1;
                if (e == events) break;
                o0[p0++] = c0 == 0 ? Float.NaN : (float) (s0 / c0);
                if (up) {
                    sum[1] += s0;
                    n[1] += c0;
                }
                s0 = 0;
                c0 = 0;
                close(1, evTop[e]);
            }
            sum[0] = s0;
            n[0] = c0;
            pos[0] = p0;
        }

        private final String name;
        private final DataType type;
        private final boolean out32;
        private final Fill fill;
        private final double[] sum;
        private final long[] n;
        private final Output[] out;
        private Object col;

        Mean1(String name, DataType type, DataType outType, Fill fill, Output[] out) {
            super(out.length);
            this.name = name;
            this.type = type;
            this.out32 = outType == DataType.FLOAT32;
            this.fill = fill;
            this.out = out;
            this.sum = new double[levels];
            this.n = new long[levels];
        }

        @Override
        void read(DggsStore src, long from, long to) throws IOException, DataException {
            col = src.read(name, from, to);
        }

        @Override
        void accumulate(int from, int to) {
            double s = 0;
            long c = 0;
            if (type == DataType.FLOAT32) {
                float[] v = (float[]) col;
                float f = (float) fill.value;
                boolean d = fill.declared;
                for (int i = from; i < to; i++) {
                    float x = v[i];
                    if (x != x || d && x == f) continue;
                    s += x;
                    c++;
                }
            } else if (type == DataType.FLOAT64) {
                double[] v = (double[]) col;
                double f = fill.value;
                boolean d = fill.declared;
                for (int i = from; i < to; i++) {
                    double x = v[i];
                    if (x != x || d && x == f) continue;
                    s += x;
                    c++;
                }
            } else {
                for (int i = from; i < to; i++) {
                    if (fill.isMissing(col, i)) continue;
                    s += doubleAt(col, type, i);
                    c++;
                }
            }
            sum[0] += s;
            n[0] += c;
        }

        @Override
        void emit(int j) {
            double m = n[j] == 0 ? Double.NaN : sum[j] / n[j];
            if (out32) ((float[]) out[j].buffer)[pos[j]] = (float) m;
            else ((double[]) out[j].buffer)[pos[j]] = m;
            if (j + 1 < levels) {
                sum[j + 1] += sum[j];
                n[j + 1] += n[j];
            }
            sum[j] = 0;
            n[j] = 0;
        }

        @Override
        Output[] outputs(int j) {
            return new Output[] {out[j]};
        }
    }

    /** {@link Mode} for one band of 8-bit codes: a 256-bin histogram per level, cleared through its touched bins. */
    static final class Mode8 extends LevelAggregator {
        @Override
        void batch(int[] evRow, int[] evTop, int events, int len) {
            // level-0 cells of one observation (most of them at the native depth) skip the histogram: the same
            // result as accumulate + emit(0)
            byte[] o0 = (byte[]) out[0].buffer;
            boolean d = fill.declared;
            byte f = (byte) fill.bits;
            boolean up = levels > 1;
            int r0 = 0;
            for (int e = 0; e < events; e++) {
                int r1 = evRow[e];
                if (r1 - r0 == 1 && nt[0] == 0) {
                    byte b = col[r0];
                    if (d && b == f) {
                        o0[pos[0]] = fillCode;
                    } else {
                        int k = b & 0xFF;
                        o0[pos[0]] = b;
                        if (up && counts[1][k]++ == 0) touched[1][nt[1]++] = k;
                    }
                } else {
                    accumulate(r0, r1);
                    emit(0);
                }
                pos[0]++;
                close(1, evTop[e]);
                r0 = r1;
            }
            accumulate(r0, len);
        }

        private final String name;
        private final boolean signed;
        private final Fill fill;
        private final byte fillCode;
        private final long[][] counts;
        private final int[][] touched;
        private final int[] nt;
        private final Output[] out;
        private byte[] col;

        Mode8(String name, DataType type, Fill fill, long outFill, Output[] out) {
            super(out.length);
            this.name = name;
            this.signed = type == DataType.INT8;
            this.fill = fill;
            this.fillCode = (byte) outFill;
            this.out = out;
            this.counts = new long[levels][256];
            this.touched = new int[levels][256];
            this.nt = new int[levels];
        }

        @Override
        void read(DggsStore src, long from, long to) throws IOException, DataException {
            col = (byte[]) src.read(name, from, to);
        }

        @Override
        void accumulate(int from, int to) {
            long[] c = counts[0];
            int[] t = touched[0];
            boolean d = fill.declared;
            byte f = (byte) fill.bits;
            for (int i = from; i < to; i++) {
                byte b = col[i];
                if (d && b == f) continue;
                int k = b & 0xFF;
                if (c[k]++ == 0) t[nt[0]++] = k;
            }
        }

        private int value(int k) {
            return signed ? (byte) k : k;
        }

        @Override
        void emit(int j) {
            long[] c = counts[j];
            int[] t = touched[j];
            int best = -1;
            long bestCount = 0;
            for (int e = 0; e < nt[j]; e++) {
                int k = t[e];
                if (c[k] > bestCount || c[k] == bestCount && value(k) < value(best)) {
                    best = k;
                    bestCount = c[k];
                }
            }
            ((byte[]) out[j].buffer)[pos[j]] = best < 0 ? fillCode : (byte) best;
            boolean up = j + 1 < levels;
            long[] uc = up ? counts[j + 1] : null;
            for (int e = 0; e < nt[j]; e++) {
                int k = t[e];
                if (up) {
                    if (uc[k] == 0) touched[j + 1][nt[j + 1]++] = k;
                    uc[k] += c[k];
                }
                c[k] = 0;
            }
            nt[j] = 0;
        }

        @Override
        Output[] outputs(int j) {
            return new Output[] {out[j]};
        }
    }
}
