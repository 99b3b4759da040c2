package org.healpixzarr.input.tessera;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/**
 * The TESSERA landmask: a single-band uint8 GeoTIFF (0 water, 1 land) on the tile's grid. A small reader of its
 * own (classic TIFF, strips or tiles, no compression or deflate, predictor none or horizontal), so no image
 * library is needed for a few hundred kilobytes per tile.
 *
 * @param width     columns
 * @param height    rows
 * @param values    row-major values, {@code width * height}
 * @param tiepointX model X of the upper-left corner (GeoTIFF ModelTiepoint), NaN if absent
 * @param tiepointY model Y of the upper-left corner, NaN if absent
 */
public record Landmask(int width, int height, byte[] values, double tiepointX, double tiepointY) {
    private static final int WIDTH = 256, HEIGHT = 257, BITS = 258, COMPRESSION = 259, STRIP_OFFSETS = 273,
            SAMPLES = 277, ROWS_PER_STRIP = 278, STRIP_BYTES = 279, PLANAR = 284, PREDICTOR = 317, TILE_W = 322,
            TILE_H = 323, TILE_OFFSETS = 324, TILE_BYTES = 325, SAMPLE_FORMAT = 339, TIEPOINT = 33922;

    /** Reads a landmask file. */
    public static Landmask read(Path path) throws IOException, DataException {
        byte[] all = Files.readAllBytes(path);
        String where = path.toString();
        try {
            return parse(where, ByteBuffer.wrap(all));
        } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            throw new CorruptDataException(DataException.describe(where, "truncated TIFF", null, null, null), e);
        }
    }

    private static Landmask parse(String where, ByteBuffer b) throws DataException {
        if (b.remaining() < 8) throw new FormatException(DataException.describe(where, "not a TIFF file", "II*\\0 or MM\\0*", b.remaining() + " bytes", null));
        int bo = b.getShort(0);
        if (bo == 0x4949) b.order(ByteOrder.LITTLE_ENDIAN);
        else if (bo == 0x4d4d) b.order(ByteOrder.BIG_ENDIAN);
        else throw new FormatException(DataException.describe(where, "not a TIFF file", "byte order II or MM", String.format("0x%04x", bo), null));
        int magic = b.getShort(2) & 0xffff;
        if (magic != 42) {
            throw new FormatException(DataException.describe(where, "unsupported TIFF", "classic TIFF (42)",
                    magic == 43 ? "BigTIFF (43)" : Integer.toString(magic), null));
        }
        int ifd = b.getInt(4);
        int entries = b.getShort(ifd) & 0xffff;
        Map<Integer, long[]> tags = new HashMap<>();
        Map<Integer, double[]> dtags = new HashMap<>();
        for (int e = 0; e < entries; e++) {
            int p = ifd + 2 + 12 * e;
            int tag = b.getShort(p) & 0xffff, type = b.getShort(p + 2) & 0xffff;
            long count = b.getInt(p + 4) & 0xffffffffL;
            int size = switch (type) { case 1, 2, 6, 7 -> 1; case 3, 8 -> 2; case 4, 9, 11 -> 4; case 12 -> 8; default -> 0; };
            if (size == 0 || count > 1 << 24) continue;
            int at = size * count <= 4 ? p + 8 : b.getInt(p + 8);
            if (type == 12) {
                double[] v = new double[(int) count];
                for (int i = 0; i < count; i++) v[i] = b.getDouble(at + 8 * i);
                dtags.put(tag, v);
            } else {
                long[] v = new long[(int) count];
                for (int i = 0; i < count; i++) {
                    v[i] = switch (size) {
                        case 1 -> b.get(at + i) & 0xff;
                        case 2 -> b.getShort(at + 2 * i) & 0xffff;
                        default -> b.getInt(at + 4 * i) & 0xffffffffL;
                    };
                }
                tags.put(tag, v);
            }
        }
        int w = (int) one(where, tags, WIDTH, -1), h = (int) one(where, tags, HEIGHT, -1);
        require(where, "bits per sample", 8, one(where, tags, BITS, 1));
        require(where, "samples per pixel", 1, one(where, tags, SAMPLES, 1));
        require(where, "sample format (unsigned integer)", 1, one(where, tags, SAMPLE_FORMAT, 1));
        long planar = one(where, tags, PLANAR, 1);
        long compression = one(where, tags, COMPRESSION, 1);
        if (compression != 1 && compression != 8 && compression != 32946) {
            throw new FormatException(DataException.describe(where, "unsupported TIFF compression", "none (1) or deflate (8)",
                    compression, "rewrite the landmask with gdal_translate -co COMPRESS=DEFLATE"));
        }
        long predictor = one(where, tags, PREDICTOR, 1);
        if (predictor != 1 && predictor != 2) {
            throw new FormatException(DataException.describe(where, "unsupported TIFF predictor", "1 or 2", predictor, null));
        }
        boolean tiled = tags.containsKey(TILE_OFFSETS);
        int bw = tiled ? (int) one(where, tags, TILE_W, -1) : w;
        int bh = tiled ? (int) one(where, tags, TILE_H, -1) : (int) Math.min(h, one(where, tags, ROWS_PER_STRIP, h));
        long[] offsets = tags.get(tiled ? TILE_OFFSETS : STRIP_OFFSETS);
        long[] counts = tags.get(tiled ? TILE_BYTES : STRIP_BYTES);
        if (offsets == null || counts == null || offsets.length != counts.length || bw <= 0 || bh <= 0) {
            throw new FormatException(DataException.describe(where, "TIFF without valid strip or tile offsets", null, null, null));
        }
        int across = (w + bw - 1) / bw, down = (h + bh - 1) / bh;
        if (offsets.length < (long) across * down) {
            throw new FormatException(DataException.describe(where, "TIFF with too few strips or tiles",
                    (long) across * down, offsets.length, null));
        }
        byte[] out = decode(where, b, new int[] {w, h, bw, bh, across, down}, tiled, offsets, counts, compression == 1, predictor == 2);
        if (planar != 1 && planar != 2) throw new FormatException(DataException.describe(where, "unsupported planar configuration", "1", planar, null));
        double[] tp = dtags.get(TIEPOINT);
        boolean hasTp = tp != null && tp.length >= 6 && tp[0] == 0 && tp[1] == 0;
        return new Landmask(w, h, out, hasTp ? tp[3] : Double.NaN, hasTp ? tp[4] : Double.NaN);
    }

    /**
     * The pixels of the strips or tiles, {@code dims} = {width, height, block width, block height, blocks across,
     * blocks down}. Its own method (and one per block): the loops of a large method are compiled on-stack as a
     * whole, which cost most of a second of C2 time per process.
     */
    private static byte[] decode(String where, ByteBuffer b, int[] dims, boolean tiled, long[] offsets, long[] counts,
                                 boolean raw, boolean predictor) throws DataException {
        int w = dims[0], h = dims[1], bw = dims[2], bh = dims[3], across = dims[4], down = dims[5];
        byte[] out = new byte[Math.multiplyExact(w, h)];
        byte[] block = new byte[bw * bh];
        Inflater inf = new Inflater();
        try {
            for (int by = 0; by < down; by++) {
                for (int bx = 0; bx < across; bx++) {
                    int k = by * across + bx;
                    int rows = tiled ? bh : Math.min(bh, h - by * bh);
                    byte[] data = new byte[(int) counts[k]];
                    b.get((int) offsets[k], data);
                    block(where, data, raw ? null : inf, block, bw * rows);
                    if (predictor) undoPredictor(block, rows, bw);
                    for (int r = 0; r < rows; r++) {
                        int y = by * bh + r;
                        if (y >= h) break;
                        int x0 = bx * bw, n = Math.min(bw, w - x0);
                        System.arraycopy(block, r * bw, out, y * w + x0, n);
                    }
                }
            }
        } finally {
            inf.end();
        }
        return out;
    }

    /** One strip or tile's {@code len} bytes into {@code block}: copied ({@code inf} null) or inflated. */
    private static void block(String where, byte[] data, Inflater inf, byte[] block, int len) throws DataException {
        if (inf == null) {
            if (data.length < len) throw new CorruptDataException(DataException.describe(where, "short TIFF strip", len, data.length, null));
            System.arraycopy(data, 0, block, 0, len);
            return;
        }
        inf.reset();
        inf.setInput(data);
        int got = 0;
        try {
            while (got < len && !inf.finished()) {
                int r = inf.inflate(block, got, len - got);
                if (r == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                got += r;
            }
        } catch (DataFormatException e) {
            throw new CorruptDataException(DataException.describe(where, "corrupt deflate data in TIFF", null, e.getMessage(), null), e);
        }
        if (got < len) throw new CorruptDataException(DataException.describe(where, "short deflate block in TIFF", len + " bytes", got + " bytes", null));
    }

    /** Horizontal differencing (predictor 2) undone, row by row. */
    private static void undoPredictor(byte[] block, int rows, int bw) {
        for (int r = 0; r < rows; r++) for (int c = 1; c < bw; c++) block[r * bw + c] += block[r * bw + c - 1];
    }

    private static long one(String where, Map<Integer, long[]> tags, int tag, long dflt) throws FormatException {
        long[] v = tags.get(tag);
        if (v == null || v.length == 0) {
            if (dflt < 0) throw new FormatException(DataException.describe(where, "TIFF tag " + tag + " missing", null, null, null));
            return dflt;
        }
        return v[0];
    }

    private static void require(String where, String what, long expected, long actual) throws FormatException {
        if (expected != actual) {
            throw new FormatException(DataException.describe(where, "landmask must be single-band uint8: " + what, expected, actual, null));
        }
    }
}
