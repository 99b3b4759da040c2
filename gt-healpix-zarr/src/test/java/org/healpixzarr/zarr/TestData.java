package org.healpixzarr.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;

/** Test data generation and exact (bitwise) comparison of primitive arrays. */
final class TestData {
    private TestData() {}

    static Object random(DataType t, int n, long seed) {
        Random r = new Random(seed);
        Object a = t.newArray(n);
        for (int i = 0; i < n; i++) {
            long v = r.nextLong();
            switch (t) {
                case INT8: case UINT8: ((byte[]) a)[i] = (byte) v; break;
                case INT16: case UINT16: ((short[]) a)[i] = (short) v; break;
                case INT32: case UINT32: ((int[]) a)[i] = (int) v; break;
                case INT64: case UINT64: ((long[]) a)[i] = v; break;
                case FLOAT32: ((float[]) a)[i] = i % 17 == 3 ? Float.NaN : i % 19 == 5 ? Float.NEGATIVE_INFINITY : (float) r.nextGaussian() * 1000; break;
                default: ((double[]) a)[i] = i % 17 == 3 ? Double.NaN : i % 23 == 7 ? -0.0 : r.nextGaussian() * 1e6; break;
            }
        }
        return a;
    }

    /** Raw bits of each element, zero-extended. */
    static long[] bits(Object a) {
        int n = java.lang.reflect.Array.getLength(a);
        long[] b = new long[n];
        for (int i = 0; i < n; i++) {
            if (a instanceof byte[]) b[i] = ((byte[]) a)[i] & 0xffL;
            else if (a instanceof short[]) b[i] = ((short[]) a)[i] & 0xffffL;
            else if (a instanceof int[]) b[i] = ((int[]) a)[i] & 0xffffffffL;
            else if (a instanceof long[]) b[i] = ((long[]) a)[i];
            else if (a instanceof float[]) b[i] = Float.floatToRawIntBits(((float[]) a)[i]) & 0xffffffffL;
            else b[i] = Double.doubleToRawLongBits(((double[]) a)[i]);
        }
        return b;
    }

    static void assertSameBits(Object expected, Object actual, String what) {
        assertArrayEquals(bits(expected), bits(actual), what);
    }

    /** The C-order sub-box of a full array of the given shape. */
    static Object sub(Object full, long[] fullShape, long[] off, int[] shape, DataType t) {
        int n = 1;
        for (int s : shape) n *= s;
        Object out = t.newArray(n);
        int[] fs = new int[fullShape.length];
        for (int i = 0; i < fs.length; i++) fs[i] = (int) fullShape[i];
        long[] end = Regions.end(off, shape);
        if (n > 0) Regions.copy(full, new long[off.length], fs, out, off, shape, off, end);
        return out;
    }

    /** Writes the sub-box {@code part} into the full array. */
    static void put(Object full, long[] fullShape, long[] off, int[] shape, Object part) {
        int[] fs = new int[fullShape.length];
        for (int i = 0; i < fs.length; i++) fs[i] = (int) fullShape[i];
        Regions.copy(part, off, shape, full, new long[off.length], fs, off, Regions.end(off, shape));
    }

    /** Parses oracle output: header line then one unsigned integer per line. */
    static long[] parseOracle(String out, StringBuilder header) {
        String[] lines = out.strip().split("\n");
        header.append(lines[0]);
        long[] b = new long[lines.length - 1];
        for (int i = 1; i < lines.length; i++) b[i - 1] = Long.parseUnsignedLong(lines[i].strip());
        return b;
    }
}
