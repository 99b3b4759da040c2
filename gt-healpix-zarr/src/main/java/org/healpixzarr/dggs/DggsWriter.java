package org.healpixzarr.dggs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.healpixzarr.CollisionException;
import org.healpixzarr.DataException;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.zarr.ArrayMetadata;
import org.healpixzarr.zarr.AtomicStoreWriter;
import org.healpixzarr.zarr.Compression;
import org.healpixzarr.zarr.DataType;
import org.healpixzarr.zarr.Store;
import org.healpixzarr.zarr.ZarrArray;
import org.healpixzarr.zarr.ZarrGroup;

/**
 * Writes a sparse DGGS-Zarr store (layout v1, docs/format.md): {@code cell_ids} (sorted, unique nested ids)
 * plus one array per variable, with the zarr-conventions {@code dggs} metadata.
 *
 * <p>Observations are added in blocks, in any order: a block is a cell id per row (-1 = no cell, skipped
 * and counted) and one value array per variable. The writer sorts by cell id with a stable sort, so under
 * {@link DuplicatePolicy#KEEP_FIRST} the first observation added for a cell wins. Memory is bounded: when the
 * buffered blocks exceed the budget (or on {@link #spill()}) they are sorted and spilled to a run file next to
 * the target, and {@link #finish()} merges the runs. Finishing writes every array a chunk at a time, gathering
 * the values straight from the blocks (or the merged runs): beyond the blocks it needs 24 bytes per buffered
 * row and a chunk of each array, whatever the store's size, and the result is the same bytes either way. The
 * store is written under a temporary name and renamed into place by
 * {@link #finish()}; {@link #close()} without a successful finish leaves no store (and no temporary files).
 *
 * <p>Not thread-safe: one thread adds, then finishes.
 */
