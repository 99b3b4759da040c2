package org.healpixzarr.zarr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/** JSON reading/writing of metadata documents and helpers for checked access. */
final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private Json() {}

    /** Pretty-printed UTF-8 JSON. */
    static byte[] write(Map<String, Object> doc) {
        try {
            return (MAPPER.writeValueAsString(doc) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata not serialisable as JSON: " + e.getMessage(), e);
        }
    }

    /** Parses a JSON object document. */
    static Map<String, Object> read(byte[] bytes, String key) throws FormatException {
        try {
            Map<String, Object> m = MAPPER.readValue(bytes, MAP);
            if (m == null) throw new FormatException(DataException.describe(key, "not a JSON object", "{...}", "null", null));
            return m;
        } catch (java.io.IOException e) {
            String msg = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
            throw new FormatException(DataException.describe(key, "invalid JSON (" + msg + ")",
                    "a JSON object", bytes.length + " bytes", "the metadata document is damaged"), e);
        }
    }

    /**
     * A deep, unmodifiable copy of an attribute value made of Map (String keys), List, arrays,
     * String, Number, Boolean and null.
     */
    static Object deepCopy(Object v, String path) {
        try {
            return copy(v);
        } catch (IllegalArgumentException e) {
            check(v, path); // throws the exception naming the element's path
            throw e;
        }
    }

    /** {@link #deepCopy} without the element paths (built only for an error message, by {@link #check}). */
    private static Object copy(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) return v;
        if (v instanceof Number) {
            if (v instanceof Integer || v instanceof Long || v instanceof Double || v instanceof Float
                    || v instanceof Short || v instanceof Byte || v instanceof BigInteger || v instanceof BigDecimal) return v;
            throw new IllegalArgumentException("unsupported number type " + v.getClass().getName());
        }
        if (v instanceof Map) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> en : ((Map<?, ?>) v).entrySet()) {
                if (!(en.getKey() instanceof String)) throw new IllegalArgumentException("non-string key " + en.getKey());
                m.put((String) en.getKey(), copy(en.getValue()));
            }
            return Collections.unmodifiableMap(m);
        }
        if (v instanceof List) {
            List<?> src = (List<?>) v;
            List<Object> l = new ArrayList<>(src.size());
            for (Object o : src) l.add(copy(o));
            return Collections.unmodifiableList(l);
        }
        if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            List<Object> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) l.add(copy(Array.get(v, i)));
            return Collections.unmodifiableList(l);
        }
        throw new IllegalArgumentException("unsupported type " + v.getClass().getName());
    }

    /** Throws the exception {@link #deepCopy} describes for the first unsupported element, naming its path. */
    private static void check(Object v, String path) {
        if (v == null || v instanceof String || v instanceof Boolean) return;
        if (v instanceof Number) {
            if (v instanceof Integer || v instanceof Long || v instanceof Double || v instanceof Float
                    || v instanceof Short || v instanceof Byte || v instanceof BigInteger || v instanceof BigDecimal) return;
            throw new IllegalArgumentException("attribute " + path + ": unsupported number type " + v.getClass().getName());
        }
        if (v instanceof Map) {
            for (Map.Entry<?, ?> en : ((Map<?, ?>) v).entrySet()) {
                if (!(en.getKey() instanceof String)) throw new IllegalArgumentException("attribute " + path + ": non-string key " + en.getKey());
                check(en.getValue(), path + "." + en.getKey());
            }
            return;
        }
        if (v instanceof List) {
            int i = 0;
            for (Object o : (List<?>) v) check(o, path + "[" + i++ + "]");
            return;
        }
        if (v.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(v); i++) check(Array.get(v, i), path + "[" + i + "]");
            return;
        }
        throw new IllegalArgumentException("attribute " + path + ": unsupported type " + v.getClass().getName()
                + " (use Map, List, String, Number, Boolean or null)");
    }

    /** A deep mutable copy (LinkedHashMap/ArrayList) of an attribute map, as handed to callers. */
    @SuppressWarnings("unchecked")
    static Object mutableCopy(Object v) {
        if (v instanceof Map) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, Object> en : ((Map<String, Object>) v).entrySet()) m.put(en.getKey(), mutableCopy(en.getValue()));
            return m;
        }
        if (v instanceof List) {
            List<Object> l = new ArrayList<>();
            for (Object o : (List<Object>) v) l.add(mutableCopy(o));
            return l;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> attributes(Map<String, Object> attrs) {
        return attrs == null ? Collections.emptyMap() : (Map<String, Object>) deepCopy(attrs, "");
    }

    // ---- checked access -------------------------------------------------------------------------

    static Object require(Map<String, Object> m, String name, String key) throws FormatException {
        if (!m.containsKey(name)) {
            throw new FormatException(DataException.describe(key, "required key \"" + name + "\" missing",
                    "\"" + name + "\"", "keys " + m.keySet(), "the metadata is not valid Zarr"));
        }
        return m.get(name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object v, String what, String key) throws FormatException {
        if (v instanceof Map) return (Map<String, Object>) v;
        throw bad(key, what, "a JSON object", v);
    }

    static List<?> list(Object v, String what, String key) throws FormatException {
        if (v instanceof List) return (List<?>) v;
        throw bad(key, what, "a JSON array", v);
    }

    static String string(Object v, String what, String key) throws FormatException {
        if (v instanceof String) return (String) v;
        throw bad(key, what, "a string", v);
    }

    static long integer(Object v, String what, String key) throws FormatException {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof BigInteger && ((BigInteger) v).bitLength() < 64) return ((BigInteger) v).longValue();
        throw bad(key, what, "an integer", v);
    }

    static long[] longs(Object v, String what, String key) throws FormatException {
        List<?> l = list(v, what, key);
        long[] r = new long[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = integer(l.get(i), what + "[" + i + "]", key);
            if (r[i] < 0) throw bad(key, what + "[" + i + "]", "a non-negative integer", l.get(i));
        }
        return r;
    }

    static int[] positiveInts(Object v, String what, String key) throws FormatException {
        long[] l = longs(v, what, key);
        int[] r = new int[l.length];
        for (int i = 0; i < r.length; i++) {
            if (l[i] < 1 || l[i] > Integer.MAX_VALUE) throw bad(key, what + "[" + i + "]", "an integer in 1..2^31-1", l[i]);
            r[i] = (int) l[i];
        }
        return r;
    }

    static FormatException bad(String key, String what, String expected, Object actual) {
        String a = actual instanceof String ? "\"" + actual + "\"" : String.valueOf(actual);
        return new FormatException(DataException.describe(key, "invalid " + what, expected, a, null));
    }
}
