package org.healpixzarr.zarr;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Store} wrapper that counts requests, for tests and I/O diagnostics. A read is one
 * {@link #get} or {@link #getRange} call that found the key (absent keys count as reads with 0
 * bytes too); {@link #size} and {@link #list} are not counted. A write is one {@link #set}.
 * Thread-safe.
 */
public final class CountingStore implements Store {
    private final Store delegate;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final Map<String, Integer> byKey = new ConcurrentHashMap<>();

    /** Wraps {@code delegate}. */
    public CountingStore(Store delegate) {
        this.delegate = delegate;
    }

    private byte[] count(String key, byte[] b) {
        reads.incrementAndGet();
        if (b != null) bytesRead.addAndGet(b.length);
        byKey.merge(key, 1, Integer::sum);
        return b;
    }

    @Override
    public byte[] get(String key) throws IOException {
        return count(key, delegate.get(key));
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
        return count(key, delegate.getRange(key, offset, length));
    }

    @Override
    public long size(String key) throws IOException {
        return delegate.size(key);
    }

    @Override
    public void set(String key, byte[] value) throws IOException {
        writes.incrementAndGet();
        delegate.set(key, value);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    /** Number of get/getRange calls since creation or {@link #reset}. */
    public long reads() {
        return reads.get();
    }

    /** Total bytes returned by get/getRange. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Number of set calls. */
    public long writes() {
        return writes.get();
    }

    /** Read calls per key, a sorted snapshot. */
    public Map<String, Integer> readsByKey() {
        return new TreeMap<>(byKey);
    }

    /** Sets all counters to zero. */
    public void reset() {
        reads.set(0);
        bytesRead.set(0);
        writes.set(0);
        byKey.clear();
    }
}
