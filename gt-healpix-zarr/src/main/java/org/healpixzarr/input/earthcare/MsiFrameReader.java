package org.healpixzarr.input.earthcare;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.OrderedDataType;
import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.InconsistentDataException;
import org.healpixzarr.input.Swath;
import org.healpixzarr.input.SwathVariable;
import org.healpixzarr.input.SwathVariable.Kind;

/**
 * Reads the EarthCARE MSI Level-2A products of one frame (any of {@code MSI_CM__2A}, {@code MSI_COP_2A},
 * {@code MSI_AOT_2A}, each a {@code .h5} or a {@code .ZIP} holding it) into one {@link Swath} on the
 * {@code along_track × across_track} grid of the products. Stateless and thread-safe: concurrent calls
 * on any files are independent. One call reads its datasets one after the other and decodes the chunks of
 * each in parallel on its own pool of one daemon thread per processor, shut down when the call returns.
 *
 * <h2>Performance</h2>
 * jHDF locates the chunks; deflate (+ shuffle) chunks are inflated and unshuffled straight into the output
 * arrays ({@link ChunkDecoder}), other layouts go through jHDF's {@code getDataFlat()}. The geolocation
 * of the second and third product is compared on the stored (compressed) bytes when the storage is
 * identical, and decoded only otherwise. A stored ZIP entry is memory-mapped, a deflated one inflated into
 * memory. A full frame (11216 × 384 pixels, CM + COP + AOT, 165 MB) takes about 1.5–2 s on 2 cores, and
 * the returned swath holds about 530 MB.
 *
 * <h2>Geolocation and time</h2>
 * {@code /ScienceData/latitude} and {@code longitude} (2-D, geodetic WGS84 degrees) become the swath's
 * latitude and longitude; fill ({@code _FillValue} or any value ≥ 9e36) and NaN become NaN: those pixels
 * have no geolocation. All products must have the same latitude, longitude and {@code time} bit for bit
 * (NaN equals NaN), else {@link InconsistentDataException} naming both files and the first differing
 * pixel. {@code time} (float64 per row, seconds since 2000-01-01 UTC) becomes the per-pixel float64
 * variable {@code time} (the row's time repeated across track; fill 9.969209968386869e36) with
 * {@code units = "seconds since 2000-01-01 00:00:00 UTC"}, {@code standard_name = "time"},
 * {@code calendar = "standard"}.
 *
 * <h2>Variables</h2>
 * Every dataset of {@code /ScienceData} of rank 2 or 3 other than latitude and longitude is a variable.
 * Rank 2 must be {@code [along, across]} and rank 3 {@code [along, across, k]} (k values per pixel, kept
 * as {@link SwathVariable#bands()} = k) with the latitude's shape, else {@link InconsistentDataException}.
 * Datasets of rank 0, 1 (the dimension scales {@code along_track}, {@code across_track},
 * {@code aerosol_components}, and AOT's per-product {@code aerosol_component_fraction[aerosol_components]},
 * which is not per pixel) and rank ≥ 4 are not carried, nor datasets of non-numeric types (strings,
 * compounds, enumerations). Each variable keeps its file data type ({@code float32}, {@code float64},
 * {@code int8}, {@code int16}, ...; an unsigned type is carried in the signed Java type of its width).
 *
 * <p>Attributes: all of the dataset's attributes except {@code _FillValue} and those starting with
 * {@code _} and the HDF5 dimension-scale bookkeeping ({@code DIMENSION_LIST}, {@code REFERENCE_LIST},
 * {@code CLASS}, {@code NAME}); one-element arrays become scalars, longer arrays lists. Nothing is
 * invented: {@code flag_values} is present only if the file has it. {@code source} is set to the product
 * stem if the file has no {@code source} attribute.
 *
 * <p>Kind: floating point: {@link Kind#QUANTITY}; integers with a {@code flag_masks} attribute, and
 * integers wider than 8 bits without {@code flag_values} (in MSI L2A these are the bit fields
 * {@code surface_classification} and {@code quality_mask}): {@link Kind#BITS}; other integers (the int8
 * classes and quality statuses): {@link Kind#CLASS}.
 *
 * <p>Fill: the {@code _FillValue} attribute if present. Floats without one get 9.969209968386869e36 (the
 * netCDF default, e.g. {@code cloud_top_pressure_error}); in every float variable any value ≥ 9e36 is
 * rewritten to the variable's fill value so that fill is one value. int8 without the attribute: −127;
 * int16 without it: −32767; other integers without it: no fill ({@code null}).
 *
 * <h2>Names</h2>
 * A variable keeps its file name unless that name belongs to more than one of the <em>known</em> MSI
 * Level-2A product types (today only {@code quality_status}): then it is prefixed with the product's
 * short type in lower case ({@code cm_quality_status}, {@code cop_quality_status},
 * {@code aot_quality_status}), whichever subset of products is given, so a store name never depends on
 * which other products were read. A name no known type lists (a newer product version) is prefixed only
 * if more than one of the given products has it. File variables named {@code time},
 * {@code isccp_cloud_type}, {@code latitude} or {@code longitude} are always prefixed.
 *
 * <h2>Derived</h2>
 * When the COP product is given and has {@code cloud_optical_thickness} and {@code cloud_top_height},
 * {@code isccp_cloud_type} (int8, {@link Kind#CLASS}, {@code flag_values} 0..9, fill −127) is added by
 * {@link IsccpCloudType#classify}.
 *
 * <h2>Order</h2>
 * {@code time}, then the variables of CM, COP, AOT (each product's variables by name), then
 * {@code isccp_cloud_type}.
 */
