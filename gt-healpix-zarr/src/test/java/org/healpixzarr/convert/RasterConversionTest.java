package org.healpixzarr.convert;

import static org.healpixzarr.testing.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import java.util.Map;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.DggsValidator;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.testing.Cli.Run;
import org.healpixzarr.testing.ExternalTools;
import org.healpixzarr.zarr.DataType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert raster} end to end on GeoTIFFs made here with GDAL's command-line tools, checked pixel by pixel by an
 * independent GDAL/PROJ + healpy + numpy oracle ({@code convert/check_raster_store.py}).
 */
class RasterConversionTest {
    @TempDir
    Path dir;

    static final long SEED = Long.getLong("test.seed", System.nanoTime());
    static final int W = 37, H = 23;

    @BeforeEach
    void tools() {
        ExternalTools.requireCommand("gdal_translate");
        ExternalTools.requireCommand("gdalbuildvrt");
        ExternalTools.requirePython("numpy", "healpy", "numcodecs", "osgeo.gdal");
    }

    /** An ESRI ASCII grid of random values, about one pixel in ten no-data (-9999). */
    Path asc(String name, Random r, boolean integers) throws Exception {
        StringBuilder b = new StringBuilder();
        b.append("ncols ").append(W).append("\nnrows ").append(H).append("\nxllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value -9999\n");
        for (int i = 0; i < H; i++) {
            for (int j = 0; j < W; j++) {
                if (r.nextInt(10) == 0) b.append("-9999");
                else if (integers) b.append(r.nextInt(3000));
                else b.append(String.format(Locale.ROOT, "%.6f", r.nextGaussian() * 100));
                b.append(j + 1 < W ? " " : "\n");
            }
        }
        Path p = dir.resolve(name);
        Files.writeString(p, b.toString());
        return p;
    }

    Path translate(Path in, String out, String type, String srs, double... ullr) throws Exception {
        Path o = dir.resolve(out);
        ExternalTools.runOk(List.of("gdal_translate", "-q", "-of", "GTiff", "-ot", type, "-a_srs", srs, "-a_ullr",
                String.valueOf(ullr[0]), String.valueOf(ullr[1]), String.valueOf(ullr[2]), String.valueOf(ullr[3]),
                in.toString(), o.toString()), Map.of());
        return o;
    }

