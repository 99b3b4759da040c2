package org.healpixzarr.dggs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.zarr.ArrayMetadata;
import org.healpixzarr.zarr.Compression;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.zarr.FileSystemStore;
import org.healpixzarr.zarr.Store;
import org.healpixzarr.zarr.ZarrArray;
import org.healpixzarr.zarr.ZarrGroup;

/**
 * The overview pyramid of a DGGS-Zarr store (docs/format.md, "Overviews"): {@code overviews/<d>/} groups at
 * depths from the native depth (or coarser) down, each a DGGS-Zarr group of its own with {@code cell_ids} at
 * depth d, a {@code count} of the depth-29 observations per cell and every variable aggregated by its kind (mean, mode, bitwise OR;
 * embeddings as the re-quantised mean of their dequantised vectors).
 *
 * <p>The native depth is the depth whose cell edge is just below the median spacing of the observations,
 * estimated from the ids alone ({@link #medianSpacing}); levels go from the first depth, at most the native depth,
 * whose cells are at most half the observations ({@link #firstLevel}) to the first depth whose cells fit in one
 * chunk (or depth 0), unless a minimum depth is given. Levels are computed in one streaming pass over the
 * sorted ids with bounded memory; the state carried from a level to the next coarser one is exact (sums, counts,
 * histograms, masks), so every level equals the aggregate of the observations it covers.
 *
 * <p>Stateless and thread-safe; a build uses all available cores.
 */
public final class Overviews {
    private static final System.Logger LOG = System.getLogger(Overviews.class.getName());
    /** Observations sampled to estimate the median spacing. */
    public static final int SPACING_SAMPLES = 4096;
    /** Group holding the levels. */
    public static final String GROUP = "overviews";
    /** uuid of the zarr-conventions {@code multiscales} convention. */
    public static final String MULTISCALES_UUID = "d35379db-88df-4056-af3a-620245f8e347";
    /** Name of the per-cell observation count of every level. */
    public static final String COUNT = "count";
    /** Bytes of finished level cells buffered before they are written (at least one chunk per level). */
    private static final long OUTPUT_BUDGET = 8L << 20;
    private static final int MAX_SCAN = 1 << 16;
    /** By default the finest level has at most 1 / MIN_REDUCTION of the store's cells (docs/format.md, "Levels"). */
    static final int MIN_REDUCTION = 2;

    private Overviews() {}

    /**
     * What a build produced.
     *
     * @param nativeDepth   the native depth (the store's depth when there is no pyramid)
     * @param medianSpacing median distance between neighbouring observations, metres (NaN with fewer than 2)
     * @param depths        depths of the levels written, finest first (empty: no pyramid)
     * @param cells         cells per level, in the order of {@code depths}
     */
    public record Result(int nativeDepth, double medianSpacing, int[] depths, long[] cells) {}

    /**
     * What {@link #rebuild} did.
     *
     * @param store   the store
     * @param result  the pyramid written
     * @param objects files under {@code overviews/}
     * @param bytes   bytes under {@code overviews/}
     */
    public record Report(Path store, Result result, long objects, long bytes) {}

    /**
     * The native depth for a spacing: the smallest depth whose cell edge
     * ({@link HealpixGrid#cellEdgeMetres()}, ≈ 6,519,622 m / 2^d) is below {@code spacingMetres}, in 0..29.
     */
    public static int nativeDepthFor(double spacingMetres) {
        if (!(spacingMetres > 0)) throw new IllegalArgumentException("spacing must be positive: " + spacingMetres);
        for (int d = 0; d <= HealpixGrid.MAX_DEPTH; d++) {
            if (HealpixGrid.of(Ellipsoid.WGS84, d).cellEdgeMetres() < spacingMetres) return d;
        }
        return HealpixGrid.MAX_DEPTH;
    }

    /**
     * Median distance in metres between an observation and its nearest neighbour, estimated from the ids of a
     * store: {@value #SPACING_SAMPLES} observations sampled evenly along the sorted ids; for each, the first
     * coarser depth whose cell holds at least one other observation; the nearest other observation among that
     * cell and its 8 neighbours (distance between depth-29 cell centres on the authalic sphere).
     *
     * @return the median, or NaN with fewer than 2 cells
     */
    public static double medianSpacing(DggsStore store) throws IOException, DataException {
        return medianSpacing(new SortedIds(store.store()), store.ellipsoid(), store.depth());
    }

    static double medianSpacing(SortedIds ids, Ellipsoid ellipsoid, int depth) throws IOException, DataException {
        long n = ids.size();
        if (n < 2 || depth == 0) return Double.NaN;
        int samples = (int) Math.min(n, SPACING_SAMPLES);
        HealpixGrid grid = HealpixGrid.of(ellipsoid, depth);
        double radius = HealpixGrid.of(ellipsoid, 0).cellEdgeMetres() / Math.sqrt(Math.PI / 3);
        double[] dist = new double[samples];
        Centres centres = new Centres(ids, grid);
        int m = 0;
        for (int k = 0; k < samples; k++) {
            // one small method per sample and per scanned cell (not one large loop nest): each is compiled once,
            // without on-stack replacement of the outer loops
            double best = nearest(ids, ellipsoid, centres, depth, (long) ((double) k * n / samples), radius);
            if (best < Double.POSITIVE_INFINITY) dist[m++] = best;
        }
        if (m == 0) return Double.NaN;
        Arrays.sort(dist, 0, m);
        return dist[m / 2];
    }

