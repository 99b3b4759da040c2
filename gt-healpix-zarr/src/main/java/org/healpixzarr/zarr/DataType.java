package org.healpixzarr.zarr;

import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/**
 * The numeric element types supported by this Zarr implementation.
 *
 * <p>In memory every type is held in the Java primitive array of the same width
 * ({@link #newArray}); unsigned types use the signed primitive holding the same bits (for
 * example a {@code uint64} of 2<sup>63</sup> is the {@code long} {@link Long#MIN_VALUE}); use
 * {@link Byte#toUnsignedInt}, {@link Integer#toUnsignedLong}, {@link Long#toUnsignedString}
 * to interpret them. On disk all multi-byte values are little endian. Immutable, thread-safe.
 */
public enum DataType {
    /** Signed 8-bit integer, {@code byte[]}. */
    INT8("int8", "|i1", 1, false, false),
    /** Signed 16-bit integer, {@code short[]}. */
    INT16("int16", "<i2", 2, false, false),
    /** Signed 32-bit integer, {@code int[]}. */
    INT32("int32", "<i4", 4, false, false),
    /** Signed 64-bit integer, {@code long[]}. */
    INT64("int64", "<i8", 8, false, false),
    /** Unsigned 8-bit integer, {@code byte[]} holding the bits. */
    UINT8("uint8", "|u1", 1, true, false),
    /** Unsigned 16-bit integer, {@code short[]} holding the bits. */
    UINT16("uint16", "<u2", 2, true, false),
    /** Unsigned 32-bit integer, {@code int[]} holding the bits. */
    UINT32("uint32", "<u4", 4, true, false),
    /** Unsigned 64-bit integer, {@code long[]} holding the bits. */
    UINT64("uint64", "<u8", 8, true, false),
    /** IEEE 754 binary32, {@code float[]}. */
    FLOAT32("float32", "<f4", 4, false, true),
    /** IEEE 754 binary64, {@code double[]}. */
    FLOAT64("float64", "<f8", 8, false, true);

    private final String v3;
    private final String v2;
    private final int size;
    private final boolean unsigned;
    private final boolean floating;

    DataType(String v3, String v2, int size, boolean unsigned, boolean floating) {
        this.v3 = v3;
        this.v2 = v2;
        this.size = size;
        this.unsigned = unsigned;
        this.floating = floating;
    }

    /** The Zarr v3 {@code data_type} name, e.g. {@code "uint64"}. */
    public String v3Name() {
        return v3;
    }

    /** The Zarr v2 (NumPy) {@code dtype} string, little endian, e.g. {@code "<u8"} or {@code "|i1"}. */
    public String v2Name() {
        return v2;
    }

    /** Size of one element in bytes (1, 2, 4 or 8). */
    public int byteSize() {
        return size;
    }

    /** Whether this is FLOAT32 or FLOAT64. */
    public boolean isFloat() {
        return floating;
    }

    /** Whether this is one of the UINT types. */
    public boolean isUnsigned() {
        return unsigned;
    }

    /**
     * The type of a Zarr v3 {@code data_type} name.
     *
     * @param name e.g. {@code "float32"}
     * @return the type
     * @throws FormatException if the name is not one of the supported types (e.g. {@code "bool"},
     *         {@code "complex64"} or an extension type)
     */
    public static DataType fromV3Name(String name) throws FormatException {
        for (DataType t : values()) {
            if (t.v3.equals(name)) return t;
        }
        throw new FormatException(DataException.describe(null, "unsupported Zarr v3 data_type",
                "one of int8..int64, uint8..uint64, float32, float64", name == null ? "null" : "\"" + name + "\"", null));
    }

    /**
     * The type of a Zarr v2 dtype string; either byte order is accepted.
     *
     * @return the type and whether the stored byte order is big endian (index 0: type, 1: Boolean)
     */
    static Object[] fromV2Name(String name) throws FormatException {
        if (name != null && name.length() == 3) {
            char order = name.charAt(0);
            String base = name.substring(1);
            for (DataType t : values()) {
                if (t.v2.substring(1).equals(base)
                        && (order == '<' || order == '>' || order == '|' || (order == '=' && t.size == 1))) {
                    if (order == '|' && t.size != 1) break;
                    return new Object[] {t, order == '>' && t.size > 1};
                }
            }
        }
        throw new FormatException(DataException.describe(null, "unsupported Zarr v2 dtype",
                "one of |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 <f4 <f8 (or > byte order)", name == null ? "null" : "\"" + name + "\"", null));
    }

    /**
     * A new zero-filled array for {@code length} elements: {@code byte[]} for INT8/UINT8,
     * {@code short[]} for (U)INT16, {@code int[]} for (U)INT32, {@code long[]} for (U)INT64,
     * {@code float[]}, {@code double[]}.
     */
    public Object newArray(int length) {
        switch (this) {
            case INT8: case UINT8: return new byte[length];
            case INT16: case UINT16: return new short[length];
            case INT32: case UINT32: return new int[length];
            case INT64: case UINT64: return new long[length];
            case FLOAT32: return new float[length];
            default: return new double[length];
        }
    }

    /** The Java array class used for this type. */
    Class<?> arrayClass() {
        switch (this) {
            case INT8: case UINT8: return byte[].class;
            case INT16: case UINT16: return short[].class;
            case INT32: case UINT32: return int[].class;
            case INT64: case UINT64: return long[].class;
            case FLOAT32: return float[].class;
            default: return double[].class;
        }
    }
}
