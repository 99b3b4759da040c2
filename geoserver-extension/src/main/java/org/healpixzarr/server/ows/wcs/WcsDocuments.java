package org.healpixzarr.server.ows.wcs;

import org.healpixzarr.server.ows.Xml;
import java.util.List;
import java.util.Locale;
import org.healpixzarr.server.catalog.Layer;

/** The WCS 2.0.1 XML documents: capabilities and coverage descriptions. */
final class WcsDocuments {
    private static final String WCS = "http://www.opengis.net/wcs/2.0";
    private static final String SCHEMAS = "http://schemas.opengis.net/wcs/2.0/";
    private static final List<String> PROFILES = List.of(
            "http://www.opengis.net/spec/WCS/2.0/conf/core",
            "http://www.opengis.net/spec/WCS_protocol-binding_get-kvp/1.0/conf/get-kvp",
            "http://www.opengis.net/spec/GMLCOV/1.0/conf/gml-coverage",
            "http://www.opengis.net/spec/WCS_geotiff-coverages/1.0/conf/geotiff-coverage",
            "http://www.opengis.net/spec/WCS_service-extension_crs/1.0/conf/crs",
            "http://www.opengis.net/spec/WCS_service-extension_scaling/1.0/conf/scaling",
            "http://www.opengis.net/spec/WCS_service-extension_range-subsetting/1.0/conf/record-subsetting");

    private WcsDocuments() {}

    static byte[] capabilities(String baseUrl, List<Layer> layers) {
        Xml x = new Xml();
        x.start("wcs:Capabilities", "xmlns:wcs", WCS, "xmlns:ows", "http://www.opengis.net/ows/2.0",
                "xmlns:xlink", "http://www.w3.org/1999/xlink", "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
                "xsi:schemaLocation", WCS + " " + SCHEMAS + "wcsGetCapabilities.xsd", "version", WcsService.VERSION);
        x.start("ows:ServiceIdentification");
        x.leaf("ows:Title", "healpix-zarr WCS");
        x.leaf("ows:Abstract", "HEALPix DGGS-Zarr stores as float32 GeoTIFF coverages");
        x.leaf("ows:ServiceType", "OGC WCS", "codeSpace", "OGC");
        x.leaf("ows:ServiceTypeVersion", WcsService.VERSION);
        for (String p : PROFILES) x.leaf("ows:Profile", p);
        x.leaf("ows:Fees", "NONE");
        x.leaf("ows:AccessConstraints", "NONE");
        x.end();
        // optional in OWS 2.0, but OWSLib (0.27) fails on capabilities without it
        x.start("ows:ServiceProvider");
        x.leaf("ows:ProviderName", "healpix-zarr");
        x.start("ows:ServiceContact").end();
        x.end();
        x.start("ows:OperationsMetadata");
        for (String op : List.of("GetCapabilities", "DescribeCoverage", "GetCoverage")) {
            x.start("ows:Operation", "name", op).start("ows:DCP").start("ows:HTTP");
            x.start("ows:Get", "xlink:type", "simple", "xlink:href", baseUrl + "?SERVICE=WCS&").end();
            x.end().end().end();
        }
        x.end();
        x.start("wcs:ServiceMetadata");
        x.leaf("wcs:formatSupported", "image/tiff");
        x.end();
        x.start("wcs:Contents");
        for (Layer l : layers) {
            double[] b = geographic(l.bbox());
            x.start("wcs:CoverageSummary");
            x.leaf("ows:Title", l.title() == null || l.title().isBlank() ? l.name() : l.title());
            x.start("ows:WGS84BoundingBox");
            x.leaf("ows:LowerCorner", num(b[0]) + " " + num(b[1]));
            x.leaf("ows:UpperCorner", num(b[2]) + " " + num(b[3]));
            x.end();
            x.leaf("wcs:CoverageId", WcsService.coverageId(l));
            x.leaf("wcs:CoverageSubtype", "RectifiedGridCoverage");
            x.end();
        }
        x.end();
        return x.end().bytes();
    }

