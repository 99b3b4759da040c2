package org.healpixzarr.zarr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/**
 * A Zarr array (v3, optionally sharded, or v2) in a {@link Store}.
 *
 * <p>Data are exchanged as C-order (row-major) primitive arrays of the type given by
 * {@link DataType#newArray}. Offsets and shapes are in elements. Reading a chunk that does not
 * exist yields the fill value; an inner chunk marked empty in a shard index likewise. On write,
 * chunks (inner chunks) that end up entirely equal to the fill value are not stored (a plain
 * chunk is deleted; an inner chunk is marked empty); a shard whose inner chunks are all empty is
 * deleted. Partly covered chunks (shards) are read, modified and rewritten. Edge chunks are stored
 * at full chunk size, padded with the fill value.
 *
 * <p>Thread-safety: reading is thread-safe. Writing is safe from several threads only if no two
 * threads touch the same chunk (for sharded arrays: the same shard) at the same time; reads
 * concurrent with a write of the same chunk see the old or the new chunk (with
 * {@link FileSystemStore}). {@link #setAttributes} must not run concurrently with itself.
 */
public final class ZarrArray {
    private static final long EMPTY = -1L; // 2^64-1 as unsigned

    private final Store store;
    private final String path;
    private volatile ArrayMetadata md;

    private ZarrArray(Store store, String path, ArrayMetadata md) {
        this.store = store;
        this.path = path;
        this.md = md;
    }

    static String checkPath(String path) {
        if (path == null) throw new IllegalArgumentException("path is null");
        if (!path.isEmpty()) FileSystemStore.checkKey(path);
        return path;
    }

    static String key(String path, String name) {
        return path.isEmpty() ? name : path + "/" + name;
    }

    /**
     * Creates an array: writes its metadata ({@code zarr.json}, or {@code .zarray} and
     * {@code .zattrs} for v2). Existing chunks under the path are not deleted, so use a new path.
     *
     * @param path "" for the store root, else e.g. {@code "a/b"}
     */
    public static ZarrArray create(Store store, String path, ArrayMetadata md) throws IOException {
        ZarrArray a = new ZarrArray(store, checkPath(path), md);
        a.writeMetadata(md);
        return a;
    }

    /**
     * Opens an existing array, v3 ({@code zarr.json}) or else v2 ({@code .zarray}).
     *
     * @throws FormatException if there is no array at the path or its metadata are invalid or use
     *                         unsupported features (the message names the metadata key)
     */
    public static ZarrArray open(Store store, String path) throws IOException, DataException {
        checkPath(path);
        String k3 = key(path, "zarr.json");
        byte[] b = store.get(k3);
        if (b != null) {
            Map<String, Object> m = Json.read(b, k3);
            Object nt = m.get("node_type");
            if ("group".equals(nt)) throw new FormatException(DataException.describe(k3, "not an array", "node_type \"array\"", "\"group\"", null));
            return new ZarrArray(store, path, ArrayMetadata.fromV3Json(m, k3));
        }
        String k2 = key(path, ".zarray");
        b = store.get(k2);
        if (b != null) {
            Map<String, Object> m = Json.read(b, k2);
            String ka = key(path, ".zattrs");
            byte[] at = store.get(ka);
            Map<String, Object> attrs = at == null ? null : Json.read(at, ka);
            return new ZarrArray(store, path, ArrayMetadata.fromV2Json(m, attrs, k2));
        }
        throw new FormatException(DataException.describe(path.isEmpty() ? "/" : path, "no Zarr array",
                "zarr.json or .zarray", "neither", "check the path and that the store was committed"));
    }

    private void writeMetadata(ArrayMetadata m) throws IOException {
        if (m.zarrFormat() == 3) {
            store.set(key(path, "zarr.json"), Json.write(m.toV3Json()));
        } else {
            store.set(key(path, ".zarray"), Json.write(m.toV2Json()));
            store.set(key(path, ".zattrs"), Json.write(m.v2Attributes()));
        }
    }

    /** The metadata. */
    public ArrayMetadata metadata() {
        return md;
    }

    /** The shape in elements (a copy). */
    public long[] shape() {
        return md.shape();
    }

    /** The element type. */
    public DataType dataType() {
        return md.dataType();
    }

    /** The path in the store ("" = root). */
    public String path() {
        return path;
    }

