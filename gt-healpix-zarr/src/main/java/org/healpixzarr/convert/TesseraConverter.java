package org.healpixzarr.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ObjDoubleConsumer;
import org.healpixzarr.DataException;
import org.healpixzarr.dggs.DggsWriter;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.dggs.VariableSpec;
import org.healpixzarr.dggs.WriteReport;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.healpix.RangeSet;
import org.healpixzarr.input.tessera.TesseraTile;
import org.healpixzarr.input.tessera.TileName;
import org.healpixzarr.zarr.DataType;

/**
 * TESSERA embedding tiles of one year to a collection of sparse DGGS-Zarr stores, one per HEALPix cell of depth
 * {@value #PARTITION_DEPTH} (edge about 25 km, so a partition holds some 5 (equator) to 30 (80 degrees) 0.1 degree tiles and a
 * tile touches one to four partitions): {@code OUT/tessera-<year>_d8_<cell>.zarr}.
 *
 * <p>Each pixel centre is located on its tile's UTM grid, transformed to WGS84 and hashed to its depth-29 cell;
 * the int8 embedding (128 values) and the float32 scale are stored as they are (lossless, not dequantised).
 * Pixels are skipped, in this order of reasons: centre outside the tile's half-open box ({@code outside_tile}),
 * landmask water ({@code water}), scale not finite or not in (0, 1) ({@code invalid_scale}), outside the
 * requested box ({@code outside_bbox}).
 *
 * <p>Passes: every tile is first opened and checked (a bad tile fails the run before anything is written or,
 * with {@code keepGoing}, is skipped entirely), then sampled for the run's PCA display basis ({@link PcaSample},
 * {@link EmbeddingPca}: the {@code pca} attribute of {@code embeddings}, the same in every partition), then
 * converted, in the order of the depth-8 cell of the tile centre (then name), so that partitions complete
 * early: after the last tile whose box meets a partition, that partition is sorted, encoded and written on a
 * background thread while the next tiles are read and hashed (one partition written, one queued at most).
 *
 * <p>Memory: tiles are read in blocks of rows; rows go to their partition's writer in chunks of about one
 * heap region ({@link #chunkRows}; handed over, not copied, and reused once the writer has spilled or finished).
 * The budget covers the rows buffered by all writers, open or being finished: above it, the open writer holding
 * the most spills a sorted run to disk (a spilled partition is byte-identical to one finished in memory). A partition is finished a chunk of cells at a time, so finishing needs about 24
 * bytes per buffered row beyond the rows themselves, whatever the partition's size. Runs are deterministic: a fixed tile
 * order, fixed creation time (1 January of the year), so the same input gives byte-identical stores. If a
 * conversion fails after partitions were written, they are deleted.
 */
public final class TesseraConverter {
    private static final System.Logger LOG = System.getLogger(TesseraConverter.class.getName());
    /** Depth of the partition cells. */
    public static final int PARTITION_DEPTH = 8;
    private static final int DEPTH = HealpixGrid.MAX_DEPTH;
    private static final int SHIFT = 2 * (DEPTH - PARTITION_DEPTH);
    private static final int BANDS = TesseraTile.BANDS;
    /**
     * Rows per chunk handed to a partition's writer: embeddings of just under one G1 heap region (4 MiB with the
     * default heap of a 24 GB machine), so that a chunk is a "humongous" object, allocated outside the young
     * generation and never copied by the collector, without wasting most of a region.
     */
    private static final int CHUNK = chunkRows(Runtime.getRuntime().maxMemory());

    /**
     * The embeddings are compressed at zstd level 1, like the other arrays, only if that makes their bytes at most this
     * fraction of the raw bytes on the run's PCA sample; otherwise at {@link #FAST_EMBEDDING_LEVEL}, in the store and
     * its overview levels. Quantised embeddings are close to random bytes: on the synthetic tiles level 1 saves about
     * 6 % of them at a quarter of the speed of the fast level (docs/performance.md).
     */
    static final double MAX_EMBEDDING_RATIO = 0.9;

    /**
     * zstd's fast mode for embeddings that level 1 hardly compresses: no entropy coding, so their bytes are stored
     * nearly as they are at about four times level 1's speed, while runs such as the fill padding of the last chunk
     * of an array still shrink to almost nothing (an uncompressed array would store that padding, up to 8 MiB).
     */
    static final int FAST_EMBEDDING_LEVEL = -1;

    /** Embedding bytes per block of rows read at once (the buffers are reused from tile to tile). */
    private static final int BLOCK_BYTES = 4 << 20;

