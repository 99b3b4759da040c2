package org.healpixzarr.zarr;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;

/**
 * Writes a whole store under a temporary sibling directory and moves it into place on
 * {@link #commit}, so that the target path only ever holds a complete store.
 *
 * <p>Naming: for the target {@code /x/out.zarr} the temporary tree is
 * {@code /x/.out.zarr.tmp-<16 hex>}; when replacing an existing store, the old one is first
 * renamed to {@code /x/.out.zarr.old-<16 hex>}, the new one renamed to the target, then the old
 * one deleted. Renames are atomic within one file system.
 *
 * <p>What a crash (or kill) leaves:
 * <ul>
 *   <li>before commit, or during it before the final rename: the old store (if any) unchanged at
 *       the target, plus a leftover {@code .out.zarr.tmp-*} directory;</li>
 *   <li>between the two renames of a replacement (a window of two system calls): no store at the
 *       target, the complete old store at {@code .out.zarr.old-*} and the complete new store at
 *       {@code .out.zarr.tmp-*}; either can be renamed back by hand;</li>
 *   <li>after the final rename: the new store at the target, plus possibly a partly deleted
 *       {@code .out.zarr.old-*} directory.</li>
 * </ul>
 * Never a torn store under the target name. Leftover {@code .tmp-*}/{@code .old-*} siblings may
 * be deleted at any time when no writer runs.
 *
 * <p>Not thread-safe as an object (one thread commits or closes), though the {@link #store()} may
 * be written from several threads before commit.
 */
public final class AtomicStoreWriter implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path target;
    private final Path temp;
    private final FileSystemStore store;
    private boolean committed;
    private boolean closed;

    private AtomicStoreWriter(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
        this.store = new FileSystemStore(temp);
    }

    private static String suffix() {
        return String.format("%016x", RANDOM.nextLong());
    }

    /**
     * Starts writing a store that will replace {@code target} on commit. Creates the parent
     * directories and the empty temporary directory.
     */
    public static AtomicStoreWriter begin(Path target) throws IOException {
        Path t = target.toAbsolutePath().normalize();
        Path parent = t.getParent();
        if (parent == null || t.getFileName() == null) throw new IllegalArgumentException("invalid target " + target);
        Files.createDirectories(parent);
        Path temp = parent.resolve("." + t.getFileName() + ".tmp-" + suffix());
        Files.createDirectory(temp);
        return new AtomicStoreWriter(t, temp);
    }

    /** The store on the temporary directory. */
    public Store store() {
        return store;
    }

    /** The temporary directory. */
    public Path temporaryPath() {
        return temp;
    }

    /** The final location. */
    public Path target() {
        return target;
    }

    /**
     * Flushes the temporary tree to disk (best effort) and renames it to the target, replacing an
     * existing store or directory there.
     *
     * @throws IOException if the renames fail; the target then holds the old store (restored if
     *                     it had been moved aside) and the temporary tree is kept for inspection
     *                     until {@link #close}
     */
    public void commit() throws IOException {
        if (committed) return;
        if (closed) throw new IllegalStateException("already closed");
        syncTree(temp);
        Path parent = target.getParent();
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Path old = parent.resolve("." + target.getFileName() + ".old-" + suffix());
            move(target, old);
            try {
                move(temp, target);
            } catch (IOException e) {
                try {
                    move(old, target);
                } catch (IOException e2) {
                    e.addSuppressed(e2);
                }
                throw e;
            }
            committed = true;
            syncDir(parent);
            deleteTree(old);
        } else {
            move(temp, target);
            committed = true;
            syncDir(parent);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically (different file systems?)", e);
        }
    }

    /** Deletes the temporary tree unless committed. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        if (!committed) deleteTree(temp);
    }

    private static void syncTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                            ch.force(true);
                        } catch (IOException e) {
                            // best effort
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                    syncDir(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    private static void syncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // not supported on every platform: best effort
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public String toString() {
        return "AtomicStoreWriter[" + target + " via " + temp + (committed ? ", committed" : "") + "]";
    }
}
