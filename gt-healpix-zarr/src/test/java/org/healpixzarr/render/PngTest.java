package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PNG encoder: every pixel decodes back to its ARGB exactly, through ImageIO and through GDAL (two independent
 * decoders), in each of the three colour types it writes; the file structure (chunk order, lengths, CRCs) is
 * checked byte by byte.
 */
class PngTest {
    @TempDir
    Path dir;

    /** An image and the colour type it must be written with. */
    record Case(String name, int[] argb, int w, int h, int colourType) {}

    /** Random images of every kind, from a logged seed. */
    static List<Case> cases(long seed) {
        System.out.println("PngTest seed " + seed);
        Random rnd = new Random(seed);
        List<Case> out = new ArrayList<>();
        int[][] sizes = {{1, 1}, {256, 256}, {37, 5}, {3, 200}, {301, 17}};
        for (int[] s : sizes) {
            int w = s[0], h = s[1], n = w * h;
            // a map: runs of a few colours of a ramp, transparent where there is no data
            out.add(new Case("map " + w + "x" + h, map(rnd, n, 12, true), w, h, 3));
            // 256 colours exactly, with translucent and transparent entries (different RGB under alpha 0)
            java.util.Set<Integer> distinct = new java.util.LinkedHashSet<>(List.of(0, 0x100, 0x200));
            while (distinct.size() < 10) distinct.add(rnd.nextInt(255) << 24 | rnd.nextInt(1 << 24));
            while (distinct.size() < 256) distinct.add(rnd.nextInt() | 0xFF000000);
            int[] pal = distinct.stream().mapToInt(Integer::intValue).toArray();
            int[] p256 = new int[n];
            for (int i = 0; i < n; i++) p256[i] = pal[i < 256 ? i : rnd.nextInt(256)];
            if (n >= 256) out.add(new Case("256 colours " + w + "x" + h, p256, w, h, 3));
            // one colour too many for a palette: RGBA
            if (n > 256) {
                int[] p257 = p256.clone();
                p257[n - 1] = 0xFF123457 ^ pal[255];
                boolean fresh = true;
                for (int c : pal) fresh &= c != p257[n - 1];
                if (fresh) out.add(new Case("257 colours " + w + "x" + h, p257, w, h, 6));
            }
            // noise: opaque (RGB) and with alpha (RGBA); a single colour
            int[] opaque = new int[n], any = new int[n];
            for (int i = 0; i < n; i++) {
                opaque[i] = rnd.nextInt() | 0xFF000000;
                any[i] = rnd.nextInt();
            }
            out.add(new Case("opaque noise " + w + "x" + h, opaque, w, h, n > 256 ? 2 : 3));
            out.add(new Case("noise " + w + "x" + h, any, w, h, n > 256 ? 6 : 3));
            int[] one = new int[n];
            java.util.Arrays.fill(one, 0x80FF0000);
            out.add(new Case("one colour " + w + "x" + h, one, w, h, 3));
        }
        // the whole 257-colour ramp of a map drawn with a colour map, opaque except no-data
        int w = 257, h = 40;
        int[] ramp = new int[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) ramp[y * w + x] = x == 256 ? 0 : 0xFF000000 | x * 0x010101;
        out.add(new Case("grey ramp and no-data", ramp, w, h, 6));
        return out;
    }

