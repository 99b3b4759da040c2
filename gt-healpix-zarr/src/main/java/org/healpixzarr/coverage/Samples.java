package org.healpixzarr.coverage;

/**
 * The result of {@link CellSampler#sample}: per point, the cell it took its value from (if any) and the values
 * of the requested variables. Immutable.
 *
 * <p>CONTRACT (issue 5): implemented by the coverage work; used by render/export and the OGC service.
 */
public final class Samples {
    private Samples() {}

    /** Number of points. */
    public int size() { throw new UnsupportedOperationException("issue 5"); }

    /** Depth of the cells the values come from: an overview depth, or the store's depth (nearest observation). */
    public int depth() { throw new UnsupportedOperationException("issue 5"); }

    /** Whether point {@code i} has a cell. */
    public boolean has(int i) { throw new UnsupportedOperationException("issue 5"); }

    /** Nested id at {@link #depth()} of the cell point {@code i} took its value from, or -1. */
    public long cellId(int i) { throw new UnsupportedOperationException("issue 5"); }

    /** Number of observations aggregated in that cell (1 at the store's depth), 0 if none. */
    public long count(int i) { throw new UnsupportedOperationException("issue 5"); }

    /**
     * A value as a double: NaN where the point has no cell or the value is the variable's fill value. Integer
     * classes and bit fields come back exactly (their codes are below 2^53).
     *
     * @param band 0 for single-band variables
     */
    public double value(String variable, int band, int i) { throw new UnsupportedOperationException("issue 5"); }

    /** One band at every point (a new array), NaN where there is no value. */
    public float[] band(String variable, int band) { throw new UnsupportedOperationException("issue 5"); }
}
