package org.healpixzarr.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A fast PNG encoder for rendered maps (ISO/IEC 15948, non-interlaced, 8 bits per sample). An image of at most 256
 * distinct ARGB colours (a map drawn with a colour map or a palette usually is) is written as indexed colour with a
 * {@code tRNS} chunk for the non-opaque entries, one byte per pixel and no row filter; any other image as RGB (when
 * every pixel is opaque) or RGBA with the Sub filter. The pixel data is compressed by a reused {@link Deflater}
 * at {@link #LEVEL}: on web-map tiles of the EarthCARE frame, 0.8 ms per 256 × 256 tile and 8.9 KB against 2.2 ms
 * and 6.1 KB at zlib's default level 6 (ImageIO's writer: 5.6 ms, 11.6 KB, RGBA).
 * Decoding gives back every pixel's ARGB exactly (non-premultiplied, as {@link BufferedImage#getRGB} gives them).
 *
 * <p>Thread-safe: each thread reuses its own deflater.
 */
public final class Png {
    /** Deflate level of the pixel data: 1, zlib's fastest. */
    static final int LEVEL = Deflater.BEST_SPEED;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(LEVEL));
    /** Open-addressing table of the palette search: a power of two, at least twice 256. */
    private static final int TABLE = 1024;

    private Png() {}

    /**
     * Encodes an image. A {@code TYPE_INT_ARGB} image (such as {@link Renderer#render} returns) is read in place;
     * any other type through {@link BufferedImage#getRGB}.
     *
     * @return the PNG file's bytes
     */
    public static byte[] encode(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_INT_ARGB && image.getRaster().getDataBuffer() instanceof DataBufferInt db
                && image.getSampleModel() instanceof SinglePixelPackedSampleModel sm && db.getNumBanks() == 1
                && image.getRaster().getParent() == null) {
            return encode(db.getData(), db.getOffset(), sm.getScanlineStride(), w, h, LEVEL);
        }
        return encode(image.getRGB(0, 0, w, h, null, 0, w), 0, w, w, h, LEVEL);
    }

    /**
     * Encodes non-premultiplied ARGB pixels: pixel (x, y) is {@code argb[offset + y * scan + x]}.
     *
     * @param level deflate level 0..9
     */
    static byte[] encode(int[] argb, int offset, int scan, int w, int h, int level) {
        if (w < 1 || h < 1) throw new IllegalArgumentException("image size " + w + " x " + h);
        int[] palette = new int[257]; // the colours, then their number
        byte[] raw = indexed(argb, offset, scan, w, h, palette);
        int colours = palette[256];
        int colourType;
        if (raw != null) {
            colourType = 3;
        } else {
            boolean opaque = true;
            for (int y = 0; y < h && opaque; y++) {
                for (int k = offset + y * scan, end = k + w; k < end; k++) {
                    if (argb[k] >>> 24 != 0xFF) {
                        opaque = false;
                        break;
                    }
                }
            }
            colourType = opaque ? 2 : 6;
            raw = truecolour(argb, offset, scan, w, h, opaque ? 3 : 4);
        }
        Writer out = new Writer(raw.length / 4 + 1024);
        out.bytes(SIGNATURE);
        int start = out.chunk("IHDR");
        out.int32(w).int32(h).byte8(8).byte8(colourType).byte8(0).byte8(0).byte8(0);
        out.endChunk(start);
        if (colourType == 3) {
            start = out.chunk("PLTE");
            int lastTranslucent = -1;
            for (int i = 0; i < colours; i++) {
                int c = palette[i];
                out.byte8(c >>> 16).byte8(c >>> 8).byte8(c);
                if (c >>> 24 != 0xFF) lastTranslucent = i;
            }
            out.endChunk(start);
            if (lastTranslucent >= 0) {
                start = out.chunk("tRNS");
                for (int i = 0; i <= lastTranslucent; i++) out.byte8(palette[i] >>> 24);
                out.endChunk(start);
            }
        }
        start = out.chunk("IDAT");
        Deflater d = DEFLATER.get();
        try {
            d.setLevel(level);
            d.setInput(raw);
            d.finish();
            while (!d.finished()) {
                out.ensure(4096);
                out.size += d.deflate(out.buf, out.size, out.buf.length - out.size);
            }
        } finally {
            d.reset();
        }
        out.endChunk(start);
        out.endChunk(out.chunk("IEND"));
        return Arrays.copyOf(out.buf, out.size);
    }

    /**
     * The filtered scanlines as palette indices (filter byte 0, then one index per pixel), or {@code null} if the
     * image has more than 256 colours.
     *
     * @param palette receives the colours in order of first appearance, and their number at index 256
     */
    private static byte[] indexed(int[] argb, int offset, int scan, int w, int h, int[] palette) {
        int[] keys = new int[TABLE];
        short[] slots = new short[TABLE]; // palette index + 1; 0 = empty
        byte[] raw = new byte[(w + 1) * h];
        int n = 0, last = 0, lastIndex = -1;
        for (int y = 0, r = 0; y < h; y++) {
            raw[r++] = 0; // filter None
            for (int k = offset + y * scan, end = k + w; k < end; k++) {
                int c = argb[k];
                if (c != last || lastIndex < 0) {
                    int s = (c * 0x9E3779B1) >>> 22; // the top 10 bits: TABLE = 1024
                    while (slots[s] != 0 && keys[s] != c) s = (s + 1) & (TABLE - 1);
                    if (slots[s] == 0) {
                        if (n == 256) return null;
                        keys[s] = c;
                        palette[n] = c;
                        slots[s] = (short) ++n;
                    }
                    last = c;
                    lastIndex = slots[s] - 1;
                }
                raw[r++] = (byte) lastIndex;
            }
        }
        palette[256] = n;
        return raw;
    }

    /** RGB or RGBA scanlines with the Sub filter. */
    private static byte[] truecolour(int[] argb, int offset, int scan, int w, int h, int bpp) {
        int stride = w * bpp + 1;
        byte[] raw = new byte[stride * h];
        for (int y = 0; y < h; y++) {
            int r = y * stride;
            raw[r++] = 1; // filter Sub: each byte minus the same sample of the pixel to the left
            int pr = 0, pg = 0, pb = 0, pa = 0;
            for (int k = offset + y * scan, end = k + w; k < end; k++) {
                int c = argb[k];
                int cr = c >>> 16 & 0xFF, cg = c >>> 8 & 0xFF, cb = c & 0xFF;
                raw[r++] = (byte) (cr - pr);
                raw[r++] = (byte) (cg - pg);
                raw[r++] = (byte) (cb - pb);
                if (bpp == 4) {
                    int ca = c >>> 24;
                    raw[r++] = (byte) (ca - pa);
                    pa = ca;
                }
                pr = cr;
                pg = cg;
                pb = cb;
            }
        }
        return raw;
    }

    /** A growable byte buffer writing big-endian PNG chunks. */
    private static final class Writer {
        byte[] buf;
        int size;
        private final CRC32 crc = new CRC32();

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        void ensure(int more) {
            if (buf.length - size < more) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }

        Writer bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
            return this;
        }

        Writer byte8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
            return this;
        }

        Writer int32(int v) {
            ensure(4);
            buf[size++] = (byte) (v >>> 24);
            buf[size++] = (byte) (v >>> 16);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
            return this;
        }

        /** Starts a chunk: room for its length, then its type; returns where the length goes. */
        int chunk(String type) {
            int start = size;
            int32(0);
            bytes(type.getBytes(StandardCharsets.US_ASCII));
            return start;
        }

        /** Ends the chunk started at {@code start}: its length, then the CRC of its type and data. */
        void endChunk(int start) {
            int length = size - start - 8;
            buf[start] = (byte) (length >>> 24);
            buf[start + 1] = (byte) (length >>> 16);
            buf[start + 2] = (byte) (length >>> 8);
            buf[start + 3] = (byte) length;
            crc.reset();
            crc.update(buf, start + 4, length + 4);
            int32((int) crc.getValue());
        }
    }
}
