package org.healpixzarr.input.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;

/** The tile grid against the generator's own numbers (pyproj) and the landmask georeferencing (GDAL). */
class TileGridTest {
    static Path samples() throws Exception {
        return Path.of(TileGridTest.class.getResource("/tessera").toURI());
    }

    static final String[] TILES = {"grid_-2.95_51.95", "grid_-99.95_80.05", "grid_0.15_52.05", "grid_147.25_-35.35"};

    @Test
    void originAndZoneMatchTheLandmaskGeoreferencing() throws Exception {
        int[] epsg = {32630, 32614, 32631, 32755};
        for (int k = 0; k < TILES.length; k++) {
            TileGrid g = TileGrid.of(TileName.parse(TILES[k]));
            assertEquals(epsg[k], g.epsg(), TILES[k]);
            Landmask m = Landmask.read(samples().resolve("global_0.1_degree_tiff_all").resolve(TILES[k] + ".tiff"));
            assertEquals(m.tiepointX(), g.originE(), 1e-6, TILES[k]);
            assertEquals(m.tiepointY(), g.originN(), 1e-6, TILES[k]);
            assertEquals(48, m.width());
            assertEquals(64, m.height());
        }
        TileGrid arctic = TileGrid.of(TileName.parse("grid_-99.95_80.05"));
        assertEquals(211, arctic.width()); // README: 211 columns at 80 N
        assertTrue(arctic.height() >= 1110 && arctic.height() <= 1140, "H " + arctic.height());
    }

    /** SIS's UTM inverse agrees with pyproj to < 1e-9 degree, and the full-tile H x W with the generator's. */
    @Test
    void pixelCentresAgreeWithPyproj() throws Exception {
        ExternalTools.requirePython("numpy", "pyproj");
        String code = """
                import math
                from pyproj import Transformer
                def grid(lon, lat):
                    zone = int(math.floor((lon + 180) / 6)) + 1
                    epsg = (32600 if lat >= 0 else 32700) + zone
                    tr = Transformer.from_crs(4326, epsg, always_xy=True)
                    (ul_e, ll_e, ur_e, lr_e), (ul_n, ll_n, ur_n, lr_n) = tr.transform(
                        [lon - .05, lon - .05, lon + .05, lon + .05], [lat + .05, lat - .05, lat + .05, lat - .05])
                    oe, on = min(ul_e, ll_e), max(ul_n, ur_n)
                    return epsg, oe, on, round((on - min(ll_n, lr_n)) / 10), round((max(ur_e, lr_e) - oe) / 10)
                for lon, lat in [(-2.95, 51.95), (-99.95, 80.05), (0.15, 52.05), (147.25, -35.35), (5.05, 60.05), (-179.95, -0.05)]:
                    epsg, oe, on, h, w = grid(lon, lat)
                    back = Transformer.from_crs(epsg, 4326, always_xy=True)
                    print("G %.2f %.2f %d %d %.9f %.9f" % (lon, lat, h, w, oe, on))
                    for i, j in [(0, 0), (h // 2, w // 2), (h - 1, w - 1), (7, w - 3), (h - 5, 2)]:
                        x, y = back.transform(oe + (j + 0.5) * 10, on - (i + 0.5) * 10)
                        print("P %d %d %.15f %.15f" % (i, j, x, y))
                """;
        String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, "-c", code), Map.of());
        TileGrid g = null;
        int checked = 0;
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("G")) {
                g = TileGrid.of(TileName.parse(String.format(Locale.ROOT, "grid_%s_%s", f[1], f[2])));
                assertEquals(Integer.parseInt(f[3]), g.height(), line);
                assertEquals(Integer.parseInt(f[4]), g.width(), line);
                assertEquals(Double.parseDouble(f[5]), g.originE(), 1e-6, line);
                assertEquals(Double.parseDouble(f[6]), g.originN(), 1e-6, line);
            } else if (f[0].equals("P")) {
                double[] lon = new double[1], lat = new double[1], xy = new double[2];
                g.lonLat(Integer.parseInt(f[1]), 1, Integer.parseInt(f[2]), 1, lon, lat, xy);
                assertEquals(Double.parseDouble(f[3]), lon[0], 1e-9, line);
                assertEquals(Double.parseDouble(f[4]), lat[0], 1e-9, line);
                checked++;
            }
        }
        assertEquals(30, checked);
    }
}