public final class MsiFrameReader {
    /** The float fill value of the products (netCDF default for float and double). */
    static final double FILL = 9.969209968386869e36;
    /** Floats at or above this are fill. */
    static final double FILL_THRESHOLD = 9e36;
    private static final String SCIENCE = "ScienceData";
    private static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");
    private static final Set<String> SKIPPED_ATTRIBUTES = Set.of("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME");

    private MsiFrameReader() {}

    /**
     * Reads the products of one frame.
     *
     * @param products  the products of one frame, each {@code <stem>.h5} or {@code <stem>.ZIP}, at most one per type,
     *                  in any order
     * @param variables store names of the variables to read, or null for all (see {@link #variableNames});
     *                  latitude and longitude are always read
     * @return the swath: id = frame key ({@code "06109D"}), latitude/longitude in degrees (NaN where not
     *         geolocated), the variables in the order of the class comment, global attributes, sources = the
     *         paths in product-type order
     * @throws IOException   if a file cannot be read
     * @throws DataException {@link FormatException} for a file that is not an MSI L2A product, not HDF5, lacks
     *                       latitude/longitude/time or for an unknown requested name; {@link CorruptDataException}
     *                       for undecodable data; {@link InconsistentDataException} for products of several
     *                       frames, two of one type, differing geolocation or time, or a variable of another shape
     */
    public static Swath read(List<Path> products, Set<String> variables) throws IOException, DataException {
        try {
            return readFrame(products, variables);
        } catch (RuntimeException e) {
            throw unexpected(products, e);
        }
    }

    /**
     * Reads one frame like {@link #read} but hands the variables to {@code sink} one at a time as they are decoded,
     * retaining none of them (only cloud optical thickness and top height are kept until the derived
     * {@code isccp_cloud_type} is computed): memory stays near the geolocation plus one variable.
     *
     * @param products  as for {@link #read}
     * @param variables as for {@link #read}
     * @param sink      receives the geolocation and declarations, then each variable once
     * @throws IOException   if a file cannot be read
     * @throws DataException as for {@link #read}, or as thrown by the sink
     */
    public static void stream(List<Path> products, Set<String> variables, org.healpixzarr.input.SwathSink sink)
            throws IOException, DataException {
        try {
            streamFrame(products, variables, sink);
        } catch (RuntimeException e) {
            throw unexpected(products, e);
        }
    }

    private static void streamFrame(List<Path> products, Set<String> variables, org.healpixzarr.input.SwathSink sink)
            throws IOException, DataException {
        try (Frame frame = Frame.open(products)) {
            Map<String, Entry> selected = frame.select(variables);
            double[][] geo = frame.readGeolocation();
            double[] rowTime = frame.readTime();
            List<SwathVariable> declared = new ArrayList<>();
            for (Entry e : selected.values()) {
                Object empty = java.lang.reflect.Array.newInstance(emptyComponent(e.dataType), 0);
                declared.add(new SwathVariable(e.storeName, e.dataType, e.bands, empty, e.fill, e.attributes, e.kind));
            }
            List<String> sources = new ArrayList<>();
            for (ProductFile p : frame.products) sources.add(p.path.toString());
            sink.begin(new Swath(frame.key, frame.rows, frame.cols, geo[1], geo[0], List.of(),
                    frame.globalAttributes(geo[0], geo[1], rowTime), sources), declared);
            geo = null;
            float[] cot = null;
            float[] cth = null;
            boolean isccp = selected.containsKey(MsiVariables.ISCCP);
            Entry time = selected.get(MsiVariables.TIME);
            if (time != null && time.dataset == null) {
                sink.variable(new SwathVariable(time.storeName, time.dataType, time.bands, perPixelTime(rowTime, frame.cols),
                        time.fill, time.attributes, time.kind));
            }
            for (Entry e : frame.catalog.values()) {
                boolean wanted = selected.containsKey(e.storeName) && e.dataset != null;
                boolean input = isccp && e.product != null && e.product.type == MsiProductType.COP
                        && (e.fileName.equals(MsiVariables.COT) || e.fileName.equals(MsiVariables.CTH));
                if (!wanted && !input) continue;
                Object v = frame.readValues(e);
                if (input && e.fileName.equals(MsiVariables.COT)) cot = toFloat(v);
                if (input && e.fileName.equals(MsiVariables.CTH)) cth = toFloat(v);
                if (wanted) sink.variable(new SwathVariable(e.storeName, e.dataType, e.bands, v, e.fill, e.attributes, e.kind));
            }
            if (isccp) {
                Entry e = selected.get(MsiVariables.ISCCP);
                sink.variable(new SwathVariable(e.storeName, e.dataType, e.bands, isccp(cot, cth), e.fill, e.attributes, e.kind));
            }
        }
    }

