package org.healpixzarr.server.ows.wcs;

import org.healpixzarr.server.ows.Xml;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.healpixzarr.DataException;
import org.healpixzarr.coverage.Crs;
import org.healpixzarr.server.catalog.Layer;
import org.healpixzarr.server.catalog.LayerResolver;
import org.healpixzarr.server.ows.OwsException;
import org.healpixzarr.server.ows.OwsRequest;
import org.healpixzarr.server.ows.OwsResponse;
import org.healpixzarr.server.ows.OwsService;

/**
 * OGC WCS 2.0.1 (KVP binding) over the published layers: GetCapabilities, DescribeCoverage and GetCoverage as a
 * float32 GeoTIFF, with trimming ({@code SUBSET=Lat(a,b)}, {@code SUBSET=Long(a,b)}), scaling ({@code SCALESIZE},
 * {@code SCALEFACTOR}, {@code SCALEAXES}), output CRS ({@code OUTPUTCRS}: EPSG:4326, CRS:84, EPSG:3857, WGS 84 UTM
 * zones) and range subsetting ({@code RANGESUBSET}).
 *
 * <p>Each layer is a coverage whose id is the layer name with {@code :} written {@code __} (coverage ids are
 * NCNames); its native CRS is EPSG:4326 (axes Lat, Long) at the resolution of the store's native depth. Without
 * scaling, GetCoverage answers the native resolution, reduced to at most {@value #DEFAULT_MAX_SIZE} pixels a side.
 * Explicit sizes are limited to {@value #MAX_SIZE} a side, {@value #MAX_PIXELS} pixels and {@value #MAX_VALUES}
 * values (pixels × bands).
 *
 * <p>Errors are OWS 2.0 {@code ExceptionReport}s ({@code application/xml}): 404 for NoSuchCoverage,
 * InvalidAxisLabel, InvalidSubsetting, NoSuchField; 400 for MissingParameterValue, InvalidParameterValue,
 * VersionNegotiationFailed; 501 for OperationNotSupported. Thread-safe and stateless.
 */
public final class WcsService implements OwsService {
    static final String VERSION = "2.0.1";
    static final int DEFAULT_MAX_SIZE = 4096;
    static final int MAX_SIZE = 8192;
    static final long MAX_PIXELS = 16L << 20;
    static final long MAX_VALUES = 32L << 20;
    static final String EPSG_URL = "http://www.opengis.net/def/crs/EPSG/0/";
    static final String NATIVE_CRS = EPSG_URL + "4326";
    private static final System.Logger LOG = System.getLogger(WcsService.class.getName());
    /** {@code axis[,crs](low[,high])}. */
    private static final Pattern SUBSET = Pattern.compile("^\\s*([A-Za-z_][\\w.\\-]*)\\s*(?:,\\s*([^()]*?)\\s*)?\\(\\s*([^,()]*?)\\s*(?:,\\s*([^,()]*?)\\s*)?\\)\\s*$");
    /** {@code axis(value)} within a comma list. */
    private static final Pattern AXIS_VALUE = Pattern.compile("\\s*([A-Za-z_][\\w.\\-]*)\\s*\\(\\s*([^()]*?)\\s*\\)\\s*");

    private final CoverageBackend backend;

    /** The service over the layers' own data (what the server instantiates). */
    public WcsService() {
        this(new SamplerCoverageBackend());
    }

    WcsService(CoverageBackend backend) {
        this.backend = backend;
    }

    @Override
    public String name() {
        return "WCS";
    }

    @Override
    public OwsResponse handle(OwsRequest request, LayerResolver layers) {
        String operation = null;
        try {
            String service = request.get("SERVICE");
            if (service != null && !service.isEmpty() && !service.equalsIgnoreCase("WCS")) {
                throw new OwsException(400, "InvalidParameterValue", "service", "this endpoint answers SERVICE=WCS, not " + service);
            }
            operation = request.get("REQUEST");
            if (operation == null || operation.isBlank()) throw missing("request");
            switch (operation.toLowerCase(Locale.ROOT)) {
                case "getcapabilities":
                    return getCapabilities(request, layers);
                case "describecoverage":
                    checkVersion(request);
                    return describeCoverage(request, layers);
                case "getcoverage":
                    checkVersion(request);
                    return getCoverage(request, layers);
                default:
                    throw new OwsException(501, "OperationNotSupported", "request", "WCS has no operation " + operation
                            + "; use GetCapabilities, DescribeCoverage or GetCoverage");
            }
        } catch (OwsException e) {
            return error(e);
        } catch (DataException | IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "WCS " + operation + " failed: " + e.getMessage(), e);
            return error(new OwsException(500, "NoApplicableCode", null, "cannot read the coverage's data: " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "WCS " + operation + " failed", e);
            return error(new OwsException(500, "NoApplicableCode", null, "internal error (" + e.getClass().getSimpleName() + "), see the server log"));
        }
    }

