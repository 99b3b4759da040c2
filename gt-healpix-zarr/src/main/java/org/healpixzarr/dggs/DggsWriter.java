package org.healpixzarr.dggs;

import java.io.BufferedOutputStream;
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
import java.util.PriorityQueue;
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
 * buffered blocks exceed the budget they are sorted and spilled to a run file next to the target, and
 * {@link #finish()} merges the runs. The store is written under a temporary name and renamed into place by
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

        /** Creates the writer; nothing is written before the first spill or {@link DggsWriter#finish()}. */
        public DggsWriter build() {
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
        if (bufferedBytes > budget) spill();
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

    private void writeIds(Store store, Sorted sorted) throws IOException, DataException {
        ZarrArray ids = ZarrArray.open(store, DggsConvention.COORDINATE);
        for (int s = 0; s < sorted.cells; s += shardCells) {
            int e = Math.min(sorted.cells, s + shardCells);
            ids.write(new long[] {s}, new int[] {e - s}, Columns.slice(sorted.keys, s, e - s));
        }
    }

    private WriteReport completeSorted(AtomicStoreWriter atomic, Store store, Sorted sorted) throws IOException, DataException {
        ChunkIndex index = new ChunkIndex(chunkCells);
        Bounds bounds = new Bounds(ellipsoid, depth);
        for (int i = 0; i < sorted.cells; i++) {
            index.accept(sorted.keys[i]);
            bounds.accept(sorted.keys[i]);
        }
        return complete(atomic, store, sorted.cells, rowsAdded - rowsWithoutCell - sorted.cells,
                sorted.cellsWithCollision, index, bounds);
    }

    private WriteReport finishInMemory() throws IOException, DataException {
        int n = Math.toIntExact(bufferedRows());
        long[] keys = new long[n];
        int[] rows = new int[n];
        concatIds(keys, rows);
        Sorted sorted = sortAndDedupe(keys, rows, n);
        try (AtomicStoreWriter atomic = AtomicStoreWriter.begin(target)) {
            Store store = atomic.store();
            createArrays(store, sorted.cells);
            writeIds(store, sorted);
            // variables are independent arrays: gather and encode them on all cores
            java.util.concurrent.ConcurrentLinkedQueue<Integer> todo = new java.util.concurrent.ConcurrentLinkedQueue<>();
            for (int v = 0; v < variables.size(); v++) todo.add(v);
            int threads = Math.max(1, Math.min(variables.size(), Runtime.getRuntime().availableProcessors()));
            java.util.concurrent.ExecutorService pool = newPool(threads);
            try {
                List<java.util.concurrent.Future<Void>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        for (Integer v; (v = todo.poll()) != null; ) writeVariable(store, v, concatColumn(v), sorted);
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<Void> f : done) {
                    try {
                        await(f);
                    } finally {
                        todo.clear();
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            return completeSorted(atomic, store, sorted);
        }
    }

    private static java.util.concurrent.ExecutorService newPool(int threads) {
        return java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dggs-writer");
            t.setDaemon(true);
            return t;
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
        private final boolean[] written = new boolean[variables.size()];
        private final java.util.concurrent.ExecutorService worker = newPool(1);
        private java.util.concurrent.Future<?> pending;

        private ColumnWriter(int rowsIn, Sorted sorted) throws IOException, DataException {
            this.rowsIn = rowsIn;
            this.sorted = sorted;
            this.atomic = AtomicStoreWriter.begin(target);
            boolean ok = false;
            try {
                createArrays(atomic.store(), sorted.cells);
                writeIds(atomic.store(), sorted);
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
            pending = worker.submit(() -> {
                writeVariable(atomic.store(), vi, values, sorted);
                return null;
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

    private void writeVariable(Store store, int v, Object column, Sorted sorted) throws IOException, DataException {
        VariableSpec spec = variables.get(v);
        ZarrArray array = ZarrArray.open(store, spec.name());
        for (int s = 0; s < sorted.cells; s += shardCells) {
            int e = Math.min(sorted.cells, s + shardCells);
            Object part = Columns.gather(column, sorted.rows, s, e, spec.bands());
            array.write(offset(s, spec), shape(e - s, spec), part);
        }
    }

    /** The v-th column of all buffered blocks as one array (no copy for a single whole block). */
    private Object concatColumn(int v) {
        int bands = variables.get(v).bands();
        if (blocks.size() == 1) {
            Block b = blocks.get(0);
            if (b.from == 0) return b.columns[v];
        }
        int n = Math.toIntExact(bufferedRows() * bands);
        Object out = variables.get(v).dataType().newArray(n);
        int p = 0;
        for (Block b : blocks) {
            System.arraycopy(b.columns[v], b.from * bands, out, p, b.size() * bands);
            p += b.size() * bands;
        }
        return out;
    }

    private CollisionException collision(long id, long firstRow, long secondRow) {
        return new CollisionException(DataException.describe(target.toString(),
                "two observations fall in cell " + id + " (depth " + depth + ")",
                "one observation per cell (strict duplicate policy)", "input rows " + firstRow + " and " + secondRow,
                "use the keep-first policy to keep the first observation and count collisions"));
    }

    // ---------------------------------------------------------------- spilling

    private void spill() throws IOException {
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
        Object[] cols = new Object[variables.size()];
        for (int v = 0; v < cols.length; v++) cols[v] = concatColumn(v);
        int runNo = runs.size();
        Path idsFile = spillDir.resolve("run-" + runNo + ".ids");
        Path recFile = spillDir.resolve("run-" + runNo + ".rec");
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(idsFile), 1 << 16)) {
            for (int i = 0; i < valid; i++) {
                if (buf.remaining() < 8) flush(buf, out);
                buf.putLong(keys[i]);
            }
            flush(buf, out);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(recFile), 1 << 16)) {
            for (int i = 0; i < valid; i++) {
                if (buf.remaining() < recordBytes) flush(buf, out);
                int r = rows[i];
                for (int v = 0; v < cols.length; v++) {
                    int bands = variables.get(v).bands();
                    Columns.putBytes(cols[v], r * bands, bands, buf);
                }
            }
            flush(buf, out);
        }
        runs.add(new Run(idsFile, recFile, valid));
        LOG.log(System.Logger.Level.DEBUG, "spilled run {0}: {1} observations", runNo, valid);
        blocks.clear();
        bufferedBytes = 0;
    }

    private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    /** Sequential little-endian reader of a run file. */
    private static final class RunReader implements AutoCloseable {
        private final InputStream in;
        private final byte[] buf = new byte[1 << 18];
        private int pos, lim;

        RunReader(Path p) throws IOException {
            in = Files.newInputStream(p);
        }

        void read(byte[] dst, int len) throws IOException {
            int off = 0;
            while (off < len) {
                if (pos == lim) {
                    lim = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (lim <= 0) throw new IOException("spill run ended early");
                }
                int k = Math.min(len - off, lim - pos);
                System.arraycopy(buf, pos, dst, off, k);
                pos += k;
                off += k;
            }
        }

        long readLong() throws IOException {
            if (lim - pos < 8) {
                byte[] b = new byte[8];
                read(b, 8);
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

    /** One pass of a k-way merge over the runs; calls the sink once per observation in (id, run) order. */
    private interface MergeSink {
        void accept(long id, int run, long seq, RunReader records) throws IOException, DataException;
    }

    private void merge(boolean withRecords, MergeSink sink) throws IOException, DataException {
        int k = runs.size();
        RunReader[] ids = new RunReader[k];
        RunReader[] recs = new RunReader[k];
        long[] left = new long[k];
        long[] head = new long[k];
        long[] seq = new long[k];
        PriorityQueue<Integer> heap = new PriorityQueue<>(Math.max(1, k), Comparator
                .<Integer>comparingLong(i -> head[i] ^ Long.MIN_VALUE).thenComparingInt(i -> i));
        try {
            for (int r = 0; r < k; r++) {
                ids[r] = new RunReader(runs.get(r).ids());
                if (withRecords) recs[r] = new RunReader(runs.get(r).records());
                left[r] = runs.get(r).count();
                if (left[r] > 0) {
                    head[r] = ids[r].readLong();
                    left[r]--;
                    heap.add(r);
                }
            }
            while (!heap.isEmpty()) {
                int r = heap.poll();
                sink.accept(head[r], r, seq[r]++, recs[r]);
                if (left[r] > 0) {
                    head[r] = ids[r].readLong();
                    left[r]--;
                    heap.add(r);
                }
            }
        } finally {
            for (int r = 0; r < k; r++) {
                if (ids[r] != null) ids[r].close();
                if (recs[r] != null) recs[r].close();
            }
        }
    }

    private WriteReport finishFromRuns() throws IOException, DataException {
        spill();
        // pass 1: ids only -> distinct cells, collisions, chunk index, bounds
        long[] state = new long[4]; // last id, cells, cellsWithCollision, lastCounted
        state[0] = -1;
        state[3] = -1;
        long[] firstSeen = new long[2];
        ChunkIndex index = new ChunkIndex(chunkCells);
        Bounds bounds = new Bounds(ellipsoid, depth);
        merge(false, (id, run, s, rec) -> {
            if (state[1] > 0 && id == state[0]) {
                if (policy == DuplicatePolicy.FAIL) {
                    throw collision(id, firstSeen[0], runOffset(run) + s);
                }
                if (state[3] != id) {
                    state[2]++;
                    state[3] = id;
                }
                return;
            }
            state[0] = id;
            state[1]++;
            firstSeen[0] = runOffset(run) + s;
            index.accept(id);
            bounds.accept(id);
        });
        int cells = Math.toIntExact(state[1]);
        try (AtomicStoreWriter atomic = AtomicStoreWriter.begin(target)) {
            Store store = atomic.store();
            createArrays(store, cells);
            ZarrArray idArray = ZarrArray.open(store, DggsConvention.COORDINATE);
            ZarrArray[] arrays = new ZarrArray[variables.size()];
            ByteBuffer[] shardBufs = new ByteBuffer[variables.size()];
            for (int v = 0; v < arrays.length; v++) {
                arrays[v] = ZarrArray.open(store, variables.get(v).name());
                shardBufs[v] = ByteBuffer.allocate(Math.min(cells, shardCells) * variables.get(v).bytesPerCell())
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
            long[] shardIds = new long[Math.min(cells, shardCells)];
            byte[] record = new byte[recordBytes];
            int[] fill = {0};
            long[] written = {0};
            long[] last = {-1};
            boolean[] any = {false};
            merge(true, (id, run, s, rec) -> {
                rec.read(record, recordBytes);
                if (any[0] && id == last[0]) return;
                any[0] = true;
                last[0] = id;
                shardIds[fill[0]] = id;
                int p = 0;
                for (int v = 0; v < arrays.length; v++) {
                    int nb = variables.get(v).bytesPerCell();
                    shardBufs[v].put(record, p, nb);
                    p += nb;
                }
                if (++fill[0] == shardIds.length) {
                    flushShard(idArray, arrays, shardIds, shardBufs, written[0], fill[0]);
                    written[0] += fill[0];
                    fill[0] = 0;
                }
            });
            if (fill[0] > 0) flushShard(idArray, arrays, shardIds, shardBufs, written[0], fill[0]);
            return complete(atomic, store, cells, rowsAdded - rowsWithoutCell - cells, state[2], index, bounds);
        }
    }

    private long runOffset(int run) {
        long o = 0;
        for (int r = 0; r < run; r++) o += runs.get(r).count();
        return o;
    }

    private void flushShard(ZarrArray idArray, ZarrArray[] arrays, long[] ids, ByteBuffer[] bufs, long at, int n)
            throws IOException {
        idArray.write(new long[] {at}, new int[] {n}, Columns.slice(ids, 0, n));
        for (int v = 0; v < arrays.length; v++) {
            VariableSpec spec = variables.get(v);
            Object data = Columns.fromBytes(spec.dataType(), bufs[v].array(), n * spec.bands());
            arrays[v].write(offset(at, spec), shape(n, spec), data);
            bufs[v].clear();
        }
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

    private static long[] offset(long cell, VariableSpec spec) {
        return spec.bands() == 1 ? new long[] {cell} : new long[] {cell, 0};
    }

    private static int[] shape(int cells, VariableSpec spec) {
        return spec.bands() == 1 ? new int[] {cells} : new int[] {cells, spec.bands()};
    }

    private void createArrays(Store store, int cells) throws IOException {
        ZarrGroup.create(store, "", Map.of(), 3);
        Map<String, Object> idAttrs = new LinkedHashMap<>();
        idAttrs.put("long_name", "HEALPix nested cell id at depth " + depth + " (" + ellipsoid + ")");
        idAttrs.put("standard_name", "healpix_nested_cell_id");
        ZarrArray.create(store, DggsConvention.COORDINATE, ArrayMetadata.builder(new long[] {cells}, DataType.UINT64)
                .chunkShape(chunkCells).shardShape(shardCells).compression(Compression.ZSTD, zstdLevel)
                .fillValue(0L).dimensionNames(DggsConvention.DIMENSION).attributes(idAttrs).build());
        for (VariableSpec v : variables) {
            Map<String, Object> a = new LinkedHashMap<>(v.attributes());
            if (v.fillValue() != null) a.put("_FillValue", jsonNumber(v.fillValue()));
            a.put("coordinates", DggsConvention.COORDINATE);
            ArrayMetadata.Builder md = v.bands() == 1
                    ? ArrayMetadata.builder(new long[] {cells}, v.dataType()).chunkShape(chunkCells).shardShape(shardCells)
                            .dimensionNames(DggsConvention.DIMENSION)
                    : ArrayMetadata.builder(new long[] {cells, v.bands()}, v.dataType())
                            .chunkShape(chunkCells, v.bands()).shardShape(shardCells, v.bands())
                            .dimensionNames(DggsConvention.DIMENSION, v.name() + "_band");
            md.compression(Compression.ZSTD, zstdLevel).attributes(a);
            md.fillValue(v.fillValue() != null ? v.fillValue() : defaultFill(v.dataType()));
            ZarrArray.create(store, v.name(), md.build());
        }
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
            Overviews.Result ov = Overviews.build(written, new org.healpixzarr.zarr.PrefixStore(store, Overviews.GROUP), null);
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
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
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
