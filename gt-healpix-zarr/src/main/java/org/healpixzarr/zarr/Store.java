package org.healpixzarr.zarr;

import java.io.IOException;
import java.util.List;

/**
 * A key/value store holding the objects of a Zarr hierarchy. Keys are {@code '/'}-separated
 * relative paths such as {@code "cell_ids/c/0"} or {@code "zarr.json"}: no leading or trailing
 * {@code '/'}, no empty, {@code "."} or {@code ".."} segments.
 *
 * <p>Implementations must be safe for concurrent use by several threads as long as no two
 * threads write the same key at the same time.
 */
public interface Store {
    /**
     * The whole value of a key.
     *
     * @return the bytes, or {@code null} if the key is absent
     */
    byte[] get(String key) throws IOException;

    /**
     * Part of a value. With {@code offset >= 0} returns at most {@code length} bytes starting at
     * {@code offset} (fewer if the object is shorter: callers detect truncation from the
     * length). With {@code offset < 0} returns the last {@code -offset} bytes (or the whole object
     * if it is shorter) and ignores {@code length}.
     *
     * @return the bytes, or {@code null} if the key is absent
     */
    byte[] getRange(String key, long offset, int length) throws IOException;

    /** Size of a value in bytes, or -1 if the key is absent. */
    long size(String key) throws IOException;

    /** Stores a value, replacing any previous one. */
    void set(String key, byte[] value) throws IOException;

    /** Removes a key; no effect if it is absent. */
    void delete(String key) throws IOException;

    /**
     * All keys starting with {@code prefix} (a plain string prefix; use a trailing {@code '/'}
     * to list a "directory"), sorted lexicographically. {@code ""} lists everything.
     */
    List<String> list(String prefix) throws IOException;
}
