package org.healpixzarr.convert;

import java.nio.file.Path;

/**
 * What one cell-point conversion did.
 *
 * @param granule            granule id (e.g. {@code 06109D})
 * @param store              the store written
 * @param pixelsRead         pixels in the input grid
 * @param pixelsGeolocated   pixels with a valid geolocation (the observations)
 * @param cellsWritten       distinct cells written
 * @param collisions         observations not written because their cell was taken (keep-first)
 * @param cellsWithCollision cells that received more than one observation
 * @param objects            files in the store
 * @param bytes              bytes in the store
 */
public record ConversionReport(String granule, Path store, long pixelsRead, long pixelsGeolocated, long cellsWritten,
                               long collisions, long cellsWithCollision, long objects, long bytes) {
    /** Pixels without geolocation (skipped). */
    public long pixelsWithoutGeolocation() {
        return pixelsRead - pixelsGeolocated;
    }
}
