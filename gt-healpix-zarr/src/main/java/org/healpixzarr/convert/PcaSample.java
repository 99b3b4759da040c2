package org.healpixzarr.convert;

import java.io.IOException;
import org.healpixzarr.DataException;
import org.healpixzarr.input.tessera.TesseraTile;

/**
 * The deterministic sample of one conversion run from which its PCA display basis ({@link EmbeddingPca}) is
 * computed. The run's valid pixels are those with a land landmask value and a valid scale
 * ({@link TesseraTile#validScale}), taken in tile name order, then row-major (positions are not considered: a
 * pixel outside the tile box or the requested box may be sampled); with {@code V} valid pixels in all, the
 * stride is {@code k = max(1, ceil(V / MAX))} and the sample holds the valid pixels whose 0-based index in that
 * sequence is a multiple of {@code k} (at most {@value #MAX}). Not thread-safe.
 */
final class PcaSample {
    /** Most vectors in a sample. */
    static final int MAX = 20_000;
    private static final int BANDS = TesseraTile.BANDS;

    private final long stride;
    private final byte[] values;
    private final float[] scales;
    private final ScaleBlocks buffers = new ScaleBlocks();
    private long index;
    private int n;

    /** A sample of at most {@value #MAX} vectors of a run with {@code validPixels} valid pixels in all. */
    PcaSample(long validPixels) {
        this(validPixels, MAX);
    }

    /** A sample of at most {@code max} vectors. */
    PcaSample(long validPixels, int max) {
        stride = Math.max(1, (validPixels + max - 1) / max);
        int cap = (int) ((validPixels + stride - 1) / stride);
        values = new byte[cap * BANDS];
        scales = new float[cap];
    }

    /** The valid pixels of a tile (reads its scales). */
    static long countValid(TesseraTile t) throws IOException, DataException {
        return countValid(t, new ScaleBlocks());
    }

    /** The valid pixels of a tile (reads its scales into {@code buffers}). */
    static long countValid(TesseraTile t, ScaleBlocks buffers) throws IOException, DataException {
        int cols = t.cols(), rows = t.rows(), block = buffers.rowsPerBlock(cols);
        float[] sc = buffers.values;
        byte[] mask = t.landmask();
        long count = 0;
        for (int r0 = 0; r0 < rows; r0 += block) {
            int nr = Math.min(block, rows - r0);
            t.readScales(r0, nr, sc, buffers.scratch);
            for (int p = 0, base = r0 * cols; p < nr * cols; p++) {
                if (mask[base + p] != 0 && TesseraTile.validScale(sc[p])) count++;
            }
        }
        return count;
    }

    /** Buffers for reading a tile's scales a block of rows at a time, reused from tile to tile. Not thread-safe. */
    static final class ScaleBlocks {
        float[] values = new float[0];
        byte[] scratch = new byte[0];

        /** Rows per block for tiles of {@code cols} columns; the buffers hold a block after this call. */
        int rowsPerBlock(int cols) {
            int block = Math.max(1, (1 << 20) / cols);
            if (values.length < block * cols) {
                values = new float[block * cols];
                scratch = new byte[block * cols * 4];
            }
            return block;
        }
    }

    /** Adds the sampled pixels of the next tile of the run (tiles in the order they were counted). */
    void add(TesseraTile t) throws IOException, DataException {
        int cols = t.cols(), rows = t.rows(), block = buffers.rowsPerBlock(cols);
        float[] sc = buffers.values;
        byte[] mask = t.landmask();
        for (int r0 = 0; r0 < rows; r0 += block) {
            int nr = Math.min(block, rows - r0);
            t.readScales(r0, nr, sc, buffers.scratch);
            for (int p = 0, base = r0 * cols; p < nr * cols; p++) {
                if (mask[base + p] == 0 || !TesseraTile.validScale(sc[p])) continue;
                if (index++ % stride == 0 && n < scales.length) {
                    int q = base + p;
                    t.readEmbedding(q / cols, q % cols, values, n * BANDS);
                    scales[n++] = sc[p];
                }
            }
        }
    }

    /** Vectors sampled. */
    int size() {
        return n;
    }

    /** The int8 values of the sampled vectors, {@code 128 * size()} used. */
    byte[] values() {
        return values;
    }

    /** Their scales, {@code size()} used. */
    float[] scales() {
        return scales;
    }
}
