package org.healpixzarr.input.raster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The band descriptions GDAL writes into the GDAL_METADATA TIFF tag (42112) of the first image, which Apache SIS does
 * not expose: {@code <Item name="DESCRIPTION" sample="N" role="description">text</Item>}. Classic TIFF and BigTIFF;
 * anything unexpected gives no descriptions (the bands are then named {@code band_<n>}). Stateless.
 */
final class GdalMetadata {
    private static final int TAG = 42112;
    private static final Pattern ITEM = Pattern.compile(
            "<Item\\s+name=\"DESCRIPTION\"\\s+sample=\"(\\d+)\"\\s+role=\"description\"\\s*>([^<]*)</Item>");

    private GdalMetadata() {}

    /** Band index (0-based) → description. */
    static Map<Integer, String> bandDescriptions(Path tiff) {
        Map<Integer, String> out = new LinkedHashMap<>();
        String xml;
        try {
            xml = read(tiff);
        } catch (IOException | RuntimeException e) {
            return out;
        }
        if (xml == null) return out;
        Matcher m = ITEM.matcher(xml);
        while (m.find()) {
            String d = m.group(2).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&").trim();
            if (!d.isEmpty()) out.put(Integer.parseInt(m.group(1)), d);
        }
        return out;
    }

    private static String read(Path tiff) throws IOException {
        try (FileChannel ch = FileChannel.open(tiff, StandardOpenOption.READ)) {
            ByteBuffer h = read(ch, 0, 16);
            ByteOrder order = h.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            h.order(order);
            int magic = h.getShort(2) & 0xFFFF;
            boolean big = magic == 43;
            if (magic != 42 && !big) return null;
            long ifd = big ? h.getLong(8) : h.getInt(4) & 0xFFFFFFFFL;
            ByteBuffer c = read(ch, ifd, big ? 8 : 2).order(order);
            long count = big ? c.getLong(0) : c.getShort(0) & 0xFFFF;
            int entry = big ? 20 : 12;
            ByteBuffer es = read(ch, ifd + (big ? 8 : 2), (int) Math.min(count, 4096) * entry).order(order);
            for (int i = 0; i < Math.min(count, 4096); i++) {
                int p = i * entry;
                if ((es.getShort(p) & 0xFFFF) != TAG) continue;
                long n = big ? es.getLong(p + 4) : es.getInt(p + 4) & 0xFFFFFFFFL;
                if (n > (1 << 24)) return null;
                int inline = big ? 8 : 4;
                byte[] b = new byte[(int) n];
                if (n <= inline) {
                    es.get(p + (big ? 12 : 8), b);
                } else {
                    long off = big ? es.getLong(p + 12) : es.getInt(p + 8) & 0xFFFFFFFFL;
                    read(ch, off, (int) n).get(b);
                }
                return new String(b, StandardCharsets.UTF_8);
            }
            return null;
        }
    }

    private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) throw new IOException("truncated TIFF");
        }
        b.flip();
        return b;
    }
}
