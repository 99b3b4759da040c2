package org.healpixzarr.dggs;

import java.util.Map;
import org.healpixzarr.zarr.DataType;

/**
 * Description of a variable of an open store.
 *
 * @param name       array name
 * @param dataType   stored data type
 * @param bands      values per cell (1 for {@code [cells]} arrays)
 * @param fillValue  no-data value, or {@code null}
 * @param units      CF units, or {@code null}
 * @param longName   CF long_name, or {@code null}
 * @param kind       aggregation kind
 * @param attributes all array attributes
 */
public record VariableInfo(String name, DataType dataType, int bands, Number fillValue, String units, String longName,
                           VariableKind kind, Map<String, Object> attributes) {}
