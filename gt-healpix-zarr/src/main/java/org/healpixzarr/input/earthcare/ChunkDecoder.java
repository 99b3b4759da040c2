package org.healpixzarr.input.earthcare;

import io.jhdf.api.Dataset;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.filter.PipelineFilterWithData;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.OrderedDataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Fast decoding of the common chunked layout of netCDF-4/HDF5 science data (deflate, optionally after the
 * byte shuffle) straight into the flat primitive array, chunks in parallel on the given executor. jHDF is
 * used only to locate the raw chunks; this avoids its intermediate copies. It returns null — the caller
 * then uses jHDF's {@code getDataFlat()} — for any other layout (contiguous, other filters, missing
 * chunks) and for any chunk that does not decode to exactly its size (e.g. a chunk stored unfiltered
 * because compression was skipped), so the result is either exact or not produced.
 *
 * <p>Thread-safety: one call reads one dataset; the raw chunks are fetched on the calling thread, only the
 * decoding runs on the executor.
 */
final class ChunkDecoder {
    private static final int DEFLATE = 1;
    private static final int SHUFFLE = 2;

    private ChunkDecoder() {}

    /** Signals that the fast path does not apply to a chunk. */
    private static final class NotApplicable extends Exception {
        private static final long serialVersionUID = 1L;

        NotApplicable() {
            super(null, null, false, false);
        }
    }

