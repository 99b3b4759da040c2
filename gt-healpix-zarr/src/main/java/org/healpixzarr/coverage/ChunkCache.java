package org.healpixzarr.coverage;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used cache of decoded chunks bounded in bytes, shared by all samplers of the process (so a
 * server with many stores stays within one budget). Thread-safe; a chunk may be decoded twice by two threads that
 * miss at the same time (harmless: same content).
 */
final class ChunkCache {
    /** The shared instance; budget from system property {@code healpixzarr.chunkCacheMB} (default 256). */
    static final ChunkCache SHARED = new ChunkCache(Long.getLong("healpixzarr.chunkCacheMB", 256L) << 20);

    record Key(long level, String array, int chunk) {}

    private record Entry(Object value, long bytes) {}

    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<Key, Entry> map = new LinkedHashMap<>(256, 0.75f, true);

    ChunkCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized Object get(Key k) {
        Entry e = map.get(k);
        return e == null ? null : e.value;
    }

    synchronized void put(Key k, Object value, long size) {
        if (size > maxBytes) return;
        Entry old = map.put(k, new Entry(value, size));
        if (old != null) bytes -= old.bytes;
        bytes += size;
        for (Iterator<Map.Entry<Key, Entry>> it = map.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
            Map.Entry<Key, Entry> eldest = it.next();
            bytes -= eldest.getValue().bytes;
            it.remove();
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized void clear() {
        map.clear();
        bytes = 0;
    }
}