    /** Replaces the user attributes and rewrites the metadata. */
    public void setAttributes(Map<String, Object> attributes) throws IOException {
        ArrayMetadata m = md.withAttributes(attributes);
        writeMetadata(m);
        md = m;
    }

    private long checkRegion(long[] offset, int[] shape) {
        long[] s = md.shape();
        if (offset.length != s.length || shape.length != s.length) {
            throw new IllegalArgumentException("region rank " + offset.length + "/" + shape.length + " for array of rank " + s.length);
        }
        long n = 1;
        for (int d = 0; d < s.length; d++) {
            if (offset[d] < 0 || shape[d] < 0 || offset[d] + shape[d] > s[d]) {
                throw new IllegalArgumentException("region offset " + Arrays.toString(offset) + " shape " + Arrays.toString(shape)
                        + " outside array shape " + Arrays.toString(s));
            }
            n *= shape[d];
            if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("region too large for a Java array: " + Arrays.toString(shape));
        }
        return n;
    }

    // ---- reading --------------------------------------------------------------------------------

    /**
     * Reads a hyperslab.
     *
     * @param offset first element per dimension, {@code >= 0}
     * @param shape  elements per dimension; {@code offset + shape <= shape()}; the product must be
     *               below 2<sup>31</sup>
     * @return a new C-order primitive array as {@link DataType#newArray}
     * @throws CorruptDataException if a chunk or shard is truncated, fails its checksum or cannot be
     *                              decoded (the message names the store key)
     * @throws IllegalArgumentException if the region is outside the array
     */
    public Object read(long[] offset, int[] shape) throws IOException, DataException {
        ArrayMetadata m = md;
        int n = (int) checkRegion(offset, shape);
        if (n == 0) return m.dataType().newArray(0);
        long[] rEnd = Regions.end(offset, shape);
        List<long[]> cells = Regions.cells(offset, shape, m.gridShape());
        if (isChunk(m.chunkShape(), offset, shape)) { // one whole (inner) chunk: its decoded array is the result
            Object chunk = m.shardShape() != null ? readShard(m, cells.get(0), offset, shape, rEnd, null)
                    : readChunk(m, cells.get(0), offset, shape, rEnd, null);
            return chunk != null ? chunk : filled(m, n);
        }
        Object out = filled(m, n);
        for (long[] c : cells) {
            if (m.shardShape() != null) readShard(m, c, offset, shape, rEnd, out);
            else readChunk(m, c, offset, shape, rEnd, out);
        }
        return out;
    }

    /** A new array of n fill values. */
    private static Object filled(ArrayMetadata m, int n) {
        Object out = m.dataType().newArray(n);
        if (m.fillBits() != 0) Regions.fill(out, m.fillBits());
        return out;
    }

    /** Whether the region is exactly one chunk (or inner chunk of a shard) of the chunk shape. */
    private static boolean isChunk(int[] cs, long[] offset, int[] shape) {
        for (int d = 0; d < cs.length; d++) if (shape[d] != cs[d] || offset[d] % cs[d] != 0) return false;
        return true;
    }

    /**
     * The decoded chunk as the result of a read, never an array the store handed out (a store may keep what it
     * returns): decoding 8-bit values without a bytes-to-bytes codec gives back the stored bytes themselves.
     */
    private static Object own(Object chunk, byte[] stored) {
        return chunk == stored ? stored.clone() : chunk;
    }

    /**
     * Copies the chunk at grid position c into {@code out} (the region [rStart, rEnd) of shape rShape) and returns
     * null; with {@code out == null} (the region is that whole chunk) returns the decoded chunk instead, or null
     * if it is not stored.
     */
    private Object readChunk(ArrayMetadata m, long[] c, long[] rStart, int[] rShape, long[] rEnd, Object out)
            throws IOException, DataException {
        String key = m.chunkKey(path, c);
        byte[] b = store.get(key);
        if (b == null) return null;
        int[] cs = m.chunkShape();
        Object chunk = decode(m.pipeline, m, b, (int) Regions.product(cs), key);
        if (out == null) return own(chunk, b);
        long[] o = Regions.origin(c, cs);
        long[][] box = Regions.intersect(o, Regions.end(o, cs), rStart, rEnd);
        Regions.copy(chunk, o, cs, out, rStart, rShape, box[0], box[1]);
        return null;
    }

