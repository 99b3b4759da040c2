package org.healpixzarr.dggs;

/** How a variable is aggregated into coarser cells (overviews). */
public enum VariableKind {
    /** A physical quantity: arithmetic mean of the valid values. */
    QUANTITY("mean"),
    /** Classes or enumerated flag values: the most frequent valid value (mode), ties to the smallest. */
    CLASS("mode"),
    /** Bit fields: bitwise OR of the valid values. */
    BITS("or");

    private final String aggregation;

    VariableKind(String aggregation) {
        this.aggregation = aggregation;
    }

    /** The aggregation's name as recorded in the store ({@code mean}, {@code mode}, {@code or}). */
    public String aggregation() {
        return aggregation;
    }
}