public final class DggsWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DggsWriter.class.getName());
    /** Cells per inner chunk. */
    public static final int DEFAULT_CHUNK_CELLS = 1 << 16;
    /** Inner chunks per shard: 2^22 cells, so a 4-million-pixel frame is one shard per array. */
    public static final int DEFAULT_SHARD_CHUNKS = 64;
    /** Default memory budget for buffered observations, bytes. */
    public static final long DEFAULT_MEMORY_BUDGET = 768L << 20;

    private final Path target;
    private final Ellipsoid ellipsoid;
    private final int depth;
    private final long cellCount;
    private final List<VariableSpec> variables;
    private final Map<String, Object> attributes;
    private final Map<String, Object> facts;
    private final DuplicatePolicy policy;
    private final long budget;
    private final int chunkCells;
    private final int shardCells;
    private final int zstdLevel;
    private final Map<String, Integer> variableLevels;
    private final boolean overviewsFromMemory;
    private final int recordBytes;
    private final Instant created;

    private final List<Block> blocks = new ArrayList<>();
    private long bufferedBytes;
    private long rowsAdded;
    private long rowsWithoutCell;
    private final List<Run> runs = new ArrayList<>();
    private Path spillDir;
    private boolean finished;

    private record Block(long[] ids, Object[] columns, int from, int to) {
        int size() {
            return to - from;
        }
    }

    private record Run(Path ids, Path records, long count) {}

    private DggsWriter(Builder b) {
        this.target = b.target.toAbsolutePath();
        this.ellipsoid = b.ellipsoid;
        this.depth = b.depth;
        this.cellCount = 12L << (2 * depth);
        this.variables = List.copyOf(b.variables);
        this.attributes = new LinkedHashMap<>(b.attributes);
        this.facts = new LinkedHashMap<>(b.facts);
        this.policy = b.policy;
        this.budget = b.budget;
        this.chunkCells = b.chunkCells;
        this.shardCells = b.chunkCells * b.shardChunks;
        this.zstdLevel = b.zstdLevel;
        this.variableLevels = Map.copyOf(b.variableLevels);
        this.overviewsFromMemory = b.overviewsFromMemory;
        this.created = b.created;
        int r = 0;
        for (VariableSpec v : variables) r += v.bytesPerCell();
        this.recordBytes = r;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (VariableSpec v : variables) {
            if (!names.add(v.name())) throw new IllegalArgumentException("variable declared twice: " + v.name());
        }
    }

    /** Starts a writer for a store at {@code target} (a directory, conventionally named {@code *.zarr}). */
    public static Builder builder(Path target) {
        return new Builder(target);
    }

    /** Configuration of a {@link DggsWriter}. */
    public static final class Builder {
        private final Path target;
        private Ellipsoid ellipsoid = Ellipsoid.WGS84;
        private int depth = HealpixGrid.MAX_DEPTH;
        private final List<VariableSpec> variables = new ArrayList<>();
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private final Map<String, Object> facts = new LinkedHashMap<>();
        private DuplicatePolicy policy = DuplicatePolicy.KEEP_FIRST;
        private long budget = DEFAULT_MEMORY_BUDGET;
        private int chunkCells = DEFAULT_CHUNK_CELLS;
        private int shardChunks = DEFAULT_SHARD_CHUNKS;
        private int zstdLevel = 3;
        private Instant created;
        private boolean overviewsFromMemory;
        private final Map<String, Integer> variableLevels = new java.util.HashMap<>();

        private Builder(Path target) {
            this.target = Objects.requireNonNull(target, "target");
        }

        /** Reference ellipsoid of the cell ids (default WGS84). */
        public Builder ellipsoid(Ellipsoid e) { this.ellipsoid = Objects.requireNonNull(e); return this; }

        /** Depth of the cell ids, 0..29 (default 29). */
        public Builder depth(int d) {
            if (d < 0 || d > HealpixGrid.MAX_DEPTH) throw new IllegalArgumentException("depth must be in 0..29, found " + d);
            this.depth = d;
            return this;
        }

        /** Declares a variable; columns passed to {@link #add} follow the declaration order. */
        public Builder variable(VariableSpec v) { variables.add(Objects.requireNonNull(v)); return this; }

        /** Root CF/ACDD attributes (title, source, time_coverage_start, ...). */
        public Builder attributes(Map<String, Object> a) { attributes.putAll(a); return this; }

        /** Extra project facts merged into the {@code healpix_zarr} attribute (e.g. pixel counts, provenance). */
        public Builder facts(Map<String, Object> f) { facts.putAll(f); return this; }

        /** Duplicate policy (default {@link DuplicatePolicy#KEEP_FIRST}). */
        public Builder duplicatePolicy(DuplicatePolicy p) { this.policy = Objects.requireNonNull(p); return this; }

        /** Bytes of buffered observations before a sorted run is spilled to disk (default 768 MiB, minimum 1). */
        public Builder memoryBudget(long bytes) {
            if (bytes < 1) throw new IllegalArgumentException("memory budget must be positive: " + bytes);
            this.budget = bytes;
            return this;
        }

        /** Cells per inner chunk and inner chunks per shard (defaults 65,536 and 64). */
        public Builder chunking(int chunkCells, int shardChunks) {
            if (chunkCells < 1 || shardChunks < 1 || (long) chunkCells * shardChunks > (1 << 26)) {
                throw new IllegalArgumentException("chunking " + chunkCells + " x " + shardChunks + " out of range");
            }
            this.chunkCells = chunkCells;
            this.shardChunks = shardChunks;
            return this;
        }

        /**
         * The creation time recorded in {@code date_created} and {@code history} (default: now). Give a time
         * derived from the input to make re-runs byte-identical.
         */
        public Builder created(Instant time) { this.created = Objects.requireNonNull(time); return this; }

        /** zstd level, 1..22 (default 3). */
        public Builder zstdLevel(int level) { this.zstdLevel = level; return this; }

        /**
         * Whether a store finished in memory keeps its buffered rows until its overviews are built and builds them
         * from those rows, instead of releasing the rows first and reading the store back (default false). The bytes
         * are the same; it saves decoding the whole store again (about a tenth of the CPU time of a TESSERA
         * conversion) but holds the rows longer: for callers that hold them anyway (rows handed over by
         * reference and pooled, as TESSERA's converter does).
         */
        public Builder overviewsFromMemory(boolean b) { this.overviewsFromMemory = b; return this; }

        /**
         * The zstd level of one declared variable, and of its overview levels (default: the store's level). A fast
         * (negative) level suits high-entropy data, where entropy coding costs CPU time for little saving: zstd then
         * stores the bytes nearly as they are but still removes repeats, such as the fill padding the last chunk
         * of an array (up to one chunk of it, which an uncompressed array would store in full).
         */
        public Builder zstdLevel(String variable, int level) {
            variableLevels.put(Objects.requireNonNull(variable), level);
            return this;
        }

        /**
         * Creates the writer; nothing is written before the first spill or {@link DggsWriter#finish()}.
         *
         * @throws IllegalArgumentException if a variable given to {@link #zstdLevel(String, int)} is not declared
         */
        public DggsWriter build() {
            for (String u : variableLevels.keySet()) {
                if (variables.stream().noneMatch(v -> v.name().equals(u))) {
                    throw new IllegalArgumentException("zstd level given for variable '" + u + "', which is not declared");
                }
            }
            return new DggsWriter(this);
        }
    }

    /**
     * Adds observations {@code [from, to)}: {@code cellIds[i]} is the cell of row i at the writer's depth or -1
     * (no cell: skipped and counted); {@code columns[v]} holds the values of the v-th declared variable, the
     * Java array type of its data type, {@code bands} values per row. The writer may keep references to the
     * arrays until {@link #finish()}: the caller must not modify them.
     *
     * @throws IllegalArgumentException if the columns do not match the declarations or an id is out of range
     */
    public void add(long[] cellIds, Object[] columns, int from, int to) throws IOException {
        if (finished) throw new IllegalStateException("writer already finished");
        if (columns.length != variables.size()) {
            throw new IllegalArgumentException(columns.length + " columns given, " + variables.size() + " variables declared");
        }
        if (from < 0 || to > cellIds.length || from > to) throw new IndexOutOfBoundsException(from + ".." + to);
        for (int v = 0; v < columns.length; v++) {
            VariableSpec s = variables.get(v);
            Columns.checkType(s.name(), s.dataType(), columns[v]);
            int len = java.lang.reflect.Array.getLength(columns[v]);
            if ((long) to * s.bands() > len) {
                throw new IllegalArgumentException("column " + s.name() + " has " + len + " values, needs " + (long) to * s.bands());
            }
        }
        for (int i = from; i < to; i++) {
            long id = cellIds[i];
            if (id != -1 && (id < 0 || id >= cellCount)) {
                throw new IllegalArgumentException("cell id " + id + " at row " + i + " is not a depth-" + depth + " id");
            }
        }
        blocks.add(new Block(cellIds, columns.clone(), from, to));
        rowsAdded += to - from;
        bufferedBytes += (long) (to - from) * (8 + recordBytes);
        if (bufferedBytes > budget) spillBuffered();
    }

    /**
     * Bytes of observations held in memory, as counted against the memory budget: {@code 8 + } the record size
     * (the sum of the variables' bytes per cell) per row added since the last spill.
     */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /**
     * Sorts the observations held in memory and writes them to a run file now, as when the memory budget is
     * exceeded: for callers that share one budget between several writers. No effect if nothing is buffered.
     */
    public void spill() throws IOException {
        if (finished) throw new IllegalStateException("writer already finished");
        spillBuffered();
    }

    /**
     * Merges facts known only once the observations are added (e.g. pixel counts) into the {@code healpix_zarr}
     * attribute written by {@link #finish()}.
     */
    public void facts(Map<String, Object> more) {
        if (finished) throw new IllegalStateException("writer already finished");
        facts.putAll(more);
    }

    /**
     * Sorts, de-duplicates and writes everything added, then renames the store into place (replacing an
     * existing store at the target).
     *
     * @return what was written
     * @throws CollisionException under {@link DuplicatePolicy#FAIL} when a cell has two observations
     */
    public WriteReport finish() throws IOException, DataException {
        if (finished) throw new IllegalStateException("writer already finished");
        finished = true;
        try {
            return runs.isEmpty() ? finishInMemory() : finishFromRuns();
        } finally {
            blocks.clear();
            deleteSpill();
        }
    }

    /** Discards everything not finished: no store, no temporary file remains. */
    @Override
    public void close() throws IOException {
        finished = true;
        blocks.clear();
        deleteSpill();
    }

    // ---------------------------------------------------------------- in memory

    /** Sorted, de-duplicated ids and, per kept cell, the input row that supplies its values. */
    private record Sorted(long[] keys, int[] rows, int cells, long cellsWithCollision) {}

    /** Sorts {@code keys[0..n)} with their rows, drops "no cell" ids, applies the duplicate policy. */
    private Sorted sortAndDedupe(long[] keys, int[] rows, int n) throws CollisionException {
        CellSorter.sort(keys, rows, n);
        int valid = n;
        while (valid > 0 && keys[valid - 1] == -1) valid--;
        rowsWithoutCell += n - valid;
        long cellsWithCollision = 0;
        long lastCollided = -1; // ids here are >= 0
        int u = 0;
        for (int i = 0; i < valid; i++) {
            if (u > 0 && keys[u - 1] == keys[i]) {
                if (policy == DuplicatePolicy.FAIL) throw collision(keys[i], rows[u - 1], rows[i]);
                if (lastCollided != keys[i]) {
                    cellsWithCollision++;
                    lastCollided = keys[i];
                }
                continue;
            }
            keys[u] = keys[i];
            rows[u] = rows[i];
            u++;
        }
        return new Sorted(keys, rows, u, cellsWithCollision);
    }

    /** Writes the sorted ids, a chunk at a time. */
    private static void writeIds(ZarrArray ids, Sorted sorted) throws IOException {
        try (ZarrArray.RowAppender w = ids.appender()) {
            w.append(sorted.keys, sorted.cells);
            w.finish();
        }
    }

    /** Writes variable {@code v} in the sorted order, gathering a chunk at a time from the source rows. */
    private void writeVariable(ZarrArray array, int v, BlockRows source, Sorted sorted) throws IOException {
        VariableSpec spec = variables.get(v);
        Object buf = spec.dataType().newArray(Math.min(chunkCells, sorted.cells) * spec.bands());
        try (ZarrArray.RowAppender w = array.appender()) {
            for (int s = 0; s < sorted.cells; s += chunkCells) {
                int n = Math.min(chunkCells, sorted.cells - s);
                source.gather(v, spec.bands(), sorted.rows, s, n, buf);
                w.append(buf, n);
            }
            w.finish();
        }
    }

    private WriteReport completeSorted(AtomicStoreWriter atomic, Store store, Sorted sorted) throws IOException, DataException {
        return completeSorted(atomic, store, sorted, null);
    }

    /** {@link #completeSorted(AtomicStoreWriter, Store, Sorted)}, the overviews reading the rows from {@code rows} if not null. */
    private WriteReport completeSorted(AtomicStoreWriter atomic, Store store, Sorted sorted, DggsStore.Rows rows)
            throws IOException, DataException {
        ChunkIndex index = new ChunkIndex(chunkCells);
        Bounds bounds = new Bounds(ellipsoid, depth);
        for (int i = 0; i < sorted.cells; i++) {
            index.accept(sorted.keys[i]);
            bounds.accept(sorted.keys[i]);
        }
        return complete(atomic, store, sorted.cells, rowsAdded - rowsWithoutCell - sorted.cells,
                sorted.cellsWithCollision, index, bounds, rows);
    }

    /**
     * Sorts the ids of the buffered blocks and writes every array a chunk at a time, gathering the values straight
     * from the blocks: besides the blocks, this needs 24 bytes per row (ids and row numbers, and the sort's copies
     * of them) and a chunk buffer per array being written.
     */
    private WriteReport finishInMemory() throws IOException, DataException {
        Sorted sorted = sortBuffered();
        try (AtomicStoreWriter atomic = AtomicStoreWriter.begin(target)) {
            Store store = atomic.store();
            BlockRows source = blockRows();
            writeArrays(createArrays(store, sorted.cells), source, sorted);
            if (overviewsFromMemory) { // the overviews read the rows from here, not back from the store: same values
                return completeSorted(atomic, store, sorted, new SortedRows(source, sorted));
            }
            // the values and row numbers are no longer needed: released before the overviews are built
            blocks.clear();
            sorted = new Sorted(sorted.keys, null, sorted.cells, sorted.cellsWithCollision);
            return completeSorted(atomic, store, sorted);
        } finally {
            blocks.clear();
        }
    }

    /** The rows just written, in store order, gathered from the buffered blocks. */
    private final class SortedRows implements DggsStore.Rows {
        private final BlockRows source;
        private final Sorted sorted;

        SortedRows(BlockRows source, Sorted sorted) {
            this.source = source;
            this.sorted = sorted;
        }

        @Override
        public long[] cellIds(long from, long to) {
            return java.util.Arrays.copyOfRange(sorted.keys, Math.toIntExact(from), Math.toIntExact(to));
        }

        @Override
        public Object values(String variable, long from, long to) {
            for (int v = 0; v < variables.size(); v++) {
                VariableSpec spec = variables.get(v);
                if (!spec.name().equals(variable)) continue;
                int n = Math.toIntExact(to - from);
                Object dst = spec.dataType().newArray(n * spec.bands());
                source.gather(v, spec.bands(), sorted.rows, Math.toIntExact(from), n, dst);
                return dst;
            }
            throw new IllegalArgumentException("no variable " + variable);
        }
    }

    /** The ids of the buffered blocks, sorted and de-duplicated, with their row numbers. */
    private Sorted sortBuffered() throws CollisionException {
        int n = Math.toIntExact(bufferedRows());
        long[] keys = new long[n];
        int[] rows = new int[n];
        concatIds(keys, rows);
        return sortAndDedupe(keys, rows, n);
    }

    /** Writes the ids on this thread and the variables, independent arrays, on all cores. */
    private void writeArrays(ZarrArray[] arrays, BlockRows source, Sorted sorted) throws IOException, DataException {
        java.util.concurrent.ConcurrentLinkedQueue<Integer> todo = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int v = 0; v < variables.size(); v++) todo.add(v);
        int threads = Math.max(1, Math.min(variables.size(), Runtime.getRuntime().availableProcessors()));
        java.util.concurrent.ExecutorService pool = newPool(threads);
        try {
            List<java.util.concurrent.Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(new java.util.concurrent.Callable<Void>() {
                    @Override
                    public Void call() throws IOException {
                        for (Integer v; (v = todo.poll()) != null; ) writeVariable(arrays[1 + v], v, source, sorted);
                        return null;
                    }
                }));
            }
            try {
                writeIds(arrays[0], sorted);
            } finally {
                for (java.util.concurrent.Future<Void> f : done) {
                    try {
                        await(f);
                    } finally {
                        todo.clear();
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static java.util.concurrent.ExecutorService newPool(int threads) {
        return java.util.concurrent.Executors.newFixedThreadPool(threads, new java.util.concurrent.ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "dggs-writer");
                t.setDaemon(true);
                return t;
            }
        });
    }

    private void await(java.util.concurrent.Future<?> f) throws IOException, DataException {
        try {
            f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException) throw (IOException) c;
            if (c instanceof DataException) throw (DataException) c;
            if (c instanceof RuntimeException) throw (RuntimeException) c;
            if (c instanceof Error) throw (Error) c;
            throw new IOException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing " + target);
        }
    }

    /**
     * Column-at-a-time mode, for sources that decode one variable at a time: all cell ids first (sorted and
     * de-duplicated at once, in memory: 12 bytes per observation), then each declared variable's values in
     * input order, in any order; each column is gathered and encoded on a background thread while the caller
     * produces the next, and is not retained. Replaces {@link #add}/{@link #finish()}.
     *
     * @param cellIds the cell of every input row (-1 for none); not modified
     * @return the column writer; {@link ColumnWriter#finish()} commits the store
     * @throws CollisionException under {@link DuplicatePolicy#FAIL}
     */
    public ColumnWriter columns(long[] cellIds) throws IOException, DataException {
        if (finished || !blocks.isEmpty()) throw new IllegalStateException("columns() needs a fresh writer");
        finished = true;
        int n = cellIds.length;
        for (int i = 0; i < n; i++) {
            long id = cellIds[i];
            if (id != -1 && (id < 0 || id >= cellCount)) {
                throw new IllegalArgumentException("cell id " + id + " at row " + i + " is not a depth-" + depth + " id");
            }
        }
        long[] keys = cellIds.clone();
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = i;
        rowsAdded = n;
        return new ColumnWriter(n, sortAndDedupe(keys, rows, n));
    }

    /** Writes one variable at a time; see {@link DggsWriter#columns(long[])}. Not thread-safe. */
    public final class ColumnWriter implements AutoCloseable {
        private final int rowsIn;
        private final Sorted sorted;
        private final AtomicStoreWriter atomic;
        private final ZarrArray[] arrays;
        private final boolean[] written = new boolean[variables.size()];
        private final java.util.concurrent.ExecutorService worker = newPool(1);
        private java.util.concurrent.Future<?> pending;

        private ColumnWriter(int rowsIn, Sorted sorted) throws IOException, DataException {
            this.rowsIn = rowsIn;
            this.sorted = sorted;
            this.atomic = AtomicStoreWriter.begin(target);
            boolean ok = false;
            try {
                arrays = createArrays(atomic.store(), sorted.cells);
                writeIds(arrays[0], sorted);
                ok = true;
            } finally {
                if (!ok) close();
            }
        }

        /** Distinct cells that will be written. */
        public int cells() {
            return sorted.cells;
        }

        /**
         * Writes the values of a declared variable, one row ({@code bands} values) per input row.
         *
         * @throws IllegalArgumentException if undeclared, written twice, or of the wrong type or length
         */
        public void write(String name, Object values) throws IOException, DataException {
            int v = -1;
            for (int i = 0; i < variables.size(); i++) if (variables.get(i).name().equals(name)) v = i;
            if (v < 0) throw new IllegalArgumentException("variable " + name + " was not declared");
            if (written[v]) throw new IllegalArgumentException("variable " + name + " written twice");
            VariableSpec spec = variables.get(v);
            Columns.checkType(name, spec.dataType(), values);
            if (java.lang.reflect.Array.getLength(values) != (long) rowsIn * spec.bands()) {
                throw new IllegalArgumentException("variable " + name + " has " + java.lang.reflect.Array.getLength(values)
                        + " values, expected " + (long) rowsIn * spec.bands());
            }
            written[v] = true;
            if (pending != null) await(pending);
            final int vi = v;
            Object[] columns = new Object[variables.size()];
            columns[v] = values;
            BlockRows source = BlockRows.of(columns, rowsIn);
            pending = worker.submit(new java.util.concurrent.Callable<Void>() {
                @Override
                public Void call() throws IOException {
                    writeVariable(arrays[1 + vi], vi, source, sorted);
                    return null;
                }
            });
        }

        /** Waits for the last column, writes the metadata and renames the store into place; on failure discards it. */
        public WriteReport finish() throws IOException, DataException {
            try {
                if (pending != null) await(pending);
                pending = null;
                for (int v = 0; v < written.length; v++) {
                    if (!written[v]) throw new IllegalStateException("variable " + variables.get(v).name() + " was not written");
                }
                return completeSorted(atomic, atomic.store(), sorted);
            } finally {
                close(); // after a failure: nothing is left behind
            }
        }

        /** Without a successful {@link #finish()}: discards the store being written. */
        @Override
        public void close() throws IOException {
            worker.shutdownNow();
            atomic.close();
        }
    }

    private long bufferedRows() {
        long n = 0;
        for (Block b : blocks) n += b.size();
        return n;
    }

    private void concatIds(long[] keys, int[] rows) {
        int p = 0;
        for (Block b : blocks) {
            System.arraycopy(b.ids, b.from, keys, p, b.size());
            p += b.size();
        }
        for (int i = 0; i < p; i++) rows[i] = i;
    }

    /** The buffered blocks as one sequence of rows (numbered as by {@link #concatIds}). */
    private BlockRows blockRows() {
        List<Object[]> cols = new ArrayList<>(blocks.size());
        int[] from = new int[blocks.size()], to = new int[blocks.size()];
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            cols.add(b.columns);
            from[i] = b.from;
            to[i] = b.to;
        }
        return new BlockRows(cols, from, to);
    }

    private CollisionException collision(long id, long firstRow, long secondRow) {
        return new CollisionException(DataException.describe(target.toString(),
                "two observations fall in cell " + id + " (depth " + depth + ")",
                "one observation per cell (strict duplicate policy)", "input rows " + firstRow + " and " + secondRow,
                "use the keep-first policy to keep the first observation and count collisions"));
    }

    // ---------------------------------------------------------------- spilling

    private void spillBuffered() throws IOException {
        int n = Math.toIntExact(bufferedRows());
        if (n == 0) return;
        if (spillDir == null) {
            Files.createDirectories(target.getParent());
            spillDir = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".spill-");
        }
        long[] keys = new long[n];
        int[] rows = new int[n];
        concatIds(keys, rows);
        CellSorter.sort(keys, rows, n);
        int valid = n;
        while (valid > 0 && keys[valid - 1] == -1) valid--;
        rowsWithoutCell += n - valid;
        BlockRows source = blockRows();
        int runNo = runs.size();
        Path idsFile = spillDir.resolve("run-" + runNo + ".ids");
        Path recFile = spillDir.resolve("run-" + runNo + ".rec");
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        writeIds(idsFile, keys, valid, buf);
        writeRecords(recFile, source, rows, valid, buf);
        runs.add(new Run(idsFile, recFile, valid));
        LOG.log(System.Logger.Level.DEBUG, "spilled run {0}: {1} observations", runNo, valid);
        blocks.clear();
        bufferedBytes = 0;
    }

    // the loops of a spill and of its merge are small methods of their own: a large method running a long loop is
    // compiled on-stack by C2 as a whole, several times, which cost seconds of compilation in a cold process

    private static void writeIds(Path file, long[] keys, int n, ByteBuffer buf) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < n; i++) {
                if (buf.remaining() < 8) flush(buf, out);
                buf.putLong(keys[i]);
            }
            flush(buf, out);
        }
    }

    /** The records of rows {@code rows[0, n)}: each variable's values of the row, little-endian, in declaration order. */
    private void writeRecords(Path file, BlockRows source, int[] rows, int n, ByteBuffer buf) throws IOException {
        int nv = variables.size();
        int[] bands = new int[nv];
        for (int v = 0; v < nv; v++) bands[v] = variables.get(v).bands();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < n; i++) {
                if (buf.remaining() < recordBytes) flush(buf, out);
                for (int v = 0; v < nv; v++) source.putBytes(v, bands[v], rows[i], buf);
            }
            flush(buf, out);
        }
    }

    private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    /** Sequential little-endian reader of a run file. */
    private static final class RunReader implements AutoCloseable {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private int pos, lim;

        RunReader(Path p) throws IOException {
            in = Files.newInputStream(p);
        }

        void read(byte[] dst, int off, int len) throws IOException {
            while (len > 0) {
                if (pos == lim) {
                    lim = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (lim <= 0) throw new IOException("spill run ended early");
                }
                int k = Math.min(len, lim - pos);
                System.arraycopy(buf, pos, dst, off, k);
                pos += k;
                off += k;
                len -= k;
            }
        }

        long readLong() throws IOException {
            if (lim - pos < 8) {
                byte[] b = new byte[8];
                read(b, 0, 8);
                return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
            }
            long v = 0;
            for (int i = 7; i >= 0; i--) v = (v << 8) | (buf[pos + i] & 0xFF);
            pos += 8;
            return v;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * A k-way merge of the spilled runs in (id, run) order: {@link #next()} steps to the next observation, whose
     * values (with records) are then read from {@link #records()}. The runs are sorted and the merge is stable.
     */
    private final class Merger implements AutoCloseable {
        private final int k = runs.size();
        private final RunReader[] ids = new RunReader[k];
        private final RunReader[] recs;
        private final long[] left = new long[k];
        private final long[] head = new long[k];
        private final long[] seq = new long[k];
        private final int[] heap = new int[k];
        private int size;
        /** The current observation: its id, its run and its index in that run. */
        long id;
        int run;
        long index;

        Merger(boolean withRecords) throws IOException {
            recs = withRecords ? new RunReader[k] : null;
            boolean ok = false;
            try {
                for (int r = 0; r < k; r++) {
                    ids[r] = new RunReader(runs.get(r).ids());
                    if (withRecords) recs[r] = new RunReader(runs.get(r).records());
                    left[r] = runs.get(r).count();
                    if (left[r] > 0) {
                        head[r] = ids[r].readLong();
                        left[r]--;
                        heap[size] = r;
                        up(size++);
                    }
                }
                ok = true;
            } finally {
                if (!ok) close();
            }
        }

        private boolean less(int a, int b) {
            return head[a] < head[b] || (head[a] == head[b] && a < b); // ids here are >= 0
        }

        private void up(int i) {
            int x = heap[i];
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (!less(x, heap[p])) break;
                heap[i] = heap[p];
                i = p;
            }
            heap[i] = x;
        }

        private void down(int i) {
            int x = heap[i];
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) break;
                if (c + 1 < size && less(heap[c + 1], heap[c])) c++;
                if (!less(heap[c], x)) break;
                heap[i] = heap[c];
                i = c;
            }
            heap[i] = x;
        }

        boolean next() throws IOException {
            if (size == 0) return false;
            int r = heap[0];
            id = head[r];
            run = r;
            index = seq[r]++;
            if (left[r] > 0) {
                head[r] = ids[r].readLong();
                left[r]--;
            } else {
                heap[0] = heap[--size];
            }
            if (size > 0) down(0);
            return true;
        }

        /** The records of the current observation's run, positioned at its record. */
        RunReader records() {
            return recs[run];
        }

        @Override
        public void close() throws IOException {
            for (int r = 0; r < k; r++) {
                if (ids[r] != null) ids[r].close();
                if (recs != null && recs[r] != null) recs[r].close();
            }
        }
    }

    /**
     * Merges the spilled runs twice: ids only (distinct cells, collisions, chunk index, bounds), then with the
     * records, writing every array a chunk at a time (a chunk buffer and its bytes per array in memory).
     */
    private WriteReport finishFromRuns() throws IOException, DataException {
        spillBuffered();
        ChunkIndex index = new ChunkIndex(chunkCells);
        Bounds bounds = new Bounds(ellipsoid, depth);
        long[] counts = scanRuns(index, bounds);
        int n = Math.toIntExact(counts[0]);
        try (AtomicStoreWriter atomic = AtomicStoreWriter.begin(target)) {
            Store store = atomic.store();
            ZarrArray[] arrays = createArrays(store, n);
            int nv = variables.size();
            ZarrArray.RowAppender[] w = new ZarrArray.RowAppender[nv + 1];
            try {
                for (int a = 0; a <= nv; a++) w[a] = arrays[a].appender();
                writeMerged(w, Math.max(1, Math.min(chunkCells, n)));
                for (ZarrArray.RowAppender x : w) x.finish();
            } finally {
                for (ZarrArray.RowAppender x : w) if (x != null) x.close();
            }
            return complete(atomic, store, n, rowsAdded - rowsWithoutCell - n, counts[1], index, bounds);
        }
    }

    /**
     * First merge of the runs, ids only: the distinct cells into {@code index} and {@code bounds}.
     *
     * @return {distinct cells, cells with a collision}
     * @throws CollisionException on a collision under {@link DuplicatePolicy#FAIL}
     */
    private long[] scanRuns(ChunkIndex index, Bounds bounds) throws IOException, CollisionException {
        long last = -1, cells = 0, cellsWithCollision = 0, lastCounted = -1, firstSeen = 0;
        try (Merger m = new Merger(false)) {
            while (m.next()) {
                long id = m.id;
                if (cells > 0 && id == last) {
                    if (policy == DuplicatePolicy.FAIL) throw collision(id, firstSeen, runOffset(m.run) + m.index);
                    if (lastCounted != id) {
                        cellsWithCollision++;
                        lastCounted = id;
                    }
                    continue;
                }
                last = id;
                cells++;
                firstSeen = runOffset(m.run) + m.index;
                index.accept(id);
                bounds.accept(id);
            }
        }
        return new long[] {cells, cellsWithCollision};
    }

    /** Second merge, with the records: the first observation of every cell to the appenders, {@code chunk} cells at a time. */
    private void writeMerged(ZarrArray.RowAppender[] w, int chunk) throws IOException {
        int nv = variables.size();
        long[] ids = new long[chunk];
        int[] nb = new int[nv];
        byte[][] bytes = new byte[nv][];
        Object[] values = new Object[nv];
        for (int v = 0; v < nv; v++) {
            VariableSpec spec = variables.get(v);
            nb[v] = spec.bytesPerCell();
            bytes[v] = new byte[chunk * nb[v]];
            values[v] = spec.dataType().newArray(chunk * spec.bands());
        }
        byte[] skip = new byte[recordBytes];
        int fill = 0;
        boolean any = false;
        long prev = -1;
        try (Merger m = new Merger(true)) {
            while (m.next()) {
                RunReader rec = m.records();
                if (any && m.id == prev) {
                    rec.read(skip, 0, recordBytes); // a later observation of a cell: dropped
                    continue;
                }
                any = true;
                prev = m.id;
                ids[fill] = m.id;
                for (int v = 0; v < nv; v++) rec.read(bytes[v], fill * nb[v], nb[v]);
                if (++fill == chunk) {
                    appendChunk(w, ids, bytes, values, fill);
                    fill = 0;
                }
            }
        }
        if (fill > 0) appendChunk(w, ids, bytes, values, fill);
    }

    /** Appends the next {@code n} cells to every array: the ids, and the variables decoded from little-endian bytes. */
    private void appendChunk(ZarrArray.RowAppender[] w, long[] ids, byte[][] bytes, Object[] values, int n) throws IOException {
        w[0].append(ids, n);
        for (int v = 0; v < bytes.length; v++) {
            VariableSpec spec = variables.get(v);
            Columns.fromBytes(spec.dataType(), bytes[v], n * spec.bands(), values[v]);
            w[1 + v].append(values[v], n);
        }
    }

    private long runOffset(int run) {
        long o = 0;
        for (int r = 0; r < run; r++) o += runs.get(r).count();
        return o;
    }

    private void deleteSpill() throws IOException {
        if (spillDir != null) {
            try (Stream<Path> s = Files.walk(spillDir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
            spillDir = null;
        }
        runs.clear();
    }

    // ---------------------------------------------------------------- store structure

    /** Creates the root group and the arrays: {@code cell_ids}, then the variables in declaration order. */
    private ZarrArray[] createArrays(Store store, int cells) throws IOException {
        ZarrArray[] arrays = new ZarrArray[1 + variables.size()];
        ZarrGroup.create(store, "", Map.of(), 3);
        Map<String, Object> idAttrs = new LinkedHashMap<>();
        idAttrs.put("long_name", "HEALPix nested cell id at depth " + depth + " (" + ellipsoid + ")");
        idAttrs.put("standard_name", "healpix_nested_cell_id");
        arrays[0] = ZarrArray.create(store, DggsConvention.COORDINATE, ArrayMetadata.builder(new long[] {cells}, DataType.UINT64)
                .chunkShape(chunkCells).shardShape(shardCells).compression(Compression.ZSTD, zstdLevel)
                .fillValue(0L).dimensionNames(DggsConvention.DIMENSION).attributes(idAttrs).build());
        for (int i = 0; i < variables.size(); i++) {
            VariableSpec v = variables.get(i);
            Map<String, Object> a = new LinkedHashMap<>(v.attributes());
            if (v.fillValue() != null) a.put("_FillValue", jsonNumber(v.fillValue()));
            a.put("coordinates", DggsConvention.COORDINATE);
            ArrayMetadata.Builder md = v.bands() == 1
                    ? ArrayMetadata.builder(new long[] {cells}, v.dataType()).chunkShape(chunkCells).shardShape(shardCells)
                            .dimensionNames(DggsConvention.DIMENSION)
                    : ArrayMetadata.builder(new long[] {cells, v.bands()}, v.dataType())
                            .chunkShape(chunkCells, v.bands()).shardShape(shardCells, v.bands())
                            .dimensionNames(DggsConvention.DIMENSION, v.name() + "_band");
            md.compression(Compression.ZSTD, variableLevels.getOrDefault(v.name(), zstdLevel)).attributes(a);
            md.fillValue(v.fillValue() != null ? v.fillValue() : defaultFill(v.dataType()));
            arrays[1 + i] = ZarrArray.create(store, v.name(), md.build());
        }
        return arrays;
    }

    static Object jsonNumber(Number n) {
        if (n instanceof Double && !Double.isFinite(n.doubleValue())) return n.toString();
        if (n instanceof Float && !Float.isFinite(n.floatValue())) return n.toString();
        return n;
    }

    private static Number defaultFill(DataType t) {
        return t.isFloat() ? (Number) Double.NaN : (Number) 0;
    }

    private WriteReport complete(AtomicStoreWriter atomic, Store store, int cells, long collisions,
                                 long cellsWithCollision, ChunkIndex index, Bounds bounds) throws IOException, DataException {
        return complete(atomic, store, cells, collisions, cellsWithCollision, index, bounds, null);
    }

    private WriteReport complete(AtomicStoreWriter atomic, Store store, int cells, long collisions, long cellsWithCollision,
                                 ChunkIndex index, Bounds bounds, DggsStore.Rows rows) throws IOException, DataException {
        long[] b = index.bounds();
        int chunks = b.length / 2;
        ZarrGroup.create(store, StoreLayout.INDEX_GROUP, Map.of("description",
                "first and last cell id of every chunk of cell_ids, for range queries without reading cell_ids"), 3);
        ZarrArray ci = ZarrArray.create(store, StoreLayout.CHUNK_BOUNDS,
                ArrayMetadata.builder(new long[] {chunks, 2}, DataType.UINT64).chunkShape(Math.max(1, chunks), 2)
                        .compression(Compression.ZSTD, zstdLevel).fillValue(0L).dimensionNames("chunk", "bound").build());
        if (chunks > 0) ci.write(new long[] {0, 0}, new int[] {chunks, 2}, b);

        double[] bbox = bounds.bbox();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("Conventions", "CF-1.10, ACDD-1.3");
        root.putAll(attributes);
        if (bbox != null) {
            root.put("geospatial_lon_min", bbox[0]);
            root.put("geospatial_lat_min", bbox[1]);
            root.put("geospatial_lon_max", bbox[2]);
            root.put("geospatial_lat_max", bbox[3]);
            root.put("geospatial_lat_units", "degrees_north");
            root.put("geospatial_lon_units", "degrees_east");
        }
        String now = (created != null ? created : Instant.now()).truncatedTo(ChronoUnit.SECONDS).toString();
        root.putIfAbsent("date_created", now);
        String history = now + " healpix-zarr: cell-point conversion to HEALPix depth " + depth + " (" + ellipsoid + ")";
        Object prev = root.get("history");
        root.put("history", prev == null ? history : prev + "\n" + history);
        root.put("zarr_conventions", List.of(DggsConvention.conventionEntry()));
        root.put("dggs", DggsConvention.dggsObject(ellipsoid, depth));
        root.put("multiscales", null); // placeholder: set (or removed) with the overviews below
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("layout_version", StoreLayout.VERSION);
        f.put("native_depth", depth);
        f.put("median_spacing_m", null);
        f.put("cells", cells);
        f.put("chunk_cells", chunkCells);
        f.put("shard_cells", shardCells);
        f.put("chunk_index", StoreLayout.CHUNK_BOUNDS);
        f.put("overview_depths", List.of());
        f.put("duplicate_policy", policy.name().toLowerCase(java.util.Locale.ROOT));
        f.put("observations", rowsAdded - rowsWithoutCell);
        f.put("observations_without_cell", rowsWithoutCell);
        f.put("collisions", collisions);
        f.put("cells_with_collision", cellsWithCollision);
        if (bbox != null) f.put("bbox", List.of(bbox[0], bbox[1], bbox[2], bbox[3]));
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (VariableSpec v : variables) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("kind", v.kind().name().toLowerCase(java.util.Locale.ROOT));
            k.put("aggregation", v.kind().aggregation());
            kinds.put(v.name(), k);
        }
        f.put("variables", kinds);
        f.put("software", "healpix-zarr " + Version.get());
        f.putAll(facts);
        root.put(StoreLayout.FACTS, f);
        ZarrGroup.create(store, "", root, 3); // rewrites the root zarr.json with the final attributes
        // the overview pyramid, from the store just written (the same code path as 'overviews STORE', so a rebuild
        // is byte-identical), then the root attributes that list it
        try (DggsStore written = DggsStore.open(store, target.toString())) {
            if (rows != null) written.serveFrom(rows);
            Overviews.Result ov = Overviews.build(written, new org.healpixzarr.zarr.PrefixStore(store, Overviews.GROUP), null, null);
            ZarrGroup.create(store, "", Overviews.withOverviews(written.attributes(), ov), 3);
        }

        long[] size = sizeOf(atomic.temporaryPath());
        atomic.commit();
        LOG.log(System.Logger.Level.INFO, "wrote {0}: {1} cells, {2} collisions, {3} objects, {4} bytes",
                target, cells, collisions, size[0], size[1]);
        return new WriteReport(target, rowsAdded, rowsWithoutCell, cells, collisions, cellsWithCollision, runs.size(),
                size[0], size[1]);
    }

    static long[] sizeOf(Path dir) throws IOException {
        long[] r = new long[2];
        try (Stream<Path> s = Files.walk(dir)) {
            for (java.util.Iterator<Path> it = s.iterator(); it.hasNext(); ) {
                Path p = it.next();
                if (!Files.isRegularFile(p)) continue;
                r[0]++;
                r[1] += Files.size(p);
            }
        }
        return r;
    }

    /** Accumulates the first and last id of every chunk of sorted ids. */
    static final class ChunkIndex {
        private final int chunkCells;
        private long[] bounds = new long[64];
        private long n;

        ChunkIndex(int chunkCells) {
            this.chunkCells = chunkCells;
        }

        void accept(long id) {
            int c = (int) (n / chunkCells);
            if (2 * c + 1 >= bounds.length) bounds = java.util.Arrays.copyOf(bounds, bounds.length * 2);
            if (n % chunkCells == 0) bounds[2 * c] = id;
            bounds[2 * c + 1] = id;
            n++;
        }

        long[] bounds() {
            int chunks = (int) ((n + chunkCells - 1) / chunkCells);
            return java.util.Arrays.copyOf(bounds, 2 * chunks);
        }
    }
}
