package org.healpixzarr.zarr;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;

/** A bytes-to-bytes codec (compressor or checksum). Implementations are immutable and thread-safe. */
abstract class BytesCodec {
    /** Encodes into a new array; {@code in} is neither modified nor kept. */
    abstract byte[] encode(byte[] in);

    /** Encodes and appends the result to {@code out}; returns its length. */
    int encodeTo(byte[] in, Store.ValueWriter out) throws IOException {
        byte[] e = encode(in);
        out.write(e, 0, e.length);
        return e.length;
    }

    /**
     * Decodes.
     *
     * @param key          the store key, for messages
     * @param expectedSize the decoded size if known, else -1 (a hint only)
     */
    abstract byte[] decode(byte[] in, String key, int expectedSize) throws DataException;

    /** The v3 codec JSON object. */
    abstract Map<String, Object> v3Json();

    /** The v2 compressor JSON object (numcodecs id), or throws if not representable. */
    Map<String, Object> v2Json() {
        throw new IllegalStateException(getClass().getSimpleName() + " has no Zarr v2 compressor form");
    }

    /** Extra encoded bytes of a fixed-size codec (crc32c: 4), or -1 for variable size. */
    int fixedOverhead() {
        return -1;
    }

    static Map<String, Object> named(String name, Map<String, Object> conf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (conf != null) m.put("configuration", conf);
        return m;
    }

    static CorruptDataException corrupt(String key, String what, Object expected, Object actual, Throwable cause) {
        return new CorruptDataException(DataException.describe(key, what, expected, actual,
                "the object is damaged or truncated; rewrite the store"), cause);
    }

    /** Zstandard. */
    static final class ZstdCodec extends BytesCodec {
        final int level;
        final boolean checksum;

        ZstdCodec(int level, boolean checksum) {
            this.level = level;
            this.checksum = checksum;
        }

        /**
         * Compression contexts and output buffers, reused: a chunk compressed with a fresh context and a fresh
         * {@code compressBound}-sized buffer costs a native allocation and a large Java array (then a copy) every
         * time. The pool holds as many as were ever used at once; buffers above {@value #MAX_POOLED} bytes are not kept.
         */
        private static final java.util.concurrent.ConcurrentLinkedQueue<Compressor> POOL = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private static final int MAX_POOLED = 32 << 20;

        private static final class Compressor {
            final ZstdCompressCtx ctx = new ZstdCompressCtx();
            byte[] out = new byte[0];
        }

        @Override
        byte[] encode(byte[] in) {
            Compressor c = borrow();
            boolean ok = false;
            try {
                int n = compress(c, in);
                ok = true;
                return java.util.Arrays.copyOf(c.out, n);
            } finally {
                giveBack(c, ok);
            }
        }

        @Override
        int encodeTo(byte[] in, Store.ValueWriter out) throws IOException {
            Compressor c = borrow();
            boolean ok = false;
            try {
                int n = compress(c, in);
                out.write(c.out, 0, n);
                ok = true;
                return n;
            } finally {
                giveBack(c, ok);
            }
        }

        private static Compressor borrow() {
            Compressor c = POOL.poll();
            return c != null ? c : new Compressor();
        }

        /** Returns a compressor to the pool after a successful call; after a failure frees its native context. */
        private static void giveBack(Compressor c, boolean ok) {
            if (!ok) {
                c.ctx.close();
                return;
            }
            if (c.out.length > MAX_POOLED) c.out = new byte[0];
            POOL.offer(c);
        }

        /** Compresses {@code in} into {@code c.out} (grown to the bound if needed); returns the compressed length. */
        private int compress(Compressor c, byte[] in) {
            // every parameter set each time (a reused context keeps the previous call's); the output depends only
            // on them and the input, not on the context's history
            c.ctx.setLevel(level);
            c.ctx.setChecksum(checksum);
            c.ctx.setContentSize(true);
            long bound = Zstd.compressBound(in.length);
            if (bound > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("chunk too large to compress: " + in.length + " bytes");
            if (c.out.length < bound) c.out = new byte[(int) bound];
            return c.ctx.compressByteArray(c.out, 0, c.out.length, in, 0, in.length);
        }

        @Override
        byte[] decode(byte[] in, String key, int expectedSize) throws DataException {
            try {
                long size = Zstd.getFrameContentSize(in);
                if (size >= 0 && size <= Integer.MAX_VALUE - 8) {
                    byte[] out = Zstd.decompress(in, (int) size);
                    if (out.length != size) throw corrupt(key, "zstd frame decoded to a wrong size", size, out.length, null);
                    return out;
                }
                // unknown content size (streamed frame): decode as a stream
                try (InputStream s = new ZstdInputStream(new ByteArrayInputStream(in))) {
                    return s.readAllBytes();
                }
            } catch (ZstdException | IOException | UncheckedIOException e) {
                throw corrupt(key, "undecodable zstd data (" + e.getMessage() + ")", "a valid zstd frame", in.length + " bytes", e);
            }
        }

        @Override
        Map<String, Object> v3Json() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("level", level);
            c.put("checksum", checksum);
            return named("zstd", c);
        }