    private static Class<?> emptyComponent(String dataType) {
        switch (dataType) {
            case "int8": case "uint8": return byte.class;
            case "int16": case "uint16": return short.class;
            case "int32": case "uint32": return int.class;
            case "int64": case "uint64": return long.class;
            case "float32": return float.class;
            default: return double.class;
        }
    }

    /**
     * Safety net: the reader wraps every jHDF call with the file and object concerned; a runtime exception
     * that still escapes from jHDF (a path not foreseen) becomes a CorruptDataException naming the products.
     * Other runtime exceptions are bugs and are rethrown.
     */
    private static DataException unexpected(List<Path> products, RuntimeException e) {
        StackTraceElement[] st = e.getStackTrace();
        if (e instanceof io.jhdf.exceptions.HdfException || (st.length > 0 && st[0].getClassName().startsWith("io.jhdf."))) {
            return corrupt(String.valueOf(products), "cannot read the products", e);
        }
        throw e;
    }

    private static Swath readFrame(List<Path> products, Set<String> variables) throws IOException, DataException {
        Swath[] geo = new Swath[1];
        List<String> order = new ArrayList<>();
        Map<String, SwathVariable> got = new HashMap<>();
        streamFrame(products, variables, new org.healpixzarr.input.SwathSink() {
            @Override
            public void begin(Swath geolocation, List<SwathVariable> declared) {
                geo[0] = geolocation;
                for (SwathVariable v : declared) order.add(v.name());
            }

            @Override
            public void variable(SwathVariable v) {
                got.put(v.name(), v);
            }
        });
        List<SwathVariable> out = new ArrayList<>();
        for (String n : order) out.add(got.get(n));
        Swath g = geo[0];
        return new Swath(g.id(), g.rows(), g.cols(), g.longitude(), g.latitude(), out, g.globalAttributes(), g.sources());
    }

    /**
     * The store names of the variables {@link #read} would produce for these products (with
     * {@code variables = null}), in that order. Reads metadata only (a deflated ZIP entry is inflated in memory).
     *
     * @param products as for {@link #read}
     * @return the names
     * @throws IOException   if a file cannot be read
     * @throws DataException as for {@link #read}
     */
    public static List<String> variableNames(List<Path> products) throws IOException, DataException {
        return new ArrayList<>(variableDataTypes(products).keySet());
    }

    /**
     * The store names of the variables {@link #read} would produce, in that order, with their Zarr data type
     * ({@code "float32"}, {@code "int8"}, ...). Reads metadata only.
     *
     * @param products as for {@link #read}
     * @return name to data type, in read order
     * @throws IOException   if a file cannot be read
     * @throws DataException as for {@link #read}
     */
    public static Map<String, String> variableDataTypes(List<Path> products) throws IOException, DataException {
        try (Frame frame = Frame.open(products)) {
            Map<String, String> types = new LinkedHashMap<>();
            for (Entry e : frame.catalog.values()) types.put(e.storeName, e.dataType);
            return types;
        } catch (RuntimeException e) {
            throw unexpected(products, e);
        }
    }

    /** One variable of the catalog; {@code dataset} and {@code product} are null for {@code time} and {@code isccp_cloud_type}. */
    record Entry(String storeName, String fileName, ProductFile product, Dataset dataset, String dataType,
                 int bands, Map<String, Object> attributes, Number fill, Kind kind) {
        String where() {
            return product == null ? storeName : product.where + ":/" + SCIENCE + "/" + fileName;
        }
    }

    /** The open products of a frame and the catalog of its variables (metadata only). */
    static final class Frame implements AutoCloseable {
        final List<ProductFile> products = new ArrayList<>();
        private ExecutorService executor;
        private final ChunkDecoder.BufferPool buffers = new ChunkDecoder.BufferPool();
        final Map<String, Entry> catalog = new LinkedHashMap<>();
        String key;
        int rows;
        int cols;

        static Frame open(List<Path> paths) throws IOException, DataException {
            if (paths == null || paths.isEmpty()) {
                throw new FormatException(DataException.describe(null, "no product given", "1 to 3 MSI Level-2A products of one frame",
                        "none", null));
            }
            // names first: cheap checks before opening anything
            Map<MsiProductType, Path> byType = new TreeMap<>();
            String key = null;
            Path keyPath = null;
            for (Path p : paths) {
                EarthCareProductName n = EarthCareProductName.parse(p.getFileName().toString());
                MsiProductType t = EarthCareInputs.typeOf(p, n);
                if (key == null) {
                    key = n.frameKey();
                    keyPath = p;
                } else if (!key.equals(n.frameKey())) {
                    throw new InconsistentDataException(DataException.describe(p.toString(), "products of different frames given together",
                            "frame " + key + " (of " + keyPath + ")", "frame " + n.frameKey(),
                            "read one frame at a time (EarthCareInputs.group sorts inputs by frame)"));
                }
                Path previous = byType.put(t, p);
                if (previous != null) {
                    throw new InconsistentDataException(DataException.describe("frame " + key, "two products of type " + t.code(),
                            "at most one product of each type", previous + " and " + p, "keep one of them"));
                }
            }
            Frame f = new Frame();
            f.key = key;
            try {
                for (Path p : byType.values()) f.products.add(ProductFile.open(p));
                f.inspect();
                return f;
            } catch (IOException | DataException | RuntimeException | Error e) {
                f.close();
                throw e;
            }
        }