    /** Distance from the observation at {@code row} to the nearest other one (see {@link #medianSpacing}); +∞ if none. */
    private static double nearest(SortedIds ids, Ellipsoid ellipsoid, Centres centres, int depth, long row, double radius)
            throws IOException, DataException {
        long id = ids.get(row);
        int c = centres.slot(row);
        double lon = centres.lon[c], lat = centres.lat[c], cosLat = centres.cosLat[c]; // the slot may be reused below
        // the finest depth whose cell holds another observation: the ids sharing the longest prefix with id are
        // its neighbours in sorted order (0 when it is alone on its base face)
        int d = 0;
        if (row > 0) d = Math.max(d, commonDepth(id, ids.get(row - 1), depth));
        if (row + 1 < ids.size()) d = Math.max(d, commonDepth(id, ids.get(row + 1), depth));
        long p = HealpixGrid.parent(id, depth, d);
        long[] nb = HealpixGrid.of(ellipsoid, d).neighbours(p);
        double best = Double.POSITIVE_INFINITY;
        for (int q = -1; q < nb.length; q++) {
            long cell = q < 0 ? p : nb[q];
            if (cell < 0) continue;
            best = nearestIn(ids, centres, row, lon, lat, cosLat, cell, d, depth, best);
        }
        // the distance grows with the haversine term (sqrt and asin are monotonic): the nearest by that term is the
        // nearest, and only its distance is computed
        return best == Double.POSITIVE_INFINITY ? best : 2 * radius * Math.asin(Math.min(1, Math.sqrt(best)));
    }

    /** The finest depth whose cell holds the distinct depth-{@code depth} cells a and b; negative on different base faces. */
    static int commonDepth(long a, long b, int depth) {
        return depth - (63 - Long.numberOfLeadingZeros(a ^ b)) / 2 - 1;
    }

    /**
     * {@code best} lowered to the haversine term ({@link #haversine}) from the point (lon degrees, lat radians and
     * its cosine) to the observations of cell (d) but row's, if smaller.
     */
    private static double nearestIn(SortedIds ids, Centres centres, long row, double lon, double lat, double cosLat,
                                    long cell, int d, int depth, double best) throws IOException, DataException {
        long lo = ids.lowerBound(HealpixGrid.firstChild(cell, d, depth));
        long hi = Math.min(ids.lowerBound(HealpixGrid.childrenEnd(cell, d, depth)), lo + MAX_SCAN);
        for (long r = lo; r < hi; r++) {
            if (r == row) continue;
            int c = centres.slot(r);
            best = Math.min(best, haversine(lon, lat, cosLat, centres.lon[c], centres.lat[c], centres.cosLat[c]));
        }
        return best;
    }

    /**
     * The haversine term {@code h} between two points (lon degrees, lat radians and its cosine): the great-circle
     * distance on a sphere of radius R is {@code 2 R asin(min(1, sqrt(h)))}.
     */
    static double haversine(double lon1, double lat1, double cosLat1, double lon2, double lat2, double cosLat2) {
        double sp = Math.sin((lat2 - lat1) / 2), sl = Math.sin(Math.toRadians(lon2 - lon1) / 2);
        return sp * sp + cosLat1 * cosLat2 * sl * sl;
    }

    /**
     * Cell centres of rows of the sorted ids in the form {@link #haversine} takes, in a direct-mapped cache by row:
     * the samples of a small store scan many of the same rows. Not thread-safe.
     */
    private static final class Centres {
        private static final int SIZE = 1 << 13;
        private final SortedIds ids;
        private final HealpixGrid grid;
        private final long[] rows = new long[SIZE];
        final double[] lon = new double[SIZE], lat = new double[SIZE], cosLat = new double[SIZE];

        Centres(SortedIds ids, HealpixGrid grid) {
            this.ids = ids;
            this.grid = grid;
            Arrays.fill(rows, -1);
        }

        /** The slot holding the centre of {@code row}, computed if it is not there. */
        int slot(long row) throws IOException, DataException {
            int s = (int) (row & (SIZE - 1));
            if (rows[s] != row) {
                double[] c = grid.center(ids.get(row));
                lon[s] = c[0];
                lat[s] = Math.toRadians(c[1]);
                cosLat[s] = Math.cos(lat[s]);
                rows[s] = row;
            }
            return s;
        }
    }

    // ------------------------------------------------------------------------------------ rebuild