    /** Runs of colours from a small ramp, a third transparent. */
    static int[] map(Random rnd, int n, int colours, boolean transparent) {
        int[] out = new int[n];
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || rnd.nextInt(8) == 0) {
                c = transparent && rnd.nextInt(3) == 0 ? 0 : 0xFF000000 | (rnd.nextInt(colours) * 0x151515 & 0xFFFFFF);
            }
            out[i] = c;
        }
        return out;
    }

    static BufferedImage argbImage(int[] argb, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, w, h, argb, 0, w);
        return img;
    }

    static int[] decode(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(img, "ImageIO cannot read it");
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    /** The chunks in order, after checking the signature, each length and CRC; IHDR's fields checked too. */
    static List<String> chunks(byte[] png, int w, int h, int colourType) {
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, java.util.Arrays.copyOf(png, 8));
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        List<String> types = new ArrayList<>();
        while (b.hasRemaining()) {
            int len = b.getInt();
            assertTrue(len >= 0 && b.remaining() >= len + 8, "chunk length " + len);
            String type = new String(png, b.position(), 4, StandardCharsets.US_ASCII);
            CRC32 crc = new CRC32();
            crc.update(png, b.position(), len + 4);
            if (type.equals("IHDR")) {
                ByteBuffer d = ByteBuffer.wrap(png, b.position() + 4, len);
                assertEquals(13, len);
                assertEquals(w, d.getInt());
                assertEquals(h, d.getInt());
                assertEquals(8, d.get(), "bit depth");
                assertEquals(colourType, d.get(), "colour type");
                assertEquals(0, d.get() | d.get() | d.get(), "compression, filter, interlace");
            }
            b.position(b.position() + 4 + len);
            assertEquals((int) crc.getValue(), b.getInt(), type + " CRC");
            types.add(type);
        }
        return types;
    }

    @Test
    void everyPixelDecodesBackExactly() throws Exception {
        long seed = System.nanoTime();
        for (Case c : cases(seed)) {
            for (int level : new int[] {Png.LEVEL, 0, 9}) {
                byte[] png = Png.encode(c.argb(), 0, c.w(), c.w(), c.h(), level);
                List<String> types = chunks(png, c.w(), c.h(), c.colourType());
                boolean translucent = false;
                for (int p : c.argb()) translucent |= p >>> 24 != 0xFF;
                List<String> expected = new ArrayList<>(List.of("IHDR"));
                if (c.colourType() == 3) expected.add("PLTE");
                if (c.colourType() == 3 && translucent) expected.add("tRNS");
                expected.addAll(List.of("IDAT", "IEND"));
                assertEquals(expected, types, c.name() + " (seed " + seed + ")");
                assertArrayEquals(c.argb(), decode(png), c.name() + " at level " + level + " (seed " + seed + ")");
            }
            assertArrayEquals(c.argb(), decode(Png.encode(argbImage(c.argb(), c.w(), c.h()))), c.name() + " from an image");
        }
    }

    @Test
    void readsRowsWithOffsetAndStride() throws Exception {
        int w = 20, h = 7, scan = 29, offset = 11;
        int[] big = new int[offset + scan * h];
        Random rnd = new Random(3);
        for (int i = 0; i < big.length; i++) big[i] = rnd.nextInt(4) == 0 ? 0 : 0xFF000000 | rnd.nextInt(5) * 0x303030;
        int[] expected = new int[w * h];
        for (int y = 0; y < h; y++) System.arraycopy(big, offset + y * scan, expected, y * w, w);
        assertArrayEquals(expected, decode(Png.encode(big, offset, scan, w, h, Png.LEVEL)));
    }

    @Test
    void otherImageTypesAndSubImagesGoThroughGetRgb() throws Exception {
        BufferedImage rgb = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        BufferedImage grey = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage argb = new BufferedImage(60, 50, BufferedImage.TYPE_INT_ARGB);
        for (BufferedImage img : List.of(rgb, grey, argb)) {
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(200, 30, 90, 255));
            g.fillOval(3, 4, 30, 20);
            g.setColor(new Color(10, 130, 250, 120));
            g.drawString("PNG", 5, 25);
            g.dispose();
        }
        BufferedImage sub = argb.getSubimage(7, 9, 31, 22); // shares the parent's raster: not read in place
        for (BufferedImage img : List.of(rgb, grey, argb, sub)) {
            int[] want = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
            assertArrayEquals(want, decode(Png.encode(img)), "type " + img.getType());
        }
    }

    @Test
    void rendererImagesAreReadInPlace() throws Exception {
        int[] px = map(new Random(8), 64 * 48, 30, true);
        BufferedImage img = Renderer.image(px, 64, 48);
        assertEquals(BufferedImage.TYPE_INT_ARGB, img.getType());
        assertArrayEquals(px, img.getRGB(0, 0, 64, 48, null, 0, 64), "the image shows the painted pixels");
        px[5] = 0xFF00FF00; // no copy: the image is the array
        assertEquals(0xFF00FF00, img.getRGB(5, 0));
        assertArrayEquals(px, decode(Png.encode(img)));
    }

    @Test
    void refusesAnEmptyImage() {
        assertThrows(IllegalArgumentException.class, () -> Png.encode(new int[0], 0, 0, 0, 1, Png.LEVEL));
    }

    /**
     * GDAL's PNG driver (libpng) reads each colour type to the same pixels: the palette expanded to RGBA, RGB and
     * RGBA as they are, written out raw (ENVI, band-sequential) and compared byte by byte (except the colour of
     * fully transparent palette entries, which GDAL replaces by its no-data 0,0,0,0).
     */
    @Test
    void gdalReadsTheSamePixels() throws Exception {
        ExternalTools.requireCommand("gdal_translate");
        long seed = System.nanoTime();
        int k = 0;
        for (Case c : cases(seed)) {
            if (c.w() * c.h() < 100) continue;
            Path png = Files.write(dir.resolve("c" + k + ".png"), Png.encode(c.argb(), 0, c.w(), c.w(), c.h(), Png.LEVEL));
            Path raw = dir.resolve("c" + k++ + ".raw");
            List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BSQ"));
            if (c.colourType() == 3) cmd.addAll(List.of("-expand", "rgba"));
            cmd.addAll(List.of(png.toString(), raw.toString()));
            ExternalTools.runOk(cmd, java.util.Map.of());
            int bands = c.colourType() == 2 ? 3 : 4;
            byte[] got = Files.readAllBytes(raw);
            int n = c.w() * c.h();
            assertEquals(n * bands, got.length, c.name());
            for (int i = 0; i < n; i++) {
                int p = c.argb()[i];
                int[] want = {p >>> 16 & 0xFF, p >>> 8 & 0xFF, p & 0xFF, p >>> 24};
                // GDAL makes a fully transparent palette entry the band's no-data value, expanded as 0,0,0,0:
                // the colour under alpha 0 is not compared for palettes
                for (int b = c.colourType() == 3 && p >>> 24 == 0 ? 3 : 0; b < bands; b++) {
                    int v = got[b * n + i] & 0xFF;
                    if (v != want[b]) {
                        throw new AssertionError(c.name() + " (seed " + seed + "): pixel " + i + " band " + b + " is " + v + ", expected " + want[b]);
                    }
                }
            }
        }
        assertTrue(k > 10, "cases run: " + k);
    }
}
