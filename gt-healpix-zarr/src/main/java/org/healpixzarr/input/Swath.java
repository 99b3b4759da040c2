package org.healpixzarr.input;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A geolocated swath (or tile) ready for cell-point conversion: per-pixel geodetic WGS84 longitude
 * and latitude plus any number of variables on the same {@code rows × cols} grid.
 *
 * <p>Longitudes and latitudes are in degrees, row-major, length {@code rows × cols}. A pixel whose
 * latitude or longitude is NaN, infinite, a fill value (the reader must turn fills into NaN) or whose
 * |latitude| exceeds 90 has no geolocation and is not an observation.
 *
 * @param id               identifier of the granule, e.g. {@code "06109D"} (orbit + frame)
 * @param rows             number of rows (along track)
 * @param cols             number of columns (across track)
 * @param longitude        geodetic longitudes in degrees, any range (wrapped by the hash)
 * @param latitude         geodetic latitudes in degrees
 * @param variables        the variables, in the order they are to be written
 * @param globalAttributes CF/ACDD discovery attributes of the granule (title, source, time_coverage_start,
 *                         time_coverage_end, platform, instrument, ...)
 * @param sources          the input files (for provenance), as given by the user
 */
public record Swath(String id, int rows, int cols, double[] longitude, double[] latitude,
                   List<SwathVariable> variables, Map<String, Object> globalAttributes, List<String> sources) {

    public Swath {
        Objects.requireNonNull(id, "id");
        long n = (long) rows * cols;
        if (rows < 0 || cols < 0 || n > Integer.MAX_VALUE) throw new IllegalArgumentException("bad shape " + rows + "x" + cols);
        if (longitude.length != n || latitude.length != n) {
            throw new IllegalArgumentException("lon/lat length " + longitude.length + "/" + latitude.length + " != " + n);
        }
        for (SwathVariable v : variables) {
            if (v.length() != n * v.bands()) {
                throw new IllegalArgumentException("variable " + v.name() + " has " + v.length() + " values, expected " + n * v.bands());
            }
        }
        variables = Collections.unmodifiableList(new ArrayList<>(variables));
        globalAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(globalAttributes));
        sources = List.copyOf(sources);
    }

    /** Number of pixels, {@code rows × cols}. */
    public int pixels() {
        return rows * cols;
    }
}