    private static Object decode(CodecPipeline p, ArrayMetadata m, byte[] b, int n, String key) throws DataException {
        try {
            return p.decodeChunk(b, m.dataType(), n, key);
        } catch (RuntimeException e) {
            throw BytesCodec.corrupt(key, "undecodable chunk (" + e + ")", "a valid encoded chunk", b.length + " bytes", e);
        }
    }

    /** The parsed index of a shard: offsets and sizes per inner chunk (C order), EMPTY for none. */
    private static long[][] parseIndex(CodecPipeline.Sharding s, byte[] idx, int nInner, String key) throws DataException {
        int size = s.indexSize(nInner);
        if (idx.length != size) {
            throw BytesCodec.corrupt(key, "shard index truncated", size + " bytes", idx.length + " bytes", null);
        }
        if (s.indexCrc) {
            try {
                idx = BytesCodec.Crc32cCodec.INSTANCE.decode(idx, key + " (shard index)", -1);
            } catch (CorruptDataException e) {
                throw new CorruptDataException(e.getMessage() + " The shard may be truncated or overwritten.", e);
            }
        }
        ByteBuffer bb = ByteBuffer.wrap(idx).order(s.indexBigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long[][] r = new long[2][nInner];
        for (int i = 0; i < nInner; i++) {
            long off = bb.getLong();
            long nb = bb.getLong();
            if (off == EMPTY && nb == EMPTY) {
                r[0][i] = EMPTY;
                r[1][i] = EMPTY;
                continue;
            }
            if (off < 0 || nb < 0 || nb > Integer.MAX_VALUE || off > Long.MAX_VALUE - nb) {
                throw BytesCodec.corrupt(key, "invalid shard index entry " + i, "offset and nbytes >= 0 or both 2^64-1",
                        Long.toUnsignedString(off) + "/" + Long.toUnsignedString(nb), null);
            }
            r[0][i] = off;
            r[1][i] = nb;
        }
        return r;
    }

    /** A shard read whole: its bytes (outer codecs decoded) and its parsed index. */
    private record WholeShard(byte[] bytes, long[][] index) {}

    /** Reads a whole shard and parses its index; {@code null} if the shard does not exist. */
    private WholeShard readWholeShard(ArrayMetadata m, String key, int nInner) throws IOException, DataException {
        CodecPipeline.Sharding s = m.pipeline.sharding;
        byte[] whole = store.get(key);
        if (whole == null) return null;
        if (!m.pipeline.bytesCodecs.isEmpty()) whole = m.pipeline.decodeBytes(whole, key, -1);
        int idxSize = s.indexSize(nInner);
        if (whole.length < idxSize) {
            throw BytesCodec.corrupt(key, "shard truncated", ">= " + idxSize + " bytes (index)", whole.length + " bytes", null);
        }
        byte[] idx = s.indexAtEnd ? Arrays.copyOfRange(whole, whole.length - idxSize, whole.length) : Arrays.copyOf(whole, idxSize);
        return new WholeShard(whole, parseIndex(s, idx, nInner, key));
    }

    private static int[] innerPerShard(ArrayMetadata m) {
        int[] ss = m.shardShape();
        int[] cs = m.chunkShape();
        int[] ipd = new int[ss.length];
        for (int d = 0; d < ss.length; d++) ipd[d] = ss[d] / cs[d];
        return ipd;
    }

    private static int linear(long[] ic, int[] ipd) {
        long i = 0;
        for (int d = 0; d < ipd.length; d++) i = i * ipd[d] + ic[d];
        return (int) i;
    }

    private static byte[] slice(byte[] whole, long off, long nb, String key, int i) throws DataException {
        if (off + nb > whole.length) {
            throw BytesCodec.corrupt(key, "shard truncated: inner chunk " + i + " ends beyond the object",
                    (off + nb) + " bytes", whole.length + " bytes", null);
        }
        return Arrays.copyOfRange(whole, (int) off, (int) (off + nb));
    }

    /** As {@link #readChunk}, for the inner chunks of the shard at grid position c. */
    private Object readShard(ArrayMetadata m, long[] c, long[] rStart, int[] rShape, long[] rEnd, Object out)
            throws IOException, DataException {
        CodecPipeline.Sharding s = m.pipeline.sharding;
        String key = m.chunkKey(path, c);
        int[] ss = m.shardShape();
        int[] cs = m.chunkShape();
        int[] ipd = innerPerShard(m);
        int nInner = (int) Regions.product(ipd);
        int idxSize = s.indexSize(nInner);
        long[] so = Regions.origin(c, ss);
        long[][] box = Regions.intersect(so, Regions.end(so, ss), rStart, rEnd);
        // inner chunks needed, relative to the shard
        long[] relStart = new long[ss.length];
        int[] relShape = new int[ss.length];
        for (int d = 0; d < ss.length; d++) {
            relStart[d] = box[0][d] - so[d];
            relShape[d] = (int) (box[1][d] - box[0][d]);
        }
        List<long[]> needed = Regions.cells(relStart, relShape, cs);
        byte[][] encoded = new byte[nInner][];
        int[] ids = new int[needed.size()];
        for (int j = 0; j < ids.length; j++) ids[j] = linear(needed.get(j), ipd);

        if (!m.pipeline.bytesCodecs.isEmpty() || needed.size() == nInner) {
            WholeShard w = readWholeShard(m, key, nInner);
            if (w == null) return null;
            for (int i : ids) {
                if (w.index[0][i] != EMPTY) encoded[i] = slice(w.bytes, w.index[0][i], w.index[1][i], key, i);
            }
        } else {
            byte[] idx = store.getRange(key, s.indexAtEnd ? -idxSize : 0, idxSize);
            if (idx == null) return null;
            long[][] index = parseIndex(s, idx, nInner, key);
            // coalesce adjacent byte ranges of the needed inner chunks into single requests
            List<Integer> order = new ArrayList<>();
            for (int i : ids) if (index[0][i] != EMPTY) order.add(i);
            order.sort((a, b) -> Long.compare(index[0][a], index[0][b]));
            int j = 0;
            while (j < order.size()) {
                int k = j;
                long start = index[0][order.get(j)];
                long end = start + index[1][order.get(j)];
                while (k + 1 < order.size() && index[0][order.get(k + 1)] == end && end - start < (64 << 20)) {
                    k++;
                    end += index[1][order.get(k)];
                }
                byte[] part = store.getRange(key, start, (int) (end - start));
                if (part == null || part.length != end - start) {
                    throw BytesCodec.corrupt(key, "shard truncated: inner chunk bytes " + start + ".." + end + " missing",
                            (end - start) + " bytes", (part == null ? 0 : part.length) + " bytes", null);
                }
                for (int q = j; q <= k; q++) {
                    int i = order.get(q);
                    // a range of one inner chunk is that chunk's bytes
                    encoded[i] = j == k ? part : slice(part, index[0][i] - start, index[1][i], key, i);
                }
                j = k + 1;
            }
        }
        int innerN = (int) Regions.product(cs);
        for (int j = 0; j < ids.length; j++) {
            int i = ids[j];
            if (encoded[i] == null) continue;
            long[] io = Regions.origin(needed.get(j), cs);
            for (int d = 0; d < io.length; d++) io[d] += so[d];
            Object chunk = decode(s.inner, m, encoded[i], innerN, key + " (inner chunk " + Arrays.toString(needed.get(j)) + ")");
            if (out == null) return own(chunk, encoded[i]);
            long[][] ib = Regions.intersect(io, Regions.end(io, cs), rStart, rEnd);
            Regions.copy(chunk, io, cs, out, rStart, rShape, ib[0], ib[1]);
        }
        return null;
    }

    // ---- writing --------------------------------------------------------------------------------

    /**
     * Writes a hyperslab.
     *
     * @param offset first element per dimension
     * @param shape  elements per dimension; {@code offset + shape <= shape()}
     * @param data   C-order primitive array of the class given by {@link DataType#newArray}, length
     *               = product of {@code shape}
     * @throws IOException on store failures, or (with a {@link DataException} cause) if an existing
     *                     chunk that must be updated is corrupt
     * @throws IllegalArgumentException on a wrong region, data class or length
     */
    public void write(long[] offset, int[] shape, Object data) throws IOException {
        ArrayMetadata m = md;
        long n = checkRegion(offset, shape);
        if (data == null || data.getClass() != m.dataType().arrayClass()) {
            throw new IllegalArgumentException("data must be " + m.dataType().arrayClass().getSimpleName() + " for " + m.dataType()
                    + ", not " + (data == null ? "null" : data.getClass().getSimpleName()));
        }
        if (java.lang.reflect.Array.getLength(data) != n) {
            throw new IllegalArgumentException("data length " + java.lang.reflect.Array.getLength(data) + " != region size " + n);
        }
        if (n == 0) return;
        long[] rEnd = Regions.end(offset, shape);
        try {
            for (long[] c : Regions.cells(offset, shape, m.gridShape())) {
                if (m.shardShape() != null) writeShard(m, c, offset, shape, rEnd, data);
                else writeChunk(m, c, offset, shape, rEnd, data);
            }
        } catch (DataException e) {
            throw new IOException("cannot update the existing data: " + e.getMessage(), e);
        }
    }

    private long[] arrayEnd(ArrayMetadata m) {
        return m.shape();
    }

    /** Builds the new content of one (inner) chunk, or null if it is all fill. */
    private Object updatedChunk(ArrayMetadata m, CodecPipeline p, long[] o, byte[] existing, String key, long[] rStart, int[] rShape,
            long[] rEnd, Object data) throws DataException {
        int[] cs = m.chunkShape();
        int cn = (int) Regions.product(cs);
        long[] ce = Regions.end(o, cs);
        long[][] inBounds = Regions.intersect(o, ce, new long[o.length], arrayEnd(m));
        boolean covered = Regions.contains(rStart, rEnd, inBounds[0], inBounds[1]);
        Object chunk;
        if (covered || existing == null) {
            chunk = m.dataType().newArray(cn);
            if (m.fillBits() != 0) Regions.fill(chunk, m.fillBits());
        } else {
            chunk = decode(p, m, existing, cn, key);
        }
        long[][] box = Regions.intersect(o, ce, rStart, rEnd);
        Regions.copy(data, rStart, rShape, chunk, o, cs, box[0], box[1]);
        return Regions.allFill(chunk, m.fillBits()) ? null : chunk;
    }

    private void writeChunk(ArrayMetadata m, long[] c, long[] rStart, int[] rShape, long[] rEnd, Object data)
            throws IOException, DataException {
        String key = m.chunkKey(path, c);
        int[] cs = m.chunkShape();
        long[] o = Regions.origin(c, cs);
        long[][] inBounds = Regions.intersect(o, Regions.end(o, cs), new long[o.length], arrayEnd(m));
        byte[] existing = Regions.contains(rStart, rEnd, inBounds[0], inBounds[1]) ? null : store.get(key);
        Object chunk = updatedChunk(m, m.pipeline, o, existing, key, rStart, rShape, rEnd, data);
        if (chunk == null) store.delete(key);
        else store.set(key, m.pipeline.encodeChunk(chunk, m.dataType()));
    }

    private void writeShard(ArrayMetadata m, long[] c, long[] rStart, int[] rShape, long[] rEnd, Object data)
            throws IOException, DataException {
        CodecPipeline.Sharding s = m.pipeline.sharding;
        String key = m.chunkKey(path, c);
        int[] ss = m.shardShape();
        int[] cs = m.chunkShape();
        int[] ipd = innerPerShard(m);
        int nInner = (int) Regions.product(ipd);
        int idxSize = s.indexSize(nInner);
        long[] so = Regions.origin(c, ss);
        long[] aEnd = arrayEnd(m);
        long[][] shardIn = Regions.intersect(so, Regions.end(so, ss), new long[so.length], aEnd);
        boolean covered = Regions.contains(rStart, rEnd, shardIn[0], shardIn[1]);
        byte[] whole = null;
        long[][] index = null;
        if (!covered) {
            WholeShard w = readWholeShard(m, key, nInner);
            if (w != null) {
                whole = w.bytes;
                index = w.index;
            }
        }
        byte[][] enc = new byte[nInner][];
        long[] zero = new long[ss.length];
        int[] ipdShape = ipd.clone();
        int i = 0;
        for (long[] ic : Regions.cells(zero, ipdShape, ones(ss.length))) {
            long[] io = Regions.origin(ic, cs);
            for (int d = 0; d < io.length; d++) io[d] += so[d];
            long[] ie = Regions.end(io, cs);
            byte[] old = index == null || index[0][i] == EMPTY ? null : slice(whole, index[0][i], index[1][i], key, i);
            if (Regions.intersect(io, ie, new long[io.length], aEnd) == null) {
                enc[i] = null; // entirely outside the array
            } else if (Regions.intersect(io, ie, rStart, rEnd) == null) {
                enc[i] = old; // untouched: keep the encoded bytes as they are
            } else {
                Object chunk = updatedChunk(m, s.inner, io, old, key + " (inner chunk " + Arrays.toString(ic) + ")", rStart, rShape, rEnd, data);
                enc[i] = chunk == null ? null : s.inner.encodeChunk(chunk, m.dataType());
            }
            i++;
        }
        storeShard(m, key, enc);
    }

    /** Stores a shard from its encoded inner chunks (null: empty), or deletes the key when all are empty. */
    private void storeShard(ArrayMetadata m, String key, byte[][] enc) throws IOException {
        CodecPipeline.Sharding s = m.pipeline.sharding;
        int idxSize = s.indexSize(enc.length);
        long total = idxSize;
        boolean any = false;
        for (byte[] e : enc) {
            if (e != null) {
                total += e.length;
                any = true;
            }
        }
        if (!any) {
            store.delete(key);
            return;
        }
        if (total > Integer.MAX_VALUE - 8) throw new IOException(key + ": shard would exceed 2^31 bytes (" + total + "); use smaller shards");
        byte[] out = new byte[(int) total];
        long[] off = new long[enc.length], len = new long[enc.length];
        int pos = s.indexAtEnd ? 0 : idxSize;
        for (int i = 0; i < enc.length; i++) {
            byte[] e = enc[i];
            if (e == null) {
                off[i] = len[i] = EMPTY;
            } else {
                off[i] = pos;
                len[i] = e.length;
                System.arraycopy(e, 0, out, pos, e.length);
                pos += e.length;
            }
        }
        byte[] idx = shardIndex(s, off, len);
        System.arraycopy(idx, 0, out, s.indexAtEnd ? pos : 0, idx.length);
        store.set(key, m.pipeline.encodeBytes(out));
    }

    /** The encoded shard index: offset and length per inner chunk (EMPTY, EMPTY for none), then the CRC if any. */
    private static byte[] shardIndex(CodecPipeline.Sharding s, long[] off, long[] len) {
        ByteBuffer ix = ByteBuffer.allocate(off.length * 16).order(s.indexBigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < off.length; i++) ix.putLong(off[i]).putLong(len[i]);
        return s.indexCrc ? BytesCodec.Crc32cCodec.INSTANCE.encode(ix.array()) : ix.array();
    }

    /**
     * A writer of the whole array in row order (rows along the first dimension), for producers that make the data
     * once, front to back: every chunk, or shard, is encoded and stored once, as soon as it is complete, and a
     * shard's inner chunks are streamed to the store ({@link Store#writer}) so that memory stays at one chunk
     * whatever the shard size. Produces the same objects as {@link #write} of the whole array. Needs chunks (and
     * shards) that span every dimension but the first.
     */
    public RowAppender appender() {
        return new RowAppender(md);
    }

    /** See {@link ZarrArray#appender()}. Not thread-safe; {@link #close()} without {@link #finish()} discards the shard being written. */
    public final class RowAppender implements AutoCloseable {
        private final ArrayMetadata m;
        private final CodecPipeline.Sharding s;
        private final boolean streaming;
        private final long rows;
        private final int rowElems;
        private final int chunkRows;
        private final int nInner;
        private final Object chunk;
        private final int rank;
        private int inChunk;
        private long done;
        private long chunkNo;
        private int inner;
        private final long[] off, len;
        private final byte[][] enc;
        private Store.ValueWriter w;
        private boolean finished;

        private RowAppender(ArrayMetadata m) {
            this.m = m;
            this.s = m.pipeline.sharding;
            long[] shape = m.shape();
            int[] cs = m.chunkShape();
            int[] ss = m.shardShape();
            this.rank = shape.length;
            long re = 1;
            for (int d = 1; d < rank; d++) {
                if (cs[d] != shape[d] || ss != null && ss[d] != shape[d]) {
                    throw new IllegalStateException(ZarrArray.this + ": rows can be appended only with chunks spanning every dimension but the first");
                }
                re *= shape[d];
            }
            this.rows = shape[0];
            this.rowElems = Math.toIntExact(re);
            this.chunkRows = cs[0];
            this.chunk = m.dataType().newArray(Math.multiplyExact(chunkRows, rowElems));
            if (m.fillBits() != 0) Regions.fill(chunk, m.fillBits());
            this.nInner = ss == null ? 1 : ss[0] / cs[0];
            this.streaming = s != null && s.indexAtEnd && m.pipeline.bytesCodecs.isEmpty();
            this.off = new long[nInner];
            this.len = new long[nInner];
            this.enc = s != null && !streaming ? new byte[nInner][] : null;
        }

        /**
         * Appends the first {@code n} rows of {@code data} (C order, {@code n ×} the product of the other dimensions
         * elements, of the array's {@link DataType#arrayClass()}); the data is copied.
         */
        public void append(Object data, int n) throws IOException {
            if (finished) throw new IllegalStateException("appender finished");
            if (data == null || data.getClass() != m.dataType().arrayClass()) {
                throw new IllegalArgumentException("data must be " + m.dataType().arrayClass().getSimpleName() + " for " + m.dataType());
            }
            if (n < 0 || (long) n * rowElems > java.lang.reflect.Array.getLength(data)) {
                throw new IllegalArgumentException(n + " rows do not fit in data of length " + java.lang.reflect.Array.getLength(data));
            }
            if (done + n > rows) throw new IllegalArgumentException(ZarrArray.this + ": " + (done + n) + " rows appended, array has " + rows);
            int r = 0;
            while (r < n) {
                int k = Math.min(n - r, chunkRows - inChunk);
                System.arraycopy(data, r * rowElems, chunk, inChunk * rowElems, k * rowElems);
                inChunk += k;
                r += k;
                done += k;
                if (inChunk == chunkRows) flushChunk();
            }
        }

        /** Stores the last chunk and shard; every row must have been appended. */
        public void finish() throws IOException {
            if (finished) throw new IllegalStateException("appender finished");
            if (done != rows) throw new IllegalStateException(ZarrArray.this + ": " + done + " of " + rows + " rows appended");
            if (inChunk > 0) flushChunk();
            if (s != null && inner > 0) {
                for (int i = inner; i < nInner; i++) off[i] = len[i] = EMPTY;
                completeShard((chunkNo - 1) / nInner);
            }
            finished = true;
        }

        private long[] coords(long first) {
            long[] c = new long[rank];
            c[0] = first;
            return c;
        }

        private void flushChunk() throws IOException {
            // only the array's last chunk is partial: its tail is the fill value (full chunks overwrite everything)
            if (inChunk < chunkRows) Regions.fill(chunk, inChunk * rowElems, chunkRows * rowElems, m.fillBits());
            boolean empty = Regions.allFill(chunk, m.fillBits());
            if (s != null && streaming && !empty) {
                // encoded straight into the shard's stream: no chunk-sized copy of the encoded bytes
                if (w == null) w = store.writer(m.chunkKey(path, coords(chunkNo / nInner)));
                off[inner] = w.position();
                len[inner] = s.inner.encodeChunkTo(chunk, m.dataType(), w);
                if (++inner == nInner) completeShard(chunkNo / nInner);
                chunkNo++;
                inChunk = 0;
                return;
            }
            byte[] e = empty ? null : (s != null ? s.inner : m.pipeline).encodeChunk(chunk, m.dataType());
            if (s == null) {
                String key = m.chunkKey(path, coords(chunkNo));
                if (e == null) store.delete(key);
                else store.set(key, e);
            } else {
                if (e == null) {
                    off[inner] = len[inner] = EMPTY;
                } else {
                    enc[inner] = e;
                }
                if (++inner == nInner) completeShard(chunkNo / nInner);
            }
            chunkNo++;
            inChunk = 0;
        }

        private void completeShard(long shard) throws IOException {
            String key = m.chunkKey(path, coords(shard));
            if (!streaming) {
                storeShard(m, key, enc.clone());
                Arrays.fill(enc, null);
            } else if (w == null) {
                store.delete(key);
            } else {
                byte[] idx = shardIndex(s, off, len);
                w.write(idx, 0, idx.length);
                w.commit();
                w = null;
            }
            inner = 0;
        }

        @Override
        public void close() throws IOException {
            finished = true;
            if (w != null) {
                Store.ValueWriter x = w;
                w = null;
                x.close();
            }
        }
    }

    private static int[] ones(int r) {
        int[] o = new int[r];
        Arrays.fill(o, 1);
        return o;
    }

    @Override
    public String toString() {
        return "ZarrArray[" + (path.isEmpty() ? "/" : path) + " " + md + "]";
    }
}