    private TesseraConverter() {}

    /**
     * Options.
     *
     * @param year         the year folder to convert
     * @param bbox         {@code {west, south, east, north}} degrees or {@code null}: only tiles meeting it, only pixels in
     *                     it; {@code west > east} crosses the antimeridian
     * @param keepGoing    skip bad tiles (listed in the report) instead of failing
     * @param memoryBudget bytes of buffered observations over all partitions before spilling
     * @param progress     progress callback or {@code null}
     */
    public record Options(int year, double[] bbox, boolean keepGoing, long memoryBudget, ObjDoubleConsumer<String> progress) {}

    /** A tile that could not be converted, and why. */
    public record BadTile(String tile, String message) {}

    /**
     * What a conversion did.
     *
     * @param tilesRead     tiles converted
     * @param badTiles      tiles skipped under keepGoing
     * @param pixelsRead    pixels of the converted tiles
     * @param skipped       skipped pixels by reason ({@code outside_tile, water, invalid_scale, outside_bbox, no_cell})
     * @param cellsWritten  cells written over all partitions
     * @param collisions    pixels dropped because their cell was taken
     * @param partitions    the stores written, in partition order
     */
    public record Report(int tilesRead, List<BadTile> badTiles, long pixelsRead, Map<String, Long> skipped,
                         long cellsWritten, long collisions, List<Path> partitions) {}

    /** The store name of partition {@code cell} (depth {@value #PARTITION_DEPTH}). */
    public static String partitionName(int year, long cell) {
        return String.format(Locale.ROOT, "tessera-%d_d%d_%06d.zarr", year, PARTITION_DEPTH, cell);
    }

    /** Converts the tiles of {@code o.year()} under {@code root} into partition stores in {@code out}. */
    public static Report convert(Path root, Path out, Options o) throws IOException, DataException {
        return convert(root, out, o, CHUNK);
    }