        @Override
        public void close() {
            if (executor != null) executor.shutdownNow();
            for (ProductFile p : products) p.close();
        }

        /** The decoding threads of this read, one per processor, created on first use. */
        ExecutorService executor() {
            if (executor == null) {
                AtomicInteger n = new AtomicInteger();
                executor = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
                    Thread t = new Thread(r, "msi-decode-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
            }
            return executor;
        }

        /**
         * The values of a numeric dataset as a flat array of the signed Java type of its width, floating-point
         * values ≥ {@link #FILL_THRESHOLD} replaced by {@code floatFill}.
         */
        Object flat(Dataset ds, String where, double floatFill) throws IOException, CorruptDataException {
            try {
                Object fast = ChunkDecoder.decode(ds, executor(), buffers, floatFill, FILL_THRESHOLD);
                if (fast != null) return fast;
                Object v = ds.getDataFlat();
                DataType t = ds.getDataType();
                if (t instanceof FixedPoint x && !x.isSigned()) v = narrow(v, "uint" + 8 * x.getSize());
                if (v instanceof float[] f) {
                    float fill = (float) floatFill;
                    for (int k = 0; k < f.length; k++) if (f[k] >= (float) FILL_THRESHOLD) f[k] = fill;
                } else if (v instanceof double[] d) {
                    for (int k = 0; k < d.length; k++) if (d[k] >= FILL_THRESHOLD) d[k] = floatFill;
                }
                return v;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading " + where);
            } catch (RuntimeException e) {
                throw corrupt(where, "cannot read the data", e);
            }
        }

        private void inspect() throws DataException {
            // geometry from the first product's latitude; every product must have latitude, longitude, time
            for (ProductFile p : products) {
                Dataset lat = required(p, "latitude");
                Dataset lon = required(p, "longitude");
                Dataset time = required(p, MsiVariables.TIME);
                int[] d = dims(p, lat, "latitude");
                if (d.length != 2) {
                    throw new FormatException(DataException.describe(p.where + ":/" + SCIENCE + "/latitude", "latitude is not 2-D",
                            "[along_track, across_track]", Arrays.toString(d), null));
                }
                if (p == products.get(0)) {
                    rows = d[0];
                    cols = d[1];
                }
                checkShape(p, "latitude", d, 2);
                checkShape(p, "longitude", dims(p, lon, "longitude"), 2);
                int[] td = dims(p, time, "time");
                if (td.length != 1 || td[0] != rows) {
                    throw new InconsistentDataException(DataException.describe(p.where + ":/" + SCIENCE + "/time", "time has the wrong shape",
                            "[" + rows + "] (one per along-track row)", Arrays.toString(td), null));
                }
                for (String g : List.of("latitude", "longitude")) {
                    Dataset ds = g.equals("latitude") ? lat : lon;
                    String type = zarrType(p, ds, g);
                    if (type == null || !type.startsWith("float")) {
                        throw new FormatException(DataException.describe(p.where + ":/" + SCIENCE + "/" + g, g + " is not floating point",
                                "float64 degrees", type == null ? "a non-numeric type" : type, null));
                    }
                }
            }
            for (ProductFile p : products) checkHeader(p);
            // candidate variables per product, and how many products have each name
            Map<ProductFile, List<Dataset>> perProduct = new LinkedHashMap<>();
            Map<String, Integer> occurrences = new HashMap<>();
            for (ProductFile p : products) {
                List<Dataset> list = new ArrayList<>();
                Group sd = science(p);
                Map<String, Node> children;
                try {
                    children = new TreeMap<>(sd.getChildren());
                } catch (RuntimeException e) {
                    throw corrupt(p.where + ":/" + SCIENCE, "cannot list the group", e);
                }
                for (Map.Entry<String, Node> c : children.entrySet()) {
                    String name = c.getKey();
                    if (!(c.getValue() instanceof Dataset ds) || name.equals("latitude") || name.equals("longitude")
                            || name.equals(MsiVariables.TIME)) {
                        continue;
                    }
                    int[] d = dims(p, ds, name);
                    if (d.length < 2 || d.length > 3 || zarrType(p, ds, name) == null) continue;
                    checkShape(p, name, d, d.length);
                    list.add(ds);
                    occurrences.merge(name, 1, Integer::sum);
                }
                perProduct.put(p, list);
            }
            catalog.put(MsiVariables.TIME, timeEntry());
            for (Map.Entry<ProductFile, List<Dataset>> pe : perProduct.entrySet()) {
                ProductFile p = pe.getKey();
                for (Dataset ds : pe.getValue()) {
                    String name = ds.getName();
                    String store = MsiVariables.storeName(p.type, name, occurrences.get(name));
                    Entry e = entry(p, ds, name, store);
                    if (catalog.put(store, e) != null) {
                        throw new InconsistentDataException(DataException.describe(e.where(), "two variables get the store name " + store,
                                "unique names", store, "rename one of the variables in the files"));
                    }
                }
            }
            Entry cot = fromCop(MsiVariables.COT);
            Entry cth = fromCop(MsiVariables.CTH);
            if (cot != null && cth != null && cot.dataType.startsWith("float") && cth.dataType.startsWith("float")
                    && cot.bands == 1 && cth.bands == 1) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("long_name", "ISCCP cloud type from cloud optical thickness and cloud top height");
                a.put("flag_values", List.of((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5, (byte) 6, (byte) 7, (byte) 8, (byte) 9));
                a.put("flag_meanings", IsccpCloudType.FLAG_MEANINGS);
                a.put("comment", "derived: clear where 0 <= COT < 0.01; else CTH low [100, 3200), mid [3200, 6500), "
                        + "high [6500, 19300) m x COT thin [0.01, 3.6), medium [3.6, 23), thick >= 23");
                a.put("source", cot.product.name.stem());
                catalog.put(MsiVariables.ISCCP, new Entry(MsiVariables.ISCCP, MsiVariables.ISCCP, null, null, "int8", 1, a,
                        IsccpCloudType.MISSING, Kind.CLASS));
            }
        }

        private Entry fromCop(String fileName) {
            for (Entry e : catalog.values()) {
                if (e.product != null && e.product.type == MsiProductType.COP && e.fileName.equals(fileName)) return e;
            }
            return null;
        }

        private Entry timeEntry() {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("standard_name", "time");
            a.put("long_name", "time of the along-track row of the pixel");
            a.put("units", "seconds since 2000-01-01 00:00:00 UTC");
            a.put("calendar", "standard");
            return new Entry(MsiVariables.TIME, MsiVariables.TIME, null, null, "float64", 1, a, FILL, Kind.QUANTITY);
        }

        private Entry entry(ProductFile p, Dataset ds, String name, String store) throws DataException {
            String where = p.where + ":/" + SCIENCE + "/" + name;
            String type = zarrType(p, ds, name);
            int[] d = dims(p, ds, name);
            int bands = d.length == 3 ? d[2] : 1;
            Map<String, Object> attributes = new LinkedHashMap<>();
            Object fillAttribute = null;
            try {
                for (Map.Entry<String, Attribute> a : new TreeMap<>(ds.getAttributes()).entrySet()) {
                    String an = a.getKey();
                    if (an.equals("_FillValue")) {
                        fillAttribute = scalar(a.getValue().getData());
                    } else if (!an.startsWith("_") && !SKIPPED_ATTRIBUTES.contains(an)) {
                        attributes.put(an, attributeValue(a.getValue().getData()));
                    }
                }
            } catch (RuntimeException e) {
                throw corrupt(where, "cannot read the attributes", e);
            }
            attributes.putIfAbsent("source", p.name.stem());
            Number fill;
            if (fillAttribute instanceof Number n) fill = castFill(n, type);
            else if (fillAttribute != null) {
                throw new FormatException(DataException.describe(where, "_FillValue is not a number", "a number of type " + type,
                        fillAttribute, null));
            } else {
                fill = switch (type) {
                    case "float32" -> (float) FILL;
                    case "float64" -> FILL;
                    case "int8" -> (byte) -127;
                    case "int16" -> (short) -32767;
                    default -> null;
                };
            }
            Kind kind;
            if (type.startsWith("float")) kind = Kind.QUANTITY;
            else if (attributes.containsKey("flag_masks")) kind = Kind.BITS;
            else if (!type.endsWith("int8") && !attributes.containsKey("flag_values")) kind = Kind.BITS;
            else kind = Kind.CLASS;
            return new Entry(store, name, p, ds, type, bands, attributes, fill, kind);
        }

        private void checkShape(ProductFile p, String name, int[] d, int rank) throws InconsistentDataException {
            if (d[0] != rows || d[1] != cols) {
                throw new InconsistentDataException(DataException.describe(p.where + ":/" + SCIENCE + "/" + name,
                        "variable does not have the shape of the latitude of " + products.get(0).where,
                        "[" + rows + ", " + cols + (rank == 3 ? ", k" : "") + "] (along_track, across_track" + (rank == 3 ? ", k" : "") + ")",
                        Arrays.toString(d), "the products of one frame must share one grid"));
            }
        }

        Map<String, Entry> select(Set<String> names) throws FormatException {
            if (names == null) return catalog;
            Map<String, Entry> selected = new LinkedHashMap<>();
            for (String n : names) {
                if (!catalog.containsKey(n)) {
                    throw new FormatException(DataException.describe("frame " + key, "no variable " + n, "one of " + catalog.keySet(), n,
                            "names are store names: quality_status is cm_quality_status, cop_quality_status or aot_quality_status"));
                }
            }
            for (Entry e : catalog.values()) if (names.contains(e.storeName)) selected.put(e.storeName, e);
            return selected;
        }

        /** {latitude, longitude} of the first product, fill as NaN, after checking the others agree. */
        double[][] readGeolocation() throws IOException, DataException {
            ProductFile first = products.get(0);
            double[] lat = readGeo(first, "latitude");
            double[] lon = readGeo(first, "longitude");
            for (int i = 1; i < products.size(); i++) {
                ProductFile p = products.get(i);
                for (String g : List.of("latitude", "longitude")) {
                    if (sameStoredBytes(science(first).getChildren().get(g), science(p).getChildren().get(g))) continue;
                    double[] other = readGeo(p, g);
                    compare(g, g.equals("latitude") ? lat : lon, other, first, p);
                }
            }
            return new double[][] {lat, lon};
        }

        private void compare(String name, double[] a, double[] b, ProductFile pa, ProductFile pb) throws InconsistentDataException {
            for (int k = 0; k < a.length; k++) {
                if (Double.doubleToLongBits(a[k]) != Double.doubleToLongBits(b[k])) {
                    int r = cols == 0 ? 0 : k / cols;
                    int c = cols == 0 ? 0 : k % cols;
                    throw new InconsistentDataException(DataException.describe(pb.where + ":/" + SCIENCE + "/" + name,
                            name + " differs from that of " + pa.where + " at row " + r + ", column " + c,
                            a[k], b[k], "the products must be of the same frame and processing; give matching products"));
                }
            }
        }

        private double[] readGeo(ProductFile p, String name) throws IOException, DataException {
            Dataset ds = required(p, name);
            String where = p.where + ":/" + SCIENCE + "/" + name;
            double[] v = toDouble(flat(ds, where, Double.NaN));
            if (v.length != rows * cols) throw corrupt(where, "wrong number of values " + v.length, null);
            Object fa = fillAttribute(ds, where);
            if (fa instanceof Number n && n.doubleValue() < FILL_THRESHOLD) {
                double fill = n.doubleValue();
                for (int k = 0; k < v.length; k++) if (v[k] == fill) v[k] = Double.NaN;
            }
            return v;
        }

        /** Per-row time of the first product after checking the others agree; fill and NaN as {@link #FILL}. */
        double[] readTime() throws IOException, DataException {
            double[] first = null;
            ProductFile firstProduct = null;
            for (ProductFile p : products) {
                String where = p.where + ":/" + SCIENCE + "/time";
                double[] t = toDouble(flat(required(p, MsiVariables.TIME), where, FILL));
                for (int k = 0; k < t.length; k++) if (Double.isNaN(t[k])) t[k] = FILL;
                if (first == null) {
                    first = t;
                    firstProduct = p;
                } else {
                    for (int r = 0; r < t.length; r++) {
                        if (Double.doubleToLongBits(first[r]) != Double.doubleToLongBits(t[r])) {
                            throw new InconsistentDataException(DataException.describe(where, "time differs from that of "
                                    + firstProduct.where + " at row " + r, first[r], t[r],
                                    "the products must be of the same frame and processing; give matching products"));
                        }
                    }
                }
            }
            return first;
        }

        /** The values of a file variable in its own type, floats normalised to the fill value. */
        Object readValues(Entry e) throws IOException, DataException {
            double floatFill = e.fill == null ? FILL : e.fill.doubleValue();
            Object v = flat(e.dataset, e.where(), floatFill);
            long expected = (long) rows * cols * e.bands;
            if (Array.getLength(v) != expected) {
                throw corrupt(e.where(), "read " + Array.getLength(v) + " values instead of " + expected, null);
            }
            return v;
        }

        Map<String, Object> globalAttributes(double[] lat, double[] lon, double[] rowTime) {
            ProductFile first = products.get(0);
            EarthCareProductName n = first.name;
            List<String> codes = new ArrayList<>();
            List<String> stems = new ArrayList<>();
            Set<String> baselines = new LinkedHashSet<>();
            for (ProductFile p : products) {
                codes.add(p.type.code());
                stems.add(p.name.stem());
                baselines.add(p.name.baseline());
            }
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("title", String.format(Locale.ROOT, "EarthCARE MSI Level-2A, orbit %05d frame %c", n.orbit(), n.frame()));
            g.put("source", "EarthCARE MSI Level-2A: " + String.join(", ", codes));
            g.put("dataset", "earthcare-msi-l2a"); // STAC collection id (moved to healpix_zarr.dataset by the converter)
            g.put("platform", "EarthCARE");
            g.put("instrument", "MSI");
            g.put("orbit", n.orbit());
            g.put("frame", String.valueOf(n.frame()));
            double tmin = Double.POSITIVE_INFINITY;
            double tmax = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < rows; r++) {
                double t = rowTime[r];
                if (!(t < FILL_THRESHOLD) || !rowGeolocated(lat, lon, r)) continue;
                tmin = Math.min(tmin, t);
                tmax = Math.max(tmax, t);
            }
            if (tmin <= tmax) {
                g.put("time_coverage_start", iso(tmin));
                g.put("time_coverage_end", iso(tmax));
            }
            g.put("processing_baseline", String.join(", ", baselines));
            g.put("source_products", Collections.unmodifiableList(stems));
            return g;
        }

