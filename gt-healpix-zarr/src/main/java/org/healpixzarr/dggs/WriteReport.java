package org.healpixzarr.dggs;

import java.nio.file.Path;

/**
 * What a {@link DggsWriter} wrote.
 *
 * @param store              the committed store
 * @param rowsAdded          observations handed to the writer (including those without a cell)
 * @param rowsWithoutCell    observations whose cell id was -1 (no geolocation): skipped
 * @param cellsWritten       distinct cells written
 * @param collisions         observations dropped because their cell was already taken (rows - cells - skipped)
 * @param cellsWithCollision cells that received more than one observation
 * @param spilledRuns        sorted runs spilled to disk (0 when the input fitted the memory budget)
 * @param objects            files in the store
 * @param bytes              bytes in the store
 */
public record WriteReport(Path store, long rowsAdded, long rowsWithoutCell, long cellsWritten, long collisions,
                          long cellsWithCollision, int spilledRuns, long objects, long bytes) {}
