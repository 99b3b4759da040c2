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

    /**
     * A value written in consecutive parts: it replaces the key's value when {@link ValueWriter#commit()} is
     * called, and is discarded if the writer is closed without a commit, so a reader never sees a partial value.
     * The default buffers the parts in memory and calls {@link #set} on commit; stores that can stream (the file
     * system) override it so that memory does not grow with the value.
     */
    default ValueWriter writer(String key) throws IOException {
        Store self = this;
        return new ValueWriter() {
            private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            private boolean done;

            @Override
            public void write(byte[] b, int off, int len) {
                if (done) throw new IllegalStateException(key + ": writer closed");
                buf.write(b, off, len);
            }

            @Override
            public long position() {
                return buf.size();
            }

            @Override
            public void commit() throws IOException {
                if (done) throw new IllegalStateException(key + ": writer closed");
                done = true;
                self.set(key, buf.toByteArray());
            }

            @Override
            public void close() {
                done = true;
            }
        };
    }

    /** See {@link Store#writer}. Not thread-safe. */
    interface ValueWriter extends AutoCloseable {
        /** Appends bytes. */
        void write(byte[] b, int off, int len) throws IOException;

        /** Bytes written so far. */
        long position();

        /** Makes the value visible under its key; the writer is then closed. */
        void commit() throws IOException;

        /** Discards the value unless committed. */
        @Override
        void close() throws IOException;
    }
}