        private boolean rowGeolocated(double[] lat, double[] lon, int r) {
            for (int k = r * cols, end = k + cols; k < end; k++) {
                if (Math.abs(lat[k]) <= 90 && Double.isFinite(lon[k])) return true;
            }
            return false;
        }

        /** The HDF5 header's orbit and frame, where present, must be those of the file name. */
        private void checkHeader(ProductFile p) throws DataException {
            String base = "HeaderData/VariableProductHeader/MainProductHeader/";
            Object orbit = header(p, base + "orbitNumber");
            Object frameId = header(p, base + "frameID");
            if (orbit instanceof Number o && o.intValue() != p.name.orbit()) {
                throw new InconsistentDataException(DataException.describe(p.where + ":/" + base + "orbitNumber",
                        "orbit in the header differs from the file name", p.name.orbit(), o, null));
            }
            if (frameId instanceof String f && !f.trim().isEmpty() && !f.trim().equals(String.valueOf(p.name.frame()))) {
                throw new InconsistentDataException(DataException.describe(p.where + ":/" + base + "frameID",
                        "frame in the header differs from the file name", p.name.frame(), f, null));
            }
        }

        private static Object header(ProductFile p, String path) throws DataException {
            Node node;
            try {
                node = p.hdf.getByPath(path);
            } catch (RuntimeException absent) {
                return null;
            }
            if (!(node instanceof Dataset ds)) return null;
            try {
                return scalar(ds.getData());
            } catch (RuntimeException e) {
                throw corrupt(p.where + ":/" + path, "cannot read the header value", e);
            }
        }
    }