    /**
     * Rebuilds the pyramid of an existing store, atomically for readers of the data: the levels are built into a
     * temporary folder inside the store ({@code .overviews.tmp-*}), then swapped with {@code overviews/} and the
     * root {@code zarr.json} is rewritten (itself replaced atomically). On failure the store is left as it was.
     * The result is byte-identical to the pyramid written at conversion (same data, same options).
     *
     * @param store    the store folder
     * @param minDepth coarsest level to build, or {@code null} for the default stop rule
     */
    public static Report rebuild(Path store, Integer minDepth) throws IOException, DataException {
        return rebuild(store, minDepth, null);
    }

    /**
     * {@link #rebuild(Path, Integer)} with the finest level chosen too.
     *
     * @param store    the store folder
     * @param minDepth coarsest level to build, or {@code null} for the default stop rule
     * @param maxDepth finest level to build (at most the native depth: a larger value builds from the native depth),
     *                 or {@code null} for the default (the first depth whose cells are at most half the observations)
     */
    public static Report rebuild(Path store, Integer minDepth, Integer maxDepth) throws IOException, DataException {
        Path tmp;
        Result r;
        Map<String, Object> attrs;
        try (DggsStore s = DggsStore.open(store)) {
            tmp = Files.createTempDirectory(store, ".overviews.tmp-");
            try {
                r = build(s, new FileSystemStore(tmp), minDepth, maxDepth);
            } catch (IOException | DataException | RuntimeException | Error e) {
                AtomicDelete.tree(tmp);
                throw e;
            }
            attrs = withOverviews(s.attributes(), r);
        }
        Path ov = store.resolve(GROUP);
        Path old = null;
        try {
            if (Files.exists(ov)) {
                old = store.resolve(".overviews.old-" + Long.toHexString(System.nanoTime()));
                Files.move(ov, old, StandardCopyOption.ATOMIC_MOVE);
            }
            if (r.depths().length > 0) Files.move(tmp, ov, StandardCopyOption.ATOMIC_MOVE);
            ZarrGroup.create(new FileSystemStore(store), "", attrs, 3);
        } catch (IOException | RuntimeException e) {
            if (old != null && !Files.exists(ov)) {
                try {
                    Files.move(old, ov, StandardCopyOption.ATOMIC_MOVE);
                    old = null;
                } catch (IOException e2) {
                    e.addSuppressed(e2);
                }
            }
            throw e;
        } finally {
            AtomicDelete.tree(tmp);
            if (old != null) AtomicDelete.tree(old);
        }
        long[] size = r.depths().length > 0 ? DggsWriter.sizeOf(ov) : new long[2];
        LOG.log(System.Logger.Level.INFO, "rebuilt the overviews of {0}: levels {1}", store, Arrays.toString(r.depths()));
        return new Report(store, r, size[0], size[1]);
    }

