package org.healpixzarr.input.earthcare;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/**
 * One open product: its parsed name and its HDF5 file, read from {@code <stem>.h5} or from the
 * {@code <stem>.h5} entry at the root of {@code <stem>.ZIP}.
 *
 * <p>A ZIP entry that is stored (not deflated), as in ESA's distribution and the fixtures, is memory-mapped
 * in place (no copy); a deflated entry is inflated into memory. Not thread-safe; close it.
 */
final class ProductFile implements AutoCloseable {
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    final Path path;
    final EarthCareProductName name;
    final MsiProductType type;
    final HdfFile hdf;
    /** How to name the file in messages: the path, plus {@code !entry} for a ZIP. */
    final String where;
    /** Whether the HDF5 bytes of a ZIP entry were inflated into memory (false for .h5 and mapped stored entries). */
    final boolean inflated;

    private ProductFile(Path path, EarthCareProductName name, MsiProductType type, HdfFile hdf, String where, boolean inflated) {
        this.inflated = inflated;
        this.path = path;
        this.name = name;
        this.type = type;
        this.hdf = hdf;
        this.where = where;
    }

    static ProductFile open(Path path) throws IOException, DataException {
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString());
        EarthCareProductName name = EarthCareProductName.parse(path.getFileName().toString());
        MsiProductType type = EarthCareInputs.typeOf(path, name);
        String lower = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".h5")) {
            checkSignature(path.toString(), readHead(path));
            return new ProductFile(path, name, type, wrapOpen(path.toString(), () -> new HdfFile(path)), path.toString(), false);
        } else if (lower.endsWith(".zip")) {
            return openZip(path, name, type);
        }
        throw new FormatException(DataException.describe(path.toString(), "not an EarthCARE product data file",
                "<stem>.h5 or <stem>.ZIP", path.getFileName(), null));
    }

    private static ProductFile openZip(Path path, EarthCareProductName name, MsiProductType type) throws IOException, DataException {
        ZipEntry entry;
        String where;
        try (ZipFile zip = new ZipFile(path.toFile())) {
            entry = findH5(zip, path, name);
            where = path + "!" + entry.getName();
            if (entry.getMethod() == ZipEntry.STORED) {
                ByteBuffer mapped = mapStored(path, entry);
                if (mapped != null) {
                    checkSignature(where, mapped.duplicate());
                    return new ProductFile(path, name, type, wrapOpen(where, () -> HdfFile.fromByteBuffer(mapped)), where, false);
                }
            }
            long size = entry.getSize();
            if (size > Integer.MAX_VALUE - 16) {
                throw new FormatException(DataException.describe(where, "compressed HDF5 entry too large to inflate in memory",
                        "at most 2 GiB", size + " bytes", "unzip the product and give the .h5"));
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(entry)) {
                bytes = in.readAllBytes();
            } catch (ZipException e) {
                throw new CorruptDataException(DataException.describe(where, "cannot inflate the ZIP entry", null, e.getMessage(),
                        "the ZIP is damaged or truncated: download it again"), e);
            }
            if (size >= 0 && bytes.length != size) {
                throw new CorruptDataException(DataException.describe(where, "ZIP entry has the wrong length", size + " bytes",
                        bytes.length + " bytes", "the ZIP is damaged or truncated: download it again"));
            }
            checkSignature(where, ByteBuffer.wrap(bytes));
            return new ProductFile(path, name, type, wrapOpen(where, () -> HdfFile.fromBytes(bytes)), where, true);
        } catch (ZipException e) {
            throw new CorruptDataException(DataException.describe(path.toString(), "not a readable ZIP archive", "a ZIP holding "
                    + name.stem() + ".h5", e.getMessage(), "the ZIP is damaged or truncated: download it again"), e);
        }
    }

    private static ZipEntry findH5(ZipFile zip, Path path, EarthCareProductName name) throws FormatException {
        List<String> entries = new ArrayList<>();
        ZipEntry single = null;
        int h5AtRoot = 0;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            entries.add(e.getName());
            if (e.isDirectory() || e.getName().contains("/")) continue;
            String lower = e.getName().toLowerCase(Locale.ROOT);
            if (lower.equals(name.stem().toLowerCase(Locale.ROOT) + ".h5")) return e;
            if (lower.endsWith(".h5")) {
                single = e;
                h5AtRoot++;
            }
        }
        if (h5AtRoot == 1) return single;
        throw new FormatException(DataException.describe(path.toString(), "no HDF5 file at the root of the ZIP",
                name.stem() + ".h5", entries.isEmpty() ? "an empty archive" : String.join(", ", entries), null));
    }

    /**
     * Maps the data of a stored entry by reading the ZIP's central directory for the entry's local header.
     * Returns null when the layout is not the simple one (ZIP64, entry not found): the caller then copies.
     */
    private static ByteBuffer mapStored(Path path, ZipEntry entry) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            int tail = (int) Math.min(fileSize, 22 + 65535);
            ByteBuffer end = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, end, fileSize - tail);
            int eocd = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (end.getInt(i) == 0x06054b50) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) return null;
            long cdSize = end.getInt(eocd + 12) & 0xffffffffL;
            long cdOffset = end.getInt(eocd + 16) & 0xffffffffL;
            if (cdOffset == 0xffffffffL || cdSize == 0xffffffffL || cdOffset + cdSize > fileSize) return null;
            ByteBuffer cd = ByteBuffer.allocate((int) cdSize).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, cd, cdOffset);
            byte[] wanted = entry.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int p = 0;
            while (p + 46 <= cdSize && cd.getInt(p) == 0x02014b50) {
                int method = cd.getShort(p + 10) & 0xffff;
                long compressed = cd.getInt(p + 20) & 0xffffffffL;
                int nameLen = cd.getShort(p + 28) & 0xffff;
                int extraLen = cd.getShort(p + 30) & 0xffff;
                int commentLen = cd.getShort(p + 32) & 0xffff;
                long local = cd.getInt(p + 42) & 0xffffffffL;
                byte[] n = new byte[nameLen];
                cd.get(p + 46, n);
                if (java.util.Arrays.equals(n, wanted)) {
                    if (method != 0 || compressed == 0xffffffffL || local == 0xffffffffL) return null;
                    ByteBuffer lh = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
                    readFully(ch, lh, local);
                    if (lh.getInt(0) != 0x04034b50) return null;
                    long data = local + 30 + (lh.getShort(26) & 0xffff) + (lh.getShort(28) & 0xffff);
                    if (data + compressed > fileSize || compressed != entry.getSize()) return null;
                    return ch.map(FileChannel.MapMode.READ_ONLY, data, compressed);
                }
                p += 46 + nameLen + extraLen + commentLen;
            }
            return null;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, position + b.position());
            if (n < 0) throw new java.io.EOFException("unexpected end of file at " + (position + b.position()));
        }
        b.flip();
    }

    private static ByteBuffer readHead(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            int n = (int) Math.min(ch.size(), 8);
            ByteBuffer b = ByteBuffer.allocate(n);
            readFully(ch, b, 0);
            return b;
        }
    }

    /** HDF5 files start with the signature (files with a user block are not produced for EarthCARE). */
    private static void checkSignature(String where, ByteBuffer head) throws FormatException {
        boolean ok = head.remaining() >= 8;
        for (int i = 0; ok && i < 8; i++) ok = head.get(head.position() + i) == HDF5_SIGNATURE[i];
        if (!ok) {
            throw new FormatException(DataException.describe(where, "not an HDF5 file", "the HDF5 signature \\211HDF\\r\\n\\032\\n",
                    head.remaining() < 8 ? head.remaining() + " bytes" : "other bytes",
                    "EarthCARE MSI Level-2A products are HDF5 (netCDF-4) files; the file may be damaged"));
        }
    }

    interface Opener {
        HdfFile open();
    }

    private static HdfFile wrapOpen(String where, Opener opener) throws CorruptDataException {
        try {
            return opener.open();
        } catch (RuntimeException e) {
            throw new CorruptDataException(DataException.describe(where, "cannot open the HDF5 file", "a readable HDF5 superblock",
                    e.toString(), "the file is damaged or truncated: download it again"), e);
        }
    }

    @Override
    public void close() {
        try {
            hdf.close();
        } catch (RuntimeException ignored) {
            // closing a damaged file must not hide the original problem
        }
    }
}