    private static OwsException missing(String name) {
        return new OwsException(400, "MissingParameterValue", name, "parameter " + name + " is required");
    }

    /** VERSION may be absent or empty (GDAL sends {@code VERSION=}), else 2.0.1 or 2.0.0. */
    private static void checkVersion(OwsRequest r) throws OwsException {
        String v = r.get("VERSION");
        if (v != null && !v.isBlank() && !v.trim().equals("2.0.1") && !v.trim().equals("2.0.0")) {
            throw new OwsException(400, "InvalidParameterValue", "version", "only WCS 2.0.1 is supported, not " + v);
        }
    }

    /**
     * The canonical code of a CRS a WCS request may name (code, URN or {@code http://www.opengis.net/def/crs/} URL
     * of one of {@link Crs#SUPPORTED}), or {@code null} if not supported.
     */
    static String canonicalCrs(String crs) {
        return Crs.canonical(crs);
    }

    /** The coverage id of a layer: its name as an NCName ({@code ws:name} becomes {@code ws__name}). */
    static String coverageId(Layer l) {
        return coverageId(l.name());
    }

    /** A layer name as an NCName. */
    private static String coverageId(String layerName) {
        StringBuilder b = new StringBuilder();
        String n = layerName.replace(":", "__");
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
            b.append(ok && c < 128 ? c : '_');
        }
        if (b.length() == 0 || !(Character.isLetter(b.charAt(0)) || b.charAt(0) == '_')) b.insert(0, '_');
        return b.toString();
    }

    private static Layer coverage(LayerResolver layers, String id) throws OwsException {
        // a workspace's virtual endpoint names its coverages without the workspace, but takes the qualified ids too
        String ws = layers.workspace();
        for (Layer l : layers.layers()) {
            if (coverageId(l).equals(id) || ws != null && coverageId(ws + ":" + l.name()).equals(id)) return l;
        }
        Layer l = layers.find(id);
        if (l == null) throw new OwsException(404, "NoSuchCoverage", "coverageId", "no coverage " + id);
        return l;
    }

    // ---------------------------------------------------------------- GetCapabilities

    private OwsResponse getCapabilities(OwsRequest r, LayerResolver layers) throws OwsException {
        String accept = r.get("ACCEPTVERSIONS");
        if (accept != null && !accept.isBlank()) {
            boolean ok = false;
            for (String v : accept.split(",")) ok |= v.trim().equals("2.0.1") || v.trim().equals("2.0.0");
            if (!ok) {
                throw new OwsException(400, "VersionNegotiationFailed", "acceptVersions", "this service speaks WCS 2.0.1 only, not " + accept);
            }
        }
        return new OwsResponse(200, "application/xml; charset=UTF-8", WcsDocuments.capabilities(r.baseUrl(), layers.layers()));
    }

    // ---------------------------------------------------------------- DescribeCoverage

    private OwsResponse describeCoverage(OwsRequest r, LayerResolver layers) throws OwsException, IOException, DataException {
        String ids = r.get("COVERAGEID");
        if (ids == null || ids.isBlank()) throw missing("coverageId");
        List<Layer> found = new ArrayList<>();
        List<CoverageBackend.CoverageInfo> infos = new ArrayList<>();
        for (String id : ids.split(",", -1)) {
            if (id.isBlank()) throw new OwsException(400, "InvalidParameterValue", "coverageId", "empty coverage id in " + ids);
            Layer l = coverage(layers, id.trim());
            found.add(l);
            infos.add(backend.info(l));
        }
        return new OwsResponse(200, "application/xml; charset=UTF-8", WcsDocuments.describe(found, infos));
    }

    /** Native grid size {width, height} of an area at a resolution, at least 1 each, bounded to int. */
    static long[] nativeSize(double[] wsen, double res) {
        long w = (long) Math.min(Integer.MAX_VALUE, Math.max(1, Math.ceil((wsen[2] - wsen[0]) / res - 1e-9)));
        long h = (long) Math.min(Integer.MAX_VALUE, Math.max(1, Math.ceil((wsen[3] - wsen[1]) / res - 1e-9)));
        return new long[] {w, h};
    }

    // ---------------------------------------------------------------- GetCoverage

    private OwsResponse getCoverage(OwsRequest r, LayerResolver layers) throws OwsException, IOException, DataException {
        String id = r.get("COVERAGEID");
        if (id == null || id.isBlank()) throw missing("coverageId");
        if (id.contains(",")) throw new OwsException(400, "InvalidParameterValue", "coverageId", "GetCoverage takes one coverage id, got " + id);
        Layer layer = coverage(layers, id.trim());
        String format = r.get("FORMAT");
        if (format != null && !format.isBlank()) {
            String f = format.trim().toLowerCase(Locale.ROOT).replace(" ", "");
            if (!(f.equals("image/tiff") || f.equals("image/geotiff") || f.startsWith("image/tiff;"))) {
                throw new OwsException(400, "InvalidParameterValue", "format", "format " + format + " is not supported; use image/tiff");
            }
        }
        String mediaType = r.get("MEDIATYPE");
        if (mediaType != null && !mediaType.isBlank()) {
            throw new OwsException(501, "OperationNotSupported", "mediaType", "multipart responses are not supported; omit MEDIATYPE");
        }
        String subsettingCrs = r.get("SUBSETTINGCRS");
        if (subsettingCrs != null && !subsettingCrs.isBlank()) {
            String c = canonicalCrs(subsettingCrs);
            if (!"EPSG:4326".equals(c) && !"CRS:84".equals(c)) {
                throw new OwsException(400, "InvalidParameterValue", "subsettingCrs",
                        "subsets are given in the native CRS " + NATIVE_CRS + " (axes Lat, Long), not " + subsettingCrs);
            }
        }
        String outputCrs = "EPSG:4326";
        String oc = r.get("OUTPUTCRS");
        if (oc != null && !oc.isBlank()) {
            outputCrs = canonicalCrs(oc);
            if (outputCrs == null) {
                throw new OwsException(400, "InvalidParameterValue", "outputCrs", "output CRS " + oc
                        + " is not supported; use " + EPSG_URL + "4326, 3857, 326xx/327xx (UTM) or CRS84");
            }
        }
        CoverageBackend.CoverageInfo info = backend.info(layer);
        int[] bands = rangeSubset(r.get("RANGESUBSET"), info);

        double[] extent = WcsDocuments.geographic(layer.bbox());
        double[] area = extent.clone();
        boolean[] seen = new boolean[2];
        for (String s : r.params().getOrDefault("SUBSET", List.of())) subset(s, area, seen);
        // trim to the coverage
        double[] box = {Math.max(area[0], extent[0]), Math.max(area[1], extent[1]), Math.min(area[2], extent[2]), Math.min(area[3], extent[3])};
        if (!(box[0] < box[2]) || !(box[1] < box[3])) {
            throw new OwsException(404, "InvalidSubsetting", "subset", String.format(Locale.ROOT,
                    "the subset Long(%s,%s) Lat(%s,%s) does not overlap the coverage Long(%s,%s) Lat(%s,%s)",
                    area[0], area[2], area[1], area[3], extent[0], extent[2], extent[1], extent[3]));
        }
        long[] size = outputSize(r, nativeSize(box, info.resolutionDeg()), info.bands().size() > 0 ? bands.length : 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        backend.writeGeoTiff(layer, outputCrs, box, (int) size[0], (int) size[1], bands, out);
        return new OwsResponse(200, "image/tiff", out.toByteArray());
    }

    /** The band indices RANGESUBSET selects ({@code name} or {@code name:name} intervals), all by default. */
    static int[] rangeSubset(String value, CoverageBackend.CoverageInfo info) throws OwsException {
        List<String> names = new ArrayList<>();
        for (CoverageBackend.Band b : info.bands()) names.add(b.name());
        if (value == null || value.isBlank()) {
            int[] all = new int[names.size()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        List<Integer> out = new ArrayList<>();
        for (String item : value.split(",")) {
            String[] ends = item.split(":", -1);
            if (ends.length > 2) throw new OwsException(400, "InvalidParameterValue", "rangeSubset", "bad range item " + item);
            int a = field(names, ends[0].trim()), b = ends.length == 2 ? field(names, ends[1].trim()) : a;
            if (b < a) throw new OwsException(400, "InvalidParameterValue", "rangeSubset", "range " + item + " runs backwards");
            for (int k = a; k <= b; k++) out.add(k);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int field(List<String> names, String name) throws OwsException {
        int i = names.indexOf(name);
        if (i < 0) throw new OwsException(404, "NoSuchField", "rangeSubset", "no field " + name + "; fields: " + names);
        return i;
    }

    /** Axis 0 (longitude) or 1 (latitude) of a label, or an InvalidAxisLabel exception. */
    static int axis(String label, String param) throws OwsException {
        switch (label.toLowerCase(Locale.ROOT)) {
            case "long": case "lon": case "longitude": case "x": case "i": case "e":
                return 0;
            case "lat": case "latitude": case "y": case "j": case "n":
                return 1;
            default:
                throw new OwsException(404, "InvalidAxisLabel", param, "no axis " + label + "; the axes are Lat and Long");
        }
    }

    /** Applies one {@code SUBSET=axis(low,high)} to {@code area} (west, south, east, north). */
    static void subset(String s, double[] area, boolean[] seen) throws OwsException {
        Matcher m = SUBSET.matcher(s);
        if (!m.matches()) {
            throw new OwsException(400, "InvalidParameterValue", "subset", "SUBSET must read axis(low,high), got " + s);
        }
        int a = axis(m.group(1), "subset");
        if (m.group(2) != null && !m.group(2).isEmpty()) {
            String c = canonicalCrs(m.group(2));
            if (!"EPSG:4326".equals(c) && !"CRS:84".equals(c)) {
                throw new OwsException(400, "InvalidParameterValue", "subset", "subsets are in " + NATIVE_CRS + ", not " + m.group(2));
            }
        }
        if (seen[a]) throw new OwsException(400, "InvalidParameterValue", "subset", "axis " + m.group(1) + " subset twice");
        seen[a] = true;
        if (m.group(4) == null) {
            throw new OwsException(501, "OperationNotSupported", "subset", "slicing (" + s + ") is not supported; trim with axis(low,high)");
        }
        double lo = bound(m.group(3), area[a], s), hi = bound(m.group(4), area[a + 2], s);
        if (!(lo < hi)) throw new OwsException(404, "InvalidSubsetting", "subset", "the lower bound is not below the upper bound in " + s);
        area[a] = lo;
        area[a + 2] = hi;
    }

    private static double bound(String v, double unbounded, String s) throws OwsException {
        String t = v.replace("\"", "").trim();
        if (t.equals("*")) return unbounded;
        double d;
        try {
            d = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!Double.isFinite(d)) throw new OwsException(404, "InvalidSubsetting", "subset", "bound " + v + " of " + s + " is not a finite number");
        return d;
    }

    /** The output {width, height} from the scaling parameters, or the capped native size. */
    static long[] outputSize(OwsRequest r, long[] nat, int bands) throws OwsException {
        String scaleSize = r.get("SCALESIZE"), scaleFactor = r.get("SCALEFACTOR"), scaleAxes = r.get("SCALEAXES");
        if (r.get("SCALEEXTENT") != null) {
            throw new OwsException(501, "OperationNotSupported", "scaleExtent", "SCALEEXTENT is not supported; use SCALESIZE");
        }
        int given = (isSet(scaleSize) ? 1 : 0) + (isSet(scaleFactor) ? 1 : 0) + (isSet(scaleAxes) ? 1 : 0);
        if (given > 1) throw new OwsException(400, "InvalidParameterValue", "scaleSize", "give one of SCALESIZE, SCALEFACTOR, SCALEAXES");
        long w, h;
        String locator;
        if (isSet(scaleSize)) {
            locator = "scaleSize";
            Map<Integer, Double> v = axisValues(scaleSize, "scaleSize");
            for (double d : v.values()) {
                if (d < 1 || d != Math.rint(d)) throw new OwsException(400, "InvalidParameterValue", "scaleSize", "sizes must be positive integers: " + scaleSize);
            }
            Double sw = v.get(0), sh = v.get(1);
            w = sw != null ? sw.longValue() : Math.max(1, Math.round(sh * nat[0] / (double) nat[1]));
            h = sh != null ? sh.longValue() : Math.max(1, Math.round(sw * nat[1] / (double) nat[0]));
        } else if (isSet(scaleFactor) || isSet(scaleAxes)) {
            locator = isSet(scaleFactor) ? "scaleFactor" : "scaleAxes";
            double fx, fy;
            if (isSet(scaleFactor)) {
                fx = fy = factor(scaleFactor.trim(), scaleFactor);
            } else {
                Map<Integer, Double> v = axisValues(scaleAxes, "scaleAxes");
                fx = v.getOrDefault(0, 1.0);
                fy = v.getOrDefault(1, 1.0);
                if (!(fx > 0) || !(fy > 0)) throw new OwsException(404, "InvalidScaleFactor", "scaleAxes", "scale factors must be > 0: " + scaleAxes);
            }
            w = Math.max(1, Math.round(nat[0] / fx));
            h = Math.max(1, Math.round(nat[1] / fy));
        } else {
            // native resolution, reduced to the default size and the budgets
            double k = Math.max(1, Math.max(nat[0], nat[1]) / (double) DEFAULT_MAX_SIZE);
            k = Math.max(k, Math.sqrt(nat[0] * (double) nat[1] / MAX_PIXELS));
            k = Math.max(k, Math.sqrt(nat[0] * (double) nat[1] * bands / MAX_VALUES));
            w = Math.max(1, Math.min(DEFAULT_MAX_SIZE, (long) Math.floor(nat[0] / k)));
            h = Math.max(1, Math.min(DEFAULT_MAX_SIZE, (long) Math.floor(nat[1] / k)));
            return new long[] {w, h};
        }
        if (w > MAX_SIZE || h > MAX_SIZE) {
            throw new OwsException(400, "InvalidParameterValue", locator, "output " + w + " × " + h + " exceeds " + MAX_SIZE + " pixels a side");
        }
        if (w * h > MAX_PIXELS || w * h * Math.max(1, bands) > MAX_VALUES) {
            throw new OwsException(400, "InvalidParameterValue", locator, "output " + w + " × " + h + " × " + bands
                    + " bands exceeds the budget of " + MAX_PIXELS + " pixels and " + MAX_VALUES + " values");
        }
        return new long[] {w, h};
    }

    private static double factor(String v, String all) throws OwsException {
        double f;
        try {
            f = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            f = Double.NaN;
        }
        if (!(f > 0) || !Double.isFinite(f)) throw new OwsException(404, "InvalidScaleFactor", "scaleFactor", "scale factor must be > 0: " + all);
        return f;
    }

    private static boolean isSet(String v) {
        return v != null && !v.isBlank();
    }

    /** {@code axis(v),axis(v)} to axis index → value. */
    private static Map<Integer, Double> axisValues(String value, String param) throws OwsException {
        Map<Integer, Double> out = new LinkedHashMap<>();
        int pos = 0;
        for (String part : value.split(",(?![^()]*\\))")) {
            Matcher m = AXIS_VALUE.matcher(part);
            if (!m.matches()) throw new OwsException(400, "InvalidParameterValue", param, param + " must read axis(value),axis(value), got " + value);
            int a = axis(m.group(1), param);
            double d;
            try {
                d = Double.parseDouble(m.group(2).trim());
            } catch (NumberFormatException e) {
                throw new OwsException(400, "InvalidParameterValue", param, "value " + m.group(2) + " in " + param + " is not a number");
            }
            if (!Double.isFinite(d)) throw new OwsException(400, "InvalidParameterValue", param, "value " + m.group(2) + " in " + param + " is not finite");
            if (out.put(a, d) != null) throw new OwsException(400, "InvalidParameterValue", param, "axis " + m.group(1) + " given twice in " + param);
            pos++;
        }
        if (pos == 0) throw new OwsException(400, "InvalidParameterValue", param, param + " is empty");
        return out;
    }

    // ---------------------------------------------------------------- exceptions

    private static OwsResponse error(OwsException e) {
        return new OwsResponse(e.status(), "application/xml; charset=UTF-8", exceptionReport(e));
    }

    /** An OWS 2.0 ExceptionReport. */
    static byte[] exceptionReport(OwsException e) {
        Xml x = new Xml();
        x.start("ows:ExceptionReport", "xmlns:ows", "http://www.opengis.net/ows/2.0",
                "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance",
                "xsi:schemaLocation", "http://www.opengis.net/ows/2.0 http://schemas.opengis.net/ows/2.0/owsExceptionReport.xsd",
                "version", "2.0.1", "xml:lang", "en");
        x.start("ows:Exception", "exceptionCode", e.code(), "locator", e.locator());
        x.leaf("ows:ExceptionText", e.getMessage());
        x.end();
        return x.end().bytes();
    }
}
