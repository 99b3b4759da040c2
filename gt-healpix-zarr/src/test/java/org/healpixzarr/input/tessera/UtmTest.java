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
import java.util.Map;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.healpixzarr.testing.ExternalTools;
import org.opengis.referencing.crs.ProjectedCRS;
import org.opengis.referencing.operation.MathTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The own inverse transverse Mercator ({@link Utm}) against two references over millions of pixel
 * centres of whole tiles: pyproj/PROJ (the generator's and the oracle's library; agreement within 1e-11 degree,
 * about 1 micrometre) and Apache SIS (within 2e-10 degree: SIS itself is up to 1.5e-10 degree, 17 micrometres,
 * from PROJ near the equator and in the southern hemisphere, where the own series agrees with PROJ to 1e-12).
 */
class UtmTest {
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

    /** Apache SIS's inverse UTM of all pixel centres of {@code g}. */
    static void sis(TileGrid g, int rows, int cols, double[] lon, double[] lat, double[] xy) throws Exception {
        ProjectedCRS utm = CommonCRS.WGS84.universal(g.north() ? 1 : -1, -183 + 6 * g.zone());
        MathTransform toGeo = CRS.findOperation(utm, CommonCRS.WGS84.normalizedGeographic(), null).getMathTransform();
        int n = rows * cols, k = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                xy[k++] = g.originE() + (j + 0.5) * TileGrid.PIXEL;
                xy[k++] = g.originN() - (i + 0.5) * TileGrid.PIXEL;
            }
        }
        toGeo.transform(xy, 0, xy, 0, n);
        for (int p = 0; p < n; p++) {
            lon[p] = xy[2 * p];
            lat[p] = xy[2 * p + 1];
        }
    }

    /** The forward projection (tile corners) against SIS on random points of every zone, within 10 micrometres. */
    @Test
    void forwardAgreesWithSis() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        double max = 0;
        for (int k = 0; k < 20_000; k++) {
            int zone = rnd.nextInt(1, 61);
            boolean north = rnd.nextBoolean();
            double lon = -183 + 6 * zone + rnd.nextDouble(-3.5, 3.5), lat = (north ? 1 : -1) * rnd.nextDouble(0, 84.5);
            Utm u = new Utm(zone, north);
            ProjectedCRS utm = CommonCRS.WGS84.universal(north ? 1 : -1, -183 + 6 * zone);
            MathTransform fwd = CRS.findOperation(CommonCRS.WGS84.normalizedGeographic(), utm, null).getMathTransform();
            double[] p = {lon, lat};
            fwd.transform(p, 0, p, 0, 1);
            double[] q = u.forward(lon, lat);
            double d = Math.max(Math.abs(p[0] - q[0]), Math.abs(p[1] - q[1]));
            max = Math.max(max, d);
            if (!(d <= 1e-5)) throw new AssertionError("zone " + zone + " " + lon + " " + lat + ": " + q[0] + " " + q[1] + " vs SIS " + p[0] + " " + p[1]);
        }
        System.out.printf(Locale.ROOT, "Utm.forward vs SIS: max difference %.3g m%n", max);
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
            sis(g, rows, cols, slon, slat, xy);
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
        System.out.printf(Locale.ROOT, "Utm vs SIS: %,d points, max |dlon| %.3g deg, max |dlat| %.3g deg%n", points, maxLon, maxLat);
    }

    /** Tile grids (origin within 1 micrometre, H x W) and every 5th row of pixel centres against pyproj (PROJ), within 1e-11 degree. */
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
                    out.write(np.array([oe, on, h, w], dtype="<f8").tobytes())
                    i, j = np.meshgrid(np.arange(0, h, 5), np.arange(w), indexing="ij")
                    x, y = Transformer.from_crs(epsg, 4326, always_xy=True).transform(oe + (j + 0.5) * 10, on - (i + 0.5) * 10)
                    out.write(np.stack([x.ravel(), y.ravel()], axis=1).astype("<f8").tobytes())
                """;
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.PYTHON, "-c", code, bin.toString()));
        cmd.addAll(tiles);
        ExternalTools.runOk(cmd, Map.of());
        ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
        long points = 0;
        double max = 0;
        for (String name : tiles) {
            TileGrid g = TileGrid.of(TileName.parse(name));
            int cols = g.width();
            assertEquals(ref.getDouble(), g.originE(), 1e-6, name);
            assertEquals(ref.getDouble(), g.originN(), 1e-6, name);
            assertEquals(ref.getDouble(), g.height(), name);
            assertEquals(ref.getDouble(), g.width(), name);
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
        System.out.printf(Locale.ROOT, "Utm vs pyproj: %,d points, max difference %.3g deg%n", points, max);
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