    private static String iso(double secondsSince2000) {
        long micros = Math.round(secondsSince2000 * 1e6);
        return DateTimeFormatter.ISO_INSTANT.format(EPOCH.plus(micros, ChronoUnit.MICROS));
    }

    private static Group science(ProductFile p) throws DataException {
        Node n;
        try {
            n = p.hdf.getChildren().get(SCIENCE);
        } catch (RuntimeException e) {
            throw corrupt(p.where, "cannot list the root group", e);
        }
        if (!(n instanceof Group g)) {
            throw new FormatException(DataException.describe(p.where + ":/" + SCIENCE, "no group /" + SCIENCE, "the science data group",
                    n == null ? "nothing" : "a dataset", "not an EarthCARE MSI Level-2A product"));
        }
        return g;
    }

    private static Dataset required(ProductFile p, String name) throws DataException {
        Group sd = science(p);
        Node n;
        try {
            n = sd.getChildren().get(name);
        } catch (RuntimeException e) {
            throw corrupt(p.where + ":/" + SCIENCE, "cannot list the group", e);
        }
        if (!(n instanceof Dataset ds)) {
            throw new FormatException(DataException.describe(p.where + ":/" + SCIENCE + "/" + name, "missing variable " + name,
                    "a dataset /" + SCIENCE + "/" + name, n == null ? "nothing" : "a group",
                    "every MSI Level-2A product has latitude, longitude and time"));
        }
        return ds;
    }

