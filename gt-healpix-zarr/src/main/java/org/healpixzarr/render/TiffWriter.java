package org.healpixzarr.render;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * A minimal GeoTIFF writer: float32 bands, planar (one plane per band), deflate-compressed strips, little-endian
 * classic TIFF 6.0, NaN declared as no-data (GDAL_NODATA), a north-up grid georeferenced by ModelPixelScale +
 * ModelTiepoint and a GeoKey directory naming an EPSG geographic or projected CRS. Strips are compressed as rows
 * are added, so memory holds the compressed file plus one block of rows. Not thread-safe.
 */
final class TiffWriter {
    /**
     * Georeferencing of a north-up grid.
     *
     * @param epsg       EPSG code of the CRS (4326, 3857, 326zz, 327zz, ...)
     * @param geographic whether the CRS is geographic (x = longitude, y = latitude, degrees) or projected (metres)
     * @param originX    x of the top-left corner of pixel (0, 0)
     * @param originY    y of that corner
     * @param pixelX     pixel width in CRS units, &gt; 0
     * @param pixelY     pixel height in CRS units, &gt; 0 (rows go south)
     */
    record GeoRef(int epsg, boolean geographic, double originX, double originY, double pixelX, double pixelY) {}

    private static final int NO_DATA_TAG = 42113;
    private final int width, height, bands, rowsPerStrip, stripsPerBand;
    private final GeoRef geo;
    private final byte[][][] strips;
    private final Deflater deflater = new Deflater(6);

    TiffWriter(int width, int height, int bands, GeoRef geo) {
        if (width < 1 || height < 1 || bands < 1) throw new IllegalArgumentException("empty image " + width + "x" + height + "x" + bands);
        this.width = width;
        this.height = height;
        this.bands = bands;
        this.geo = geo;
        this.rowsPerStrip = Math.max(1, Math.min(height, 65_536 / (4 * width)));
        this.stripsPerBand = (height + rowsPerStrip - 1) / rowsPerStrip;
        this.strips = new byte[bands][stripsPerBand][];
    }

    /** Rows per strip: blocks given to {@link #rows} must start at a multiple of it. */
    int rowsPerStrip() {
        return rowsPerStrip;
    }

    /**
     * Adds rows {@code [row0, row0 + n)} of one band, {@code n = values.length / width}; {@code row0} is a
     * multiple of {@link #rowsPerStrip()} and {@code n} too unless the block reaches the last row.
     */
    void rows(int band, int row0, float[] values) {
        int n = values.length / width;
        if (row0 % rowsPerStrip != 0 || values.length != n * width || (n % rowsPerStrip != 0 && row0 + n != height)) {
            throw new IllegalArgumentException("rows " + row0 + "+" + n + " not aligned to strips of " + rowsPerStrip);
        }
        ByteBuffer raw = ByteBuffer.allocate(rowsPerStrip * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < n; r += rowsPerStrip) {
            int rows = Math.min(rowsPerStrip, n - r);
            raw.clear();
            for (int k = r * width, end = (r + rows) * width; k < end; k++) raw.putFloat(values[k]);
            deflater.reset();
            deflater.setInput(raw.array(), 0, raw.position());
            deflater.finish();
            ByteArrayOutputStream z = new ByteArrayOutputStream(raw.position() / 4 + 64);
            byte[] buf = new byte[8192];
            while (!deflater.finished()) z.write(buf, 0, deflater.deflate(buf));
            strips[band][(row0 + r) / rowsPerStrip] = z.toByteArray();
        }
    }

