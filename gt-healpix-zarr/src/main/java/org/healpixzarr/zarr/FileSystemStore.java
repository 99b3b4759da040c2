package org.healpixzarr.zarr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link Store} on a directory: key {@code "a/b/c"} is the file {@code root/a/b/c}.
 *
 * <p>{@link #set} writes to a hidden temporary file ({@code .<name>.~tmp<random>}) in the same
 * directory and renames it over the key, so a reader never sees a partly written object; such
 * temporary files are ignored by {@link #list}. Thread-safe for concurrent readers and writers of
 * different keys.
 */
public final class FileSystemStore implements Store {
    static final String TMP_MARK = ".~tmp";
    private final Path root;

    /** A store on {@code root}; the directory is created on the first write if absent. */
    public FileSystemStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The root directory. */
    public Path root() {
        return root;
    }

    Path file(String key) {
        checkKey(key);
        return root.resolve(key);
    }

    static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("invalid store key: \"" + key + "\"");
        }
        for (String s : key.split("/", -1)) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("invalid store key: \"" + key + "\"");
            }
        }
    }

    @Override
    public byte[] get(String key) throws IOException {
        Path f = file(key);
        try {
            return Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
        Path f = file(key);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long size = ch.size();
            long start;
            long n;
            if (offset < 0) {
                n = Math.min(-offset, size);
                start = size - n;
            } else {
                if (length < 0) throw new IllegalArgumentException("negative length " + length);
                start = Math.min(offset, size);
                n = Math.min(length, size - start);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) n);
            while (buf.hasRemaining()) {
                int r = ch.read(buf, start + buf.position());
                if (r < 0) break;
            }
            if (buf.hasRemaining()) {
                byte[] b = new byte[buf.position()];
                System.arraycopy(buf.array(), 0, b, 0, b.length);
                return b;
            }
            return buf.array();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public long size(String key) throws IOException {
        Path f = file(key);
        try {
            return Files.isRegularFile(f) ? Files.size(f) : -1;
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public void set(String key, byte[] value) throws IOException {
        Path f = file(key);
        Path dir = f.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + f.getFileName() + TMP_MARK + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.write(tmp, value);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Streams the value to a temporary file next to the key's, renamed into place on commit. */
    @Override
    public ValueWriter writer(String key) throws IOException {
        Path f = file(key);
        Path dir = f.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + f.getFileName() + TMP_MARK + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), 1 << 16);
        return new ValueWriter() {
            private long pos;
            private boolean open = true;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (!open) throw new IllegalStateException(key + ": writer closed");
                out.write(b, off, len);
                pos += len;
            }

            @Override
            public long position() {
                return pos;
            }

            @Override
            public void commit() throws IOException {
                if (!open) throw new IllegalStateException(key + ": writer closed");
                open = false;
                try {
                    out.close();
                    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }

            @Override
            public void close() throws IOException {
                if (!open) return;
                open = false;
                try {
                    out.close();
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        };
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(file(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        List<String> keys = new ArrayList<>();
        if (!Files.isDirectory(start)) return keys;
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!attrs.isRegularFile() || file.getFileName().toString().contains(TMP_MARK)) return FileVisitResult.CONTINUE;
                String key = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (key.startsWith(prefix)) keys.add(key);
                return FileVisitResult.CONTINUE;
            }
        });
        Collections.sort(keys);
        return keys;
    }

    /** Names of the direct sub-directories of a "directory" key prefix ({@code ""} = root), sorted. */
    List<String> childDirectories(String dirKey) throws IOException {
        Path dir = dirKey.isEmpty() ? root : file(dirKey);
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) return names;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) names.add(p.getFileName().toString());
            }
        }
        Collections.sort(names);
        return names;
    }

    @Override
    public String toString() {
        return "FileSystemStore[" + root + "]";
    }
}
