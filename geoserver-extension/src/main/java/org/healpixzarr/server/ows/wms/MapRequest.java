package org.healpixzarr.server.ows.wms;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;
import org.healpixzarr.server.catalog.LayerResolver;
import org.healpixzarr.server.ows.OwsException;
import org.healpixzarr.server.ows.OwsRequest;

/**
 * The validated map parameters shared by GetMap and GetFeatureInfo.
 *
 * @param layers      the layers, bottom first
 * @param styles      one per layer
 * @param crs         canonical CRS code
 * @param bbox        in the CRS's axis order (EPSG:4326 is lat,lon; CRS:84 lon,lat)
 * @param format      {@code image/png} or {@code image/jpeg} ({@code null} if absent, GetFeatureInfo only)
 * @param transparent TRANSPARENT=TRUE
 * @param background  BGCOLOR (default white)
 * @param time        TIME as sent, or {@code null}
 */
record MapRequest(List<Layer> layers, List<Style> styles, String crs, double[] bbox, int width, int height,
                  String format, boolean transparent, Color background, String time) {

    static final int MAX_SIZE = 4096;
    /** Pixel budget of one map: 8 Mi pixels (32 MiB as ARGB). */
    static final long MAX_PIXELS = 8L << 20;

    static MapRequest parse(OwsRequest r, LayerResolver resolver, boolean formatRequired) throws OwsException {
        String version = r.get("VERSION");
        if (version != null && !version.isEmpty() && !version.equals(WmsService.VERSION)) {
            throw new OwsException(400, "InvalidParameterValue", "VERSION", "only WMS 1.3.0 is supported, not " + version);
        }
        List<Layer> layers = new ArrayList<>();
        for (String name : list(required(r, "LAYERS"), "LAYERS")) layers.add(layer(resolver, name));
        String stylesParam = r.get("STYLES");
        List<Style> styles = new ArrayList<>();
        if (stylesParam == null || stylesParam.isEmpty()) {
            for (Layer l : layers) styles.add(style(l, null));
        } else {
            String[] names = stylesParam.split(",", -1);
            if (names.length != layers.size()) {
                throw new OwsException(400, "StyleNotDefined", "STYLES",
                        "STYLES has " + names.length + " entries for " + layers.size() + " layers (leave it empty for the defaults)");
            }
            for (int i = 0; i < names.length; i++) styles.add(style(layers.get(i), names[i].trim()));
        }
        String crs = r.get("CRS");
        if (crs == null) crs = r.get("SRS"); // WMS 1.1 clients
        if (crs == null || crs.isBlank()) throw missing("CRS");
        String canonical = WmsService.canonicalCrs(crs);
        if (canonical == null) {
            throw new OwsException(400, "InvalidCRS", "CRS", "CRS " + crs + " is not supported; use " + WmsService.CRS_LIST);
        }
        double[] bbox = bbox(required(r, "BBOX"));
        int width = size(r, "WIDTH"), height = size(r, "HEIGHT");
        if ((long) width * height > MAX_PIXELS) {
            throw new OwsException(400, "InvalidParameterValue", "WIDTH",
                    "WIDTH × HEIGHT = " + (long) width * height + " pixels exceeds the limit of " + MAX_PIXELS);
        }
        String format = r.get("FORMAT");
        if (format == null || format.isEmpty()) {
            if (formatRequired) throw missing("FORMAT");
            format = null;
        } else {
            format = imageFormat(format);
        }
        boolean transparent = bool(r, "TRANSPARENT");
        Color bg = color(r.get("BGCOLOR"));
        return new MapRequest(List.copyOf(layers), List.copyOf(styles), canonical, bbox, width, height, format, transparent,
                bg, r.get("TIME"));
    }

    /** The supported MIME type for a FORMAT value, or an InvalidFormat exception. */
    static String imageFormat(String format) throws OwsException {
        String f = format.trim().toLowerCase(Locale.ROOT);
        if (f.equals("image/png") || f.equals("png") || f.startsWith("image/png;")) return "image/png";
        if (f.equals("image/jpeg") || f.equals("jpeg") || f.equals("image/jpg") || f.equals("jpg")) return "image/jpeg";
        throw new OwsException(400, "InvalidFormat", "FORMAT", "format " + format + " is not supported; use image/png or image/jpeg");
    }

    static String required(OwsRequest r, String name) throws OwsException {
        String v = r.get(name);
        if (v == null || v.isBlank()) throw missing(name);
        return v;
    }

    static OwsException missing(String name) {
        return new OwsException(400, "MissingParameterValue", name, "parameter " + name + " is required");
    }

    static List<String> list(String value, String param) throws OwsException {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",", -1)) {
            if (s.isBlank()) throw new OwsException(400, "InvalidParameterValue", param, param + " has an empty entry: " + value);
            out.add(s.trim());
        }
        return out;
    }

    static Layer layer(LayerResolver resolver, String name) throws OwsException {
        Layer l = resolver.find(name);
        if (l == null) throw new OwsException(404, "LayerNotDefined", "LAYERS", "no layer named " + name);
        return l;
    }

    /** A style of the layer by name; null or empty: the default. */
    static Style style(Layer l, String name) throws OwsException {
        if (l.styles().isEmpty()) {
            throw new OwsException(500, "NoApplicableCode", null, "layer " + l.name() + " has no style");
        }
        if (name == null || name.isEmpty() || name.equalsIgnoreCase("default")) return l.styles().get(0);
        for (Style s : l.styles()) if (s.name().equals(name)) return s;
        List<String> names = new ArrayList<>();
        for (Style s : l.styles()) names.add(s.name());
        throw new OwsException(400, "StyleNotDefined", "STYLES", "layer " + l.name() + " has no style " + name + "; styles: " + names);
    }

    static double[] bbox(String value) throws OwsException {
        String[] p = value.split(",", -1);
        if (p.length != 4) {
            throw new OwsException(400, "InvalidParameterValue", "BBOX", "BBOX needs 4 comma-separated numbers minx,miny,maxx,maxy, got " + value);
        }
        double[] b = new double[4];
        for (int i = 0; i < 4; i++) {
            try {
                b[i] = Double.parseDouble(p[i].trim());
            } catch (NumberFormatException e) {
                b[i] = Double.NaN;
            }
            if (!Double.isFinite(b[i])) {
                throw new OwsException(400, "InvalidParameterValue", "BBOX", "BBOX value " + p[i] + " is not a finite number");
            }
        }
        if (!(b[0] < b[2]) || !(b[1] < b[3])) {
            throw new OwsException(400, "InvalidParameterValue", "BBOX", "BBOX minimum must be below maximum on both axes: " + value);
        }
        return b;
    }

    static int size(OwsRequest r, String name) throws OwsException {
        String v = required(r, name).trim();
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new OwsException(400, "InvalidParameterValue", name, name + " must be a positive integer, got " + v);
        }
        if (n < 1 || n > MAX_SIZE) {
            throw new OwsException(400, "InvalidParameterValue", name, name + " must be between 1 and " + MAX_SIZE + ", got " + v);
        }
        return (int) n;
    }

    static boolean bool(OwsRequest r, String name) throws OwsException {
        String v = r.get(name);
        if (v == null || v.isEmpty() || v.equalsIgnoreCase("FALSE")) return false;
        if (v.equalsIgnoreCase("TRUE")) return true;
        throw new OwsException(400, "InvalidParameterValue", name, name + " must be TRUE or FALSE, got " + v);
    }

    /** BGCOLOR {@code 0xRRGGBB} (also {@code #RRGGBB}); default white. */
    static Color color(String v) throws OwsException {
        if (v == null || v.isEmpty()) return Color.WHITE;
        String hex = v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v.startsWith("#") ? v.substring(1) : null;
        if (hex != null && hex.length() == 6 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return new Color(Integer.parseInt(hex, 16));
        }
        throw new OwsException(400, "InvalidParameterValue", "BGCOLOR", "BGCOLOR must be 0xRRGGBB, got " + v);
    }
}
