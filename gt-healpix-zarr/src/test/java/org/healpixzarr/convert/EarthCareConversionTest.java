package org.healpixzarr.convert;

import static org.healpixzarr.testing.Cli.cli;
import org.healpixzarr.testing.Cli.Run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.healpixzarr.cli.Main;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.DggsValidator;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.input.Swath;
import org.healpixzarr.input.SwathVariable;
import org.healpixzarr.input.earthcare.EarthCareInputs;
import org.healpixzarr.input.earthcare.MsiFrameReader;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job, end to end through the CLI, checked pixel by pixel in Java and by an independent Python oracle. */
class EarthCareConversionTest {
    @TempDir
    Path dir;

    static Path samples() throws URISyntaxException {
        return Path.of(EarthCareConversionTest.class.getResource("/earthcare").toURI());
    }

    /** Copies the .h5 of one frame (or unzips the .ZIP products) into a folder of its own. */
    Path frameFolder(String frame) throws Exception {
        Path f = Files.createDirectories(dir.resolve("in-" + frame));
        try (Stream<Path> s = Files.list(samples())) {
            for (Path p : s.filter(p -> p.getFileName().toString().contains(frame)).toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".ZIP")) {
                    try (ZipInputStream z = new ZipInputStream(Files.newInputStream(p))) {
                        for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                            if (e.getName().endsWith(".h5")) Files.copy(z, f.resolve(e.getName()));
                        }
                    }
                } else if (n.endsWith(".h5")) {
                    Files.copy(p, f.resolve(n));
                }
            }
        }
        return f;
    }

    /** Every geolocated pixel's cell holds the pixel's values, bit for bit (keep-first on collisions). */
    static void assertRoundTrip(Swath swath, Path store) throws Exception {
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        try (DggsStore s = DggsStore.open(store)) {
            long n = s.cellCount();
            long[] ids = s.readCellIds(0, n);
            long geolocated = 0;
            java.util.Map<Long, Integer> firstPixel = new java.util.HashMap<>();
            for (int p = 0; p < swath.pixels(); p++) {
                long id = g.hash(swath.longitude()[p], swath.latitude()[p]);
                if (id < 0) continue;
                geolocated++;
                firstPixel.putIfAbsent(id, p);
            }
            long collisions = ((Number) s.facts().get("collisions")).longValue();
            assertEquals(geolocated - collisions, n, "cells = geolocated pixels - collisions");
            assertEquals(geolocated, ((Number) s.facts().get("pixels_geolocated")).longValue());
            assertEquals(swath.pixels(), ((Number) s.facts().get("pixels_read")).longValue());
            assertEquals(firstPixel.size(), n);
            for (SwathVariable v : swath.variables()) {
                Object stored = s.read(v.name(), 0, n);
                for (int row = 0; row < n; row++) {
                    int p = firstPixel.get(ids[row]);
                    for (int b = 0; b < v.bands(); b++) {
                        assertEquals(bits(v.values(), p * v.bands() + b), bits(stored, row * v.bands() + b),
                                () -> v.name() + " differs at cell " + ids[0]);
                    }
                }
            }
        }
    }

    static long bits(Object a, int i) {
        if (a instanceof byte[]) return ((byte[]) a)[i];
        if (a instanceof short[]) return ((short[]) a)[i];
        if (a instanceof int[]) return ((int[]) a)[i];
        if (a instanceof long[]) return ((long[]) a)[i];
        if (a instanceof float[]) return Float.floatToRawIntBits(((float[]) a)[i]);
        return Double.doubleToRawLongBits(((double[]) a)[i]);
    }

    @Test
    void sampleFrameRoundTripsBitExactly() throws Exception {
        Path in = frameFolder("06109D");
        Path store = dir.resolve("06109D.zarr");
        Run r = cli("convert", "earthcare", in.toString(), "-o", store.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pixels read 8,600, geolocated 8,000"), r.out());
        assertTrue(r.out().contains("cells written 8,000, collisions 0"), r.out());
        assertTrue(DggsValidator.validate(store).valid(), DggsValidator.validate(store).problems().toString());
        Swath swath = MsiFrameReader.read(EarthCareInputs.group(List.of(in)).get("06109D"), null);
        assertRoundTrip(swath, store);
        try (DggsStore s = DggsStore.open(store)) {
            assertTrue(s.variables().stream().anyMatch(v -> v.name().equals("isccp_cloud_type")));
            assertTrue(s.variables().stream().anyMatch(v -> v.name().equals("cm_quality_status")));
            assertEquals("EarthCARE", s.attributes().get("platform"));
            assertTrue(s.cellCount() < 100_000);
        }
        assertEquals(0, cli("validate", store.toString()).code());
        Run info = cli("info", "--json", store.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("\"collisions\" : 0"), info.out());
    }

    @Test
    void zippedAntimeridianFrameRoundTrips() throws Exception {
        Path store = dir.resolve("06110A.zarr");
        Run r = cli("convert", "earthcare", samples().toString(), "-o", dir.resolve("frames").toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        Path a = dir.resolve("frames/EarthCARE_MSI_L2A_06110A.zarr");
        Path d = dir.resolve("frames/EarthCARE_MSI_L2A_06109D.zarr");
        assertTrue(Files.isDirectory(a) && Files.isDirectory(d));
        List<Path> zips = new ArrayList<>();
        try (Stream<Path> s = Files.list(samples())) {
            s.filter(p -> p.toString().endsWith("06110A.ZIP")).forEach(zips::add);
        }
        Swath swath = MsiFrameReader.read(zips, null);
        assertRoundTrip(swath, a);
        try (DggsStore s = DggsStore.open(a)) {
            double[] bbox = s.bbox();
            assertTrue(bbox[0] > bbox[2], "frame A crosses the antimeridian: west > east expected, " + java.util.Arrays.toString(bbox));
        }
        assertFalse(Files.exists(store));
    }

    @Test
    void independentPythonOracleAgreesPixelByPixel() throws Exception {
        ExternalTools.requirePython("numpy", "h5py", "healpy", "numcodecs");
        Path script = Path.of(getClass().getResource("/convert/check_earthcare_store.py").toURI());
        for (String frame : List.of("06109D", "06110A", "06109C")) {
            Path in = frameFolder(frame);
            Path store = dir.resolve(frame + ".zarr");
            assertEquals(0, cli("convert", "earthcare", in.toString(), "-o", store.toString(), "-q").code());
            List<String> cmd = new ArrayList<>(List.of(ExternalTools.PYTHON, script.toString(), store.toString()));
            try (Stream<Path> s = Files.list(in)) {
                s.map(Path::toString).sorted().forEach(cmd::add);
            }
            String out = ExternalTools.runOk(cmd, Map.of());
            assertTrue(out.startsWith("OK "), out);
            System.out.println(frame + " python oracle: " + out.strip());
        }
    }

    @Test
    void polarFrameRoundTrips() throws Exception {
        Path in = frameFolder("06109C"); // frame C: the orbit's northern turning point, ~83 N
        Path store = dir.resolve("06109C.zarr");
        Run r = cli("convert", "earthcare", in.toString(), "-o", store.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        Swath swath = MsiFrameReader.read(EarthCareInputs.group(List.of(in)).get("06109C"), null);
        assertRoundTrip(swath, store);
        try (DggsStore s = DggsStore.open(store)) {
            assertEquals(5760, s.cellCount());
            assertTrue(s.bbox()[3] > 82.9, java.util.Arrays.toString(s.bbox()));
        }
        assertTrue(DggsValidator.validate(store).valid());
    }

    /** Synthetic swaths over a pole and across the antimeridian, with duplicated pixels (collisions). */
    @Test
    void poleAntimeridianAndCollisions() throws Exception {
        int rows = 60, cols = 20, n = rows * cols;
        double[] lon = new double[n], lat = new double[n];
        float[] v = new float[n];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int p = r * cols + c;
                lat[p] = 89.99 + r * 0.00016 - c * 0.0001; // up to 89.9994, around the pole
                lon[p] = 179.99 + c * 0.001 + r * 7;      // wraps past 180 and around
                v[p] = p;
            }
        }
        lat[5] = 90;                // exactly the pole
        lat[6] = -90;               // the south pole
        lon[7] = lon[8]; lat[7] = lat[8]; // a collision: pixel 8 duplicates pixel 7
        lat[9] = Double.NaN;        // no geolocation
        lat[10] = 90.5;             // not a latitude
        lon[11] = 540.0001;         // longitude out of range: wrapped
        SwathVariable var = new SwathVariable("v", "float32", 1, v, Float.NaN, Map.of("units", "1"), SwathVariable.Kind.QUANTITY);
        Swath swath = new Swath("polar", rows, cols, lon, lat, List.of(var), Map.of("title", "t"), List.of("synthetic"));
        Path store = dir.resolve("polar.zarr");
        ConversionReport rep = SwathConverter.convert(swath, store, SwathConverter.Options.defaults());
        assertEquals(n - 2, rep.pixelsGeolocated());
        assertEquals(1, rep.collisions());
        assertEquals(n - 3, rep.cellsWritten());
        assertRoundTrip(swath, store);
        try (DggsStore s = DggsStore.open(store)) {
            double[] bbox = s.bbox();
            assertEquals(-180, bbox[0]);
            assertEquals(180, bbox[2]);
            assertEquals(90, bbox[3], 1e-9);
            assertEquals(-90, bbox[1], 1e-9);
            // pixel 7 (kept) not 8
            long id = HealpixGrid.of(Ellipsoid.WGS84, 29).hash(lon[7], lat[7]);
            long row = s.lowerBound(id);
            assertEquals(7f, ((float[]) s.read("v", row, row + 1))[0]);
        }
        Path strict = dir.resolve("strict.zarr");
        assertThrowsCollision(() -> SwathConverter.convert(swath, strict,
                new SwathConverter.Options(org.healpixzarr.dggs.DuplicatePolicy.FAIL, 1 << 20, null)));
        assertFalse(Files.exists(strict));
    }

    interface Action {
        void run() throws Exception;
    }

    static void assertThrowsCollision(Action a) {
        try {
            a.run();
        } catch (org.healpixzarr.CollisionException e) {
            return;
        } catch (Exception e) {
            throw new AssertionError("expected a CollisionException, got " + e, e);
        }
        throw new AssertionError("expected a CollisionException");
    }

    // ------------------------------------------------------------------ bad input

    private void assertFailsCleanly(Run r, Path out, String... fragments) throws IOException {
        assertEquals(Main.BAD_DATA, r.code(), r.out() + r.err());
        for (String f : fragments) assertTrue(r.err().contains(f), "'" + f + "' not in: " + r.err());
        assertFalse(Files.exists(out), "no store may be left behind");
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("." + out.getFileName())), "temporary left");
        }
    }

    @Test
    void truncatedProductFailsNamingTheFile() throws Exception {
        Path in = frameFolder("06109D");
        Path cop = Files.list(in).filter(p -> p.toString().contains("COP")).findFirst().orElseThrow();
        byte[] b = Files.readAllBytes(cop);
        Files.write(cop, java.util.Arrays.copyOf(b, b.length / 3));
        Path out = dir.resolve("t.zarr");
        assertFailsCleanly(cli("convert", "earthcare", in.toString(), "-o", out.toString(), "-q"), out,
                cop.getFileName().toString());
    }

    @Test
    void notHdf5FailsNamingTheFile() throws Exception {
        Path in = frameFolder("06109D");
        Path cm = Files.list(in).filter(p -> p.toString().contains("CM__")).findFirst().orElseThrow();
        Files.writeString(cm, "this is not HDF5");
        Path out = dir.resolve("n.zarr");
        assertFailsCleanly(cli("convert", "earthcare", in.toString(), "-o", out.toString()), out, cm.getFileName().toString());
    }

    @Test
    void twoFramesForOneStoreFail() throws Exception {
        Path out = dir.resolve("two.zarr");
        assertFailsCleanly(cli("convert", "earthcare", samples().toString(), "-o", out.toString()), out,
                "06109D", "06110A", "folder");
    }

    @Test
    void unknownProductTypeFails() throws Exception {
        Path in = frameFolder("06109D");
        Path cm = Files.list(in).filter(p -> p.toString().contains("CM__")).findFirst().orElseThrow();
        Path odd = in.resolve(cm.getFileName().toString().replace("MSI_CM__2A", "MSI_XYZ_2A"));
        Files.move(cm, odd);
        Path out = dir.resolve("u.zarr");
        assertFailsCleanly(cli("convert", "earthcare", odd.toString(), "-o", out.toString()), out, "MSI_XYZ_2A");
    }

    @Test
    void denseLayoutIsRefusedWithItsCost() throws Exception {
        Path in = frameFolder("06109D");
        Path out = dir.resolve("dense.zarr");
        Run r = cli("convert", "earthcare", in.toString(), "-o", out.toString(), "--layout", "dense", "--chunk-depth", "19", "-q");
        assertFailsCleanly(r, out, "dense chunks at depth 19", "occupancy", "sparse");
        assertTrue(r.err().contains("8,000 observations"), r.err());
    }

    @Test
    void unknownVariableIsAnErrorListingTheAvailableOnes() throws Exception {
        Path in = frameFolder("06109D");
        Path out = dir.resolve("v.zarr");
        assertFailsCleanly(cli("convert", "earthcare", in.toString(), "-o", out.toString(), "--variables", "nope"), out,
                "nope", "cloud_mask");
        Run ok = cli("convert", "earthcare", in.toString(), "-o", out.toString(), "--variables", "cloud_mask,time", "-q");
        assertEquals(0, ok.code(), ok.err());
        try (DggsStore s = DggsStore.open(out)) {
            assertEquals(List.of("time", "cloud_mask"), s.variables().stream().map(x -> x.name()).sorted(
                    java.util.Comparator.comparing(x -> x.equals("time") ? 0 : 1)).toList());
        }
    }
}
