package org.healpixzarr.input;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One variable of a {@link Swath}, one value per pixel, in the source's own data type.
 *
 * <p>The values are a primitive Java array ({@code byte[]}, {@code short[]}, {@code int[]},
 * {@code long[]}, {@code float[]} or {@code double[]}) of length {@code rows × cols × bands}
 * in row-major order (band fastest). Unsigned Zarr types are carried in the signed Java type of the
 * same width. Immutable in intent: callers must not modify the array after construction.
 *
 * @param name       the variable name as it will appear in the store (already disambiguated)
 * @param dataType   the Zarr v3 data type name: {@code int8 int16 int32 int64 uint8 uint16 uint32
 *                   uint64 float32 float64}
 * @param bands      number of values per pixel (1 for a scalar variable)
 * @param values     the values, see above
 * @param fillValue  the value meaning "no data", or {@code null} if the variable has none
 * @param attributes CF attributes for the array ({@code units}, {@code long_name},
 *                   {@code flag_values}, {@code flag_meanings}, {@code flag_masks}, {@code source}, ...);
 *                   never {@code _FillValue} (the fill is {@link #fillValue})
 * @param kind       how overviews aggregate it
 */
public record SwathVariable(String name, String dataType, int bands, Object values, Number fillValue,
                            Map<String, Object> attributes, Kind kind) {

    /** How a variable is aggregated into coarser cells. */
    public enum Kind {
        /** A physical quantity: mean. */
        QUANTITY,
        /** Classes or flag values: mode. */
        CLASS,
        /** Bit fields: bitwise OR. */
        BITS
    }

    public SwathVariable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(kind, "kind");
        if (bands < 1) throw new IllegalArgumentException("bands must be >= 1: " + bands);
        if (!values.getClass().isArray() || !values.getClass().getComponentType().isPrimitive()) {
            throw new IllegalArgumentException("values of " + name + " must be a primitive array, not " + values.getClass());
        }
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
    }

    /** Number of values (pixels × bands). */
    public int length() {
        return java.lang.reflect.Array.getLength(values);
    }
}
