package org.healpixzarr.render;

import java.io.IOException;
import java.util.Arrays;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.zarr.DataType;

/**
 * A bounded sample of a variable's valid values, to derive colour ranges and the classes present when the
 * metadata does not give them: every observation of a store of at most {@value #MAX_ROWS} cells; otherwise all the
 * cells of the store's coarsest overview level if it has one and it is small, else windows of rows spread evenly
 * over that level (or over the store without overviews). Fill values, NaN and the
 * float fill of EarthCARE products (|v| ≥ 9e36) are left out. Stateless.
 */
final class DataSample {
    /** Rows read at most per variable. */
    static final int MAX_ROWS = 65_536;
    private static final int WINDOWS = 16;

    private DataSample() {}

    /**
     * Valid values of every band of a variable ({@code [band][k]}, in no particular order). For a variable with a
     * dequantisation scale ({@link Dequantisation}), the dequantised values.
     */
    static double[][] values(DggsStore store, String variable) throws IOException, DataException {
        DggsStore level = source(store);
        VariableInfo v = level.variable(variable);
        String scaleVar = Dequantisation.scaleVariable(level, variable);
        VariableInfo sv = scaleVar == null ? null : level.variable(scaleVar);
        int bands = v.bands();
        long n = level.cellCount();
        double[][] out = new double[bands][(int) Math.min(n, MAX_ROWS)];
        int[] k = new int[bands];
        for (long[] w : windows(n)) {
            Object raw = level.read(variable, w[0], w[1]);
            Object scales = scaleVar == null ? null : level.read(scaleVar, w[0], w[1]);
            int rows = (int) (w[1] - w[0]);
            for (int r = 0; r < rows; r++) {
                double s = 1;
                if (scales != null) {
                    s = valueAt(scales, sv.dataType(), r);
                    if (!Dequantisation.validScale(s, fill(sv))) continue;
                }
                for (int b = 0; b < bands; b++) {
                    double x = valueAt(raw, v.dataType(), r * bands + b);
                    if (valid(x, fill(v))) out[b][k[b]++] = x * s;
                }
            }
        }
        for (int b = 0; b < bands; b++) out[b] = Arrays.copyOf(out[b], k[b]);
        return out;
    }

    /**
     * Where the sample is read: the store itself if it fits in the sample (its levels aggregate: a mean narrows the
     * range, a bitwise OR makes codes no observation has), else its coarsest overview level, else the store.
     */
    static DggsStore source(DggsStore store) throws IOException, DataException {
        int[] d = store.overviewDepths();
        return d.length == 0 || store.cellCount() <= MAX_ROWS ? store : store.overview(d[d.length - 1]);
    }

    /** Row windows [from, to) spread over {@code n} rows, {@link #MAX_ROWS} rows in all at most. */
    static long[][] windows(long n) {
        if (n <= MAX_ROWS) return n == 0 ? new long[0][] : new long[][] {{0, n}};
        long[][] w = new long[WINDOWS][];
        long len = MAX_ROWS / WINDOWS;
        for (int i = 0; i < WINDOWS; i++) {
            long start = (n - len) * i / (WINDOWS - 1);
            w[i] = new long[] {start, start + len};
        }
        return w;
    }

    /** Element {@code i} of a primitive array read from a Zarr array of type {@code t}, as a double. */
    static double valueAt(Object array, DataType t, int i) {
        return switch (t) {
            case INT8 -> ((byte[]) array)[i];
            case UINT8 -> ((byte[]) array)[i] & 0xFF;
            case INT16 -> ((short[]) array)[i];
            case UINT16 -> ((short[]) array)[i] & 0xFFFF;
            case INT32 -> ((int[]) array)[i];
            case UINT32 -> ((int[]) array)[i] & 0xFFFFFFFFL;
            case INT64 -> ((long[]) array)[i];
            case UINT64 -> unsigned(((long[]) array)[i]);
            case FLOAT32 -> ((float[]) array)[i];
            case FLOAT64 -> ((double[]) array)[i];
        };
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2 + (v & 1);
    }

    /**
     * The no-data value of a variable: its {@code _FillValue} attribute, else none. (The Zarr {@code fill_value}
     * that {@link VariableInfo#fillValue()} reports is only the value of unwritten chunks: the writer defaults it
     * to 0 for integers, a valid embedding value.)
     */
    static Number fill(VariableInfo v) {
        Object f = v.attributes().get("_FillValue");
        if (f instanceof Number n) return n;
        if (f instanceof String s) {
            try {
                return Double.valueOf(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Whether a value is data: not NaN, not the fill value, not the EarthCARE float fill (|v| ≥ 9e36). */
    static boolean valid(double x, Number fill) {
        if (Double.isNaN(x) || Math.abs(x) >= 9e36) return false;
        return fill == null || x != fill.doubleValue();
    }

    /** The p-th percentile (0..100) of {@code sorted} by linear interpolation between ranks; NaN if empty. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
