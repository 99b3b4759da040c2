package org.healpixzarr.zarr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Hyperslab arithmetic and copying between C-order primitive arrays. */
final class Regions {
    private Regions() {}

    static long product(int[] s) {
        long n = 1;
        for (int v : s) n *= v;
        return n;
    }

    /**
     * The grid cells (coordinates in cell units) intersecting the box {@code [start, start+shape)},
     * in C order. Empty if the box is empty.
     */
    static List<long[]> cells(long[] start, int[] shape, int[] cell) {
        int r = start.length;
        long[] lo = new long[r];
        long[] hi = new long[r];
        for (int d = 0; d < r; d++) {
            if (shape[d] == 0) return List.of();
            lo[d] = start[d] / cell[d];
            hi[d] = (start[d] + shape[d] - 1) / cell[d];
        }
        List<long[]> out = new ArrayList<>();
        long[] c = lo.clone();
        while (true) {
            out.add(c.clone());
            int d = r - 1;
            while (d >= 0) {
                if (++c[d] <= hi[d]) break;
                c[d] = lo[d];
                d--;
            }
            if (d < 0) return out;
        }
    }

    /** Intersection of two boxes, as {start, end} (end exclusive); null if empty. */
    static long[][] intersect(long[] aStart, long[] aEnd, long[] bStart, long[] bEnd) {
        int r = aStart.length;
        long[] s = new long[r];
        long[] e = new long[r];
        for (int d = 0; d < r; d++) {
            s[d] = Math.max(aStart[d], bStart[d]);
            e[d] = Math.min(aEnd[d], bEnd[d]);
            if (s[d] >= e[d]) return null;
        }
        return new long[][] {s, e};
    }

    static long[] end(long[] start, int[] shape) {
        long[] e = new long[start.length];
        for (int d = 0; d < e.length; d++) e[d] = start[d] + shape[d];
        return e;
    }

    static long[] origin(long[] coords, int[] cell) {
        long[] o = new long[coords.length];
        for (int d = 0; d < o.length; d++) o[d] = coords[d] * cell[d];
        return o;
    }

    /** Whether box a contains box b. */
    static boolean contains(long[] aStart, long[] aEnd, long[] bStart, long[] bEnd) {
        for (int d = 0; d < aStart.length; d++) {
            if (bStart[d] < aStart[d] || bEnd[d] > aEnd[d]) return false;
        }
        return true;
    }

    /**
     * Copies the box {@code [boxStart, boxEnd)} (absolute coordinates) from {@code src}, a C-order
     * array covering {@code [srcOrigin, srcOrigin+srcShape)}, into {@code dst} covering
     * {@code [dstOrigin, dstOrigin+dstShape)}.
     */
    static void copy(Object src, long[] srcOrigin, int[] srcShape, Object dst, long[] dstOrigin, int[] dstShape,
            long[] boxStart, long[] boxEnd) {
        int r = srcShape.length;
        long[] sStride = strides(srcShape);
        long[] dStride = strides(dstShape);
        int[] idx = new int[r];
        int[] cnt = new int[r];
        for (int d = 0; d < r; d++) cnt[d] = (int) (boxEnd[d] - boxStart[d]);
        // trailing dimensions the box spans whole in both arrays are contiguous in both: one copy per run of them
        // (a block of full rows of a 2-D chunk is one copy, not one per row)
        int last = r - 1;
        int len = cnt[last];
        while (last > 0 && cnt[last] == srcShape[last] && cnt[last] == dstShape[last]) {
            last--;
            len = Math.multiplyExact(len, cnt[last]);
        }
        while (true) {
            long so = 0;
            long doff = 0;
            for (int d = 0; d < r; d++) {
                long p = boxStart[d] + idx[d];
                so += (p - srcOrigin[d]) * sStride[d];
                doff += (p - dstOrigin[d]) * dStride[d];
            }
            System.arraycopy(src, (int) so, dst, (int) doff, len);
            int d = last - 1;
            while (d >= 0) {
                if (++idx[d] < cnt[d]) break;
                idx[d] = 0;
                d--;
            }
            if (d < 0) return;
        }
    }

    static long[] strides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    /** Fills a primitive array with the element whose raw bits are {@code bits}. */
    static void fill(Object arr, long bits) {
        if (arr instanceof byte[]) Arrays.fill((byte[]) arr, (byte) bits);
        else if (arr instanceof short[]) Arrays.fill((short[]) arr, (short) bits);
        else if (arr instanceof int[]) Arrays.fill((int[]) arr, (int) bits);
        else if (arr instanceof long[]) Arrays.fill((long[]) arr, bits);
        else if (arr instanceof float[]) Arrays.fill((float[]) arr, Float.intBitsToFloat((int) bits));
        else Arrays.fill((double[]) arr, Double.longBitsToDouble(bits));
    }

    /** Sets elements {@code [from, to)} of a primitive array to the fill bits. */
    static void fill(Object arr, int from, int to, long bits) {
        if (arr instanceof byte[]) Arrays.fill((byte[]) arr, from, to, (byte) bits);
        else if (arr instanceof short[]) Arrays.fill((short[]) arr, from, to, (short) bits);
        else if (arr instanceof int[]) Arrays.fill((int[]) arr, from, to, (int) bits);
        else if (arr instanceof long[]) Arrays.fill((long[]) arr, from, to, bits);
        else if (arr instanceof float[]) Arrays.fill((float[]) arr, from, to, Float.intBitsToFloat((int) bits));
        else Arrays.fill((double[]) arr, from, to, Double.longBitsToDouble(bits));
    }

    /** Whether every element equals the fill (NaN matches NaN). */
    static boolean allFill(Object arr, long bits) {
        if (arr instanceof byte[]) {
            byte f = (byte) bits;
            for (byte v : (byte[]) arr) if (v != f) return false;
        } else if (arr instanceof short[]) {
            short f = (short) bits;
            for (short v : (short[]) arr) if (v != f) return false;
        } else if (arr instanceof int[]) {
            int f = (int) bits;
            for (int v : (int[]) arr) if (v != f) return false;
        } else if (arr instanceof long[]) {
            for (long v : (long[]) arr) if (v != bits) return false;
        } else if (arr instanceof float[]) {
            int f = Float.floatToIntBits(Float.intBitsToFloat((int) bits));
            for (float v : (float[]) arr) if (Float.floatToIntBits(v) != f) return false;
        } else {
            long f = Double.doubleToLongBits(Double.longBitsToDouble(bits));
            for (double v : (double[]) arr) if (Double.doubleToLongBits(v) != f) return false;
        }
        return true;
    }
}
