package org.healpixzarr.zarr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/**
 * A Zarr group (v3 {@code zarr.json} with node_type "group", or v2 {@code .zgroup} +
 * {@code .zattrs}). Immutable apart from {@link #setAttributes}; thread-safe for reading.
 */
public final class ZarrGroup {
    private final Store store;
    private final String path;
    private final int zarrFormat;
    private volatile Map<String, Object> attributes;

    private ZarrGroup(Store store, String path, int zarrFormat, Map<String, Object> attributes) {
        this.store = store;
        this.path = path;
        this.zarrFormat = zarrFormat;
        this.attributes = Json.attributes(attributes);
    }

    /**
     * Creates (or overwrites the metadata of) a group.
     *
     * @param path       "" for the root, else e.g. {@code "overviews/12"}
     * @param attributes user attributes (may be null)
     * @param zarrFormat 3 or 2
     */
    public static ZarrGroup create(Store store, String path, Map<String, Object> attributes, int zarrFormat) throws IOException {
        if (zarrFormat != 2 && zarrFormat != 3) throw new IllegalArgumentException("zarrFormat must be 2 or 3, not " + zarrFormat);
        ZarrGroup g = new ZarrGroup(store, ZarrArray.checkPath(path), zarrFormat, attributes);
        g.writeMetadata(g.attributes);
        return g;
    }

    /** Opens a group, v3 or else v2. */
    public static ZarrGroup open(Store store, String path) throws IOException, DataException {
        ZarrArray.checkPath(path);
        String k3 = ZarrArray.key(path, "zarr.json");
        byte[] b = store.get(k3);
        if (b != null) {
            Map<String, Object> m = Json.read(b, k3);
            long zf = Json.integer(Json.require(m, "zarr_format", k3), "zarr_format", k3);
            if (zf != 3) throw Json.bad(k3, "zarr_format", "3", zf);
            Object nt = Json.require(m, "node_type", k3);
            if (!"group".equals(nt)) throw Json.bad(k3, "node_type", "\"group\"", nt);
            Object a = m.get("attributes");
            return new ZarrGroup(store, path, 3, a == null ? null : Json.object(a, "attributes", k3));
        }
        String k2 = ZarrArray.key(path, ".zgroup");
        b = store.get(k2);
        if (b != null) {
            Map<String, Object> m = Json.read(b, k2);
            long zf = Json.integer(Json.require(m, "zarr_format", k2), "zarr_format", k2);
            if (zf != 2) throw Json.bad(k2, "zarr_format", "2", zf);
            String ka = ZarrArray.key(path, ".zattrs");
            byte[] at = store.get(ka);
            return new ZarrGroup(store, path, 2, at == null ? null : Json.read(at, ka));
        }
        throw new FormatException(DataException.describe(path.isEmpty() ? "/" : path, "no Zarr group", "zarr.json or .zgroup", "neither",
                "check the path and that the store was committed"));
    }

    private void writeMetadata(Map<String, Object> attrs) throws IOException {
        if (zarrFormat == 3) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("zarr_format", 3);
            m.put("node_type", "group");
            m.put("attributes", attrs);
            store.set(ZarrArray.key(path, "zarr.json"), Json.write(m));
        } else {
            store.set(ZarrArray.key(path, ".zgroup"), Json.write(Map.of("zarr_format", 2)));
            store.set(ZarrArray.key(path, ".zattrs"), Json.write(attrs));
        }
    }

    /** User attributes, a deep mutable copy. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> attributes() {
        return (Map<String, Object>) Json.mutableCopy(attributes);
    }

    /** The path ("" = root). */
    public String path() {
        return path;
    }

    /** 2 or 3. */
    public int zarrFormat() {
        return zarrFormat;
    }

    /** Replaces the attributes and rewrites the metadata. */
    public void setAttributes(Map<String, Object> attributes) throws IOException {
        Map<String, Object> a = Json.attributes(attributes);
        writeMetadata(a);
        this.attributes = a;
    }

    /** Names of the direct child arrays, sorted. */
    public List<String> childArrays() throws IOException {
        return children(zarrFormat == 3 ? "array" : ".zarray");
    }

    /** Names of the direct child groups, sorted. */
    public List<String> childGroups() throws IOException {
        return children(zarrFormat == 3 ? "group" : ".zgroup");
    }

    private List<String> children(String kind) throws IOException {
        String prefix = path.isEmpty() ? "" : path + "/";
        TreeSet<String> candidates = new TreeSet<>();
        if (store instanceof FileSystemStore) {
            candidates.addAll(((FileSystemStore) store).childDirectories(path));
        } else {
            for (String k : store.list(prefix)) {
                String rest = k.substring(prefix.length());
                int slash = rest.indexOf('/');
                if (slash > 0) candidates.add(rest.substring(0, slash));
            }
        }
        List<String> out = new ArrayList<>();
        for (String name : candidates) {
            if (zarrFormat == 3) {
                byte[] b = store.get(prefix + name + "/zarr.json");
                if (b == null) continue;
                try {
                    Map<String, Object> m = Json.read(b, prefix + name + "/zarr.json");
                    if (kind.equals(m.get("node_type"))) out.add(name);
                } catch (FormatException e) {
                    // not a valid node: not a child
                }
            } else if (store.size(prefix + name + "/" + kind) >= 0) {
                out.add(name);
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        return "ZarrGroup[" + (path.isEmpty() ? "/" : path) + " v" + zarrFormat + "]";
    }
}
