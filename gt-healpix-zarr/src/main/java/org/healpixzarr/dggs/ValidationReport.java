package org.healpixzarr.dggs;

import java.util.List;

/**
 * Result of {@link DggsValidator#validate}.
 *
 * @param store    the store checked
 * @param problems what is wrong, each naming the object, the expected and the actual; empty if valid
 * @param cells    cells checked
 * @param objects  objects (files) read
 */
public record ValidationReport(String store, List<String> problems, long cells, long objects) {
    /** Whether no problem was found. */
    public boolean valid() {
        return problems.isEmpty();
    }
}
