package org.healpixzarr.server.ows.wms;

import org.healpixzarr.server.ows.Xml;
import java.awt.image.BufferedImage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;

/** The WMS 1.3.0 capabilities document (with the SLD 1.1 GetLegendGraphic operation). */
final class WmsCapabilities {
    private static final System.Logger LOG = System.getLogger(WmsCapabilities.class.getName());
    /** Web Mercator's latitude limit, degrees. */
    private static final double MERCATOR_MAX_LAT = 85.0511287798066;
    private static final double R = 6378137.0;

    private WmsCapabilities() {}

    static byte[] write(String baseUrl, List<Layer> layers, MapBackend backend) {
        String href = baseUrl + "?SERVICE=WMS&";
        Xml x = new Xml();
        x.start("WMS_Capabilities", "version", WmsService.VERSION, "xmlns", "http://www.opengis.net/wms",
                "xmlns:sld", "http://www.opengis.net/sld", "xmlns:xlink", "http://www.w3.org/1999/xlink",
                "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
                "xsi:schemaLocation", "http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd"
                        + " http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd");
        x.start("Service");
        x.leaf("Name", "WMS");
        x.leaf("Title", "healpix-zarr WMS");
        x.leaf("Abstract", "HEALPix DGGS-Zarr stores drawn as maps");
        x.start("OnlineResource", "xlink:type", "simple", "xlink:href", baseUrl).end();
        x.leaf("Fees", "none");
        x.leaf("AccessConstraints", "none");
        x.leaf("MaxWidth", Integer.toString(MapRequest.MAX_SIZE));
        x.leaf("MaxHeight", Integer.toString(MapRequest.MAX_SIZE));
        x.end();

        x.start("Capability").start("Request");
        operation(x, "GetCapabilities", List.of("text/xml"), href);
        operation(x, "GetMap", WmsService.MAP_FORMATS, href);
        operation(x, "GetFeatureInfo", WmsService.INFO_FORMATS, href);
        operation(x, "sld:GetLegendGraphic", List.of("image/png", "image/jpeg"), href);
        x.end();
        x.start("Exception");
        for (String f : List.of("XML", "INIMAGE", "BLANK")) x.leaf("Format", f);
        x.end();

        double[] all = null;
        for (Layer l : layers) all = union(all, geographic(l.bbox()));
        if (all == null) all = new double[] {-180, -90, 180, 90};
        x.start("Layer");
        x.leaf("Title", "healpix-zarr layers");
        for (String crs : WmsService.ADVERTISED_CRS) x.leaf("CRS", crs);
        boxes(x, all);
        for (Layer l : layers) {
            x.start("Layer", "queryable", "1", "opaque", "0");
            x.leaf("Name", l.name());
            x.leaf("Title", l.title() == null || l.title().isBlank() ? l.name() : l.title());
            boxes(x, geographic(l.bbox()));
            if (!l.times().isEmpty()) {
                x.leaf("Dimension", String.join(",", l.times()), "name", "time", "units", "ISO8601",
                        "default", l.times().get(l.times().size() - 1), "nearestValue", "0");
            }
            for (Style s : l.styles()) {
                x.start("Style");
                x.leaf("Name", s.name());
                x.leaf("Title", s.title() == null || s.title().isBlank() ? s.name() : s.title());
                int[] size = legendSize(backend, l, s);
                x.start("LegendURL", "width", Integer.toString(size[0]), "height", Integer.toString(size[1]));
                x.leaf("Format", "image/png");
                x.start("OnlineResource", "xlink:type", "simple", "xlink:href", href + "VERSION=1.3.0&REQUEST=GetLegendGraphic&FORMAT="
                        + enc("image/png") + "&LAYER=" + enc(l.name()) + "&STYLE=" + enc(s.name())).end();
                x.end();
                x.end();
            }
            x.end();
        }
        x.end(); // root Layer
        x.end(); // Capability
        return x.end().bytes();
    }

    private static void operation(Xml x, String name, List<String> formats, String href) {
        x.start(name);
        for (String f : formats) x.leaf("Format", f);
        x.start("DCPType").start("HTTP").start("Get");
        x.start("OnlineResource", "xlink:type", "simple", "xlink:href", href).end();
        x.end().end().end();
        x.end();
    }

    /** EX_GeographicBoundingBox and one BoundingBox per advertised CRS (EPSG:4326 in lat,lon order). */
    private static void boxes(Xml x, double[] b) {
        x.start("EX_GeographicBoundingBox");
        x.leaf("westBoundLongitude", num(b[0]));
        x.leaf("eastBoundLongitude", num(b[2]));
        x.leaf("southBoundLatitude", num(b[1]));
        x.leaf("northBoundLatitude", num(b[3]));
        x.end();
        x.start("BoundingBox", "CRS", "CRS:84", "minx", num(b[0]), "miny", num(b[1]), "maxx", num(b[2]), "maxy", num(b[3])).end();
        x.start("BoundingBox", "CRS", "EPSG:4326", "minx", num(b[1]), "miny", num(b[0]), "maxx", num(b[3]), "maxy", num(b[2])).end();
        double[] m = mercator(b);
        x.start("BoundingBox", "CRS", "EPSG:3857", "minx", num(m[0]), "miny", num(m[1]), "maxx", num(m[2]), "maxy", num(m[3])).end();
    }

    /** {west, south, east, north} with the antimeridian case widened to all longitudes; NaN/null to the world. */
    static double[] geographic(double[] bbox) {
        if (bbox == null || bbox.length != 4) return new double[] {-180, -90, 180, 90};
        for (double v : bbox) if (!Double.isFinite(v)) return new double[] {-180, -90, 180, 90};
        double w = bbox[0], e = bbox[2];
        if (w > e) {
            w = -180;
            e = 180;
        }
        return new double[] {Math.max(-180, w), Math.max(-90, bbox[1]), Math.min(180, e), Math.min(90, bbox[3])};
    }

    private static double[] union(double[] a, double[] b) {
        if (a == null) return b.clone();
        return new double[] {Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])};
    }

    /** Spherical (Web) Mercator of a geographic box, latitudes clamped to the projection's limit. */
    static double[] mercator(double[] b) {
        return new double[] {R * Math.toRadians(b[0]), y(b[1]), R * Math.toRadians(b[2]), y(b[3])};
    }

    private static double y(double lat) {
        double phi = Math.toRadians(Math.max(-MERCATOR_MAX_LAT, Math.min(MERCATOR_MAX_LAT, lat)));
        return R * Math.log(Math.tan(Math.PI / 4 + phi / 2));
    }

    private static int[] legendSize(MapBackend backend, Layer l, Style s) {
        try {
            BufferedImage img = backend.legend(l, s);
            return new int[] {img.getWidth(), img.getHeight()};
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "no legend for " + l.name() + "/" + s.name() + ": " + e);
            return new int[] {200, 60};
        }
    }

    private static String num(double v) {
        String s = String.format(Locale.ROOT, "%.9f", v);
        s = s.contains(".") ? s.replaceAll("0+$", "") : s;
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
