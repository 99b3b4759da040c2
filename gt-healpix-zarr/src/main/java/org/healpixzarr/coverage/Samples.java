package org.healpixzarr.coverage;

import java.util.List;
import java.util.Map;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.zarr.DataType;

/**
 * The result of {@link CellSampler#sample}: per point, the cell it took its value from (if any) and the values
 * of the requested variables. Immutable (it refers to decoded chunks shared with the sampler's cache, never
 * modified), so thread-safe.
 *
 * <p>Embeddings (TESSERA stores): {@code value("embeddings", band, i)} is the stored int8; the embedding is
 * that value times {@code value("scales", 0, i)} (see {@link #dequantised}).
 *
 * <p>CONTRACT (issue 5): implemented by the coverage work; used by render/export and the OGC service.
 */
public final class Samples {
    /** Synthetic variable name: the number of observations behind each value (see {@link #count}). */
    public static final String COUNT = "count";

    /** The values of one variable: the decoded chunks the points refer to (null for chunks not needed). */
    record Column(VariableInfo info, Object[] chunks, boolean hasFill, double fill) {
        Column(VariableInfo info, Object[] chunks) {
            this(info, chunks, Samples.fill(info) != null, Samples.fill(info) == null ? 0 : Samples.fill(info));
        }
    }

    private final int depth;
    private final long[] cellId;
    private final int[] chunk;
    private final int[] offset;
    private final Map<String, Column> columns;
    private final Column counts;

    Samples(int depth, long[] cellId, int[] chunk, int[] offset, Map<String, Column> columns, Column counts) {
        this.depth = depth;
        this.cellId = cellId;
        this.chunk = chunk;
        this.offset = offset;
        this.columns = columns;
        this.counts = counts;
    }

    /** Number of points. */
    public int size() { return cellId.length; }

    /** Depth of the cells the values come from: an overview depth, or the store's depth (nearest observation). */
    public int depth() { return depth; }

    /** Whether point {@code i} has a cell. */
    public boolean has(int i) { return chunk[i] >= 0; }

    /** Nested id at {@link #depth()} of the cell point {@code i} took its value from, or -1. */
    public long cellId(int i) { return cellId[i]; }

    /** Chunk of the level the value of point {@code i} is read from, -1 if none (tests). */
    int chunk(int i) { return chunk[i]; }

    /** Row within {@link #chunk} of the value of point {@code i} (tests). */
    int offset(int i) { return offset[i]; }

    /** Number of observations aggregated in that cell (1 at the store's depth), 0 if none. */
    public long count(int i) {
        if (chunk[i] < 0) return 0;
        if (counts == null) return 1;
        double c = raw(counts, i, 0);
        return Double.isNaN(c) ? 0 : (long) c;
    }

    /** The variables sampled, in request order (including {@value #COUNT} if it was requested). */
    public List<String> variables() { return List.copyOf(columns.keySet()); }

    /**
     * A value as a double: NaN where the point has no cell or the value is the variable's fill value. Integer
     * classes and bit fields come back exactly (their codes are below 2^53). The synthetic variable
     * {@value #COUNT}, where the level has no such array, is 1 wherever the point has a cell.
     *
     * @param band 0 for single-band variables
     * @throws IllegalArgumentException if the variable was not sampled or the band is out of range
     */
    public double value(String variable, int band, int i) {
        Column c = column(variable, band);
        if (chunk[i] < 0) return Double.NaN;
        if (c == null) return 1; // synthetic count at the store's depth
        return raw(c, i, band);
    }

    /** One band at every point (a new array), NaN where there is no value. */
    public float[] band(String variable, int band) {
        Column c = column(variable, band);
        float[] out = new float[cellId.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = chunk[i] < 0 ? Float.NaN : c == null ? 1f : (float) raw(c, i, band);
        }
        return out;
    }

    /**
     * An embedding component: {@code value(variable, band, i) × value(scaleVariable, 0, i)}, NaN where either is.
     *
     * @param variable      the quantised embeddings (e.g. {@code embeddings}, int8 [cells, 128])
     * @param scaleVariable the per-cell scale (e.g. {@code scales}, float32)
     */
    public double dequantised(String variable, String scaleVariable, int band, int i) {
        return value(variable, band, i) * value(scaleVariable, 0, i);
    }

    private Column column(String variable, int band) {
        Column c = columns.get(variable);
        if (c == null && !columns.containsKey(variable)) {
            throw new IllegalArgumentException("variable '" + variable + "' was not sampled; sampled: " + columns.keySet());
        }
        int bands = c == null ? 1 : c.info().bands();
        if (band < 0 || band >= bands) {
            throw new IllegalArgumentException("band " + band + " of '" + variable + "' out of range 0.." + (bands - 1));
        }
        return c;
    }

    private double raw(Column c, int i, int band) {
        VariableInfo v = c.info();
        double x = get(v.dataType(), c.chunks()[chunk[i]], offset[i] * v.bands() + band);
        if (c.hasFill() && (x == c.fill() || (Double.isNaN(x) && Double.isNaN(c.fill())))) return Double.NaN;
        return x;
    }

    /**
     * The no-data value of a variable as the double {@link #get} returns for it: the CF {@code _FillValue}
     * attribute (the writer records it, equal to the Zarr fill value, only for variables that have one), or NaN
     * for floating-point variables without one; {@code null} if the variable has no no-data value.
     */
    static Double fill(VariableInfo v) {
        Object f = v.attributes().get("_FillValue");
        if (!(f instanceof Number)) return v.dataType().isFloat() ? Double.NaN : null;
        Number n = (Number) f;
        switch (v.dataType()) {
            case FLOAT32: return (double) n.floatValue();
            case FLOAT64: return n.doubleValue();
            case UINT8: return (double) (n.longValue() & 0xFF);
            case UINT16: return (double) (n.longValue() & 0xFFFF);
            case UINT32: return (double) (n.longValue() & 0xFFFF_FFFFL);
            case UINT64: {
                long l = n.longValue();
                return l >= 0 ? (double) l : Math.scalb((double) (l >>> 1), 1);
            }
            default: return n.doubleValue();
        }
    }

    /** Element k of a decoded chunk as a double (unsigned types as their unsigned value). */
    static double get(DataType t, Object a, int k) {
        switch (t) {
            case INT8: return ((byte[]) a)[k];
            case UINT8: return ((byte[]) a)[k] & 0xFF;
            case INT16: return ((short[]) a)[k];
            case UINT16: return ((short[]) a)[k] & 0xFFFF;
            case INT32: return ((int[]) a)[k];
            case UINT32: return ((int[]) a)[k] & 0xFFFF_FFFFL;
            case INT64: return ((long[]) a)[k];
            case UINT64: {
                long v = ((long[]) a)[k];
                return v >= 0 ? v : Math.scalb((double) (v >>> 1), 1);
            }
            case FLOAT32: return ((float[]) a)[k];
            case FLOAT64: return ((double[]) a)[k];
            default: throw new IllegalStateException(t.toString());
        }
    }
}
