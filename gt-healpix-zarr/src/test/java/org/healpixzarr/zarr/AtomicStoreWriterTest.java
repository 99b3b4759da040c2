package org.healpixzarr.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicStoreWriterTest {
    @TempDir
    Path dir;

    private List<String> siblings() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static void writeStore(Store s, int value) throws Exception {
        ZarrGroup.create(s, "", Map.of("v", value), 3);
        ZarrArray a = ZarrArray.create(s, "a", ArrayMetadata.builder(new long[] {4}, DataType.INT32).build());
        a.write(new long[] {0}, new int[] {4}, new int[] {value, value, value, value});
    }

    @Test
    void commitCreatesThenReplaces() throws Exception {
        Path target = dir.resolve("out.zarr");
        try (AtomicStoreWriter w = AtomicStoreWriter.begin(target)) {
            assertTrue(w.temporaryPath().getFileName().toString().startsWith(".out.zarr.tmp-"));
            writeStore(w.store(), 1);
            assertFalse(Files.exists(target), "nothing at the target before commit");
            w.commit();
        }
        assertEquals(List.of("out.zarr"), siblings());
        assertEquals(1, ZarrGroup.open(new FileSystemStore(target), "").attributes().get("v"));
        try (AtomicStoreWriter w = AtomicStoreWriter.begin(target)) {
            writeStore(w.store(), 2);
            // the target still holds the complete old store while the new one is written
            assertArrayEquals(new int[] {1, 1, 1, 1}, (int[]) ZarrArray.open(new FileSystemStore(target), "a").read(new long[] {0}, new int[] {4}));
            w.commit();
        }
        assertEquals(List.of("out.zarr"), siblings());
        assertArrayEquals(new int[] {2, 2, 2, 2}, (int[]) ZarrArray.open(new FileSystemStore(target), "a").read(new long[] {0}, new int[] {4}));
    }

    @Test
    void closeWithoutCommitLeavesNothing() throws Exception {
        Path target = dir.resolve("out.zarr");
        try (AtomicStoreWriter w = AtomicStoreWriter.begin(target)) {
            writeStore(w.store(), 1);
        }
        assertEquals(List.of(), siblings());
        // with an existing store: it stays as it was
        try (AtomicStoreWriter w = AtomicStoreWriter.begin(target)) {
            writeStore(w.store(), 1);
            w.commit();
        }
        try (AtomicStoreWriter w = AtomicStoreWriter.begin(target)) {
            writeStore(w.store(), 9);
            throw new IllegalStateException("simulated failure");
        } catch (IllegalStateException expected) {
            // fine
        }
        assertEquals(List.of("out.zarr"), siblings());
        assertEquals(1, ZarrGroup.open(new FileSystemStore(target), "").attributes().get("v"));
    }
}
