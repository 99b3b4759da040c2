package org.healpixzarr.input.tessera;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;

/**
 * A NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0), C order, with its header checked strictly:
 * the magic, the version, the dtype, {@code fortran_order False}, the rank and the file length. Reads rows of
 * the first axis by positional reads, so a large array is never held whole.
 */
public final class NpyFile implements AutoCloseable {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final Path path;
    private final String descr;
    private final long[] shape;
    private final long dataOffset;
    private final int itemSize;
    private final FileChannel channel;

    private NpyFile(Path path, String descr, long[] shape, long dataOffset, int itemSize, FileChannel channel) {
        this.path = path;
        this.descr = descr;
        this.shape = shape;
        this.dataOffset = dataOffset;
        this.itemSize = itemSize;
        this.channel = channel;
    }

    /**
     * Opens {@code path} and checks that it holds a C-order array of dtype {@code descr} ({@code "|i1"},
     * {@code "<f4"}) and rank {@code rank}, and that the file has exactly the bytes the header announces.
     *
     * @throws FormatException       if the header is not the expected one (the message names the file, expected vs
     *                               found)
     * @throws CorruptDataException  if the file is shorter or longer than its header says
     */
    public static NpyFile open(Path path, String descr, int rank) throws IOException, DataException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        boolean ok = false;
        try {
            NpyFile f = parse(path, ch, descr, rank);
            ok = true;
            return f;
        } finally {
            if (!ok) ch.close();
        }
    }

    private static NpyFile parse(Path path, FileChannel ch, String wantDescr, int rank) throws IOException, DataException {
        String where = path.toString();
        long size = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        while (pre.hasRemaining() && ch.read(pre, pre.position()) > 0) { /* read fully */ }
        pre.flip();
        byte[] magic = new byte[Math.min(6, pre.remaining())];
        pre.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new FormatException(DataException.describe(where, "not a NumPy .npy file (bad magic)",
                    "\\x93NUMPY", printable(magic), "give the .npy files written by numpy.save"));
        }
        if (pre.remaining() < 4) throw new FormatException(DataException.describe(where, "truncated .npy header", null, null, null));
        int major = pre.get() & 0xff, minor = pre.get() & 0xff;
        long headerLen;
        int prefix;
        if (major == 1) {
            headerLen = pre.getShort() & 0xffff;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            if (pre.remaining() < 4) throw new FormatException(DataException.describe(where, "truncated .npy header", null, null, null));
            headerLen = pre.getInt() & 0xffffffffL;
            prefix = 12;
        } else {
            throw new FormatException(DataException.describe(where, "unsupported .npy format version", "1.0, 2.0 or 3.0",
                    major + "." + minor, null));
        }
        if (minor != 0) {
            throw new FormatException(DataException.describe(where, "unsupported .npy format version", "1.0, 2.0 or 3.0",
                    major + "." + minor, null));
        }
        if (prefix + headerLen > size || headerLen > 1 << 20) {
            throw new FormatException(DataException.describe(where, "truncated .npy header",
                    (prefix + headerLen) + " header bytes", size + " bytes in the file", null));
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        while (hb.hasRemaining() && ch.read(hb, prefix + hb.position()) > 0) { /* read fully */ }
        String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
        Matcher d = DESCR.matcher(header), fo = FORTRAN.matcher(header), sh = SHAPE.matcher(header);
        if (!header.startsWith("{") || !header.endsWith("}") || !d.find() || !fo.find() || !sh.find()) {
            throw new FormatException(DataException.describe(where, "malformed .npy header",
                    "{'descr': ..., 'fortran_order': ..., 'shape': (...), }", header, null));
        }
        String descr = d.group(1);
        if (!descr.equals(wantDescr)) {
            throw new FormatException(DataException.describe(where, "wrong dtype", "'" + wantDescr + "'", "'" + descr + "'",
                    "TESSERA embeddings are int8 ('|i1'), scales little-endian float32 ('<f4')"));
        }
        if (!fo.group(1).equals("False")) {
            throw new FormatException(DataException.describe(where, "array in Fortran order", "fortran_order False",
                    "fortran_order True", "save the array in C order (numpy.ascontiguousarray)"));
        }
        String[] dims = sh.group(1).trim().isEmpty() ? new String[0] : sh.group(1).split(",");
        long[] shape = new long[rank];
        int n = 0;
        for (String s : dims) {
            s = s.trim();
            if (s.isEmpty()) continue; // trailing comma of a 1-tuple
            if (!s.matches("[0-9]{1,10}")) {
                throw new FormatException(DataException.describe(where, "malformed shape in .npy header", "non-negative integers",
                        "(" + sh.group(1) + ")", null));
            }
            if (n < rank) shape[n] = Long.parseLong(s);
            n++;
        }
        if (n != rank) {
            throw new FormatException(DataException.describe(where, "wrong number of dimensions", rank, n + " (shape ("
                    + sh.group(1).trim() + "))", null));
        }
        int item = descr.endsWith("1") ? 1 : descr.endsWith("2") ? 2 : descr.endsWith("4") ? 4 : 8;
        long count = 1;
        for (long s : shape) count = Math.multiplyExact(count, s);
        long offset = prefix + headerLen;
        long expected = offset + count * item;
        if (size != expected) {
            throw new CorruptDataException(DataException.describe(where, size < expected ? "truncated .npy file" : ".npy file longer than its header says",
                    expected + " bytes for shape " + Arrays.toString(shape), size + " bytes", null));
        }
        return new NpyFile(path, descr, shape, offset, item, ch);
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(x >= 32 && x < 127 ? Character.toString(x) : String.format("\\x%02x", x & 0xff));
        return s.toString();
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** The dtype string of the header, e.g. {@code "|i1"}. */
    public String descr() {
        return descr;
    }

    /** The shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** Elements per index of the first axis. */
    private long rowElements() {
        long e = 1;
        for (int i = 1; i < shape.length; i++) e *= shape[i];
        return e;
    }

    /** Reads the raw bytes of rows {@code [row, row + rows)} of the first axis into {@code dst[0..)}. */
    public void readRows(long row, int rows, byte[] dst) throws IOException, DataException {
        long bytes = rows * rowElements() * itemSize;
        if (bytes > dst.length) throw new IllegalArgumentException("buffer too small: " + dst.length + " < " + bytes);
        ByteBuffer b = ByteBuffer.wrap(dst, 0, (int) bytes);
        long pos = dataOffset + row * rowElements() * itemSize;
        while (b.hasRemaining()) {
            int r = channel.read(b, pos + b.position());
            if (r < 0) throw new CorruptDataException(DataException.describe(path.toString(), "file shrank while reading", null, null, null));
        }
    }

    /** Reads rows {@code [row, row + rows)} of a {@code <f4} array into {@code dst[0..)}. */
    public void readFloatRows(long row, int rows, float[] dst, byte[] scratch) throws IOException, DataException {
        int n = (int) (rows * rowElements());
        readRows(row, rows, scratch);
        ByteBuffer.wrap(scratch, 0, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, 0, n);
    }

    /**
     * Copies {@code len} raw bytes starting at byte {@code offset} of the data (after the header) into
     * {@code dst[off..)} by one positional read: for small reads scattered over the file (sampling). (A memory
     * map would stay mapped, its pages counted in the process's resident memory, until the collector frees it.)
     */
    public void readAt(long offset, byte[] dst, int off, int len) throws IOException, DataException {
        ByteBuffer b = ByteBuffer.wrap(dst, off, len);
        long pos = dataOffset + offset;
        while (b.hasRemaining()) {
            int r = channel.read(b, pos + b.position() - off);
            if (r < 0) throw new CorruptDataException(DataException.describe(path.toString(), "file shrank while reading", null, null, null));
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
