package org.healpixzarr.coverage;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.healpixzarr.DataException;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.util.FactoryException;

/**
 * The coordinate reference systems the coverage API, the OGC service and the CLI accept, decoded without an EPSG
 * database (Apache SIS hard-codes them):
 * <ul>
 *   <li>{@code CRS:84} (also {@code OGC:CRS84} and its URN/URL forms): WGS84 longitude, latitude in degrees;</li>
 *   <li>{@code EPSG:4326}: WGS84 <em>latitude, longitude</em> (EPSG axis order);</li>
 *   <li>{@code EPSG:3857} (aliases {@code EPSG:900913}, {@code EPSG:3785}, {@code EPSG:102100}, {@code EPSG:102113}):
 *       WGS84 / Pseudo-Mercator, easting, northing in metres;</li>
 *   <li>{@code EPSG:32601}..{@code EPSG:32660} and {@code EPSG:32701}..{@code EPSG:32760}: WGS84 UTM zones north
 *       and south.</li>
 * </ul>
 * Codes are case-insensitive; {@code urn:ogc:def:crs:EPSG::4326}, {@code urn:ogc:def:crs:EPSG:9.9:4326},
 * {@code urn:x-ogc:def:crs:EPSG:4326} and {@code http(s)://www.opengis.net/def/crs/EPSG/0/4326} name the same
 * CRS as {@code EPSG:4326}. Thread-safe (stateless; SIS caches the objects).
 */
public final class Crs {
    /** The supported codes, for messages and capabilities documents. */
    public static final String SUPPORTED = "CRS:84, EPSG:4326, EPSG:3857 (aliases 900913, 3785, 102100, 102113), "
            + "EPSG:32601-32660 and EPSG:32701-32760 (WGS84 UTM)";

    private static final Pattern URN = Pattern.compile("urn:(?:x-)?ogc:def:crs:([a-z0-9]+):(?:[^:]*:)?([a-z0-9]+)");
    private static final Pattern URL = Pattern.compile("https?://www\\.opengis\\.net/def/crs/([a-z0-9]+)/[^/]*/([a-z0-9]+)");
    private static final Pattern SHORT = Pattern.compile("([a-z0-9]+):([a-z0-9]+)");

    private Crs() {}

    /**
     * The CRS named by {@code code}.
     *
     * @throws DataException naming the code and the supported ones if it is not one of them
     */
    public static CoordinateReferenceSystem decode(String code) throws DataException {
        String canonical = canonical(code);
        if (canonical == null) throw unsupported(code);
        try {
            if (canonical.equals("CRS:84")) return CommonCRS.defaultGeographic();
            if (canonical.equals("EPSG:4326")) return CommonCRS.WGS84.geographic();
            return CRS.forCode(canonical); // 3857 and UTM: hard-coded in SIS 1.6, no database needed
        } catch (FactoryException e) {
            throw new DataException(DataException.describe("CRS " + code, "cannot be built: " + e.getMessage(),
                    null, null, "supported: " + SUPPORTED), e);
        }
    }

    /**
     * The canonical short form ({@code CRS:84}, {@code EPSG:4326}, {@code EPSG:3857}, {@code EPSG:326zz} ...) of
     * a supported code, or {@code null} if the code is not supported.
     */
    public static String canonical(String code) {
        if (code == null) return null;
        String c = code.trim().toLowerCase(Locale.ROOT);
        String authority, number;
        Matcher m;
        if ((m = URN.matcher(c)).matches() || (m = URL.matcher(c)).matches() || (m = SHORT.matcher(c)).matches()) {
            authority = m.group(1);
            number = m.group(2);
        } else {
            return null;
        }
        if ((authority.equals("crs") && number.equals("84")) || (authority.equals("ogc") && number.equals("crs84"))) {
            return "CRS:84";
        }
        if (!authority.equals("epsg") || !number.matches("[0-9]{1,9}")) return null;
        int n = Integer.parseInt(number);
        switch (n) {
            case 4326: return "EPSG:4326";
            case 3857: case 900913: case 3785: case 102100: case 102113: return "EPSG:3857";
            default:
                if ((n >= 32601 && n <= 32660) || (n >= 32701 && n <= 32760)) return "EPSG:" + n;
                return null;
        }
    }

    private static DataException unsupported(String code) {
        return new DataException(DataException.describe("CRS '" + code + "'", "not supported", SUPPORTED, code,
                "request the data in one of the supported CRSs"));
    }
}
