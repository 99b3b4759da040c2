package org.healpixzarr.dggs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.healpixzarr.zarr.DataType;

/**
 * Declaration of one variable of a DGGS-Zarr store.
 *
 * @param name       array name: letters, digits, {@code _ - .}, not {@code cell_ids}, not starting with a dot
 * @param dataType   the stored type (the source's own)
 * @param bands      values per cell; 1 gives a {@code [cells]} array, more a {@code [cells, bands]} array
 * @param fillValue  the no-data value, or {@code null}
 * @param attributes CF attributes (units, long_name, flag_values, flag_meanings, ...)
 * @param kind       aggregation kind for overviews
 */
public record VariableSpec(String name, DataType dataType, int bands, Number fillValue,
                           Map<String, Object> attributes, VariableKind kind) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");

    public VariableSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(kind, "kind");
        if (!NAME.matcher(name).matches() || name.equals(DggsConvention.COORDINATE) || name.equals("index")
                || name.equals("overviews")) {
            throw new IllegalArgumentException("invalid variable name '" + name
                    + "': use letters, digits, _ . -, and not the reserved names cell_ids, index, overviews");
        }
        if (bands < 1) throw new IllegalArgumentException("bands of " + name + " must be >= 1, found " + bands);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
    }

    /** Bytes per cell. */
    int bytesPerCell() {
        return dataType.byteSize() * bands;
    }
}