    /**
     * Writes the file.
     *
     * @throws IllegalStateException if a strip is missing
     * @throws IOException if the file would exceed the 4 GiB of classic TIFF, or on a write error
     */
    void writeTo(OutputStream out) throws IOException {
        int nStrips = bands * stripsPerBand;
        List<Entry> tags = new ArrayList<>();
        tags.add(Entry.longs(256, width));
        tags.add(Entry.longs(257, height));
        tags.add(Entry.shorts(258, repeat(32, bands)));
        tags.add(Entry.shorts(259, 8)); // Adobe deflate
        tags.add(Entry.shorts(262, 1)); // BlackIsZero
        Entry offsets = Entry.longs(273, new long[nStrips]);
        tags.add(offsets);
        tags.add(Entry.shorts(277, bands));
        tags.add(Entry.longs(278, rowsPerStrip));
        long[] counts = new long[nStrips];
        long dataBytes = 0;
        for (int b = 0; b < bands; b++) {
            for (int s = 0; s < stripsPerBand; s++) {
                if (strips[b][s] == null) throw new IllegalStateException("band " + b + " strip " + s + " was not written");
                counts[b * stripsPerBand + s] = strips[b][s].length;
                dataBytes += strips[b][s].length;
            }
        }
        tags.add(Entry.longs(279, counts));
        tags.add(Entry.shorts(284, bands == 1 ? 1 : 2));
        if (bands > 1) tags.add(Entry.shorts(338, new int[bands - 1])); // extra samples: unspecified
        tags.add(Entry.shorts(339, repeat(3, bands))); // IEEE float
        tags.add(Entry.doubles(33550, geo.pixelX(), geo.pixelY(), 0));
        tags.add(Entry.doubles(33922, 0, 0, 0, geo.originX(), geo.originY(), 0));
        tags.add(Entry.shorts(34735, geoKeys()));
        tags.add(Entry.ascii(NO_DATA_TAG, "nan"));

        int ifdSize = 2 + 12 * tags.size() + 4;
        long extra = 0;
        for (Entry e : tags) if (e.bytes.length > 4) extra += e.bytes.length + (e.bytes.length & 1);
        long dataStart = 8 + ifdSize + extra;
        if (dataStart + dataBytes > 0xFFFF_FFFFL) {
            throw new IOException("GeoTIFF of " + (dataStart + dataBytes) + " bytes exceeds the 4 GiB of classic TIFF; "
                    + "request fewer pixels or bands");
        }
        long p = dataStart;
        long[] off = new long[nStrips];
        for (int i = 0; i < nStrips; i++) {
            off[i] = p;
            p += counts[i];
        }
        offsets.set(Entry.longs(273, off));

        ByteBuffer head = ByteBuffer.allocate((int) dataStart).order(ByteOrder.LITTLE_ENDIAN);
        head.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        head.putShort((short) tags.size());
        long at = 8 + ifdSize;
        List<byte[]> blobs = new ArrayList<>();
        for (Entry e : tags) {
            head.putShort((short) e.tag).putShort((short) e.type).putInt(e.count);
            if (e.bytes.length <= 4) {
                byte[] four = new byte[4];
                System.arraycopy(e.bytes, 0, four, 0, e.bytes.length);
                head.put(four);
            } else {
                head.putInt((int) at);
                blobs.add(e.bytes);
                at += e.bytes.length + (e.bytes.length & 1);
            }
        }
        head.putInt(0); // no next IFD
        for (byte[] b : blobs) {
            head.put(b);
            if ((b.length & 1) != 0) head.put((byte) 0);
        }
        out.write(head.array(), 0, head.position());
        for (int b = 0; b < bands; b++) for (int s = 0; s < stripsPerBand; s++) out.write(strips[b][s]);
        out.flush();
    }

    private int[] geoKeys() {
        List<int[]> keys = new ArrayList<>();
        keys.add(new int[] {1024, geo.geographic() ? 2 : 1}); // GTModelType
        keys.add(new int[] {1025, 1}); // GTRasterType: PixelIsArea
        if (geo.geographic()) {
            keys.add(new int[] {2048, geo.epsg()}); // GeographicType
            keys.add(new int[] {2054, 9102}); // GeogAngularUnits: degree
        } else {
            keys.add(new int[] {3072, geo.epsg()}); // ProjectedCSType
            keys.add(new int[] {3076, 9001}); // ProjLinearUnits: metre
        }
        int[] d = new int[4 + 4 * keys.size()];
        d[0] = 1;
        d[1] = 1;
        d[2] = 0;
        d[3] = keys.size();
        for (int i = 0; i < keys.size(); i++) {
            d[4 + 4 * i] = keys.get(i)[0];
            d[4 + 4 * i + 3] = keys.get(i)[1];
            d[4 + 4 * i + 2] = 1;
        }
        return d;
    }

    private static int[] repeat(int v, int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** One IFD entry with its value bytes (little-endian). */
    private static final class Entry {
        int tag, type, count;
        byte[] bytes;

        private Entry(int tag, int type, int count, byte[] bytes) {
            this.tag = tag;
            this.type = type;
            this.count = count;
            this.bytes = bytes;
        }

        void set(Entry e) {
            this.bytes = e.bytes;
        }

        static Entry shorts(int tag, int... v) {
            ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int x : v) b.putShort((short) x);
            return new Entry(tag, 3, v.length, b.array());
        }

        static Entry longs(int tag, long... v) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long x : v) b.putInt((int) x);
            return new Entry(tag, 4, v.length, b.array());
        }

        static Entry doubles(int tag, double... v) {
            ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double x : v) b.putDouble(x);
            return new Entry(tag, 12, v.length, b.array());
        }

        static Entry ascii(int tag, String s) {
            byte[] a = (s + "\0").getBytes(StandardCharsets.US_ASCII);
            return new Entry(tag, 2, a.length, a);
        }
    }
}
