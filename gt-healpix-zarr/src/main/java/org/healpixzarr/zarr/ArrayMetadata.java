package org.healpixzarr.zarr;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/**
 * The metadata of a Zarr array (v3 {@code zarr.json} or v2 {@code .zarray} + {@code .zattrs}).
 * Immutable and thread-safe; accessors return copies.
 *
 * <p>Shapes are in elements. {@link #chunkShape()} is the chunk that is encoded as one unit: for
 * a sharded array the <em>inner</em> chunk; {@link #shardShape()} is then the outer chunk of the
 * regular chunk grid (one store object per shard). Each chunk must hold less than 2<sup>31</sup>
 * bytes, as must each shard.
 *
 * <p>Fill value: a {@code Long} for integer types ({@code BigInteger} for {@code uint64} values
 * above {@link Long#MAX_VALUE}) and a {@code Double} for float types (NaN and infinities
 * allowed). In Zarr v2, dimension names are stored as the xarray attribute
 * {@code _ARRAY_DIMENSIONS}, which is not reported among {@link #attributes()}.
 */
public final class ArrayMetadata {
    private static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);

    private final int zarrFormat;
    private final long[] shape;
    private final DataType dataType;
    private final int[] chunkShape;
    private final int[] shardShape;
    private final Number fillValue;
    private final long fillBits;
    private final String[] dimensionNames;
    private final Map<String, Object> attributes;
    final CodecPipeline pipeline;
    /** Chunk key layout: v3 default ("c" prefix) or v2-style, and the separator. */
    final boolean v2Keys;
    final char separator;
    /** Unknown extra top-level keys of a v3 document with must_understand=false are dropped. */

    ArrayMetadata(int zarrFormat, long[] shape, DataType dataType, int[] chunkShape, int[] shardShape, Number fillValue,
            String[] dimensionNames, Map<String, Object> attributes, CodecPipeline pipeline, boolean v2Keys, char separator) {
        this.zarrFormat = zarrFormat;
        this.shape = shape.clone();
        this.dataType = dataType;
        this.chunkShape = chunkShape.clone();
        this.shardShape = shardShape == null ? null : shardShape.clone();
        this.fillValue = fillValue;
        this.fillBits = fillBits(fillValue, dataType);
        this.dimensionNames = dimensionNames == null ? null : dimensionNames.clone();
        this.attributes = Json.attributes(attributes);
        this.pipeline = pipeline;
        this.v2Keys = v2Keys;
        this.separator = separator;
    }

    /**
     * A builder for a new array.
     *
     * @param shape array shape in elements, each {@code >= 0}, rank {@code >= 1}
     * @param type  element type
     */
    public static Builder builder(long[] shape, DataType type) {
        return new Builder(shape, type);
    }

    /** Builder of {@link ArrayMetadata}; not thread-safe. */
    public static final class Builder {
        private final long[] shape;
        private final DataType type;
        private int[] chunkShape;
        private int[] shardShape;
        private Compression compression = Compression.NONE;
        private int level;
        private Number fill = 0L;
        private String[] dimensionNames;
        private Map<String, Object> attributes = Collections.emptyMap();
        private int zarrFormat = 3;

        Builder(long[] shape, DataType type) {
            this.shape = shape.clone();
            this.type = type;
        }

        /**
         * The (inner) chunk shape in elements, each {@code >= 1}; default: the array shape (each
         * dimension at least 1), i.e. one chunk.
         */
        public Builder chunkShape(int... chunkShape) {
            this.chunkShape = chunkShape.clone();
            return this;
        }

        /**
         * Enables {@code sharding_indexed} (Zarr v3 only) with this outer shard shape in elements;
         * each dimension must be a multiple of the chunk shape. {@code null} disables sharding.
         */
        public Builder shardShape(int... shardShape) {
            this.shardShape = shardShape == null ? null : shardShape.clone();
            return this;
        }

        /** The compressor of each (inner) chunk and its level (see {@link Compression}); default NONE. */
        public Builder compression(Compression c, int level) {
            this.compression = c;
            this.level = level;
            return this;
        }

        /** The fill value (default 0); must be representable in the data type. */
        public Builder fillValue(Number fill) {
            this.fill = fill;
            return this;
        }

        /** One name per dimension (entries may be null in v3); default none. */
        public Builder dimensionNames(String... names) {
            this.dimensionNames = names == null ? null : names.clone();
            return this;
        }

        /** User attributes (Map/List/String/Number/Boolean/null), deep-copied, order kept. */
        public Builder attributes(Map<String, Object> attributes) {
            this.attributes = attributes == null ? Collections.emptyMap() : attributes;
            return this;
        }

        /** 3 (default) or 2. */
        public Builder zarrFormat(int format) {
            this.zarrFormat = format;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException for inconsistent settings
         */
        public ArrayMetadata build() {
            if (type == null) throw new IllegalArgumentException("data type is null");
            if (shape.length == 0) throw new IllegalArgumentException("rank-0 arrays are not supported");
            for (long s : shape) if (s < 0) throw new IllegalArgumentException("negative shape " + Arrays.toString(shape));
            if (zarrFormat != 2 && zarrFormat != 3) throw new IllegalArgumentException("zarrFormat must be 2 or 3, not " + zarrFormat);
            int[] cs = chunkShape;
            if (cs == null) {
                cs = new int[shape.length];
                for (int i = 0; i < cs.length; i++) cs[i] = (int) Math.max(1, Math.min(shape[i], Integer.MAX_VALUE));
            }
            checkShape("chunk shape", cs, shape.length, type);
            if (shardShape != null) {
                if (zarrFormat == 2) throw new IllegalArgumentException("sharding needs Zarr v3");
                checkShape("shard shape", shardShape, shape.length, type);
                for (int i = 0; i < cs.length; i++) {
                    if (shardShape[i] % cs[i] != 0) {
                        throw new IllegalArgumentException("shard shape " + Arrays.toString(shardShape)
                                + " is not a multiple of chunk shape " + Arrays.toString(cs));
                    }
                }
                long n = 1;
                for (int i = 0; i < cs.length; i++) n *= shardShape[i] / cs[i];
                if (n * 16 + 4 > Integer.MAX_VALUE / 2) throw new IllegalArgumentException("too many inner chunks per shard: " + n);
            }
            if (dimensionNames != null && dimensionNames.length != shape.length) {
                throw new IllegalArgumentException("dimension names " + Arrays.toString(dimensionNames) + " for rank " + shape.length);
            }
            if (dimensionNames != null && zarrFormat == 2) {
                for (String s : dimensionNames) if (s == null) throw new IllegalArgumentException("null dimension name in Zarr v2");
            }
            Number f;
            try {
                f = normaliseFill(fill, type);
            } catch (FormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            List<BytesCodec> codecs = new ArrayList<>();
            if (compression == Compression.ZSTD) codecs.add(new BytesCodec.ZstdCodec(level, zarrFormat == 3));
            else if (compression == Compression.GZIP) {
                if (level < 0 || level > 9) throw new IllegalArgumentException("gzip level must be 0..9, not " + level);
                codecs.add(new BytesCodec.GzipCodec(level));
            }
            if (zarrFormat == 2 && attributes.containsKey("_ARRAY_DIMENSIONS")) {
                throw new IllegalArgumentException("use dimensionNames() instead of the _ARRAY_DIMENSIONS attribute");
            }
            CodecPipeline p;
            if (shardShape != null) {
                CodecPipeline inner = new CodecPipeline(false, codecs, null);
                p = new CodecPipeline(false, List.of(), new CodecPipeline.Sharding(cs, inner, false, true, true));
                return new ArrayMetadata(3, shape, type, cs, shardShape, f, dimensionNames, attributes, p, false, '/');
            }
            p = new CodecPipeline(false, codecs, null);
            return new ArrayMetadata(zarrFormat, shape, type, cs, null, f, dimensionNames, attributes, p, zarrFormat == 2,
                    zarrFormat == 2 ? '.' : '/');
        }
    }

    private static void checkShape(String what, int[] s, int rank, DataType type) {
        if (s.length != rank) throw new IllegalArgumentException(what + " " + Arrays.toString(s) + " for rank " + rank);
        long n = type.byteSize();
        for (int v : s) {
            if (v < 1) throw new IllegalArgumentException(what + " " + Arrays.toString(s) + " must be >= 1");
            n *= v;
            if (n > Integer.MAX_VALUE - 64) throw new IllegalArgumentException(what + " " + Arrays.toString(s) + " exceeds 2^31 bytes");
        }
    }

    // ---- accessors ----------------------------------------------------------------------------

    /** 2 or 3. */
    public int zarrFormat() {
        return zarrFormat;
    }

    /** Array shape in elements (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** Element type. */
    public DataType dataType() {
        return dataType;
    }

    /** The chunk encoded as a unit (inner chunk if sharded), in elements (a copy). */
    public int[] chunkShape() {
        return chunkShape.clone();
    }

    /** Shard (outer chunk) shape in elements, or null if not sharded (a copy). */
    public int[] shardShape() {
        return shardShape == null ? null : shardShape.clone();
    }

    /** The fill value: Long (BigInteger for large uint64) or Double. */
    public Number fillValue() {
        return fillValue;
    }

    /** The compressor of the (inner) chunks; for foreign chains, the first compressor found. */
    public Compression compression() {
        return (Compression) pipeline.compression()[0];
    }

    /** The compression level (0 when NONE). */
    public int compressionLevel() {
        return (Integer) pipeline.compression()[1];
    }

    /** Dimension names (a copy; entries may be null), or null if none. */
    public String[] dimensionNames() {
        return dimensionNames == null ? null : dimensionNames.clone();
    }

    /** User attributes, a deep mutable copy (LinkedHashMap, ArrayList, String, Number, Boolean, null). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> attributes() {
        return (Map<String, Object>) Json.mutableCopy(attributes);
    }

    /** The shape of the regular chunk grid's cells (shard shape if sharded, else chunk shape). */
    int[] gridShape() {
        return shardShape != null ? shardShape : chunkShape;
    }

    long fillBits() {
        return fillBits;
    }

    ArrayMetadata withAttributes(Map<String, Object> attrs) {
        return new ArrayMetadata(zarrFormat, shape, dataType, chunkShape, shardShape, fillValue, dimensionNames, attrs, pipeline,
                v2Keys, separator);
    }

    /** The store key of a grid cell under {@code path} ("" = root). */
    String chunkKey(String path, long[] coords) {
        StringBuilder b = new StringBuilder(path.length() + 16);
        if (!path.isEmpty()) b.append(path).append('/');
        if (!v2Keys) b.append('c').append(separator);
        for (int i = 0; i < coords.length; i++) {
            if (i > 0) b.append(separator);
            b.append(coords[i]);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "ArrayMetadata[v" + zarrFormat + " " + dataType.v3Name() + Arrays.toString(shape) + " chunks "
                + Arrays.toString(chunkShape) + (shardShape == null ? "" : " shards " + Arrays.toString(shardShape))
                + " " + compression() + " fill " + fillValue + "]";
    }

    // ---- fill values ----------------------------------------------------------------------------

    static Number normaliseFill(Number v, DataType t) throws FormatException {
        if (v == null) return t.isFloat() ? (Number) 0.0 : (Number) 0L;
        if (t.isFloat()) {
            double d = v.doubleValue();
            if (t == DataType.FLOAT32) d = (float) d;
            return d;
        }
        BigInteger bi;
        if (v instanceof BigInteger) bi = (BigInteger) v;
        else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) bi = BigInteger.valueOf(v.longValue());
        else {
            double d = v.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d)) throw new FormatException("fill value " + v + " is not an integer for " + t.v3Name());
            bi = new java.math.BigDecimal(d).toBigInteger();
        }
        int bits = t.byteSize() * 8;
        BigInteger min = t.isUnsigned() ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
        BigInteger max = t.isUnsigned() ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE) : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
        if (bi.compareTo(min) < 0 || bi.compareTo(max) > 0) {
            throw new FormatException("fill value " + v + " out of range " + min + ".." + max + " of " + t.v3Name());
        }
        return bi.bitLength() < 64 ? (Number) bi.longValue() : bi;
    }

    static long fillBits(Number v, DataType t) {
        if (t == DataType.FLOAT32) return Float.floatToRawIntBits(v.floatValue()) & 0xffffffffL;
        if (t == DataType.FLOAT64) return Double.doubleToRawLongBits(v.doubleValue());
        return v.longValue();
    }

    static Object fillJson(Number v, DataType t) {
        if (t.isFloat()) {
            double d = v.doubleValue();
            if (Double.isNaN(d)) return "NaN";
            if (d == Double.POSITIVE_INFINITY) return "Infinity";
            if (d == Double.NEGATIVE_INFINITY) return "-Infinity";
            return d;
        }
        return v;
    }

    static Number parseFill(Object v, DataType t, String key) throws FormatException {
        try {
            if (v instanceof String) {
                String s = (String) v;
                if (t.isFloat()) {
                    switch (s) {
                        case "NaN": return Double.NaN;
                        case "Infinity": return Double.POSITIVE_INFINITY;
                        case "-Infinity": return Double.NEGATIVE_INFINITY;
                        default:
                            if (s.startsWith("0x")) {
                                long bits = Long.parseUnsignedLong(s.substring(2), 16);
                                return t == DataType.FLOAT32 ? (double) Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
                            }
                    }
                }
                throw Json.bad(key, "fill_value", "a number" + (t.isFloat() ? ", \"NaN\", \"Infinity\", \"-Infinity\" or \"0x...\"" : ""), v);
            }
            if (v instanceof Boolean) throw Json.bad(key, "fill_value", "a number", v);
            if (!(v instanceof Number)) throw Json.bad(key, "fill_value", "a number", v);
            return normaliseFill((Number) v, t);
        } catch (NumberFormatException e) {
            throw Json.bad(key, "fill_value", "a number", v);
        } catch (FormatException e) {
            if (e.getMessage().startsWith(key)) throw e;
            throw new FormatException(DataException.describe(key, e.getMessage(), null, null, null), e);
        }
    }

    // ---- v3 JSON --------------------------------------------------------------------------------

    Map<String, Object> toV3Json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zarr_format", 3);
        m.put("node_type", "array");
        m.put("shape", shape.clone());
        m.put("data_type", dataType.v3Name());
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("chunk_shape", gridShape().clone());
        m.put("chunk_grid", BytesCodec.named("regular", grid));
        Map<String, Object> enc = new LinkedHashMap<>();
        enc.put("separator", String.valueOf(separator));
        m.put("chunk_key_encoding", BytesCodec.named(v2Keys ? "v2" : "default", enc));
        m.put("fill_value", fillJson(fillValue, dataType));
        m.put("codecs", pipeline.v3Json());
        m.put("attributes", attributes);
        if (dimensionNames != null) m.put("dimension_names", Arrays.asList(dimensionNames));
        return m;
    }

    static ArrayMetadata fromV3Json(Map<String, Object> m, String key) throws FormatException {
        long zf = Json.integer(Json.require(m, "zarr_format", key), "zarr_format", key);
        if (zf != 3) throw Json.bad(key, "zarr_format", "3", zf);
        String nodeType = Json.string(Json.require(m, "node_type", key), "node_type", key);
        if (!nodeType.equals("array")) throw Json.bad(key, "node_type", "\"array\"", nodeType);
        long[] shape = Json.longs(Json.require(m, "shape", key), "shape", key);
        if (shape.length == 0) throw Json.bad(key, "shape", "rank >= 1 (rank-0 arrays are not supported)", "[]");
        DataType type;
        Object dt = Json.require(m, "data_type", key);
        try {
            type = DataType.fromV3Name(dt instanceof String ? (String) dt : String.valueOf(dt));
        } catch (FormatException e) {
            throw new FormatException(key + ": " + e.getMessage(), e);
        }
        Map<String, Object> grid = Json.object(Json.require(m, "chunk_grid", key), "chunk_grid", key);
        String gname = Json.string(Json.require(grid, "name", key), "chunk_grid.name", key);
        if (!gname.equals("regular")) throw Json.bad(key, "chunk_grid.name", "\"regular\"", gname);
        Map<String, Object> gconf = Json.object(Json.require(grid, "configuration", key), "chunk_grid.configuration", key);
        int[] gridShape = Json.positiveInts(Json.require(gconf, "chunk_shape", key), "chunk_grid chunk_shape", key);
        if (gridShape.length != shape.length) throw Json.bad(key, "chunk_grid chunk_shape", "rank " + shape.length, Arrays.toString(gridShape));
        Map<String, Object> kenc = Json.object(Json.require(m, "chunk_key_encoding", key), "chunk_key_encoding", key);
        String kname = Json.string(Json.require(kenc, "name", key), "chunk_key_encoding.name", key);
        if (!kname.equals("default") && !kname.equals("v2")) throw Json.bad(key, "chunk_key_encoding.name", "\"default\" or \"v2\"", kname);
        boolean v2Keys = kname.equals("v2");
        char sep = v2Keys ? '.' : '/';
        if (kenc.get("configuration") != null) {
            Map<String, Object> kc = Json.object(kenc.get("configuration"), "chunk_key_encoding.configuration", key);
            if (kc.containsKey("separator")) {
                String s = Json.string(kc.get("separator"), "chunk_key_encoding separator", key);
                if (!s.equals("/") && !s.equals(".")) throw Json.bad(key, "chunk_key_encoding separator", "\"/\" or \".\"", s);
                sep = s.charAt(0);
            }
        }
        Number fill = parseFill(Json.require(m, "fill_value", key), type, key);
        CodecPipeline p = parseV3Codecs(Json.list(Json.require(m, "codecs", key), "codecs", key), shape.length, type, key, false);
        Object st = m.get("storage_transformers");
        if (st != null && !Json.list(st, "storage_transformers", key).isEmpty()) {
            throw Json.bad(key, "storage_transformers", "none (not supported)", st);
        }
        for (Map.Entry<String, Object> en : m.entrySet()) {
            switch (en.getKey()) {
                case "zarr_format": case "node_type": case "shape": case "data_type": case "chunk_grid":
                case "chunk_key_encoding": case "fill_value": case "codecs": case "attributes": case "dimension_names":
                case "storage_transformers":
                    break;
                default:
                    if (!(en.getValue() instanceof Map) || !Boolean.FALSE.equals(((Map<?, ?>) en.getValue()).get("must_understand"))) {
                        throw Json.bad(key, "metadata key \"" + en.getKey() + "\"", "only known keys or extensions with must_understand=false", en.getValue());
                    }
            }
        }
        Map<String, Object> attrs = m.get("attributes") == null ? Collections.emptyMap() : Json.object(m.get("attributes"), "attributes", key);
        String[] dims = null;
        if (m.get("dimension_names") != null) {
            List<?> l = Json.list(m.get("dimension_names"), "dimension_names", key);
            if (l.size() != shape.length) throw Json.bad(key, "dimension_names", shape.length + " names", l);
            dims = new String[l.size()];
            for (int i = 0; i < dims.length; i++) {
                Object o = l.get(i);
                if (o != null && !(o instanceof String)) throw Json.bad(key, "dimension_names[" + i + "]", "a string or null", o);
                dims[i] = (String) o;
            }
        }
        int[] chunk = gridShape;
        int[] shard = null;
        if (p.sharding != null) {
            shard = gridShape;
            chunk = p.sharding.innerShape;
            if (chunk.length != shape.length) throw Json.bad(key, "sharding_indexed chunk_shape", "rank " + shape.length, Arrays.toString(chunk));
            for (int i = 0; i < chunk.length; i++) {
                if (shard[i] % chunk[i] != 0) {
                    throw Json.bad(key, "sharding_indexed chunk_shape", "a divisor of the shard shape " + Arrays.toString(shard), Arrays.toString(chunk));
                }
            }
        }
        long n = type.byteSize();
        for (int c : gridShape) {
            n *= c;
            if (n > Integer.MAX_VALUE - 64) throw Json.bad(key, "chunk_grid chunk_shape", "chunks below 2^31 bytes", Arrays.toString(gridShape));
        }
        try {
            return new ArrayMetadata(3, shape, type, chunk, shard, fill, dims, attrs, p, v2Keys, sep);
        } catch (IllegalArgumentException e) {
            throw new FormatException(DataException.describe(key, "invalid attributes (" + e.getMessage() + ")", null, null, null), e);
        }
    }

    private static CodecPipeline parseV3Codecs(List<?> codecs, int rank, DataType type, String key, boolean inner) throws FormatException {
        Boolean bigEndian = null;
        CodecPipeline.Sharding sharding = null;
        List<BytesCodec> bytes = new ArrayList<>();
        for (Object o : codecs) {
            Map<String, Object> c = Json.object(o, "codec", key);
            String name = Json.string(Json.require(c, "name", key), "codec name", key);
            Map<String, Object> conf = c.get("configuration") == null ? Collections.emptyMap()
                    : Json.object(c.get("configuration"), name + " configuration", key);
            boolean arrayToBytesSeen = bigEndian != null || sharding != null;
            switch (name) {
                case "bytes": {
                    if (arrayToBytesSeen) throw Json.bad(key, "codecs", "one array-to-bytes codec", "a second one: bytes");
                    Object e = conf.get("endian");
                    if (e == null) {
                        if (type.byteSize() > 1) throw Json.bad(key, "bytes codec endian", "\"little\" or \"big\"", null);
                        bigEndian = false;
                    } else if ("little".equals(e)) bigEndian = false;
                    else if ("big".equals(e)) bigEndian = true;
                    else throw Json.bad(key, "bytes codec endian", "\"little\" or \"big\"", e);
                    break;
                }
                case "sharding_indexed": {
                    if (arrayToBytesSeen) throw Json.bad(key, "codecs", "one array-to-bytes codec", "a second one: sharding_indexed");
                    if (inner) throw Json.bad(key, "codecs", "no nested sharding_indexed (not supported)", "sharding_indexed");
                    int[] innerShape = Json.positiveInts(Json.require(conf, "chunk_shape", key), "sharding_indexed chunk_shape", key);
                    CodecPipeline innerP = parseV3Codecs(Json.list(Json.require(conf, "codecs", key), "sharding_indexed codecs", key),
                            rank, type, key, true);
                    List<?> idx = Json.list(Json.require(conf, "index_codecs", key), "sharding_indexed index_codecs", key);
                    CodecPipeline idxP = parseV3Codecs(idx, 1, DataType.UINT64, key, true);
                    boolean crc = false;
                    for (BytesCodec b : idxP.bytesCodecs) {
                        if (b instanceof BytesCodec.Crc32cCodec && !crc) crc = true;
                        else throw Json.bad(key, "sharding_indexed index_codecs", "bytes and optionally crc32c (fixed size)", idx);
                    }
                    Object loc = conf.getOrDefault("index_location", "end");
                    if (!"end".equals(loc) && !"start".equals(loc)) throw Json.bad(key, "sharding_indexed index_location", "\"end\" or \"start\"", loc);
                    sharding = new CodecPipeline.Sharding(innerShape, innerP, idxP.bigEndian, crc, "end".equals(loc));
                    break;
                }
                case "zstd": {
                    if (!arrayToBytesSeen) throw Json.bad(key, "codecs", "zstd after the array-to-bytes codec", codecs);
                    int level = conf.get("level") == null ? 0 : (int) Json.integer(conf.get("level"), "zstd level", key);
                    boolean checksum = Boolean.TRUE.equals(conf.get("checksum"));
                    bytes.add(new BytesCodec.ZstdCodec(level, checksum));
                    break;
                }
                case "gzip": {
                    if (!arrayToBytesSeen) throw Json.bad(key, "codecs", "gzip after the array-to-bytes codec", codecs);
                    int level = conf.get("level") == null ? 6 : (int) Json.integer(conf.get("level"), "gzip level", key);
                    bytes.add(new BytesCodec.GzipCodec(level));
                    break;
                }
                case "crc32c":
                    if (!arrayToBytesSeen) throw Json.bad(key, "codecs", "crc32c after the array-to-bytes codec", codecs);
                    bytes.add(BytesCodec.Crc32cCodec.INSTANCE);
                    break;
                case "transpose":
                    throw new FormatException(DataException.describe(key, "unsupported codec \"transpose\"", "bytes, sharding_indexed, zstd, gzip, crc32c",
                            "transpose", "rewrite the array without transpose (C order)"));
                default:
                    throw new FormatException(DataException.describe(key, "unknown codec \"" + name + "\"",
                            "bytes, sharding_indexed, zstd, gzip, crc32c", name, null));
            }
        }
        if (bigEndian == null && sharding == null) throw Json.bad(key, "codecs", "an array-to-bytes codec (bytes or sharding_indexed)", codecs);
        return new CodecPipeline(bigEndian != null && bigEndian, bytes, sharding);
    }

    // ---- v2 JSON --------------------------------------------------------------------------------

    Map<String, Object> toV2Json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zarr_format", 2);
        m.put("shape", shape.clone());
        m.put("chunks", chunkShape.clone());
        m.put("dtype", pipeline.bigEndian && dataType.byteSize() > 1 ? ">" + dataType.v2Name().substring(1) : dataType.v2Name());
        List<BytesCodec> bc = pipeline.bytesCodecs;
        m.put("compressor", bc.isEmpty() ? null : bc.get(0).v2Json());
        m.put("fill_value", fillJson(fillValue, dataType));
        m.put("order", "C");
        m.put("filters", null);
        m.put("dimension_separator", String.valueOf(separator));
        return m;
    }

    Map<String, Object> v2Attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        if (dimensionNames != null) a.put("_ARRAY_DIMENSIONS", Arrays.asList(dimensionNames));
        a.putAll(attributes);
        return a;
    }

    static ArrayMetadata fromV2Json(Map<String, Object> m, Map<String, Object> attrs, String key) throws FormatException {
        long zf = Json.integer(Json.require(m, "zarr_format", key), "zarr_format", key);
        if (zf != 2) throw Json.bad(key, "zarr_format", "2", zf);
        long[] shape = Json.longs(Json.require(m, "shape", key), "shape", key);
        if (shape.length == 0) throw Json.bad(key, "shape", "rank >= 1 (rank-0 arrays are not supported)", "[]");
        int[] chunks = Json.positiveInts(Json.require(m, "chunks", key), "chunks", key);
        if (chunks.length != shape.length) throw Json.bad(key, "chunks", "rank " + shape.length, Arrays.toString(chunks));
        Object[] dt;
        Object dts = Json.require(m, "dtype", key);
        try {
            dt = DataType.fromV2Name(dts instanceof String ? (String) dts : String.valueOf(dts));
        } catch (FormatException e) {
            throw new FormatException(key + ": " + e.getMessage(), e);
        }
        DataType type = (DataType) dt[0];
        Object order = Json.require(m, "order", key);
        if (!"C".equals(order)) throw Json.bad(key, "order", "\"C\" (F order is not supported)", order);
        Object filters = m.get("filters");
        if (filters != null && !Json.list(filters, "filters", key).isEmpty()) throw Json.bad(key, "filters", "null (filters are not supported)", filters);
        Object comp = Json.require(m, "compressor", key);
        List<BytesCodec> codecs = new ArrayList<>();
        if (comp != null) {
            Map<String, Object> c = Json.object(comp, "compressor", key);
            String id = Json.string(Json.require(c, "id", key), "compressor id", key);
            Object lv = c.get("level");
            switch (id) {
                case "zstd": codecs.add(new BytesCodec.ZstdCodec(lv == null ? 1 : (int) Json.integer(lv, "zstd level", key), false)); break;
                case "gzip": codecs.add(new BytesCodec.GzipCodec(lv == null ? 1 : (int) Json.integer(lv, "gzip level", key))); break;
                case "zlib": codecs.add(new BytesCodec.ZlibCodec(lv == null ? 1 : (int) Json.integer(lv, "zlib level", key))); break;
                default:
                    throw new FormatException(DataException.describe(key, "unsupported compressor \"" + id + "\"", "zstd, gzip, zlib or null", id, null));
            }
        }
        Number fill = m.get("fill_value") == null ? normaliseFill(null, type) : parseFill(m.get("fill_value"), type, key);
        char sep = '.';
        if (m.get("dimension_separator") != null) {
            String s = Json.string(m.get("dimension_separator"), "dimension_separator", key);
            if (!s.equals("/") && !s.equals(".")) throw Json.bad(key, "dimension_separator", "\".\" or \"/\"", s);
            sep = s.charAt(0);
        }
        Map<String, Object> a = new LinkedHashMap<>(attrs == null ? Map.of() : attrs);
        String[] dims = null;
        Object ad = a.remove("_ARRAY_DIMENSIONS");
        if (ad instanceof List && ((List<?>) ad).size() == shape.length) {
            dims = new String[shape.length];
            for (int i = 0; i < dims.length; i++) dims[i] = String.valueOf(((List<?>) ad).get(i));
        } else if (ad != null) {
            a.put("_ARRAY_DIMENSIONS", ad);
        }
        long n = type.byteSize();
        for (int c : chunks) {
            n *= c;
            if (n > Integer.MAX_VALUE - 64) throw Json.bad(key, "chunks", "chunks below 2^31 bytes", Arrays.toString(chunks));
        }
        CodecPipeline p = new CodecPipeline((Boolean) dt[1], codecs, null);
        try {
            return new ArrayMetadata(2, shape, type, chunks, null, fill, dims, a, p, true, sep);
        } catch (IllegalArgumentException e) {
            throw new FormatException(DataException.describe(key, "invalid attributes (" + e.getMessage() + ")", null, null, null), e);
        }
    }
}
