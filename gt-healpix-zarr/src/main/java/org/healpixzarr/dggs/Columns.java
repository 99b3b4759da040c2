package org.healpixzarr.dggs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.healpixzarr.zarr.DataType;

/**
 * Typed operations on the primitive arrays that carry variable values (byte[], short[], int[], long[],
 * float[], double[]), without boxing. Stateless.
 */
final class Columns {
    private Columns() {}

    /** Checks that {@code values} is the Java array type of {@code type}. */
    static void checkType(String name, DataType type, Object values) {
        Class<?> expected = type.newArray(0).getClass();
        if (values == null || values.getClass() != expected) {
            throw new IllegalArgumentException("values of " + name + " must be " + expected.getSimpleName() + " for "
                    + type.v3Name() + ", found " + (values == null ? "null" : values.getClass().getSimpleName()));
        }
    }

    /** Copies {@code count} values starting at {@code offset} into a new array. */
    static Object slice(Object src, int offset, int count) {
        Object out = java.lang.reflect.Array.newInstance(src.getClass().getComponentType(), count);
        System.arraycopy(src, offset, out, 0, count);
        return out;
    }

    /** Writes values {@code [offset, offset + count)} of {@code src} to {@code out} in little-endian order. */
    static void putBytes(Object src, int offset, int count, ByteBuffer out) {
        if (src instanceof byte[]) {
            out.put((byte[]) src, offset, count);
        } else if (src instanceof short[]) {
            for (int i = 0; i < count; i++) out.putShort(((short[]) src)[offset + i]);
        } else if (src instanceof int[]) {
            for (int i = 0; i < count; i++) out.putInt(((int[]) src)[offset + i]);
        } else if (src instanceof long[]) {
            for (int i = 0; i < count; i++) out.putLong(((long[]) src)[offset + i]);
        } else if (src instanceof float[]) {
            for (int i = 0; i < count; i++) out.putFloat(((float[]) src)[offset + i]);
        } else if (src instanceof double[]) {
            for (int i = 0; i < count; i++) out.putDouble(((double[]) src)[offset + i]);
        } else {
            throw new IllegalArgumentException("not a primitive value array: " + src.getClass());
        }
    }

    /** Decodes {@code count} little-endian values of {@code type} from {@code bytes[0..)} into {@code out[0..count)}. */
    static void fromBytes(DataType type, byte[] bytes, int count, Object out) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (out instanceof byte[]) System.arraycopy(bytes, 0, out, 0, count);
        else if (out instanceof short[]) b.asShortBuffer().get((short[]) out, 0, count);
        else if (out instanceof int[]) b.asIntBuffer().get((int[]) out, 0, count);
        else if (out instanceof long[]) b.asLongBuffer().get((long[]) out, 0, count);
        else if (out instanceof float[]) b.asFloatBuffer().get((float[]) out, 0, count);
        else if (out instanceof double[]) b.asDoubleBuffer().get((double[]) out, 0, count);
        else throw new IllegalArgumentException("not a " + type + " value array: " + out.getClass());
    }
}
