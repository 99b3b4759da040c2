package org.healpixzarr.healpix;

import java.util.Arrays;

/**
 * Immutable set of {@code long} values stored as sorted, disjoint, non-adjacent half-open ranges
 * {@code [start, end)}; typically nested HEALPix cell ids at one depth. Adjacent or overlapping
 * input ranges are merged. Instances are immutable and thread-safe.
 */
public final class RangeSet {
    private static final long[] NONE = new long[0];
    /** Empty set. */
    public static final RangeSet EMPTY = new RangeSet(NONE, 0);

    /** start0, end0, start1, end1, ... (only the first 2*size entries are used). */
    private final long[] bounds;
    private final int size;

    private RangeSet(long[] bounds, int size) {
        this.bounds = bounds;
        this.size = size;
    }

    /** Number of ranges. */
    public int size() {
        return size;
    }

    /** Inclusive start of range {@code i}, 0 ≤ i &lt; size(). */
    public long start(int i) {
        checkIndex(i);
        return bounds[2 * i];
    }

    /** Exclusive end of range {@code i}, 0 ≤ i &lt; size(). */
    public long end(int i) {
        checkIndex(i);
        return bounds[2 * i + 1];
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("range " + i + " of " + size);
    }

    /** Whether {@code value} lies in one of the ranges (binary search, O(log size)). */
    public boolean contains(long value) {
        int lo = 0, hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (value < bounds[2 * mid]) hi = mid - 1;
            else if (value >= bounds[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }

    /** Total number of values covered (sum of range lengths). */
    public long cellCount() {
        long n = 0;
        for (int i = 0; i < size; i++) n += bounds[2 * i + 1] - bounds[2 * i];
        return n;
    }

    /**
     * Re-expresses a set of nested cell ids at {@code fromDepth} at {@code toDepth}. To a finer depth,
     * both ends are shifted left by {@code 2*(toDepth-fromDepth)} (the exact set of descendants); to a
     * coarser depth, each range becomes the range of parents of its cells (a superset), merged.
     *
     * @param fromDepth depth of the ids in this set, 0..29
     * @param toDepth target depth, 0..29
     */
    public RangeSet toDepth(int fromDepth, int toDepth) {
        HealpixGrid.checkDepth(fromDepth);
        HealpixGrid.checkDepth(toDepth);
        if (fromDepth == toDepth || size == 0) return this;
        Builder b = new Builder(size);
        if (toDepth > fromDepth) {
            int s = 2 * (toDepth - fromDepth);
            for (int i = 0; i < size; i++) b.add(bounds[2 * i] << s, bounds[2 * i + 1] << s);
        } else {
            int s = 2 * (fromDepth - toDepth);
            for (int i = 0; i < size; i++) b.add(bounds[2 * i] >>> s, ((bounds[2 * i + 1] - 1) >>> s) + 1);
        }
        return b.build();
    }

    /**
     * Creates a set from {@code {start0, end0, start1, end1, ...}}; ranges must be sorted by start,
     * non-empty ({@code start < end}) and non-overlapping; touching ranges are merged.
     *
     * @throws IllegalArgumentException if the array has odd length, a range is empty or reversed,
     *     or ranges overlap or are out of order
     */
    public static RangeSet of(long[] startsAndEnds) {
        if (startsAndEnds.length % 2 != 0) throw new IllegalArgumentException("odd number of bounds: " + startsAndEnds.length);
        Builder b = new Builder(startsAndEnds.length / 2);
        for (int i = 0; i < startsAndEnds.length; i += 2) {
            long s = startsAndEnds[i], e = startsAndEnds[i + 1];
            if (s >= e) throw new IllegalArgumentException("empty or reversed range [" + s + ", " + e + ") at " + i / 2);
            if (b.n > 0 && s < b.b[2 * b.n - 1])
                throw new IllegalArgumentException("range [" + s + ", " + e + ") at " + i / 2 + " overlaps or precedes the previous one");
            b.add(s, e);
        }
        return b.build();
    }

    /** Union of two sets. */
    public RangeSet union(RangeSet other) {
        Builder b = new Builder(size + other.size);
        int i = 0, j = 0;
        while (i < size || j < other.size) {
            boolean takeThis = j >= other.size || (i < size && bounds[2 * i] <= other.bounds[2 * j]);
            if (takeThis) {
                b.addUnordered(bounds[2 * i], bounds[2 * i + 1]);
                i++;
            } else {
                b.addUnordered(other.bounds[2 * j], other.bounds[2 * j + 1]);
                j++;
            }
        }
        return b.build();
    }

    /** {@code {start0, end0, ...}}, a fresh copy. */
    public long[] toArray() {
        return Arrays.copyOf(bounds, 2 * size);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RangeSet)) return false;
        RangeSet r = (RangeSet) o;
        return size == r.size && Arrays.equals(bounds, 0, 2 * size, r.bounds, 0, 2 * size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < 2 * size; i++) h = 31 * h + Long.hashCode(bounds[i]);
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RangeSet[");
        for (int i = 0; i < Math.min(size, 20); i++) {
            if (i > 0) sb.append(", ");
            sb.append('[').append(bounds[2 * i]).append(',').append(bounds[2 * i + 1]).append(')');
        }
        if (size > 20) sb.append(", ... ").append(size - 20).append(" more");
        return sb.append(']').toString();
    }

    /**
     * Accumulates ranges given in non-decreasing start order; overlapping or touching ranges are
     * merged. Not thread-safe.
     */
    public static final class Builder {
        private long[] b;
        private int n;

        /** New builder. */
        public Builder() {
            this(16);
        }

        Builder(int capacity) {
            b = new long[2 * Math.max(capacity, 4)];
        }

        /**
         * Adds {@code [start, end)}; {@code start} must be ≥ the start of the previously added range.
         *
         * @throws IllegalArgumentException if out of order or {@code start > end}
         */
        public Builder add(long start, long end) {
            if (start > end) throw new IllegalArgumentException("reversed range [" + start + ", " + end + ")");
            if (n > 0 && start < b[2 * n - 2]) throw new IllegalArgumentException("ranges must be added in order of start");
            addUnordered(start, end);
            return this;
        }

        void addUnordered(long start, long end) {
            if (start >= end) return;
            if (n > 0 && start <= b[2 * n - 1]) {
                if (end > b[2 * n - 1]) b[2 * n - 1] = end;
                return;
            }
            if (2 * n == b.length) b = Arrays.copyOf(b, 2 * b.length);
            b[2 * n] = start;
            b[2 * n + 1] = end;
            n++;
        }

        /** The set; the builder may continue to be used. */
        public RangeSet build() {
            return n == 0 ? EMPTY : new RangeSet(Arrays.copyOf(b, 2 * n), n);
        }
    }
}