    /**
     * Decodes a dataset of rank 1 to 3 with a numeric type into a flat row-major primitive array
     * ({@code byte[]}, {@code short[]}, {@code int[]}, {@code long[]} for signed and unsigned integers of
     * 1, 2, 4, 8 bytes, {@code float[]}, {@code double[]}), or returns null if the fast path does not apply.
     *
     * @param floatFill for floating-point data: every value ≥ {@code threshold} is replaced by this value
     *                  while decoding (saves a pass over the array); ignored for integers; NaN to turn fill into NaN
     * @param threshold see {@code floatFill}
     * @throws InterruptedException if interrupted while waiting for the decoding
     */
    static Object decode(Dataset dataset, ExecutorService executor, BufferPool buffers, double floatFill, double threshold)
            throws InterruptedException {
        if (!(dataset instanceof ChunkedDataset ds)) return null;
        int[] dims;
        int[] chunk;
        DataType type;
        List<PipelineFilterWithData> filters;
        try {
            dims = ds.getDimensions();
            chunk = ds.getChunkDimensions();
            type = ds.getDataType();
            filters = ds.getFilters();
        } catch (RuntimeException e) {
            return null;
        }
        int rank = dims.length;
        if (rank < 1 || rank > 3 || chunk.length != rank) return null;
        if (!(type instanceof FloatingPoint) && !(type instanceof FixedPoint)) return null;
        int elementSize = type.getSize();
        if (elementSize != 1 && elementSize != 2 && elementSize != 4 && elementSize != 8) return null;
        ByteOrder order = ((OrderedDataType) type).getByteOrder();
        boolean shuffle;
        if (filters.size() == 1 && filters.get(0).getId() == DEFLATE) shuffle = false;
        else if (filters.size() == 2 && filters.get(0).getId() == SHUFFLE && filters.get(1).getId() == DEFLATE) shuffle = true;
        else return null;
        long total = 1;
        long chunkElements = 1;
        for (int i = 0; i < rank; i++) {
            if (chunk[i] <= 0) return null;
            total *= dims[i];
            chunkElements *= chunk[i];
        }
        if (total > Integer.MAX_VALUE - 16 || chunkElements * elementSize > Integer.MAX_VALUE - 16) return null;
        Object out = newArray(type, elementSize, (int) total);
        if (total == 0) return out;

        // fetch the raw chunks (cheap: slices or small reads) on this thread
        List<int[]> offsets = new ArrayList<>();
        int[] o = new int[rank];
        collect(dims, chunk, 0, o, offsets);
        List<Callable<Void>> tasks = new ArrayList<>(offsets.size());
        int chunkBytes = (int) (chunkElements * elementSize);
        for (int[] off : offsets) {
            ByteBuffer raw;
            try {
                raw = ds.getRawChunkBuffer(off);
            } catch (RuntimeException missing) {
                return null;
            }
            tasks.add(() -> {
                byte[] bytes = buffers.take(chunkBytes);
                try {
                    inflate(raw, bytes, chunkBytes);
                    place(bytes, chunkBytes, shuffle, order, elementSize, dims, chunk, off, out, floatFill, threshold);
                    if (!shuffle) normalise(out, floatFill, threshold, dims, chunk, off); // shuffled: done while placing
                } finally {
                    buffers.give(bytes);
                }
                return null;
            });
        }
        if (tasks.size() == 1) {
            try {
                tasks.get(0).call();
                return out;
            } catch (NotApplicable e) {
                return null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        List<Future<Void>> futures = executor.invokeAll(tasks);
        for (Future<Void> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof NotApplicable) return null;
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause());
            }
        }
        return out;
    }

    private static void collect(int[] dims, int[] chunk, int axis, int[] o, List<int[]> out) {
        if (axis == dims.length) {
            out.add(o.clone());
            return;
        }
        for (int x = 0; x < dims[axis]; x += chunk[axis]) {
            o[axis] = x;
            collect(dims, chunk, axis + 1, o, out);
        }
    }

    private static Object newArray(DataType type, int size, int n) {
        if (type instanceof FloatingPoint) return size == 4 ? new float[n] : size == 8 ? new double[n] : null;
        return switch (size) {
            case 1 -> new byte[n];
            case 2 -> new short[n];
            case 4 -> new int[n];
            default -> new long[n];
        };
    }

    /** Inflates a zlib stream that must decode to exactly {@code size} bytes into {@code out[0, size)}. */
    private static void inflate(ByteBuffer raw, byte[] out, int size) throws NotApplicable {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(raw.duplicate());
            int n = 0;
            while (n < size) {
                int k = inflater.inflate(out, n, size - n);
                if (k == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) break;
                n += k;
            }
            if (n != size) throw new NotApplicable();
            if (!inflater.finished()) {
                // the stream must end exactly here
                byte[] probe = new byte[1];
                if (inflater.inflate(probe) != 0 || !inflater.finished()) throw new NotApplicable();
            }
        } catch (DataFormatException notZlib) {
            throw new NotApplicable();
        } finally {
            inflater.end();
        }
    }

    /**
     * Copies the in-bounds part of a decoded chunk ({@code bytes[0, chunkBytes)}, shuffled or not) into the
     * flat output, run by run along the last axis.
     */
    private static void place(byte[] bytes, int chunkBytes, boolean shuffled, ByteOrder order, int size, int[] dims,
                              int[] chunk, int[] off, Object out, double fill, double threshold) {
        int rank = dims.length;
        int last = rank - 1;
        int run = Math.min(chunk[last], dims[last] - off[last]);
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, chunkBytes).order(order);
        int chunkElements = chunkBytes / size;
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        int n0 = rank >= 2 ? Math.min(chunk[0], dims[0] - off[0]) : 1;
        int n1 = rank == 3 ? Math.min(chunk[1], dims[1] - off[1]) : 1;
        if (rank == 2 && off[1] == 0 && chunk[1] == dims[1]) {
            n0 = 1; // whole-width chunk: one run
            run = Math.min(chunk[0], dims[0] - off[0]) * dims[1];
        }
        for (int i = 0; i < n0; i++) {
            for (int j = 0; j < n1; j++) {
                long src;
                long dst;
                if (rank == 1) {
                    src = 0;
                    dst = off[0];
                } else if (rank == 2) {
                    src = (long) i * chunk[1];
                    dst = (long) (off[0] + i) * dims[1] + off[1];
                } else {
                    src = ((long) i * chunk[1] + j) * chunk[2];
                    dst = ((long) (off[0] + i) * dims[1] + off[1] + j) * dims[2] + off[2];
                }
                if (shuffled && size > 1) unshuffleRun(bytes, chunkElements, size, little, (int) src, out, (int) dst, run, fill, threshold);
                else copy(buf, (int) src * size, out, (int) dst, run);
            }
        }
    }

    /**
     * Reverses the HDF5 byte shuffle for {@code n} elements starting at chunk element {@code e}: byte {@code b}
     * of element {@code i} of a chunk of {@code count} elements is stored at {@code b·count + i}.
     */
    private static void unshuffleRun(byte[] c, int count, int size, boolean little, int e, Object out, int dst, int n,
                                     double fill, double threshold) {
        if (size == 2) {
            int lo = little ? e : count + e;
            int hi = little ? count + e : e;
            short[] o = (short[]) out;
            for (int i = 0; i < n; i++) o[dst + i] = (short) ((c[lo + i] & 0xff) | (c[hi + i] << 8));
        } else if (size == 4) {
            int b0 = little ? e : 3 * count + e;
            int b1 = little ? count + e : 2 * count + e;
            int b2 = little ? 2 * count + e : count + e;
            int b3 = little ? 3 * count + e : e;
            if (out instanceof float[] o) {
                float t = (float) threshold;
                float v = (float) fill;
                for (int i = 0; i < n; i++) {
                    float x = Float.intBitsToFloat((c[b0 + i] & 0xff) | (c[b1 + i] & 0xff) << 8
                            | (c[b2 + i] & 0xff) << 16 | c[b3 + i] << 24);
                    o[dst + i] = x >= t ? v : x;
                }
            } else {
                int[] o = (int[]) out;
                for (int i = 0; i < n; i++) {
                    o[dst + i] = (c[b0 + i] & 0xff) | (c[b1 + i] & 0xff) << 8 | (c[b2 + i] & 0xff) << 16 | c[b3 + i] << 24;
                }
            }
        } else {
            int b0 = (little ? 0 : 7) * count + e;
            int b1 = (little ? 1 : 6) * count + e;
            int b2 = (little ? 2 : 5) * count + e;
            int b3 = (little ? 3 : 4) * count + e;
            int b4 = (little ? 4 : 3) * count + e;
            int b5 = (little ? 5 : 2) * count + e;
            int b6 = (little ? 6 : 1) * count + e;
            int b7 = (little ? 7 : 0) * count + e;
            double[] od = out instanceof double[] d ? d : null;
            long[] ol = od == null ? (long[]) out : null;
            for (int i = 0; i < n; i++) {
                long lo = (c[b0 + i] & 0xff) | (c[b1 + i] & 0xff) << 8 | (c[b2 + i] & 0xff) << 16 | (c[b3 + i] & 0xff) << 24;
                long hi = (c[b4 + i] & 0xff) | (c[b5 + i] & 0xff) << 8 | (c[b6 + i] & 0xff) << 16 | (c[b7 + i] & 0xff) << 24;
                long v = (lo & 0xffffffffL) | hi << 32;
                if (od != null) {
                    double x = Double.longBitsToDouble(v);
                    od[dst + i] = x >= threshold ? fill : x;
                } else {
                    ol[dst + i] = v;
                }
            }
        }
    }

    /** Replaces float values ≥ threshold by the fill in the part of the output a chunk wrote (still in cache). */
    private static void normalise(Object out, double fill, double threshold, int[] dims, int[] chunk, int[] off) {
        if (!(out instanceof float[]) && !(out instanceof double[])) return;
        int rank = dims.length;
        int last = rank - 1;
        int run = Math.min(chunk[last], dims[last] - off[last]);
        int n0 = rank >= 2 ? Math.min(chunk[0], dims[0] - off[0]) : 1;
        int n1 = rank == 3 ? Math.min(chunk[1], dims[1] - off[1]) : 1;
        for (int i = 0; i < n0; i++) {
            for (int j = 0; j < n1; j++) {
                int dst;
                if (rank == 1) dst = off[0];
                else if (rank == 2) dst = (off[0] + i) * dims[1] + off[1];
                else dst = ((off[0] + i) * dims[1] + off[1] + j) * dims[2] + off[2];
                if (out instanceof float[] f) {
                    float t = (float) threshold;
                    float v = (float) fill;
                    for (int k = dst, end = dst + run; k < end; k++) {
                        float x = f[k];
                        f[k] = x >= t ? v : x; // branch-free: fill and values are interleaved unpredictably
                    }
                } else {
                    double[] d = (double[]) out;
                    for (int k = dst, end = dst + run; k < end; k++) {
                        double x = d[k];
                        d[k] = x >= threshold ? fill : x;
                    }
                }
            }
        }
    }

    private static void copy(ByteBuffer buf, int byteOffset, Object out, int dst, int n) {
        ByteBuffer b = buf.duplicate().order(buf.order()).position(byteOffset);
        if (out instanceof float[] f) b.asFloatBuffer().get(f, dst, n);
        else if (out instanceof double[] d) b.asDoubleBuffer().get(d, dst, n);
        else if (out instanceof byte[] x) b.get(x, dst, n);
        else if (out instanceof short[] s) b.asShortBuffer().get(s, dst, n);
        else if (out instanceof int[] x) b.asIntBuffer().get(x, dst, n);
        else b.asLongBuffer().get((long[]) out, dst, n);
    }

    /** Reusable chunk buffers shared by the decoding threads of one read (avoids large short-lived arrays). */
    static final class BufferPool {
        private final java.util.concurrent.ConcurrentLinkedDeque<byte[]> free = new java.util.concurrent.ConcurrentLinkedDeque<>();

        byte[] take(int size) {
            byte[] b = free.pollFirst();
            while (b != null && b.length < size) b = free.pollFirst(); // too small: drop it
            return b != null ? b : new byte[size];
        }

        void give(byte[] b) {
            free.addFirst(b);
        }
    }
}