    private static int[] dims(ProductFile p, Dataset ds, String name) throws CorruptDataException {
        try {
            return ds.getDimensions();
        } catch (RuntimeException e) {
            throw corrupt(p.where + ":/" + SCIENCE + "/" + name, "cannot read the shape", e);
        }
    }

    /** The Zarr data type name of a numeric dataset, or null for other types. */
    private static String zarrType(ProductFile p, Dataset ds, String name) throws CorruptDataException {
        DataType t;
        try {
            t = ds.getDataType();
        } catch (RuntimeException e) {
            throw corrupt(p.where + ":/" + SCIENCE + "/" + name, "cannot read the data type", e);
        }
        if (t instanceof FloatingPoint f) return f.getSize() == 4 ? "float32" : f.getSize() == 8 ? "float64" : null;
        if (t instanceof FixedPoint x) {
            int bits = x.getSize() * 8;
            if (bits != 8 && bits != 16 && bits != 32 && bits != 64) return null;
            return (x.isSigned() ? "int" : "uint") + bits;
        }
        return null;
    }

    private static Object fillAttribute(Dataset ds, String where) throws CorruptDataException {
        try {
            Attribute a = ds.getAttribute("_FillValue");
            return a == null ? null : scalar(a.getData());
        } catch (RuntimeException e) {
            throw corrupt(where, "cannot read _FillValue", e);
        }
    }

