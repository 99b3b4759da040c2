package org.healpixzarr.input.tessera;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/**
 * A TESSERA tile name, {@code grid_<lon>_<lat>}: the centre of a 0.1 degree box, longitude first, printed
 * {@code %.2f}, always on the x.x5 lattice.
 *
 * @param name the name as found
 * @param lon  centre longitude, degrees
 * @param lat  centre latitude, degrees
 */
public record TileName(String name, double lon, double lat) {
    private static final Pattern P = Pattern.compile("grid_(-?[0-9]{1,3}\\.[0-9]{2})_(-?[0-9]{1,2}\\.[0-9]{2})");

    /** Half the tile size, degrees. */
    public static final double HALF = 0.05;

    /**
     * Parses {@code name}.
     *
     * @throws FormatException naming the tile if it is not {@code grid_<lon>_<lat>} with %.2f centres on the x.x5
     *                         lattice inside [-180, 180] x [-90, 90]
     */
    public static TileName parse(String name) throws FormatException {
        Matcher m = P.matcher(name);
        String expected = "grid_<lon>_<lat> with %.2f centres ending in 5, e.g. grid_0.15_52.05";
        if (!m.matches()) {
            throw new FormatException(DataException.describe("tile " + name, "bad tile name", expected, name, null));
        }
        double lon = Double.parseDouble(m.group(1)), lat = Double.parseDouble(m.group(2));
        String canonical = String.format(Locale.ROOT, "grid_%.2f_%.2f", lon, lat);
        if (!canonical.equals(name) || !m.group(1).endsWith("5") || !m.group(2).endsWith("5")
                || Math.abs(lon) >= 180 || Math.abs(lat) >= 90) {
            throw new FormatException(DataException.describe("tile " + name, "bad tile name", expected, name, null));
        }
        return new TileName(name, lon, lat);
    }

    /** West edge of the box (inclusive). */
    public double west() {
        return lon - HALF;
    }

    /** East edge of the box (exclusive). */
    public double east() {
        return lon + HALF;
    }

    /** South edge of the box (inclusive). */
    public double south() {
        return lat - HALF;
    }

    /** North edge of the box (exclusive). */
    public double north() {
        return lat + HALF;
    }

    /** Whether a point lies in the half-open box {@code [west, east) x [south, north)}. */
    public boolean contains(double lonDeg, double latDeg) {
        return lonDeg >= west() && lonDeg < east() && latDeg >= south() && latDeg < north();
    }

    @Override
    public String toString() {
        return name;
    }
}
