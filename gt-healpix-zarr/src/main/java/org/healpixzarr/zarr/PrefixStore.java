package org.healpixzarr.zarr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A view of the keys of another store below a prefix, so that a sub-group (e.g. {@code overviews/12}) can be
 * opened as a hierarchy of its own. Thread-safety is that of the underlying store.
 */
public final class PrefixStore implements Store {
    private final Store base;
    private final String prefix;

    /**
     * @param base   the whole store
     * @param folder the sub-group's path, e.g. {@code "overviews/12"} (no leading or trailing '/')
     */
    public PrefixStore(Store base, String folder) {
        this.base = Objects.requireNonNull(base);
        if (folder.isEmpty() || folder.startsWith("/") || folder.endsWith("/")) {
            throw new IllegalArgumentException("folder must be a relative path without leading or trailing '/': " + folder);
        }
        this.prefix = folder + "/";
    }

    @Override
    public byte[] get(String key) throws IOException {
        return base.get(prefix + key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
        return base.getRange(prefix + key, offset, length);
    }

    @Override
    public long size(String key) throws IOException {
        return base.size(prefix + key);
    }

    @Override
    public void set(String key, byte[] value) throws IOException {
        base.set(prefix + key, value);
    }

    @Override
    public void delete(String key) throws IOException {
        base.delete(prefix + key);
    }

    @Override
    public List<String> list(String p) throws IOException {
        List<String> all = base.list(prefix + p);
        List<String> out = new ArrayList<>(all.size());
        for (String k : all) out.add(k.substring(prefix.length()));
        return out;
    }

    @Override
    public ValueWriter writer(String key) throws IOException {
        return base.writer(prefix + key);
    }
}
