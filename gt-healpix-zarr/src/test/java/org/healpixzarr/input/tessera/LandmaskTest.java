package org.healpixzarr.input.tessera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.healpixzarr.CorruptDataException;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The landmask GeoTIFF reader against GDAL as the writer: every layout GDAL makes for a uint8 band (strips of one
 * or many rows, tiles with partial edge tiles, no compression, deflate, deflate with the horizontal predictor)
 * decodes to the values written; other compressions and truncated data are clear errors.
 */
class LandmaskTest {
    static final long SEED = Long.getLong("test.seed", System.nanoTime());
    static final int W = 301, H = 157;

    @TempDir
    Path dir;

    /** Writes {@code values} (W x H) with GDAL and these creation options; returns the file. */
    Path gdal(byte[] values, String name, String... options) throws Exception {
        Path raw = dir.resolve(name + ".bin"), tif = dir.resolve(name + ".tif");
        Files.write(raw, values);
        String py = "import sys, numpy as np\nfrom osgeo import gdal\n"
                + "a = np.fromfile(sys.argv[1], dtype=np.uint8).reshape(" + H + ", " + W + ")\n"
                + "d = gdal.GetDriverByName('GTiff').Create(sys.argv[2], " + W + ", " + H + ", 1, gdal.GDT_Byte, sys.argv[3:])\n"
                + "d.SetGeoTransform((500000.0, 10.0, 0.0, 5800000.0, 0.0, -10.0))\n"
                + "d.GetRasterBand(1).WriteArray(a)\nd = None\n";
        List<String> cmd = new java.util.ArrayList<>(List.of(ExternalTools.PYTHON, "-c", py, raw.toString(), tif.toString()));
        cmd.addAll(List.of(options));
        ExternalTools.runOk(cmd, Map.of());
        return tif;
    }

    static byte[] mask(Random r) {
        byte[] v = new byte[W * H];
        for (int i = 0; i < v.length; i++) v[i] = (byte) (r.nextInt(7) == 0 ? 0 : 1); // runs of land, some water
        for (int i = 0; i < W; i++) v[i] = 0; // a first row of water
        return v;
    }

    @Test
    void everyGdalLayoutDecodesToTheValuesWritten() throws Exception {
        ExternalTools.requirePython("numpy", "osgeo.gdal");
        System.out.println("LandmaskTest seed " + SEED + " (-Dtest.seed to replay)");
        byte[] v = mask(new Random(SEED));
        List<List<String>> layouts = List.of(
                List.of("COMPRESS=NONE"),
                List.of("COMPRESS=NONE", "BLOCKYSIZE=1"),
                List.of("COMPRESS=DEFLATE"),
                List.of("COMPRESS=DEFLATE", "BLOCKYSIZE=5"),
                List.of("COMPRESS=DEFLATE", "PREDICTOR=2", "BLOCKYSIZE=7"),
                List.of("TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=32"),
                List.of("TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=32", "COMPRESS=DEFLATE", "PREDICTOR=2"));
        int k = 0;
        for (List<String> options : layouts) {
            Path tif = gdal(v, "m" + k++, options.toArray(String[]::new));
            Landmask m = Landmask.read(tif);
            assertEquals(W, m.width(), options.toString());
            assertEquals(H, m.height(), options.toString());
            assertArrayEquals(v, m.values(), options + ", seed " + SEED);
            assertEquals(500000.0, m.tiepointX(), options.toString());
            assertEquals(5800000.0, m.tiepointY(), options.toString());
        }
    }

    @Test
    void otherCompressionsAndTruncatedDataAreClearErrors() throws Exception {
        ExternalTools.requirePython("numpy", "osgeo.gdal");
        byte[] v = mask(new Random(SEED + 1));
        Path lzw = gdal(v, "lzw", "COMPRESS=LZW");
        FormatException f = assertThrows(FormatException.class, () -> Landmask.read(lzw));
        assertTrue(f.getMessage().contains("lzw.tif") && f.getMessage().contains("deflate"), f.getMessage());
        // the strips of a deflate file cut short (the directory, written first by GDAL, still names them)
        Path deflate = gdal(v, "deflate", "COMPRESS=DEFLATE", "BLOCKYSIZE=16");
        byte[] all = Files.readAllBytes(deflate);
        Path cut = dir.resolve("cut.tif");
        Files.write(cut, Arrays.copyOf(all, all.length - 200));
        DataException e = assertThrows(DataException.class, () -> Landmask.read(cut));
        assertTrue(e instanceof CorruptDataException, e.getClass() + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("cut.tif"), e.getMessage());
    }
}