    /** {@link #convert(Path, Path, Options)} with chunks of {@code chunkRows} rows (tests: small chunks, many spills). */
    static Report convert(Path root, Path out, Options o, int chunkRows) throws IOException, DataException {
        List<String> names = TesseraTile.list(root, o.year());
        List<BadTile> bad = new ArrayList<>();
        List<String> selected = new ArrayList<>();
        List<RangeSet> covers = new ArrayList<>();
        HealpixGrid coarse = HealpixGrid.of(Ellipsoid.WGS84, PARTITION_DEPTH);
        for (String n : names) {
            TileName t;
            try {
                t = TileName.parse(n);
            } catch (DataException e) {
                if (!o.keepGoing()) throw e;
                bad.add(new BadTile(n, e.getMessage()));
                continue;
            }
            double[] b = o.bbox();
            if (b != null && !meets(t, b)) continue;
            selected.add(n);
            covers.add(coarse.coverBox(t.west(), t.south(), t.east(), t.north()));
        }
        // pass 1: every tile opened and checked (a bad tile fails the run before anything is written), the
        // valid pixels counted; pass 2: the PCA sample
        long[] valid = new long[selected.size()];
        PcaSample.ScaleBlocks scaleBuffers = new PcaSample.ScaleBlocks();
        for (int i = 0; i < selected.size(); i++) {
            progress(o, "check", (double) i / selected.size());
            try (TesseraTile tile = TesseraTile.open(root, o.year(), selected.get(i))) {
                valid[i] = PcaSample.countValid(tile, scaleBuffers);
            } catch (DataException e) {
                if (!o.keepGoing()) throw e;
                bad.add(new BadTile(selected.get(i), e.getMessage()));
                valid[i] = -1;
            }
        }
        List<String> good = new ArrayList<>();
        List<RangeSet> goodCovers = new ArrayList<>();
        long totalValid = 0;
        for (int i = 0; i < selected.size(); i++) {
            if (valid[i] < 0) continue;
            good.add(selected.get(i));
            goodCovers.add(covers.get(i));
            totalValid += valid[i];
        }
        PcaSample sample = new PcaSample(totalValid);
        for (int i = 0; i < good.size(); i++) {
            progress(o, "sample", (double) i / good.size());
            try (TesseraTile tile = TesseraTile.open(root, o.year(), good.get(i))) {
                sample.add(tile);
            }
        }
        EmbeddingPca pca = sample.size() >= 2 ? EmbeddingPca.of(sample.values(), sample.scales(), sample.size(), BANDS) : null;
        double ratio = zstdRatio(sample.values(), sample.size() * BANDS);
        int embeddingLevel = ratio <= MAX_EMBEDDING_RATIO ? 1 : FAST_EMBEDDING_LEVEL;
        LOG.log(System.Logger.Level.INFO, "embeddings at zstd level {0}: level 1 gives {1} of the bytes of the run''s sample",
                embeddingLevel, String.format(java.util.Locale.ROOT, "%.3f", ratio));
        // conversion order: by the partition of the tile centre (nested ids: a space-filling curve), then name, so
        // that partitions are completed early; after the last tile that may write to a partition, it is finished
        // in the background and its memory released
        List<Integer> order = new ArrayList<>();
        long[] centre = new long[good.size()];
        for (int i = 0; i < good.size(); i++) {
            order.add(i);
            TileName t = TileName.parse(good.get(i));
            centre[i] = coarse.hash(t.lon(), t.lat());
        }
        order.sort(new java.util.Comparator<Integer>() {
            @Override
            public int compare(Integer a, Integer b) {
                int c = Long.compare(centre[a], centre[b]);
                return c != 0 ? c : good.get(a).compareTo(good.get(b));
            }
        });
        Map<Long, Integer> lastTile = new TreeMap<>();
        for (int k = 0; k < order.size(); k++) {
            RangeSet c = goodCovers.get(order.get(k));
            for (int r = 0; r < c.size(); r++) {
                for (long cell = c.start(r); cell < c.end(r); cell++) {
                    lastTile.put(cell, k);
                }
            }
        }
        Files.createDirectories(out);
        State st = new State(o, out, pca, embeddingLevel, chunkRows);
        boolean ok = false;
        try {
            for (int k = 0; k < order.size(); k++) {
                progress(o, "tiles", (double) k / order.size());
                int i = order.get(k);
                try (TesseraTile tile = TesseraTile.open(root, o.year(), good.get(i))) {
                    st.convert(tile);
                }
                st.tilesRead++;
                RangeSet c = goodCovers.get(i);
                for (int r = 0; r < c.size(); r++) {
                    for (long cell = c.start(r); cell < c.end(r); cell++) if (lastTile.get(cell) == k) st.finish(cell);
                }
            }
            progress(o, "tiles", 1);
            for (Long part : new ArrayList<>(st.pending.keySet())) st.finish(part); // none expected: covers are conservative
            List<Path> parts = new ArrayList<>();
            long cells = 0, collisions = 0;
            int k = 0;
            for (Map.Entry<Long, java.util.concurrent.Future<WriteReport>> f : st.finished.entrySet()) {
                progress(o, "write", (double) k++ / st.finished.size());
                WriteReport r = st.await(f.getValue());
                parts.add(r.store());
                cells += r.cellsWritten();
                collisions += r.collisions();
            }
            progress(o, "write", 1);
            ok = true;
            Map<String, Long> skipped = new LinkedHashMap<>();
            skipped.put("outside_tile", st.outsideTile);
            skipped.put("water", st.water);
            skipped.put("invalid_scale", st.invalidScale);
            if (o.bbox() != null) skipped.put("outside_bbox", st.outsideBbox);
            if (st.noCell > 0) skipped.put("no_cell", st.noCell);
            return new Report(st.tilesRead, List.copyOf(bad), st.pixelsRead, skipped, cells, collisions, List.copyOf(parts));
        } finally {
            st.shutdown(!ok);
        }
    }

    /** Whether tile {@code t} meets the box {@code {W, S, E, N}} ({@code W > E}: across the antimeridian). */
    static boolean meets(TileName t, double[] b) {
        if (!(t.north() > b[1] && t.south() < b[3])) return false;
        return b[0] < b[2] ? t.east() > b[0] && t.west() < b[2] : t.east() > b[0] || t.west() < b[2];
    }

    /** Whether a point is in the half-open box {@code {W, S, E, N}} ({@code W > E}: across the antimeridian). */
    static boolean inBox(double lon, double lat, double[] b) {
        if (!(lat >= b[1] && lat < b[3])) return false;
        return b[0] < b[2] ? lon >= b[0] && lon < b[2] : lon >= b[0] || lon < b[2];
    }