    void oracle(Path store, Path tiff, int noData) throws Exception {
        Path script = Path.of(getClass().getResource("/convert/check_raster_store.py").toURI());
        String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, script.toString(), store.toString(), tiff.toString()), Map.of());
        assertTrue(out.startsWith("OK "), out);
        if (noData >= 0) assertTrue(out.trim().endsWith(" " + noData), out);
    }

    @Test
    void geographicFloatRasterEveryPixelInItsCell() throws Exception {
        Path tif = translate(asc("a.asc", new Random(SEED), false), "geo.tif", "Float32", "EPSG:4326", 10.0, 46.0, 10.037, 45.977);
        Path out = dir.resolve("geo.zarr");
        Run r = cli("convert", "raster", tif.toString(), "-o", out.toString(), "--no-stac");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pixels read " + (W * H)), r.out());
        oracle(out, tif, -1);
        assertTrue(DggsValidator.validate(out).valid(), DggsValidator.validate(out).problems().toString());
        try (DggsStore s = DggsStore.open(out)) {
            assertEquals(DataType.FLOAT32, s.variable("band_1").dataType());
            assertEquals(VariableKind.QUANTITY, s.variable("band_1").kind());
            assertEquals((long) W * H, ((Number) s.facts().get("pixels_read")).longValue());
            assertTrue(s.overviewDepths().length > 0, "written through DggsWriter: overviews");
            assertTrue(s.facts().get("crs") != null);
        }
    }

    @Test
    void utmTwoBandIntegerRasterWithADescription() throws Exception {
        Random rnd = new Random(SEED + 1);
        Path a = translate(asc("a.asc", rnd, true), "a.tif", "Int16", "EPSG:32632", 500000, 5000230, 500370, 5000000);
        Path b = translate(asc("b.asc", rnd, true), "b.tif", "Int16", "EPSG:32632", 500000, 5000230, 500370, 5000000);
        Path vrt = dir.resolve("ab.vrt");
        ExternalTools.runOk(List.of("gdalbuildvrt", "-q", "-separate", vrt.toString(), a.toString(), b.toString()), Map.of());
        Path tif = dir.resolve("utm.tif");
        ExternalTools.runOk(List.of("gdal_translate", "-q", "-of", "GTiff", vrt.toString(), tif.toString()), Map.of());
        ExternalTools.runOk(List.of(ExternalTools.PYTHON, "-c", "from osgeo import gdal; d = gdal.Open('" + tif
                + "', 1); d.GetRasterBand(1).SetDescription('elevation'); d = None"), Map.of());
        Path out = dir.resolve("utm.zarr");
        Run r = cli("convert", "raster", tif.toString(), "-o", out.toString(), "--no-stac", "-q");
        assertEquals(0, r.code(), r.err());
        oracle(out, tif, -1);
        try (DggsStore s = DggsStore.open(out)) {
            assertEquals(List.of("elevation", "band_2"), s.variables().stream().map(v -> v.name()).toList());
            assertEquals(DataType.INT16, s.variable("elevation").dataType());
            assertEquals(-9999, s.variable("band_2").fillValue().intValue());
            assertEquals(20, s.nativeDepth(), "10 m pixels");
        }
        assertTrue(DggsValidator.validate(out).valid());
    }

    @Test
    void webMercatorClassesAndSeveralFilesToAFolder() throws Exception {
        Random rnd = new Random(SEED + 2);
        Path m = translate(asc("m.asc", rnd, true), "merc.tif", "UInt16", "EPSG:3857", 1000000, 6000230, 1000370, 6000000);
        Path g = translate(asc("g.asc", rnd, true), "geo2.tif", "Int32", "EPSG:4326", -0.02, 0.01, 0.017, -0.013);
        Path out = dir.resolve("out");
        Run r = cli("convert", "raster", m.toString(), g.toString(), "--classes", "-o", out.toString(), "--no-stac", "-q");
        assertEquals(0, r.code(), r.err());
        oracle(out.resolve("merc.zarr"), m, -1);
        oracle(out.resolve("geo2.zarr"), g, -1);
        try (DggsStore s = DggsStore.open(out.resolve("merc.zarr"))) {
            assertEquals(VariableKind.CLASS, s.variable("band_1").kind());
            assertEquals(DataType.UINT16, s.variable("band_1").dataType());
        }
    }

    @Test
    void badInputsExitOneNamingTheFileAndLeaveNoStore() throws Exception {
        Path text = dir.resolve("notes.tif");
        Files.writeString(text, "not a raster\n");
        Path out = dir.resolve("x.zarr");
        Run r = cli("convert", "raster", text.toString(), "-o", out.toString(), "--no-stac");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("notes.tif"), r.err());
        assertFalse(Files.exists(out));

        Path plain = dir.resolve("plain.tif"); // pixel grid but no CRS
        ExternalTools.runOk(List.of("gdal_translate", "-q", "-of", "GTiff", asc("p.asc", new Random(SEED + 3), true).toString(),
                plain.toString()), Map.of());
        Run r2 = cli("convert", "raster", plain.toString(), "-o", out.toString(), "--no-stac");
        assertEquals(1, r2.code(), r2.err());
        assertTrue(r2.err().contains("plain.tif") && r2.err().contains("georeferencing"), r2.err());
        assertFalse(Files.exists(out));

        // a good file with a bad one: nothing is written
        Path good = translate(asc("q.asc", new Random(SEED + 4), true), "good.tif", "Int16", "EPSG:4326", 10, 46, 10.037, 45.977);
        Path folder = dir.resolve("folder");
        Run r3 = cli("convert", "raster", good.toString(), plain.toString(), "-o", folder.toString(), "--no-stac");
        assertEquals(1, r3.code());
        assertTrue(r3.err().contains("plain.tif"), r3.err());
        assertFalse(Files.exists(folder.resolve("good.zarr")));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary store left");
        }
    }
}