    static byte[] describe(List<Layer> layers, List<CoverageBackend.CoverageInfo> infos) {
        Xml x = new Xml();
        x.start("wcs:CoverageDescriptions", "xmlns:wcs", WCS, "xmlns:gml", "http://www.opengis.net/gml/3.2",
                "xmlns:gmlcov", "http://www.opengis.net/gmlcov/1.0", "xmlns:swe", "http://www.opengis.net/swe/2.0",
                "xmlns:xlink", "http://www.w3.org/1999/xlink", "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
                "xsi:schemaLocation", WCS + " " + SCHEMAS + "wcsDescribeCoverage.xsd");
        for (int k = 0; k < layers.size(); k++) {
            Layer l = layers.get(k);
            CoverageBackend.CoverageInfo info = infos.get(k);
            String id = WcsService.coverageId(l);
            double[] b = geographic(l.bbox());
            long[] n = WcsService.nativeSize(b, info.resolutionDeg());
            double dx = (b[2] - b[0]) / n[0], dy = (b[3] - b[1]) / n[1];
            x.start("wcs:CoverageDescription", "gml:id", id);
            x.start("gml:boundedBy");
            x.start("gml:Envelope", "srsName", WcsService.NATIVE_CRS, "axisLabels", "Lat Long", "uomLabels", "deg deg", "srsDimension", "2");
            x.leaf("gml:lowerCorner", num(b[1]) + " " + num(b[0]));
            x.leaf("gml:upperCorner", num(b[3]) + " " + num(b[2]));
            x.end().end();
            x.leaf("wcs:CoverageId", id);
            x.start("gml:domainSet");
            x.start("gml:RectifiedGrid", "gml:id", "grid_" + id, "dimension", "2");
            x.start("gml:limits").start("gml:GridEnvelope");
            x.leaf("gml:low", "0 0");
            x.leaf("gml:high", (n[0] - 1) + " " + (n[1] - 1));
            x.end().end();
            x.leaf("gml:axisLabels", "i j");
            // origin: the centre of the top-left pixel, in the CRS's axis order (lat, long)
            x.start("gml:origin").start("gml:Point", "gml:id", "origin_" + id, "srsName", WcsService.NATIVE_CRS);
            x.leaf("gml:pos", num(b[3] - dy / 2) + " " + num(b[0] + dx / 2));
            x.end().end();
            x.leaf("gml:offsetVector", "0 " + num(dx), "srsName", WcsService.NATIVE_CRS);
            x.leaf("gml:offsetVector", num(-dy) + " 0", "srsName", WcsService.NATIVE_CRS);
            x.end().end();
            x.start("gmlcov:rangeType").start("swe:DataRecord");
            for (CoverageBackend.Band band : info.bands()) {
                x.start("swe:field", "name", fieldName(band.name()));
                x.start("swe:Quantity", "definition", "http://www.opengis.net/def/dataType/OGC/0/float32");
                x.leaf("swe:description", band.description());
                x.start("swe:nilValues").start("swe:NilValues");
                x.leaf("swe:nilValue", "NaN", "reason", "http://www.opengis.net/def/nil/OGC/0/missing");
                x.end().end();
                String uom = uom(band.units());
                if (uom == null) x.start("swe:uom", "xlink:href", "http://www.opengis.net/def/nil/OGC/0/unknown").end();
                else x.start("swe:uom", "code", uom).end();
                x.end().end();
            }
            x.end().end();
            x.start("wcs:ServiceParameters");
            x.leaf("wcs:CoverageSubtype", "RectifiedGridCoverage");
            x.leaf("wcs:nativeFormat", "image/tiff");
            x.end();
            x.end();
        }
        return x.end().bytes();
    }

    /** A SWE field name (a NameToken: a letter, then letters, digits, '_', '-', '.'). */
    static String fieldName(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.') ? c : '_');
        if (b.length() == 0 || !Character.isLetter(b.charAt(0))) b.insert(0, 'f');
        return b.toString();
    }

    /** CF units as a SWE unit code (no blanks or colons: {@code m s-1} becomes {@code m.s-1}), or null if none. */
    static String uom(String units) {
        if (units == null || units.isBlank()) return null;
        return units.trim().replaceAll("\\s+", ".").replace(':', '_');
    }

    /** {west, south, east, north}: the antimeridian case widened to all longitudes, a missing box to the world. */
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

    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.10f", v);
        s = s.contains(".") ? s.replaceAll("0+$", "") : s;
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