        @Override
        Map<String, Object> v2Json() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", "zstd");
            c.put("level", level);
            return c;
        }
    }

    /** Gzip (RFC 1952), as numcodecs GZip and the v3 gzip codec. */
    static final class GzipCodec extends BytesCodec {
        final int level;

        GzipCodec(int level) {
            this.level = level;
        }

        @Override
        byte[] encode(byte[] in) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream(in.length / 2 + 64);
            try (GZIPOutputStream gz = new GZIPOutputStream(bos, 65536) {
                {
                    def.setLevel(level);
                }
            }) {
                gz.write(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bos.toByteArray();
        }

        @Override
        byte[] decode(byte[] in, String key, int expectedSize) throws DataException {
            try (InputStream s = new GZIPInputStream(new ByteArrayInputStream(in), 65536)) {
                return s.readAllBytes();
            } catch (IOException e) {
                throw corrupt(key, "undecodable gzip data (" + e.getMessage() + ")", "a valid gzip stream", in.length + " bytes", e);
            }
        }

        @Override
        Map<String, Object> v3Json() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("level", level);
            return named("gzip", c);
        }

        @Override
        Map<String, Object> v2Json() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", "gzip");
            c.put("level", level);
            return c;
        }
    }

    /** Zlib (RFC 1950), Zarr v2 numcodecs {@code zlib}; read support only. */
    static final class ZlibCodec extends BytesCodec {
        final int level;

        ZlibCodec(int level) {
            this.level = level;
        }

        @Override
        byte[] encode(byte[] in) {
            Deflater d = new Deflater(level);
            try {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                d.setInput(in);
                d.finish();
                byte[] buf = new byte[65536];
                while (!d.finished()) bos.write(buf, 0, d.deflate(buf));
                return bos.toByteArray();
            } finally {
                d.end();
            }
        }

        @Override
        byte[] decode(byte[] in, String key, int expectedSize) throws DataException {
            try (InputStream s = new InflaterInputStream(new ByteArrayInputStream(in))) {
                return s.readAllBytes();
            } catch (IOException e) {
                throw corrupt(key, "undecodable zlib data (" + e.getMessage() + ")", "a valid zlib stream", in.length + " bytes", e);
            }
        }

        @Override
        Map<String, Object> v3Json() {
            throw new IllegalStateException("zlib is not a Zarr v3 codec");
        }

        @Override
        Map<String, Object> v2Json() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", "zlib");
            c.put("level", level);
            return c;
        }
    }

    /** CRC-32C (Castagnoli) appended as 4 little-endian bytes. */
    static final class Crc32cCodec extends BytesCodec {
        static final Crc32cCodec INSTANCE = new Crc32cCodec();

        static int crc(byte[] b, int off, int len) {
            CRC32C c = new CRC32C();
            c.update(b, off, len);
            return (int) c.getValue();
        }

        @Override
        byte[] encode(byte[] in) {
            byte[] out = new byte[in.length + 4];
            System.arraycopy(in, 0, out, 0, in.length);
            int c = crc(in, 0, in.length);
            for (int i = 0; i < 4; i++) out[in.length + i] = (byte) (c >>> (8 * i));
            return out;
        }

        @Override
        byte[] decode(byte[] in, String key, int expectedSize) throws DataException {
            if (in.length < 4) throw corrupt(key, "too short for a crc32c checksum", ">= 4 bytes", in.length + " bytes", null);
            int n = in.length - 4;
            int stored = (in[n] & 0xff) | (in[n + 1] & 0xff) << 8 | (in[n + 2] & 0xff) << 16 | (in[n + 3] & 0xff) << 24;
            int actual = crc(in, 0, n);
            if (stored != actual) {
                throw corrupt(key, "crc32c checksum mismatch", String.format("0x%08x (stored)", stored),
                        String.format("0x%08x (computed)", actual), null);
            }
            byte[] out = new byte[n];
            System.arraycopy(in, 0, out, 0, n);
            return out;
        }

        @Override
        Map<String, Object> v3Json() {
            return named("crc32c", null);
        }

        @Override
        int fixedOverhead() {
            return 4;
        }
    }
}
