package org.healpixzarr.dggs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.InconsistentDataException;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.healpix.RangeSet;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.zarr.FileSystemStore;
import org.healpixzarr.zarr.PrefixStore;
import org.healpixzarr.zarr.Store;
import org.healpixzarr.zarr.ZarrArray;
import org.healpixzarr.zarr.ZarrGroup;

/**
 * An open DGGS-Zarr store (layout v1): metadata, variables, and reads by cell-id range or lon/lat box that
 * touch only the chunks intersecting the request (located through the store's chunk index).
 *
 * <p>Thread-safe for reads once opened. {@link #close()} releases nothing today but is part of the contract.
 */
public final class DggsStore implements AutoCloseable {
    private final String name;
    private final Store store;
    private final Map<String, Object> attributes;
    private final Map<String, Object> facts;
    private final Ellipsoid ellipsoid;
    private final int depth;
    private final long cells;
    private final ZarrArray cellIds;
    private final int chunkCells;
    private final long[] chunkFirst;
    private final long[] chunkLast;
    private final Map<String, VariableInfo> variables = new LinkedHashMap<>();
    private final Map<String, ZarrArray> arrays = new LinkedHashMap<>();
    /** Where reads of rows come from instead of the arrays, or {@code null} (see {@link #serveFrom}). */
    private volatile Rows rows;
    private final Map<Integer, long[]> idChunkCache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, long[]> e) {
            return size() > 32;
        }
    });

    private DggsStore(String name, Store store) throws IOException, DataException {
        this.name = name;
        this.store = store;
        if (store.get("zarr.json") == null) {
            throw new FormatException(DataException.describe(name, "not a Zarr v3 store", "a zarr.json at the root",
                    "no zarr.json", "give the path of a .zarr folder written by healpix-zarr"));
        }
        ZarrGroup root = ZarrGroup.open(store, "");
        this.attributes = root.attributes();
        List<String> problems = DggsConvention.check(attributes, name + "/zarr.json");
        if (!problems.isEmpty()) {
            throw new FormatException(DataException.describe(name, "not a DGGS-Zarr store: " + String.join("; ", problems),
                    null, null, "run 'healpix-zarr validate' for a full report"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) attributes.get("dggs");
        this.depth = ((Number) d.get("refinement_level")).intValue();
        Ellipsoid e = DggsConvention.ellipsoidOf(d.get("ellipsoid"));
        this.ellipsoid = e == null ? Ellipsoid.SPHERE : e;
        Object f = attributes.get(StoreLayout.FACTS);
        if (!(f instanceof Map)) {
            throw new FormatException(DataException.describe(name + "/zarr.json", "attribute '" + StoreLayout.FACTS + "' missing",
                    "the healpix-zarr layout facts (layout_version " + StoreLayout.VERSION + ")", "none",
                    "this store was not written by healpix-zarr; rewrite it with 'healpix-zarr convert'"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) f;
        this.facts = facts;
        Object lv = facts.get("layout_version");
        if (!(lv instanceof Number) || ((Number) lv).intValue() != StoreLayout.VERSION) {
            throw new FormatException(DataException.describe(name + "/zarr.json", "unsupported layout version",
                    StoreLayout.VERSION, lv, "upgrade healpix-zarr"));
        }
        this.cellIds = ZarrArray.open(store, DggsConvention.COORDINATE);
        if (cellIds.shape().length != 1 || cellIds.dataType() != DataType.UINT64) {
            throw new FormatException(DataException.describe(name + "/cell_ids", "wrong cell_ids array", "uint64 [cells]",
                    cellIds.dataType().v3Name() + " " + java.util.Arrays.toString(cellIds.shape()), null));
        }
        this.cells = cellIds.shape()[0];
        this.chunkCells = cellIds.metadata().chunkShape()[0];
        ZarrArray index = ZarrArray.open(store, StoreLayout.CHUNK_BOUNDS);
        int chunks = (int) ((cells + chunkCells - 1) / chunkCells);
        if (index.shape()[0] != chunks) {
            throw new InconsistentDataException(DataException.describe(name + "/" + StoreLayout.CHUNK_BOUNDS,
                    "chunk index does not match cell_ids", chunks + " chunks", index.shape()[0] + " chunks",
                    "the store is damaged; convert again"));
        }
        long[] b = chunks == 0 ? new long[0] : (long[]) index.read(new long[] {0, 0}, new int[] {chunks, 2});
        chunkFirst = new long[chunks];
        chunkLast = new long[chunks];
        for (int c = 0; c < chunks; c++) {
            chunkFirst[c] = b[2 * c];
            chunkLast[c] = b[2 * c + 1];
        }
        Object kinds = facts.get("variables");
        // store order: the writer's declaration order (healpix_zarr.variables), then any other array
        List<String> order = new ArrayList<>();
        if (kinds instanceof Map) for (Object k : ((Map<?, ?>) kinds).keySet()) order.add(k.toString());
        List<String> children = root.childArrays();
        order.retainAll(children);
        for (String c : children) if (!order.contains(c)) order.add(c);
        for (String child : order) {
            if (child.equals(DggsConvention.COORDINATE)) continue;
            ZarrArray a = ZarrArray.open(store, child);
            arrays.put(child, a);
            Map<String, Object> at = a.metadata().attributes();
            VariableKind kind = VariableKind.QUANTITY;
            if (kinds instanceof Map && ((Map<?, ?>) kinds).get(child) instanceof Map) {
                Object k = ((Map<?, ?>) ((Map<?, ?>) kinds).get(child)).get("kind");
                if (k != null) kind = VariableKind.valueOf(k.toString().toUpperCase(Locale.ROOT));
            }
            long[] shape = a.shape();
            int bands = shape.length > 1 ? (int) shape[1] : 1;
            variables.put(child, new VariableInfo(child, a.dataType(), bands, a.metadata().fillValue(),
                    str(at.get("units")), str(at.get("long_name")), kind, at));
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** Opens the store at {@code path}; {@link FormatException} if it is not a DGGS-Zarr store of this layout. */
    public static DggsStore open(Path path) throws IOException, DataException {
        if (!Files.isDirectory(path)) {
            throw new FormatException(DataException.describe(path.toString(), "no such store", "a .zarr folder",
                    Files.exists(path) ? "a file" : "nothing", null));
        }
        return new DggsStore(path.toString(), new FileSystemStore(path));
    }

    /** Opens a store through any {@link Store} (e.g. a counting wrapper); {@code name} is used in messages. */
    public static DggsStore open(Store store, String name) throws IOException, DataException {
        return new DggsStore(name, store);
    }

    /** The underlying key-value store. */
    public Store store() { return store; }

    /** Name used in messages (the path). */
    public String name() { return name; }

    /** Reference ellipsoid of the ids. */
    public Ellipsoid ellipsoid() { return ellipsoid; }

    /** Depth of the ids, 0..29. */
    public int depth() { return depth; }

    /** Number of cells stored. */
    public long cellCount() { return cells; }

    /**
     * The native depth: the depth whose cell edge is just below the median spacing of the observations
     * ({@code healpix_zarr.native_depth}); for an overview level, the level's own depth. Overviews exist at this
     * depth or coarser (from the first depth whose cells are at most half the observations). Equals
     * {@link #depth()} when the store records no spacing (no overviews).
     */
    public int nativeDepth() {
        Object n = facts.get("native_depth");
        return n instanceof Number ? Math.min(depth, ((Number) n).intValue()) : depth;
    }

    /** Depths of the overview levels under {@code overviews/}, finest first (empty if none). */
    public int[] overviewDepths() {
        Object o = facts.get("overview_depths");
        if (!(o instanceof List)) return new int[0];
        return ((List<?>) o).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
    }

    /**
     * Opens the overview level at {@code depth} ({@code overviews/<depth>}), a DGGS-Zarr group of its own with the
     * same API: ids at that depth, aggregated variables and a {@code count} variable.
     *
     * @throws FormatException if the store has no such level
     */
    public DggsStore overview(int level) throws IOException, DataException {
        for (int d : overviewDepths()) {
            if (d == level) return new DggsStore(name + "/overviews/" + level, new PrefixStore(store, "overviews/" + level));
        }
        throw new FormatException(DataException.describe(name, "no overview at depth " + level,
                "one of " + java.util.Arrays.toString(overviewDepths()), level, "run 'healpix-zarr overviews " + name + "'"));
    }

    /** Cells per chunk of every array. */
    public int chunkCells() { return chunkCells; }

    /** Root attributes (unmodifiable view of the parsed zarr.json attributes). */
    public Map<String, Object> attributes() { return Collections.unmodifiableMap(attributes); }

    /** The {@code healpix_zarr} facts. */
    public Map<String, Object> facts() { return Collections.unmodifiableMap(facts); }

    /** The variables, in store order. */
    public List<VariableInfo> variables() { return List.copyOf(variables.values()); }

    /** One variable; {@link FormatException} naming the available ones if absent. */
    public VariableInfo variable(String v) throws FormatException {
        VariableInfo i = variables.get(v);
        if (i == null) {
            throw new FormatException(DataException.describe(name, "no variable '" + v + "'", "one of " + variables.keySet(),
                    v, "see 'healpix-zarr info " + name + "'"));
        }
        return i;
    }

    /** {west, south, east, north} in degrees (west > east across the antimeridian), or {@code null} if empty. */
    public double[] bbox() {
        Object b = facts.get("bbox");
        if (!(b instanceof List) || ((List<?>) b).size() != 4) return null;
        double[] r = new double[4];
        for (int i = 0; i < 4; i++) r[i] = ((Number) ((List<?>) b).get(i)).doubleValue();
        return r;
    }

    /** The ids of rows {@code [from, to)}. */
    public long[] readCellIds(long from, long to) throws IOException, DataException {
        Rows r = rows;
        if (r != null) return r.cellIds(from, to);
        return (long[]) cellIds.read(new long[] {from}, new int[] {Math.toIntExact(to - from)});
    }

    /**
     * The rows of a store, as they were just written, from memory: the writer's sorted rows, so that the overviews
     * it builds next need not read back (decompress) what it has just encoded. Must return exactly what the arrays
     * hold; thread-safe.
     */
    interface Rows {
        /** As {@link DggsStore#readCellIds}. */
        long[] cellIds(long from, long to);

        /** As {@link DggsStore#read}. */
        Object values(String variable, long from, long to);
    }

    /** Serves {@link #readCellIds} and {@link #read} from {@code r} (null: from the arrays again). */
    void serveFrom(Rows r) {
        rows = r;
    }

    /** The values of a variable for rows {@code [from, to)}: a primitive array of {@code (to-from) × bands}. */
    public Object read(String variable, long from, long to) throws IOException, DataException {
        VariableInfo v = variable(variable);
        Rows r = rows;
        if (r != null) return r.values(variable, from, to);
        ZarrArray a = arrays.get(variable);
        int n = Math.toIntExact(to - from);
        return v.bands() == 1 ? a.read(new long[] {from}, new int[] {n})
                : a.read(new long[] {from, 0}, new int[] {n, v.bands()});
    }

    /** First row whose id is ≥ {@code id} (unsigned), in [0, cellCount]. Reads at most one chunk of cell_ids. */
    public long lowerBound(long id) throws IOException, DataException {
        int lo = 0, hi = chunkLast.length; // first chunk whose last >= id
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(chunkLast[mid], id) < 0) lo = mid + 1;
            else hi = mid;
        }
        if (lo == chunkLast.length) return cells;
        if (Long.compareUnsigned(chunkFirst[lo], id) >= 0) return (long) lo * chunkCells;
        long[] ids = idChunk(lo);
        int p = java.util.Arrays.binarySearch(ids, id);
        if (p < 0) p = -p - 1;
        return (long) lo * chunkCells + p;
    }

    private long[] idChunk(int c) throws IOException, DataException {
        long[] ids = idChunkCache.get(c);
        if (ids == null) {
            long from = (long) c * chunkCells;
            ids = readCellIds(from, Math.min(cells, from + chunkCells));
            idChunkCache.put(c, ids);
        }
        return ids;
    }

    /** Ids of rows [from, to) assembled from the cached chunks of cell_ids (the ones {@link #lowerBound} read). */
    private long[] cachedIds(long from, long to) throws IOException, DataException {
        long[] out = new long[Math.toIntExact(to - from)];
        for (long r = from; r < to; ) {
            int c = (int) (r / chunkCells);
            long[] chunk = idChunk(c);
            int off = (int) (r - (long) c * chunkCells);
            int len = (int) Math.min(chunk.length - off, to - r);
            System.arraycopy(chunk, off, out, (int) (r - from), len);
            r += len;
        }
        return out;
    }

    /**
     * Row ranges holding the cells of {@code ranges} (expressed at {@code rangeDepth} ≤ store depth).
     *
     * @return sorted disjoint half-open row ranges, as {start0, end0, start1, end1, ...}
     */
    public long[] rows(RangeSet ranges, int rangeDepth) throws IOException, DataException {
        RangeSet r = rangeDepth == depth ? ranges : ranges.toDepth(rangeDepth, depth);
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            long a = lowerBound(r.start(i));
            if (a >= cells) break;
            long b = lowerBound(r.end(i));
            if (b <= a) continue;
            if (!out.isEmpty() && out.get(out.size() - 1)[1] == a) out.get(out.size() - 1)[1] = b;
            else out.add(new long[] {a, b});
        }
        long[] flat = new long[out.size() * 2];
        for (int i = 0; i < out.size(); i++) {
            flat[2 * i] = out.get(i)[0];
            flat[2 * i + 1] = out.get(i)[1];
        }
        return flat;
    }

    /**
     * Reads the cells whose centre lies in the box [west, east] × [south, north] (degrees; west > east crosses
     * the antimeridian), touching only the chunks that intersect it.
     *
     * @param variables names to read (empty: ids only)
     */
    public CellBlock readBox(double west, double south, double east, double north, List<String> variables)
            throws IOException, DataException {
        for (String v : variables) variable(v);
        double lonSpan = west <= east ? east - west : east + 360 - west;
        double span = Math.max(1e-9, Math.max(north - south, lonSpan * Math.cos(Math.toRadians(
                Math.min(Math.abs(south), Math.abs(north))))));
        int d = (int) Math.ceil(Math.log(58.63 * 4 / span) / Math.log(2));
        d = Math.max(0, Math.min(Math.min(depth, 20), d));
        RangeSet cover = HealpixGrid.of(ellipsoid, d).coverBox(west, south, east, north);
        long[] rr = coalesce(rows(cover, d));
        HealpixGrid grid = HealpixGrid.of(ellipsoid, depth);
        List<Long> keptIds = new ArrayList<>();
        List<long[]> keptRows = new ArrayList<>();
        for (int i = 0; i < rr.length; i += 2) {
            long[] ids = cachedIds(rr[i], rr[i + 1]);
            for (int k = 0; k < ids.length; k++) {
                double[] c = grid.center(ids[k]);
                if (inBox(c[0], c[1], west, south, east, north)) {
                    keptIds.add(ids[k]);
                    keptRows.add(new long[] {rr[i] + k});
                }
            }
        }
        long[] outIds = new long[keptIds.size()];
        for (int i = 0; i < outIds.length; i++) outIds[i] = keptIds.get(i);
        Map<String, Object> values = new LinkedHashMap<>();
        for (String v : variables) {
            VariableInfo info = variable(v);
            Object out = info.dataType().newArray(outIds.length * info.bands());
            int p = 0;
            for (int i = 0; i < rr.length; i += 2) {
                Object part = read(v, rr[i], rr[i + 1]);
                // copy the kept rows of this range
                while (p < outIds.length && keptRows.get(p)[0] < rr[i + 1]) {
                    long row = keptRows.get(p)[0];
                    System.arraycopy(part, (int) (row - rr[i]) * info.bands(), out, p * info.bands(), info.bands());
                    p++;
                }
            }
            values.put(v, out);
        }
        return new CellBlock(outIds, values, List.copyOf(variables));
    }

    /** Merges row ranges separated by less than a chunk: the chunk between them is decoded anyway. */
    private long[] coalesce(long[] rr) {
        if (rr.length <= 2) return rr;
        long[] out = new long[rr.length];
        int n = 0;
        for (int i = 0; i < rr.length; i += 2) {
            if (n > 0 && rr[i] / chunkCells <= (out[n - 1] - 1) / chunkCells) {
                out[n - 1] = rr[i + 1];
            } else {
                out[n++] = rr[i];
                out[n++] = rr[i + 1];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    static boolean inBox(double lon, double lat, double west, double south, double east, double north) {
        if (lat < south || lat > north) return false;
        double l = lon - 360 * Math.floor((lon - west) / 360); // l in [west, west + 360)
        double span = west <= east ? east - west : east + 360 - west;
        return l - west <= span;
    }

    @Override
    public void close() {
        idChunkCache.clear();
    }
}