    /**
     * Whether two datasets store the same bytes: same type, shape, chunking, filters and raw chunks, so that
     * their decoded values are equal without inflating them. False when unsure.
     */
    static boolean sameStoredBytes(Node na, Node nb) {
        try {
            if (!(na instanceof ChunkedDataset a) || !(nb instanceof ChunkedDataset b)) return false;
            int[] d = a.getDimensions();
            int[] c = a.getChunkDimensions();
            if (d.length != 2 || !Arrays.equals(d, b.getDimensions()) || !Arrays.equals(c, b.getChunkDimensions())) return false;
            DataType ta = a.getDataType();
            DataType tb = b.getDataType();
            if (ta.getClass() != tb.getClass() || ta.getSize() != tb.getSize()) return false;
            if (ta instanceof OrderedDataType oa && tb instanceof OrderedDataType ob && oa.getByteOrder() != ob.getByteOrder()) return false;
            List<PipelineFilterWithData> fa = a.getFilters();
            List<PipelineFilterWithData> fb = b.getFilters();
            if (fa.size() != fb.size()) return false;
            for (int i = 0; i < fa.size(); i++) {
                if (fa.get(i).getId() != fb.get(i).getId() || !Arrays.equals(fa.get(i).getFilterData(), fb.get(i).getFilterData())) return false;
            }
            if (!Arrays.equals(asArray(fillOf(a)), asArray(fillOf(b)))) return false;
            for (int r = 0; r < d[0]; r += c[0]) {
                for (int k = 0; k < d[1]; k += c[1]) {
                    ByteBuffer ra = a.getRawChunkBuffer(new int[] {r, k});
                    ByteBuffer rb = b.getRawChunkBuffer(new int[] {r, k});
                    if (!ra.equals(rb)) return false;
                }
            }
            return true;
        } catch (RuntimeException unsure) {
            return false;
        }
    }

    private static Object fillOf(Dataset d) {
        Attribute a = d.getAttribute("_FillValue");
        return a == null ? null : a.getData();
    }

    private static Object[] asArray(Object o) {
        if (o == null) return new Object[0];
        if (!o.getClass().isArray()) return new Object[] {o};
        Object[] r = new Object[Array.getLength(o)];
        for (int i = 0; i < r.length; i++) r[i] = Array.get(o, i);
        return r;
    }

    static CorruptDataException corrupt(String where, String what, RuntimeException cause) {
        String detail = cause == null ? what : what + " (" + (cause.getMessage() == null ? cause.toString() : cause.getMessage()) + ")";
        return new CorruptDataException(DataException.describe(where, detail, null, null,
                "the file is damaged or truncated: download it again"), cause);
    }

    /** A one-element array as its element; other values unchanged. */
    private static Object scalar(Object o) {
        if (o != null && o.getClass().isArray() && Array.getLength(o) == 1) return Array.get(o, 0);
        return o;
    }

    /** Attribute values: scalars as they are, one-element arrays as scalars, arrays as unmodifiable lists. */
    private static Object attributeValue(Object o) {
        Object s = scalar(o);
        if (s != null && s.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < Array.getLength(s); i++) list.add(Array.get(s, i));
            return Collections.unmodifiableList(list);
        }
        if (s instanceof String str) return str.replace("\0", "").trim();
        return s;
    }

    private static Number castFill(Number n, String type) {
        return switch (type) {
            case "float32" -> n.floatValue();
            case "float64" -> n.doubleValue();
            case "int8" -> n.byteValue();
            case "int16" -> n.shortValue();
            case "int32" -> n.intValue();
            case "int64" -> n.longValue();
            default -> n; // unsigned: the value as jHDF gives it (widened)
        };
    }

    /** jHDF widens unsigned integers; narrow them to the signed Java type of their width. */
    private static Object narrow(Object v, String type) {
        int n = Array.getLength(v);
        switch (type) {
            case "uint8": {
                byte[] r = new byte[n];
                for (int i = 0; i < n; i++) r[i] = (byte) ((Number) Array.get(v, i)).intValue();
                return r;
            }
            case "uint16": {
                short[] r = new short[n];
                for (int i = 0; i < n; i++) r[i] = (short) ((Number) Array.get(v, i)).intValue();
                return r;
            }
            case "uint32": {
                int[] r = new int[n];
                for (int i = 0; i < n; i++) r[i] = (int) ((Number) Array.get(v, i)).longValue();
                return r;
            }
            default: {
                long[] r = new long[n];
                for (int i = 0; i < n; i++) {
                    Object x = Array.get(v, i);
                    r[i] = x instanceof BigInteger b ? b.longValue() : ((Number) x).longValue();
                }
                return r;
            }
        }
    }

    private static double[] toDouble(Object flat) {
        if (flat instanceof double[] d) return d;
        if (flat instanceof float[] f) {
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) d[i] = f[i];
            return d;
        }
        int n = Array.getLength(flat);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = ((Number) Array.get(flat, i)).doubleValue();
        return d;
    }

    private static float[] toFloat(Object v) {
        if (v instanceof float[] f) return f;
        double[] d = (double[]) v;
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static double[] perPixelTime(double[] rowTime, int cols) {
        double[] t = new double[rowTime.length * cols];
        for (int r = 0; r < rowTime.length; r++) Arrays.fill(t, r * cols, (r + 1) * cols, rowTime[r]);
        return t;
    }

    private static byte[] isccp(float[] cot, float[] cth) {
        byte[] out = new byte[cot.length];
        for (int i = 0; i < out.length; i++) out[i] = IsccpCloudType.classify(cot[i], cth[i]);
        return out;
    }
}