    /** An attribute map in the given order (Map.of iterates in a per-JVM order: stores would differ between runs). */
    private static Map<String, Object> ordered(String... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (java.util.stream.Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    private static void progress(Options o, String phase, double f) {
        if (o.progress() != null) o.progress().accept(phase, f);
    }

    /**
     * Rows per chunk for a heap of at most {@code maxHeap} bytes: G1's default region size for that heap (the
     * heap / 2048 rounded up to a power of two, 1 to 32 MiB) less an array header, in 128-byte rows. If the
     * collector's regions are smaller (set by hand), the chunk spans whole regions less a few bytes; if larger or
     * not G1, it is an ordinary array: either way only the copying saved is lost. 8,191 to 262,143 rows.
     */
    static int chunkRows(long maxHeap) {
        long region = Math.max(1L << 20, Math.min(32L << 20, Long.highestOneBit(Math.max(1, maxHeap / 2048 - 1)) << 1));
        return (int) ((region - 64) / BANDS);
    }

    /** Rows of one partition not yet handed to its writer: a fixed-size chunk, handed over whole (no copy). */
    private static final class Pending {
        final long[] ids;
        final byte[] emb;
        final float[] scales;
        int n;

        Pending(int rows) {
            ids = new long[rows];
            emb = new byte[rows * BANDS];
            scales = new float[rows];
        }
    }

    /** Compressed size / size of {@code values[0, len)} with zstd level 1 (1 for no bytes). */
    static double zstdRatio(byte[] values, int len) {
        if (len == 0) return 1;
        byte[] dst = new byte[(int) com.github.luben.zstd.Zstd.compressBound(len)];
        long n = com.github.luben.zstd.Zstd.compressByteArray(dst, 0, dst.length, values, 0, len, 1);
        if (com.github.luben.zstd.Zstd.isError(n)) throw new IllegalStateException(com.github.luben.zstd.Zstd.getErrorName(n));
        return (double) n / len;
    }

    private static final class State {
        final Options o;
        final Path out;
        final EmbeddingPca pca;
        /** zstd level of the embeddings: 1, or {@link #FAST_EMBEDDING_LEVEL} where level 1 does not pay. */
        final int embeddingLevel;
        final TreeMap<Long, DggsWriter> writers = new TreeMap<>();
        final TreeMap<Long, Pending> pending = new TreeMap<>();
        final TreeMap<Long, java.util.concurrent.Future<WriteReport>> finished = new TreeMap<>();
        final java.util.ArrayDeque<java.util.concurrent.Future<WriteReport>> running = new java.util.ArrayDeque<>();
        /** Partitions handed to the finisher and the bytes they held then, counted against the budget until written. */
        final java.util.ArrayDeque<java.util.concurrent.Future<WriteReport>> finishing = new java.util.ArrayDeque<>();
        final java.util.ArrayDeque<Long> finishingSizes = new java.util.ArrayDeque<>();
        final java.util.ArrayDeque<List<Pending>> finishingChunks = new java.util.ArrayDeque<>();
        long finishingBytes;
        /** The chunks each open writer holds, and chunks no writer holds any more, for reuse. */
        final Map<Long, List<Pending>> held = new java.util.HashMap<>();
        final java.util.ArrayDeque<Pending> free = new java.util.ArrayDeque<>();
        /** Partitions are sorted, encoded and written here while the caller's thread reads and hashes the next tiles. */
        final java.util.concurrent.ExecutorService finisher = java.util.concurrent.Executors.newSingleThreadExecutor(
                new java.util.concurrent.ThreadFactory() {
                    @Override
                    public Thread newThread(Runnable r) {
                        Thread t = new Thread(r, "tessera-finish");
                        t.setDaemon(true);
                        return t;
                    }
                });
        final HealpixGrid grid = HealpixGrid.of(Ellipsoid.WGS84, DEPTH);
        int tilesRead;
        long pixelsRead, outsideTile, water, invalidScale, outsideBbox, noCell;

        final int chunk;

        State(Options o, Path out, EmbeddingPca pca, int embeddingLevel, int chunk) {
            this.o = o;
            this.out = out;
            this.pca = pca;
            this.embeddingLevel = embeddingLevel;
            this.chunk = chunk;
        }

        /** Per block of rows, reused from tile to tile (grown for a wider tile). */
        private byte[] emb = new byte[0], scratch = new byte[0];
        private float[] sc = new float[0];
        private double[] lon = new double[0], lat = new double[0], klon = new double[0], klat = new double[0];
        private int[] kept = new int[0];
        private long[] ids = new long[0];

        void convert(TesseraTile t) throws IOException, DataException {
            int cols = t.cols(), rows = t.rows();
            int block = Math.max(1, BLOCK_BYTES / (cols * BANDS));
            int px = block * cols;
            if (sc.length < px) {
                emb = new byte[px * BANDS];
                scratch = new byte[px * 4];
                sc = new float[px];
                lon = new double[px];
                lat = new double[px];
                klon = new double[px];
                klat = new double[px];
                kept = new int[px];
                ids = new long[px];
            }
            byte[] emb = this.emb, scratch = this.scratch;
            float[] sc = this.sc;
            double[] lon = this.lon, lat = this.lat, klon = this.klon, klat = this.klat;
            int[] kept = this.kept;
            long[] ids = this.ids;
            byte[] mask = t.landmask();
            TileName tn = t.name();
            double[] b = o.bbox();
            long lastPart = -1;
            Pending pd = null;
            for (int r0 = 0; r0 < rows; r0 += block) {
                int nr = Math.min(block, rows - r0), n = nr * cols;
                t.readScales(r0, nr, sc, scratch);
                t.grid().lonLat(r0, nr, 0, cols, lon, lat, null);
                int k = 0;
                for (int p = 0; p < n; p++) {
                    if (!tn.contains(lon[p], lat[p])) outsideTile++;
                    else if (mask[r0 * cols + p] == 0) water++;
                    else if (!TesseraTile.validScale(sc[p])) invalidScale++;
                    else if (b != null && !inBox(lon[p], lat[p], b)) outsideBbox++;
                    else {
                        kept[k] = p;
                        klon[k] = lon[p];
                        klat[k] = lat[p];
                        k++;
                    }
                }
                pixelsRead += n;
                if (k == 0) continue;
                t.readEmbeddings(r0, nr, emb);
                grid.hash(klon, klat, ids, 0, k);
                for (int q = 0; q < k; q++) {
                    long id = ids[q];
                    if (id < 0) {
                        noCell++;
                        continue;
                    }
                    long part = id >>> SHIFT;
                    if (part != lastPart) {
                        pd = pending.get(part);
                        if (pd == null) {
                            if (finished.containsKey(part)) {
                                throw new IllegalStateException("tile " + tn + " has a pixel in partition " + part
                                        + ", already written (the tile's partition cover missed it)");
                            }
                            pd = newPending();
                            pending.put(part, pd);
                        }
                        lastPart = part;
                    }
                    int p = kept[q], m = pd.n;
                    pd.ids[m] = id;
                    System.arraycopy(emb, p * BANDS, pd.emb, m * BANDS, BANDS);
                    pd.scales[m] = sc[p];
                    if (++pd.n == chunk) {
                        handOver(part, pd);
                        pd = newPending();
                        pending.put(part, pd);
                    }
                }
            }
        }

        /** A chunk for new rows: one given back by a writer that no longer holds it, else a new one. */
        Pending newPending() {
            Pending pd = free.poll();
            if (pd == null) return new Pending(chunk);
            pd.n = 0;
            return pd;
        }

        /** Gives a pending chunk to the partition's writer (which keeps the arrays until it spills or is finished). */
        void handOver(long part, Pending pd) throws IOException {
            if (pd.n == 0) {
                free.add(pd);
                return;
            }
            DggsWriter w = writers.get(part);
            if (w == null) {
                w = writer(part);
                writers.put(part, w);
                held.put(part, new ArrayList<>());
            }
            List<Pending> h = held.get(part);
            h.add(pd);
            w.add(pd.ids, new Object[] {pd.emb, pd.scales}, 0, pd.n);
            if (w.bufferedBytes() == 0) release(h); // the writer spilled by itself: it holds none of them any more
            keepInBudget();
        }

        /** Chunks a writer no longer holds (after a spill, or once finished) go back to the pool. */
        void release(List<Pending> chunks) {
            free.addAll(chunks);
            chunks.clear();
        }

        /**
         * One memory budget for the whole run: the observations buffered by the open writers and by those being
         * finished (until they are written). Above it, the open writer holding the most is spilled to disk, so a
         * run whose partitions fit in the budget together never spills, and a larger run holds at most the budget.
         */
        void keepInBudget() throws IOException {
            while (!finishing.isEmpty() && finishing.peekFirst().isDone()) {
                finishing.pollFirst();
                finishingBytes -= finishingSizes.pollFirst();
                release(finishingChunks.pollFirst());
            }
            long total = finishingBytes;
            DggsWriter largest = null;
            for (DggsWriter w : writers.values()) {
                total += w.bufferedBytes();
                if (largest == null || w.bufferedBytes() > largest.bufferedBytes()) largest = w;
            }
            while (total > o.memoryBudget() && largest != null && largest.bufferedBytes() > 0) {
                total -= largest.bufferedBytes();
                largest.spill();
                for (Map.Entry<Long, DggsWriter> e : writers.entrySet()) if (e.getValue() == largest) release(held.get(e.getKey()));
                largest = null;
                for (DggsWriter w : writers.values()) {
                    if (largest == null || w.bufferedBytes() > largest.bufferedBytes()) largest = w;
                }
            }
        }

        /** Hands the rest of partition {@code part} to its writer and finishes it in the background. */
        void finish(long part) throws IOException, DataException {
            Pending pd = pending.remove(part);
            if (pd != null) handOver(part, pd);
            DggsWriter w = writers.remove(part);
            List<Pending> chunks = held.remove(part);
            if (w == null) return;
            while (running.size() >= 2) await(running.poll()); // at most one partition queued behind the one being written
            long bytes = w.bufferedBytes();
            java.util.concurrent.Future<WriteReport> f = finisher.submit(new java.util.concurrent.Callable<WriteReport>() {
                @Override
                public WriteReport call() throws IOException, DataException {
                    return w.finish();
                }
            });
            finished.put(part, f);
            running.add(f);
            finishing.addLast(f);
            finishingSizes.addLast(bytes);
            finishingChunks.addLast(chunks);
            finishingBytes += bytes;
        }

        WriteReport await(java.util.concurrent.Future<WriteReport> f) throws IOException, DataException {
            try {
                return f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException) throw (IOException) c;
                if (c instanceof DataException) throw (DataException) c;
                if (c instanceof RuntimeException) throw (RuntimeException) c;
                if (c instanceof Error) throw (Error) c;
                throw new IOException(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while writing partitions to " + out);
            }
        }

        /** Stops the finisher; after a failure also discards unfinished writers and the partitions already written. */
        void shutdown(boolean failed) {
            finisher.shutdown();
            if (!failed) return;
            try {
                finisher.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (DggsWriter w : writers.values()) {
                try {
                    w.close();
                } catch (IOException e) {
                    // discarding: keep the first failure
                }
            }
            for (java.util.concurrent.Future<WriteReport> f : finished.values()) {
                try {
                    if (f.isDone() && !f.isCancelled()) deleteTree(f.get().store());
                } catch (Exception e) {
                    // that partition failed itself (nothing committed) or cannot be removed
                }
            }
        }

        /** CF attributes of {@code embeddings}, the dequantisation scale variable and the run's PCA display basis. */
        Map<String, Object> embeddingAttributes() {
            Map<String, Object> a = ordered("long_name", "TESSERA embedding, quantised", "comment", "value = embeddings * scales",
                    "scale_variable", "scales");
            if (pca != null) a.put("pca", pca.attribute());
            return a;
        }

        DggsWriter writer(long part) {
            int year = o.year();
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("title", "TESSERA embeddings " + year + ", HEALPix depth-" + PARTITION_DEPTH + " partition " + part);
            attrs.put("source", "TESSERA geotessera tiles (global_0.1_degree_representation/" + year
                    + "): int8 embeddings and float32 scales, 10 m UTM pixels");
            attrs.put("comment", "Lossless: embedding value = embeddings * scales (not dequantised in the store)");
            Map<String, Object> partition = new LinkedHashMap<>();
            partition.put("scheme", "healpix-nested");
            partition.put("ellipsoid", "WGS84");
            partition.put("depth", PARTITION_DEPTH);
            partition.put("cell", part);
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("dataset", "tessera-" + year);
            facts.put("partition", partition);
            facts.put("year", year);
            return DggsWriter.builder(out.resolve(partitionName(year, part)))
                    .zstdLevel(1) // not 3: +19 % throughput for +10 % bytes, measured on the embeddings (docs/performance.md)
                    .zstdLevel("embeddings", embeddingLevel)
                    .variable(new VariableSpec("embeddings", DataType.INT8, BANDS, null, embeddingAttributes(), VariableKind.QUANTITY))
                    .variable(new VariableSpec("scales", DataType.FLOAT32, 1, null,
                            ordered("long_name", "dequantisation scale of the embedding"), VariableKind.QUANTITY))
                    .attributes(attrs)
                    .facts(facts)
                    .memoryBudget(Math.max(1, o.memoryBudget())) // the run's budget is enforced over all writers: keepInBudget
                    .overviewsFromMemory(true) // the chunks stay referenced (and counted) until the partition is written
                    .created(LocalDate.of(year, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant())
                    .build();
        }
    }
}
