package org.healpixzarr.dggs;

import java.util.List;
import java.util.Map;

/**
 * Cells read from a store: their ids (ascending, at the store's depth), and per requested variable a primitive
 * array of {@code ids.length × bands} values.
 *
 * @param ids    cell ids
 * @param values variable name to values, in the order requested
 * @param names  variable names, in the order requested
 */
public record CellBlock(long[] ids, Map<String, Object> values, List<String> names) {
    /** Number of cells. */
    public int size() {
        return ids.length;
    }
}
