package org.healpixzarr.zarr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.healpixzarr.DataException;

/**
 * The codec chain of an array (or of the inner chunks of a shard): an array-to-bytes step
 * ({@code bytes} with an endianness, or {@code sharding_indexed}) followed by bytes-to-bytes
 * codecs. Immutable, thread-safe.
 */
final class CodecPipeline {
    final boolean bigEndian;
    final List<BytesCodec> bytesCodecs;
    /** Non-null when the array-to-bytes step is sharding_indexed. */
    final Sharding sharding;

    CodecPipeline(boolean bigEndian, List<BytesCodec> bytesCodecs, Sharding sharding) {
        this.bigEndian = bigEndian;
        this.bytesCodecs = List.copyOf(bytesCodecs);
        this.sharding = sharding;
    }

    /** Configuration of sharding_indexed. */
    static final class Sharding {
        final int[] innerShape;
        final CodecPipeline inner;
        final boolean indexBigEndian;
        final boolean indexCrc;
        final boolean indexAtEnd;

        Sharding(int[] innerShape, CodecPipeline inner, boolean indexBigEndian, boolean indexCrc, boolean indexAtEnd) {
            this.innerShape = innerShape.clone();
            this.inner = inner;
            this.indexBigEndian = indexBigEndian;
            this.indexCrc = indexCrc;
            this.indexAtEnd = indexAtEnd;
        }

        int indexSize(int nChunks) {
            return nChunks * 16 + (indexCrc ? 4 : 0);
        }
    }

    /** The first compressor of the chain (inner chain for sharding) and its level. */
    Object[] compression() {
        List<BytesCodec> l = sharding != null ? sharding.inner.bytesCodecs : bytesCodecs;
        for (BytesCodec c : l) {
            if (c instanceof BytesCodec.ZstdCodec) return new Object[] {Compression.ZSTD, ((BytesCodec.ZstdCodec) c).level};
            if (c instanceof BytesCodec.GzipCodec) return new Object[] {Compression.GZIP, ((BytesCodec.GzipCodec) c).level};
        }
        return new Object[] {Compression.NONE, 0};
    }

    /** Applies the bytes-to-bytes codecs in order. */
    byte[] encodeBytes(byte[] b) {
        for (BytesCodec c : bytesCodecs) b = c.encode(b);
        return b;
    }

    /** Undoes the bytes-to-bytes codecs in reverse order. */
    byte[] decodeBytes(byte[] b, String key, int expectedSize) throws DataException {
        for (int i = bytesCodecs.size() - 1; i >= 0; i--) b = bytesCodecs.get(i).decode(b, key, i == 0 ? expectedSize : -1);
        return b;
    }

    /** Encodes a full chunk (not sharded pipeline) held as a primitive array. */
    byte[] encodeChunk(Object arr, DataType type) {
        // the bytes-to-bytes codecs make new arrays: 8-bit values need no copy unless stored as they are
        if (arr instanceof byte[] && !bytesCodecs.isEmpty()) return encodeBytes((byte[]) arr);
        return encodeBytes(toBytes(arr, type, bigEndian));
    }

    /**
     * Encodes a full chunk as {@link #encodeChunk} does and appends the bytes to {@code out}, without an
     * intermediate copy where the last codec can write straight to it.
     *
     * @return the number of bytes appended
     */
    int encodeChunkTo(Object arr, DataType type, Store.ValueWriter out) throws java.io.IOException {
        if (bytesCodecs.isEmpty()) {
            byte[] b = arr instanceof byte[] ? (byte[]) arr : toBytes(arr, type, bigEndian);
            out.write(b, 0, b.length);
            return b.length;
        }
        byte[] b = arr instanceof byte[] ? (byte[]) arr : toBytes(arr, type, bigEndian);
        for (int i = 0; i < bytesCodecs.size() - 1; i++) b = bytesCodecs.get(i).encode(b);
        return bytesCodecs.get(bytesCodecs.size() - 1).encodeTo(b, out);
    }

    /** Decodes a full chunk of {@code n} elements (not sharded pipeline). */
    Object decodeChunk(byte[] b, DataType type, int n, String key) throws DataException {
        byte[] raw = decodeBytes(b, key, n * type.byteSize());
        if (raw.length != (long) n * type.byteSize()) {
            throw BytesCodec.corrupt(key, "decoded chunk has the wrong size", (long) n * type.byteSize() + " bytes (" + n + " × "
                    + type.v3Name() + ")", raw.length + " bytes", null);
        }
        return fromBytes(raw, type, n, bigEndian);
    }

    static byte[] toBytes(Object arr, DataType type, boolean bigEndian) {
        if (arr instanceof byte[]) return ((byte[]) arr).clone();
        int n = java.lang.reflect.Array.getLength(arr);
        ByteBuffer bb = ByteBuffer.allocate(n * type.byteSize()).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (arr instanceof short[]) bb.asShortBuffer().put((short[]) arr);
        else if (arr instanceof int[]) bb.asIntBuffer().put((int[]) arr);
        else if (arr instanceof long[]) bb.asLongBuffer().put((long[]) arr);
        else if (arr instanceof float[]) bb.asFloatBuffer().put((float[]) arr);
        else bb.asDoubleBuffer().put((double[]) arr);
        return bb.array();
    }

    static Object fromBytes(byte[] raw, DataType type, int n, boolean bigEndian) {
        if (type.byteSize() == 1) return raw;
        ByteBuffer bb = ByteBuffer.wrap(raw).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        Object arr = type.newArray(n);
        if (arr instanceof short[]) bb.asShortBuffer().get((short[]) arr);
        else if (arr instanceof int[]) bb.asIntBuffer().get((int[]) arr);
        else if (arr instanceof long[]) bb.asLongBuffer().get((long[]) arr);
        else if (arr instanceof float[]) bb.asFloatBuffer().get((float[]) arr);
        else bb.asDoubleBuffer().get((double[]) arr);
        return arr;
    }

    // ---- JSON -----------------------------------------------------------------------------------

    static Map<String, Object> bytesJson(boolean bigEndian) {
        return BytesCodec.named("bytes", new java.util.LinkedHashMap<>(Map.of("endian", bigEndian ? "big" : "little")));
    }

    /** The v3 "codecs" array. */
    List<Object> v3Json() {
        List<Object> l = new ArrayList<>();
        if (sharding == null) {
            l.add(bytesJson(bigEndian));
        } else {
            Map<String, Object> c = new java.util.LinkedHashMap<>();
            List<Integer> cs = new ArrayList<>();
            for (int s : sharding.innerShape) cs.add(s);
            c.put("chunk_shape", cs);
            c.put("codecs", sharding.inner.v3Json());
            List<Object> idx = new ArrayList<>();
            idx.add(bytesJson(sharding.indexBigEndian));
            if (sharding.indexCrc) idx.add(BytesCodec.Crc32cCodec.INSTANCE.v3Json());
            c.put("index_codecs", idx);
            c.put("index_location", sharding.indexAtEnd ? "end" : "start");
            l.add(BytesCodec.named("sharding_indexed", c));
        }
        for (BytesCodec b : bytesCodecs) l.add(b.v3Json());
        return l;
    }
}