    /** Recursive delete without following links. */
    static final class AtomicDelete {
        static void tree(Path root) throws IOException {
            if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
            try (var s = Files.walk(root)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    // ------------------------------------------------------------------------------------ root attributes

    /** The zarr_conventions entry of the multiscales convention. */
    static Map<String, Object> multiscalesEntry() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_url", "https://raw.githubusercontent.com/zarr-conventions/multiscales/refs/tags/v1/schema.json");
        m.put("spec_url", "https://github.com/zarr-conventions/multiscales/blob/v1/README.md");
        m.put("uuid", MULTISCALES_UUID);
        m.put("name", "multiscales");
        m.put("description", "Multiscale layout of zarr datasets");
        return m;
    }

    /**
     * The root attributes with the pyramid recorded: {@code healpix_zarr.native_depth}, {@code median_spacing_m},
     * {@code overview_depths}, the {@code multiscales} attribute and its {@code zarr_conventions} entry (removed
     * when there are no levels). Keys already present keep their position, so rewriting is stable.
     */
    static Map<String, Object> withOverviews(Map<String, Object> attributes, Result r) {
        Map<String, Object> a = mutable(attributes);
        int storeDepth = ((Number) ((Map<?, ?>) a.get("dggs")).get("refinement_level")).intValue();
        @SuppressWarnings("unchecked")
        Map<String, Object> facts = (Map<String, Object>) a.get(StoreLayout.FACTS);
        facts.put("native_depth", r.nativeDepth());
        facts.put("median_spacing_m", Double.isNaN(r.medianSpacing()) ? null : round(r.medianSpacing()));
        List<Object> depths = new ArrayList<>();
        for (int d : r.depths()) depths.add(d);
        facts.put("overview_depths", depths);
        List<Object> conv = new ArrayList<>();
        Object old = a.get("zarr_conventions");
        if (old instanceof List) {
            for (Object o : (List<?>) old) {
                if (!(o instanceof Map && MULTISCALES_UUID.equals(((Map<?, ?>) o).get("uuid")))) conv.add(o);
            }
        }
        if (r.depths().length > 0) conv.add(multiscalesEntry());
        a.put("zarr_conventions", conv);
        if (r.depths().length == 0) {
            a.remove("multiscales");
        } else {
            List<Object> layout = new ArrayList<>();
            for (int i = 0; i < r.depths().length; i++) {
                int d = r.depths()[i];
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("asset", GROUP + "/" + d);
                Map<String, Object> t = new LinkedHashMap<>();
                if (i > 0) {
                    e.put("derived_from", GROUP + "/" + r.depths()[i - 1]);
                    t.put("scale", List.of((double) (1L << (r.depths()[i - 1] - d))));
                } else {
                    t.put("scale", List.of((double) (1L << (storeDepth - d))));
                }
                e.put("transform", t);
                e.put("refinement_level", d);
                e.put("cells", r.cells()[i]);
                layout.add(e);
            }
            Map<String, Object> ms = new LinkedHashMap<>();
            ms.put("layout", layout);
            ms.put("resampling_method", "per_variable");
            a.put("multiscales", ms);
        }
        return a;
    }

    private static double round(double metres) {
        return Math.round(metres * 1000) / 1000.0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mutable(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) out.put(e.getKey(), mutableValue(e.getValue()));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object mutableValue(Object v) {
        if (v instanceof Map) return mutable((Map<String, Object>) v);
        if (v instanceof List) {
            List<Object> l = new ArrayList<>();
            for (Object o : (List<?>) v) l.add(mutableValue(o));
            return l;
        }
        return v;
    }

    // ------------------------------------------------------------------------------------ build

    /** The output declaration of one level variable. */
    private record LevelVar(String name, DataType type, int bands, Number fill, Map<String, Object> attributes,
                            String kind, String aggregation) {}

    /**
     * Builds the pyramid of {@code src} into {@code out} (keys {@code zarr.json} of the overviews group and
     * {@code <d>/...} per level). Chunking and compression follow the source's {@code cell_ids}.
     *
     * @param minDepth coarsest level or {@code null} for the stop rule (first level that fits in one chunk, or 0)
     * @param maxDepth finest level (clamped to the native depth) or {@code null} for {@link #firstLevel}
     */
    static Result build(DggsStore src, Store out, Integer minDepth, Integer maxDepth) throws IOException, DataException {
        int depth = src.depth();
        long n = src.cellCount();
        ZarrArray idArray = ZarrArray.open(src.store(), DggsConvention.COORDINATE);
        ArrayMetadata idMd = idArray.metadata();
        int chunkCells = idMd.chunkShape()[0];
        int shardCells = idMd.shardShape() == null ? chunkCells : idMd.shardShape()[0];
        Compression compression = idMd.compression();
        int level = idMd.compressionLevel();
        SortedIds sorted = new SortedIds(src.store());
        double spacing = medianSpacing(sorted, src.ellipsoid(), depth);
        if (Double.isNaN(spacing) || depth == 0) return new Result(depth, spacing, new int[0], new long[0]);
        int nat = Math.min(nativeDepthFor(spacing), depth - 1);
        long[] cellsAt = countCells(src, n, depth, nat, chunkCells);
        // the finest level: --max-depth, else the first depth with at most half as many cells as observations (but
        // not coarser than --min-depth); the coarsest: --min-depth, else the first from there that fits in one chunk
        int min = minDepth == null ? 0 : Math.max(0, Math.min(minDepth, nat));
        int first = maxDepth != null ? Math.max(0, Math.min(maxDepth, nat)) : firstLevel(cellsAt, n, nat, min);
        if (first < min) {
            throw new IllegalArgumentException("minimum depth " + minDepth + " is finer than maximum depth " + maxDepth);
        }
        int stop = first;
        if (minDepth != null) {
            stop = min;
        } else {
            while (stop > 0 && cellsAt[stop] > chunkCells) stop--;
        }
        int levels = first - stop + 1;
        int[] depths = new int[levels];
        long[] cells = new long[levels];
        for (int j = 0; j < levels; j++) {
            depths[j] = first - j;
            cells[j] = cellsAt[first - j];
        }
        for (VariableInfo v : src.variables()) {
            if (v.name().equals(COUNT)) {
                throw new FormatException(DataException.describe(src.name() + "/" + COUNT, "a variable is named '" + COUNT + "'",
                        "no variable of that name (each overview level has its own '" + COUNT + "' of observations)", COUNT,
                        "rename the variable and convert again"));
            }
        }
        new Builder(src, out, nat, depths, cells, chunkCells, shardCells, compression, level, spacing).run();
        return new Result(nat, spacing, depths, cells);
    }

    /**
     * The finest level written by default: the finest depth from {@code nat} down to {@code min} whose cells number at
     * most half the {@code observations} ({@link #MIN_REDUCTION}), else {@code min}. A finer level would be little more than a copy
     * of the data (observations about one per cell where the cells are smaller than the spacing): twice the bytes,
     * hardly fewer reads, and cells smaller than the spacing draw with holes between them, where nearest-observation
     * sampling of the store itself draws none.
     */
    static int firstLevel(long[] cellsAt, long observations, int nat, int min) {
        int first = nat;
        while (first > min && cellsAt[first] * MIN_REDUCTION > observations) first--;
        return first;
    }

    /** Distinct cells at every depth 0..maxDepth, one pass over the ids. */
    private static long[] countCells(DggsStore src, long n, int depth, int maxDepth, int chunkCells)
            throws IOException, DataException {
        long[] starts = new long[maxDepth + 2]; // starts[d]: ids whose coarsest differing depth from the previous is d
        long prev = -1;
        int step = chunkCells * 16;
        for (long s = 0; s < n; s += step) {
            int len = (int) Math.min(step, n - s);
            long[] v = src.readCellIds(s, s + len);
            for (int i = 0; i < len; i++) {
                long id = v[i];
                if (prev < 0) {
                    starts[0]++;
                } else {
                    int d = Math.max(0, commonDepth(id, prev, depth) + 1); // coarsest depth where they differ
                    if (d <= maxDepth) starts[d]++;
                }
                prev = id;
            }
        }
        long[] cells = new long[maxDepth + 1];
        long acc = 0;
        for (int d = 0; d <= maxDepth; d++) {
            acc += starts[d];
            cells[d] = acc;
        }
        return cells;
    }

    /** One streaming pass writing every level. */
    private static final class Builder {
        private final DggsStore src;
        private final Store out;
        private final int depth;
        private final int nativeDepth;
        private final int[] depths;
        private final long[] cells;
        private final int chunkCells;
        private final int shardCells;
        private final Compression compression;
        private final int level;
        private final double spacing;
        private final int levels;
        private final int[] shifts;
        private final List<LevelAggregator> aggs = new ArrayList<>();
        private final List<List<LevelVar>> declared = new ArrayList<>();
        private final LevelAggregator.Output[] idOut;
        private final LevelAggregator.Output[] countOut;
        private final int[] fill;
        private final long[] written;
        private final DggsWriter.ChunkIndex[] index;
        private final Bounds[] bounds;
        private final long[] observations;
        private final int batch;
        private final int flushAt;

        Builder(DggsStore src, Store out, int nativeDepth, int[] depths, long[] cells, int chunkCells, int shardCells,
                Compression compression, int level, double spacing) throws IOException, DataException {
            this.src = src;
            this.out = out;
            this.depth = src.depth();
            this.nativeDepth = nativeDepth;
            this.depths = depths;
            this.cells = cells;
            this.chunkCells = chunkCells;
            this.shardCells = shardCells;
            this.compression = compression;
            this.level = level;
            this.spacing = spacing;
            this.levels = depths.length;
            this.shifts = new int[levels];
            for (int j = 0; j < levels; j++) shifts[j] = 2 * (depth - depths[j]);
            this.batch = chunkCells;
            List<LevelVar> vars = plan();
            int bytesPerCell = 12;
            for (LevelVar v : vars) bytesPerCell += v.type.byteSize() * v.bands;
            int chunksPerFlush = (int) Math.max(1, Math.min(shardCells / chunkCells, OUTPUT_BUDGET / ((long) chunkCells * bytesPerCell)));
            this.flushAt = chunkCells * chunksPerFlush;
            this.fill = new int[levels];
            this.written = new long[levels];
            this.index = new DggsWriter.ChunkIndex[levels];
            this.bounds = new Bounds[levels];
            this.observations = new long[levels];
            this.idOut = new LevelAggregator.Output[levels];
            this.countOut = new LevelAggregator.Output[levels];
            ZarrGroup.create(out, "", ordered("description", "overview levels of the store, one group per HEALPix depth "
                    + "(see the multiscales attribute of the root)"), 3);
            for (int j = 0; j < levels; j++) {
                int cap = capacity(j);
                String p = depths[j] + "/";
                ZarrGroup.create(out, depths[j] + "", Map.of(), 3); // rewritten with its attributes at the end
                Map<String, Object> idAttrs = ordered("long_name", "HEALPix nested cell id at depth " + depths[j] + " ("
                        + src.ellipsoid() + ")", "standard_name", "healpix_nested_cell_id");
                idOut[j] = new LevelAggregator.Output(ZarrArray.create(out, p + DggsConvention.COORDINATE,
                        md(cells[j], 1, DataType.UINT64, 0L, idAttrs, DggsConvention.COORDINATE)), cap);
                Map<String, Object> cAttrs = ordered("long_name", "number of depth-" + depth + " observations in the cell",
                        "units", "1", "coordinates", DggsConvention.COORDINATE);
                countOut[j] = new LevelAggregator.Output(ZarrArray.create(out, p + COUNT,
                        md(cells[j], 1, DataType.UINT32, 0L, cAttrs, COUNT)), cap);
                index[j] = new DggsWriter.ChunkIndex(chunkCells);
                bounds[j] = new Bounds(src.ellipsoid(), depths[j]);
            }
            createAggregators(vars);
        }

        private int capacity(int j) {
            return (int) Math.min(cells[j], (long) flushAt + batch + chunkCells);
        }

        private ArrayMetadata md(long n, int bands, DataType type, Number fill, Map<String, Object> attrs, String name) {
            return md(n, bands, type, fill, attrs, name, compression, level);
        }

        private ArrayMetadata md(long n, int bands, DataType type, Number fill, Map<String, Object> attrs, String name,
                                 Compression compression, int level) {
            // a wide aggregate (e.g. the float32 mean of a 128-band int8 variable) keeps its shards below 1 GiB
            long cellBytes = (long) bands * type.byteSize();
            int shard = shardCells;
            if ((long) shard * cellBytes > (1L << 30)) {
                shard = (int) Math.max(chunkCells, (1L << 30) / cellBytes / chunkCells * chunkCells);
            }
            ArrayMetadata.Builder b = bands == 1
                    ? ArrayMetadata.builder(new long[] {n}, type).chunkShape(chunkCells).shardShape(shard)
                            .dimensionNames(DggsConvention.DIMENSION)
                    : ArrayMetadata.builder(new long[] {n, bands}, type).chunkShape(chunkCells, bands)
                            .shardShape(shard, bands).dimensionNames(DggsConvention.DIMENSION, name + "_band");
            return b.compression(compression, level).fillValue(fill).attributes(attrs).build();
        }

        /** The level variables, in source order (an embedding's scale variable right where the source has it). */
        private List<LevelVar> plan() {
            List<LevelVar> vars = new ArrayList<>();
            Map<String, String> scaleOf = embeddingScales();
            for (VariableInfo v : src.variables()) {
                Map<String, Object> a = new LinkedHashMap<>(v.attributes());
                if (scaleOf.containsKey(v.name())) {
                    a.put("comment", "mean of the dequantised vectors (embedding x scale) of the cell's observations, "
                            + "re-quantised: value = " + v.name() + " * " + scaleOf.get(v.name()));
                    vars.add(new LevelVar(v.name(), DataType.INT8, v.bands(), v.fillValue(), a, "quantity", "dequantised_mean"));
                } else if (scaleOf.containsValue(v.name())) {
                    a.remove("_FillValue");
                    a.put("_FillValue", "NaN");
                    a.put("long_name", "dequantisation scale of the re-quantised mean embedding (max |mean| / 127)");
                    vars.add(new LevelVar(v.name(), DataType.FLOAT32, 1, Double.NaN, a, "quantity", "requantisation_scale"));
                } else if (v.kind() == VariableKind.QUANTITY) {
                    for (String k : List.of("flag_values", "flag_masks", "flag_meanings", "missing_value", "_FillValue")) a.remove(k);
                    a.put("_FillValue", "NaN");
                    a.put("cell_methods", DggsConvention.DIMENSION + ": mean");
                    vars.add(new LevelVar(v.name(), meanType(v.dataType()), v.bands(), Double.NaN, a, "quantity", "mean"));
                } else if (v.kind() == VariableKind.CLASS) {
                    a.put("cell_methods", DggsConvention.DIMENSION + ": mode");
                    vars.add(new LevelVar(v.name(), v.dataType(), v.bands(), v.fillValue(), a, "class", "mode"));
                } else {
                    a.remove("flag_values"); // exact-match states are meaningless once bits are OR-ed
                    vars.add(new LevelVar(v.name(), v.dataType(), v.bands(), v.fillValue(), a, "bits", "or"));
                }
            }
            return vars;
        }

        /** embedding name → scale name, for int8 multi-band variables whose {@code scale_variable} names a 1-band variable. */
        private Map<String, String> embeddingScales() {
            Map<String, String> m = new LinkedHashMap<>();
            for (VariableInfo v : src.variables()) {
                Object s = v.attributes().get("scale_variable");
                if (v.dataType() != DataType.INT8 || v.bands() < 2 || !(s instanceof String)) continue;
                for (VariableInfo w : src.variables()) {
                    if (w.name().equals(s) && w.bands() == 1 && !w.name().equals(v.name())) m.put(v.name(), (String) s);
                }
            }
            return m;
        }

        private static DataType meanType(DataType t) {
            return switch (t) {
                case FLOAT64, INT32, UINT32, INT64, UINT64 -> DataType.FLOAT64;
                default -> DataType.FLOAT32;
            };
        }

        /** The {@code _FillValue} attribute as a number ("NaN" strings included), or null. */
        private static Number declaredFill(VariableInfo v) {
            Object f = v.attributes().get("_FillValue");
            if (f instanceof Number) return (Number) f;
            if (f instanceof String) {
                try {
                    return Double.valueOf((String) f);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }

        private static long fillBits(DataType t, Number f) {
            if (f == null) return 0;
            if (t == DataType.FLOAT32) return Double.doubleToLongBits(f.floatValue());
            if (t == DataType.FLOAT64) return Double.doubleToLongBits(f.doubleValue());
            return f instanceof java.math.BigInteger ? ((java.math.BigInteger) f).longValue() : f.longValue();
        }

        private LevelAggregator.Output[] create(LevelVar v) throws IOException, DataException {
            // a level array is compressed as its source array (e.g. high-entropy embeddings at a fast zstd level)
            ArrayMetadata source = ZarrArray.open(src.store(), v.name).metadata();
            LevelAggregator.Output[] o = new LevelAggregator.Output[levels];
            for (int j = 0; j < levels; j++) {
                Map<String, Object> a = new LinkedHashMap<>(v.attributes);
                a.put("coordinates", DggsConvention.COORDINATE);
                o[j] = new LevelAggregator.Output(ZarrArray.create(out, depths[j] + "/" + v.name,
                        md(cells[j], v.bands, v.type, v.fill, a, v.name, source.compression(), source.compressionLevel())),
                        capacity(j));
            }
            return o;
        }

        private void createAggregators(List<LevelVar> vars) throws IOException, DataException {
            Map<String, String> scaleOf = embeddingScales();
            Map<String, LevelAggregator.Output[]> outputs = new LinkedHashMap<>();
            for (LevelVar v : vars) outputs.put(v.name, create(v));
            for (VariableInfo v : src.variables()) {
                if (scaleOf.containsValue(v.name())) continue; // written by its embedding's aggregator
                LevelAggregator.Fill fill = new LevelAggregator.Fill(v.dataType(), declaredFill(v));
                LevelAggregator.Output[] o = outputs.get(v.name());
                LevelAggregator a;
                if (scaleOf.containsKey(v.name())) {
                    VariableInfo s = src.variable(scaleOf.get(v.name()));
                    a = new LevelAggregator.Embedding(v.name(), s.name(), s.dataType(), v.bands(),
                            new LevelAggregator.Fill(s.dataType(), declaredFill(s)), o, outputs.get(s.name()));
                } else if (v.kind() == VariableKind.QUANTITY && v.bands() == 1) {
                    a = new LevelAggregator.Mean1(v.name(), v.dataType(), meanType(v.dataType()), fill, o);
                } else if (v.kind() == VariableKind.CLASS && v.bands() == 1 && v.dataType().byteSize() == 1) {
                    a = new LevelAggregator.Mode8(v.name(), v.dataType(), fill, fillBits(v.dataType(), v.fillValue()), o);
                } else if (v.kind() == VariableKind.QUANTITY) {
                    a = new LevelAggregator.Mean(v.name(), v.dataType(), meanType(v.dataType()), v.bands(), fill, o);
                } else if (v.kind() == VariableKind.CLASS) {
                    a = new LevelAggregator.Mode(v.name(), v.dataType(), v.bands(), fill, fillBits(v.dataType(), v.fillValue()), o);
                } else {
                    a = new LevelAggregator.Or(v.name(), v.dataType(), v.bands(), fill, fillBits(v.dataType(), v.fillValue()), o);
                }
                aggs.add(a);
            }
            declared.add(vars);
        }

        void run() throws IOException, DataException {
            long n = src.cellCount();
            int threads = Math.max(1, Math.min(aggs.size(), Runtime.getRuntime().availableProcessors()));
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "overviews");
                t.setDaemon(true);
                return t;
            });
            try {
                long[] prev = {-1};
                long[] cnt = new long[levels];
                int[] evRow = new int[batch + 1];
                int[] evTop = new int[batch + 1];
                for (long s = 0; s < n; s += batch) {
                    final long from = s;
                    final int len = (int) Math.min(batch, n - s);
                    final boolean last = from + len == n;
                    final int events = events(src.readCellIds(from, from + len), len, last, prev, cnt, evRow, evTop);
                    List<Future<Void>> done = new ArrayList<>();
                    for (LevelAggregator a : aggs) {
                        done.add(pool.submit(() -> {
                            a.read(src, from, from + len);
                            a.batch(evRow, evTop, events, len);
                            return null;
                        }));
                    }
                    awaitAll(done);
                    flush(pool, last);
                }
                for (int j = 0; j < levels; j++) {
                    if (written[j] != cells[j]) {
                        throw new IllegalStateException("level " + depths[j] + ": wrote " + written[j] + " cells, counted " + cells[j]);
                    }
                    for (LevelAggregator.Output o : outputs(j)) o.finish();
                    finishLevel(j);
                }
            } finally {
                pool.shutdownNow();
                for (int j = 0; j < levels; j++) for (LevelAggregator.Output o : outputs(j)) o.close();
            }
        }

        /**
         * Finds the level cells closed in a batch of ids (the last id seen before it in {@code prev[0]}, -1 at the
         * start; observations of the open cells in {@code cnt}), writes their ids and counts, and records the
         * events for {@link LevelAggregator#batch}: {@code evRow[e]} the row before which levels 0..{@code evTop[e]}
         * close. A method of its own, so that the batch loop of {@link #run} is compiled once, small.
         *
         * @return the number of events
         */
        private int events(long[] ids, int len, boolean last, long[] prev, long[] cnt, int[] evRow, int[] evTop) {
            int ne = 0;
            for (int i = 0; i < len; i++) {
                long id = ids[i];
                if (prev[0] >= 0) {
                    long x = id ^ prev[0];
                    int top = -1;
                    while (top + 1 < levels && (x >>> shifts[top + 1]) != 0) top++;
                    if (top >= 0) {
                        closeIds(top, prev[0], cnt);
                        evRow[ne] = i;
                        evTop[ne++] = top;
                    }
                }
                cnt[0]++;
                prev[0] = id;
            }
            if (last) {
                closeIds(levels - 1, prev[0], cnt);
                evRow[ne] = len;
                evTop[ne++] = levels - 1;
            }
            return ne;
        }

        /** Every output array of level j: cell ids, counts, then the aggregators'. */
        private List<LevelAggregator.Output> outputs(int j) {
            List<LevelAggregator.Output> outs = new ArrayList<>(List.of(idOut[j], countOut[j]));
            for (LevelAggregator a : aggs) outs.addAll(List.of(a.outputs(j)));
            return outs;
        }

        /** Emits the ids and counts of levels 0..top for the cell holding {@code prevId}. */
        private void closeIds(int top, long prevId, long[] cnt) {
            for (int j = 0; j <= top; j++) {
                long id = prevId >>> shifts[j];
                ((long[]) idOut[j].buffer)[fill[j]] = id;
                ((int[]) countOut[j].buffer)[fill[j]] = (int) cnt[j];
                index[j].accept(id);
                bounds[j].accept(id);
                observations[j] += cnt[j];
                if (j + 1 < levels) cnt[j + 1] += cnt[j];
                cnt[j] = 0;
                fill[j]++;
            }
        }

        private void flush(ExecutorService pool, boolean last) throws IOException, DataException {
            List<Future<Void>> done = new ArrayList<>();
            int[] keep = new int[levels];
            for (int j = 0; j < levels; j++) {
                int n = fill[j];
                if (!last && n < flushAt) {
                    keep[j] = -1;
                    continue;
                }
                int w = last ? n : n / chunkCells * chunkCells;
                keep[j] = n - w;
                final int jj = j;
                final long at = written[j];
                for (LevelAggregator.Output o : outputs(j)) {
                    done.add(pool.submit(() -> {
                        o.write(at, w);
                        o.shift(w, fill[jj] - w);
                        return null;
                    }));
                }
                written[j] += w;
            }
            awaitAll(done);
            for (int j = 0; j < levels; j++) {
                if (keep[j] < 0) continue;
                fill[j] = keep[j];
                for (LevelAggregator a : aggs) a.pos[j] = keep[j];
            }
        }

        private void finishLevel(int j) throws IOException {
            String p = depths[j] + "";
            long[] b = index[j].bounds();
            int chunks = b.length / 2;
            ZarrGroup.create(out, p + "/" + StoreLayout.INDEX_GROUP, ordered("description",
                    "first and last cell id of every chunk of cell_ids, for range queries without reading cell_ids"), 3);
            ZarrArray ci = ZarrArray.create(out, p + "/" + StoreLayout.CHUNK_BOUNDS,
                    ArrayMetadata.builder(new long[] {chunks, 2}, DataType.UINT64).chunkShape(Math.max(1, chunks), 2)
                            .compression(compression, level).fillValue(0L).dimensionNames("chunk", "bound").build());
            if (chunks > 0) ci.write(new long[] {0, 0}, new int[] {chunks, 2}, b);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("layout_version", StoreLayout.VERSION);
            f.put("native_depth", depths[j]);
            f.put("cells", cells[j]);
            f.put("chunk_cells", chunkCells);
            f.put("shard_cells", shardCells);
            f.put("chunk_index", StoreLayout.CHUNK_BOUNDS);
            f.put("observations", observations[j]);
            double[] bb = bounds[j].bbox();
            if (bb != null) f.put("bbox", List.of(bb[0], bb[1], bb[2], bb[3]));
            Map<String, Object> kinds = new LinkedHashMap<>();
            for (LevelVar v : declared.get(0)) {
                kinds.put(v.name, ordered("kind", v.kind, "aggregation", v.aggregation));
            }
            kinds.put(COUNT, ordered("kind", "quantity", "aggregation", "sum"));
            f.put("variables", kinds);
            Map<String, Object> of = new LinkedHashMap<>();
            of.put("store_depth", depth);
            of.put("native_depth", nativeDepth);
            of.put("median_spacing_m", round(spacing));
            of.put("derived_from", j == 0 ? "." : GROUP + "/" + depths[j - 1]);
            f.put("level_of", of);
            f.put("software", "healpix-zarr " + Version.get());
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("description", String.format(Locale.ROOT, "overview of the store at HEALPix depth %d (cell edge %.0f m): "
                    + "every variable aggregated over the depth-%d observations of each cell", depths[j],
                    HealpixGrid.of(src.ellipsoid(), depths[j]).cellEdgeMetres(), depth));
            root.put("zarr_conventions", List.of(DggsConvention.conventionEntry()));
            root.put("dggs", DggsConvention.dggsObject(src.ellipsoid(), depths[j]));
            root.put(StoreLayout.FACTS, f);
            ZarrGroup.create(out, p, root, 3);
        }

        private static void awaitAll(List<Future<Void>> done) throws IOException, DataException {
            Throwable first = null;
            for (Future<Void> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (first == null) first = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while building overviews");
                }
            }
            if (first instanceof IOException) throw (IOException) first;
            if (first instanceof DataException) throw (DataException) first;
            if (first instanceof RuntimeException) throw (RuntimeException) first;
            if (first instanceof Error) throw (Error) first;
            if (first != null) throw new IOException(first);
        }
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
