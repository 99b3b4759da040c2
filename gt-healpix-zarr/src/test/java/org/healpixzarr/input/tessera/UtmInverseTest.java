package org.healpixzarr.input.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The own inverse transverse Mercator ({@link UtmInverse}) against two references over millions of pixel
 * centres of whole tiles: pyproj/PROJ (the generator's and the oracle's library; agreement within 1e-11 degree,
 * about 1 micrometre) and Apache SIS (within 2e-10 degree: SIS itself is up to 1.5e-10 degree, 17 micrometres,
 * from PROJ near the equator and in the southern hemisphere, where the own series agrees with PROJ to 1e-12).
 */
class UtmInverseTest {
    @TempDir
    Path dir;

    /** Fixed tiles (samples, equator on both sides, zone edges, 84 N / 80 S) and random ones. */
    static List<String> tiles() {
        List<String> t = new ArrayList<>(List.of("grid_-99.95_80.05", "grid_-2.95_51.95", "grid_147.25_-35.35", "grid_0.15_52.05",
                "grid_-179.95_-0.05", "grid_2.95_0.05", "grid_-177.05_83.95", "grid_177.05_-79.95", "grid_9.05_-0.05"));
        SplittableRandom rnd = new SplittableRandom(42);
        for (int k = 0; k < 8; k++) {
            int lon = rnd.nextInt(-1800, 1800), lat = rnd.nextInt(-800, 840);
            t.add(String.format(Locale.ROOT, "grid_%.2f_%.2f", lon / 10.0 + 0.05, lat / 10.0 + 0.05));
        }
        return t;
    }

    @Test
    void agreesWithSisOnWholeTiles() throws Exception {
        long points = 0;
        double maxLon = 0, maxLat = 0;
        for (String name : tiles()) {
            TileGrid g = TileGrid.of(TileName.parse(name));
            int rows = g.height(), cols = g.width(), n = rows * cols;
            double[] lon = new double[n], lat = new double[n], slon = new double[n], slat = new double[n], xy = new double[2 * n];
            g.lonLat(0, rows, 0, cols, lon, lat, xy);
            g.lonLatSis(0, rows, 0, cols, slon, slat, xy);
            for (int p = 0; p < n; p++) {
                double dl = Math.abs(lon[p] - slon[p]), dp = Math.abs(lat[p] - slat[p]);
                maxLon = Math.max(maxLon, dl);
                maxLat = Math.max(maxLat, dp);
                if (!(dl <= 2e-10 && dp <= 2e-10)) {
                    throw new AssertionError(name + " pixel " + p / cols + "," + p % cols + ": " + lon[p] + " " + lat[p]
                            + " vs SIS " + slon[p] + " " + slat[p]);
                }
            }
            points += n;
        }
        assertTrue(points > 10_000_000, points + " points");
        System.out.printf(Locale.ROOT, "UtmInverse vs SIS: %,d points, max |dlon| %.3g deg, max |dlat| %.3g deg%n", points, maxLon, maxLat);
    }

    /** Every 5th row of each tile, all columns, against pyproj (vectorised PROJ), within 1e-11 degree. */
    @Test
    void agreesWithPyprojWithinAMicrometre() throws Exception {
        ExternalTools.requirePython("numpy", "pyproj");
        List<String> tiles = tiles();
        Path bin = dir.resolve("ref.f64");
        String code = """
                import math, sys
                import numpy as np
                from pyproj import Transformer
                out = open(sys.argv[1], "wb")
                for name in sys.argv[2:]:
                    lon, lat = (float(v) for v in name[5:].split("_"))
                    zone = int(math.floor((lon + 180) / 6)) + 1
                    epsg = (32600 if lat >= 0 else 32700) + zone
                    tr = Transformer.from_crs(4326, epsg, always_xy=True)
                    (ul_e, ll_e, ur_e, lr_e), (ul_n, ll_n, ur_n, lr_n) = tr.transform(
                        [lon - .05, lon - .05, lon + .05, lon + .05], [lat + .05, lat - .05, lat + .05, lat - .05])
                    oe, on = min(ul_e, ll_e), max(ul_n, ur_n)
                    h, w = round((on - min(ll_n, lr_n)) / 10), round((max(ur_e, lr_e) - oe) / 10)
                    i, j = np.meshgrid(np.arange(0, h, 5), np.arange(w), indexing="ij")
                    x, y = Transformer.from_crs(epsg, 4326, always_xy=True).transform(oe + (j + 0.5) * 10, on - (i + 0.5) * 10)
                    out.write(np.stack([x.ravel(), y.ravel()], axis=1).astype("<f8").tobytes())
                """;
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.PYTHON, "-c", code, bin.toString()));
        cmd.addAll(tiles);
        ExternalTools.runOk(cmd, null);
        ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
        long points = 0;
        double max = 0;
        for (String name : tiles) {
            TileGrid g = TileGrid.of(TileName.parse(name));
            int cols = g.width();
            double[] lon = new double[cols], lat = new double[cols];
            for (int i = 0; i < g.height(); i += 5) {
                g.lonLat(i, 1, 0, cols, lon, lat, null);
                for (int j = 0; j < cols; j++) {
                    double x = ref.getDouble(), y = ref.getDouble();
                    double d = Math.max(Math.abs(x - lon[j]), Math.abs(y - lat[j]));
                    max = Math.max(max, d);
                    if (!(d <= 1e-11)) throw new AssertionError(name + " pixel " + i + "," + j + ": " + lon[j] + " " + lat[j] + " vs pyproj " + x + " " + y);
                    points++;
                }
            }
        }
        assertEquals(0, ref.remaining(), "pyproj gave the same pixels");
        assertTrue(points > 2_000_000, points + " points");
        System.out.printf(Locale.ROOT, "UtmInverse vs pyproj: %,d points, max difference %.3g deg%n", points, max);
    }

    /** A sub-grid gives the same values as the same pixels of the whole grid (blocks of rows, single pixels). */
    @Test
    void blocksAndPixelsEqualTheWholeGrid() throws Exception {
        TileGrid g = TileGrid.of(TileName.parse("grid_-99.95_80.05"));
        int rows = g.height(), cols = g.width();
        double[] lon = new double[rows * cols], lat = new double[rows * cols];
        g.lonLat(0, rows, 0, cols, lon, lat, null);
        double[] bl = new double[7 * 5], bt = new double[7 * 5];
        g.lonLat(300, 7, 100, 5, bl, bt, null);
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(Double.doubleToRawLongBits(lon[(300 + i) * cols + 100 + j]), Double.doubleToRawLongBits(bl[i * 5 + j]));
                assertEquals(Double.doubleToRawLongBits(lat[(300 + i) * cols + 100 + j]), Double.doubleToRawLongBits(bt[i * 5 + j]));
            }
        }
    }
}
