package org.healpixzarr.convert;

import static org.healpixzarr.testing.Cli.cli;
import org.healpixzarr.testing.Cli.Run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.DggsValidator;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.input.tessera.TileGrid;
import org.healpixzarr.input.tessera.TileName;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code convert tessera} end to end, checked against an independent numpy/pyproj/GDAL oracle. */
class TesseraConversionTest {
    @TempDir
    Path dir;

    static Path samples() throws Exception {
        return Path.of(TesseraConversionTest.class.getResource("/tessera").toURI());
    }

    /** A writable copy of the samples. */
    Path copy(String name) throws Exception {
        Path src = samples(), dst = dir.resolve(name);
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return dst;
    }

    static Path tileDir(Path root, String tile) {
        return root.resolve("global_0.1_degree_representation/2024").resolve(tile);
    }

    static List<Path> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void roundTripAgainstOracle() throws Exception {
        ExternalTools.requirePython("numpy", "pyproj", "osgeo.gdal");
        Path out = dir.resolve("out");
        Run r = cli("convert", "tessera", samples().toString(), "--year", "2024", "-o", out.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        String oracle = ExternalTools.runOk(List.of(ExternalTools.PYTHON,
                Path.of(getClass().getResource("/tessera_oracle.py").toURI()).toString(), samples().toString(), "2024"), Map.of());
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        Map<Long, DggsStore> stores = new TreeMap<>();
        long outside = 0, water = 0, invalid = 0, kept = 0, edgeCases = 0;
        TileGrid grid = null;
        Map<String, double[]> pos = new HashMap<>();
        double[] lon = new double[1], lat = new double[1], xy = new double[2];
        try {
            for (String line : oracle.split("\n")) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "T" -> {
                        grid = TileGrid.of(TileName.parse(f[1]));
                        outside += Long.parseLong(f[4]);
                        water += Long.parseLong(f[5]);
                        invalid += Long.parseLong(f[6]);
                    }
                    case "P" -> {
                        int i = Integer.parseInt(f[1]), j = Integer.parseInt(f[2]);
                        double plon = Double.parseDouble(f[3]), plat = Double.parseDouble(f[4]);
                        grid.lonLat(i, 1, j, 1, lon, lat, xy);
                        assertEquals(plon, lon[0], 1e-9, line);
                        assertEquals(plat, lat[0], 1e-9, line);
                        pos.put(i + " " + j, new double[] {plon, plat, lon[0], lat[0]});
                    }
                    case "V" -> {
                        double[] p = pos.get(f[1] + " " + f[2]);
                        long id = g.hash(p[0], p[1]);
                        long part = HealpixGrid.parent(id, 29, TesseraConverter.PARTITION_DEPTH);
                        DggsStore s = stores.get(part);
                        if (s == null) {
                            s = DggsStore.open(dir.resolve("out").resolve(TesseraConverter.partitionName(2024, part)));
                            stores.put(part, s);
                        }
                        long row = s.lowerBound(id);
                        if (row >= s.cellCount() || s.readCellIds(row, row + 1)[0] != id) {
                            // pyproj and SIS differ by ~1e-12 degree: a centre that close to a 1.2 cm cell edge
                            // may hash to the neighbour; then the cell of the SIS position must hold the pixel
                            id = g.hash(p[2], p[3]);
                            row = s.lowerBound(id);
                            edgeCases++;
                        }
                        assertEquals(id, s.readCellIds(row, row + 1)[0], "cell of pixel " + line.substring(0, 20));
                        assertArrayEquals(HexFormat.of().parseHex(f[3]), (byte[]) s.read("embeddings", row, row + 1), line);
                        int bits = Integer.parseUnsignedInt(f[4], 16);
                        assertEquals(bits, Float.floatToRawIntBits(((float[]) s.read("scales", row, row + 1))[0]), line);
                        kept++;
                    }
                    default -> { }
                }
            }
            assertEquals(2467, kept);
            assertTrue(edgeCases <= 3, edgeCases + " pixels on a cell edge");
            long cells = 0;
            for (DggsStore s : stores.values()) {
                cells += s.cellCount();
                assertEquals("tessera-2024", s.facts().get("dataset"));
            }
            assertEquals(kept, cells, "no cell beyond the oracle's valid pixels");
        } finally {
            for (DggsStore s : stores.values()) s.close();
        }
        // the stores, beside the STAC catalogue (catalog.json, tessera-2024/) the conversion also writes
        assertEquals(stores.size(), files(out).stream().map(p -> p.getName(0)).filter(p -> p.toString().endsWith(".zarr")).distinct().count());
        for (Path p : Files.list(out).filter(p -> p.toString().endsWith(".zarr")).toList()) assertTrue(DggsValidator.validate(p).valid(), DggsValidator.validate(p).problems().toString());
        // the terminal report: counts by reason equal the oracle's
        Run r2 = cli("convert", "tessera", samples().toString(), "--year", "2024", "-o", dir.resolve("out2").toString());
        assertEquals(0, r2.code(), r2.err());
        assertTrue(r2.out().contains("tiles read 4"), r2.out());
        assertTrue(r2.out().contains("pixels read 12,288"), r2.out());
        assertTrue(r2.out().contains(String.format("skipped outside_tile %,d", outside)), r2.out());
        assertTrue(r2.out().contains(String.format("skipped water %,d", water)), r2.out());
        assertTrue(r2.out().contains(String.format("skipped invalid_scale %,d", invalid)), r2.out());
        assertTrue(r2.out().contains(String.format("cells written %,d, collisions 0", kept)), r2.out());
        assertTrue(r2.out().contains("partitions " + stores.size()), r2.out());
    }

    @Test
    void reRunIsByteIdentical() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        assertEquals(0, cli("convert", "tessera", samples().toString(), "--year", "2024", "-o", a.toString(), "-q").code());
        assertEquals(0, cli("convert", "tessera", samples().toString(), "--year", "2024", "-o", b.toString(), "-q",
                "--memory-budget", "1").code()); // another budget: the same bytes
        List<Path> fa = files(a), fb = files(b);
        assertEquals(fa, fb);
        assertFalse(fa.isEmpty());
        for (Path p : fa) assertArrayEquals(Files.readAllBytes(a.resolve(p)), Files.readAllBytes(b.resolve(p)), p.toString());
    }

    /**
     * Small chunks and a tiny memory budget: rows reach the writers in many chunks, writers spill over and over
     * (the largest first) and their chunks are reused; the stores are byte-identical to a run held in memory.
     */
    @Test
    void spillingAndChunkReuseGiveIdenticalStores() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b"), c = dir.resolve("c");
        TesseraConverter.Report ra = TesseraConverter.convert(samples(), a, new TesseraConverter.Options(2024, null, false, 512L << 20, null));
        TesseraConverter.Report rb = TesseraConverter.convert(samples(), b, new TesseraConverter.Options(2024, null, false, 20_000, null), 37);
        TesseraConverter.Report rc = TesseraConverter.convert(samples(), c, new TesseraConverter.Options(2024, null, false, 512L << 20, null), 5);
        assertEquals(2467, ra.cellsWritten());
        assertEquals(ra.cellsWritten(), rb.cellsWritten());
        assertEquals(ra.cellsWritten(), rc.cellsWritten());
        assertEquals(ra.partitions().size(), rb.partitions().size());
        List<Path> fa = files(a);
        assertFalse(fa.isEmpty());
        for (Path other : List.of(b, c)) {
            assertEquals(fa, files(other), "same files, no spill left behind");
            for (Path p : fa) assertArrayEquals(Files.readAllBytes(a.resolve(p)), Files.readAllBytes(other.resolve(p)), p.toString());
        }
    }

    /**
     * zstd level 1 is applied to the embeddings only where it pays ({@link TesseraConverter#MAX_EMBEDDING_RATIO} on
     * the run's sample): the near-random synthetic vectors get the fast level, in the store and every overview level,
     * while cell ids and scales keep level 1; the same tiles with low-entropy vectors get level 1 on the embeddings
     * too. Either way the embeddings take about their raw size or less: the fill padding of an array's last chunk
     * (65,536 cells of 128 bytes, far more than these partitions hold) is not stored. The round trip above reads
     * the fast-level stores back.
     */
    @Test
    void embeddingsAreCompressedAtLevel1OnlyWhereItPays() throws Exception {
        Path random = dir.resolve("random");
        TesseraConverter.convert(samples(), random, new TesseraConverter.Options(2024, null, false, 512L << 20, null));
        assertEmbeddingLevel(random, TesseraConverter.FAST_EMBEDDING_LEVEL, 1.01);
        Path flat = copy("flat");
        for (Path npy : Files.walk(flat).filter(p -> p.toString().endsWith(".npy") && !p.toString().endsWith("_scales.npy")).toList()) {
            byte[] b = Files.readAllBytes(npy);
            int data = 10 + ((b[8] & 0xff) | (b[9] & 0xff) << 8); // .npy 1.0: magic, version, header length, header
            for (int i = data; i < b.length; i++) b[i] = (byte) (((i - data) / 128 % 5) - 2); // one of 5 constant vectors
            Files.write(npy, b);
        }
        assertTrue(TesseraConverter.zstdRatio(Files.readAllBytes(tileDir(flat, "grid_0.15_52.05").resolve("grid_0.15_52.05.npy")),
                20_000) < 0.1);
        Path low = dir.resolve("low");
        TesseraConverter.convert(flat, low, new TesseraConverter.Options(2024, null, false, 512L << 20, null));
        assertEmbeddingLevel(low, 1, 0.5);
    }

    /** Every partition and level: embeddings at zstd {@code level}, ids and scales at 1, embeddings ≤ {@code maxRatio} × raw + 4 KiB. */
    static void assertEmbeddingLevel(Path out, int level, double maxRatio) throws Exception {
        List<Path> stores = Files.list(out).filter(p -> p.toString().endsWith(".zarr")).sorted().toList();
        assertFalse(stores.isEmpty());
        int levels = 0;
        for (Path p : stores) {
            org.healpixzarr.zarr.FileSystemStore fs = new org.healpixzarr.zarr.FileSystemStore(p);
            List<String> prefixes = new java.util.ArrayList<>(List.of(""));
            try (DggsStore s = DggsStore.open(p)) {
                for (int d : s.overviewDepths()) prefixes.add("overviews/" + d + "/");
            }
            for (String pre : prefixes) {
                var emb = org.healpixzarr.zarr.ZarrArray.open(fs, pre + "embeddings").metadata();
                assertEquals(org.healpixzarr.zarr.Compression.ZSTD, emb.compression(), p + " " + pre);
                assertEquals(level, emb.compressionLevel(), p + " " + pre);
                for (String other : List.of("scales", "cell_ids")) {
                    var md = org.healpixzarr.zarr.ZarrArray.open(fs, pre + other).metadata();
                    assertEquals(1, md.compressionLevel(), p + " " + pre + other);
                }
                long raw = emb.shape()[0] * 128, stored = 0;
                try (Stream<Path> f = Files.walk(p.resolve(pre + "embeddings/c"))) {
                    for (Path x : f.filter(Files::isRegularFile).toList()) stored += Files.size(x);
                }
                assertTrue(stored <= raw * maxRatio + 4096, p + " " + pre + "embeddings: " + stored + " bytes for " + raw + " raw");
                levels++;
            }
            assertTrue(DggsValidator.validate(p).valid(), DggsValidator.validate(p).problems().toString());
        }
        assertTrue(levels > stores.size(), "some overview levels checked");
    }

    @Test
    void chunksFillOneHeapRegion() {
        assertEquals(32_767, TesseraConverter.chunkRows(6_320_816_128L)); // 24 GB machine: 4 MiB regions
        assertEquals(8_191, TesseraConverter.chunkRows(1L << 30)); // 1 MiB regions
        assertEquals(8_191, TesseraConverter.chunkRows(64L << 20));
        assertEquals(16_383, TesseraConverter.chunkRows(4L << 30)); // exactly 2 MiB regions
        assertEquals(262_143, TesseraConverter.chunkRows(256L << 30)); // at most 32 MiB regions
    }

    @Test
    void bboxSelectsTilesAndPixels() throws Exception {
        Run r = cli("convert", "tessera", samples().toString(), "--year", "2024", "--bbox", "-3.0,51.9,-2.92,52.0",
                "-o", dir.resolve("o").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tiles read 1"), r.out());
        assertTrue(r.out().contains("skipped outside_bbox"), r.out());
    }

    static long cells(Run r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cells written ([0-9,]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    /** A box with W > E crosses the antimeridian: its two halves, converted separately, give the same cells. */
    @Test
    void bboxAcrossTheAntimeridian() throws Exception {
        Run across = cli("convert", "tessera", samples().toString(), "--year", "2024", "--bbox", "147.2005,-35.4,-99.99,80.1",
                "-o", dir.resolve("across").toString(), "--no-stac");
        assertEquals(0, across.code(), across.err());
        assertTrue(across.out().contains("tiles read 2"), across.out()); // grid_147.25_-35.35 and grid_-99.95_80.05
        assertTrue(across.out().contains("skipped outside_bbox"), across.out());
        Run east = cli("convert", "tessera", samples().toString(), "--year", "2024", "--bbox", "147.2005,-35.4,180,80.1",
                "-o", dir.resolve("east").toString(), "--no-stac");
        Run west = cli("convert", "tessera", samples().toString(), "--year", "2024", "--bbox", "-180,-35.4,-99.99,80.1",
                "-o", dir.resolve("west").toString(), "--no-stac");
        assertTrue(east.out().contains("tiles read 1") && west.out().contains("tiles read 1"), east.out() + west.out());
        assertTrue(cells(east) > 0 && cells(west) > 0);
        assertEquals(cells(east) + cells(west), cells(across));
        assertEquals(2, cli("convert", "tessera", samples().toString(), "--year", "2024", "--bbox", "10,0,10,1",
                "-o", dir.resolve("bad").toString()).code(), "W == E is a usage error");
    }

    /** Each corruption makes the run fail with exit 1 naming the tile and writing no store; --keep-going converts the rest. */
    void assertBadTile(Path root, String tile, String... fragments) throws Exception {
        Path out = dir.resolve("out-" + root.getFileName());
        Run r = cli("convert", "tessera", root.toString(), "--year", "2024", "-o", out.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("tile " + tile), r.err());
        for (String f : fragments) assertTrue(r.err().contains(f), r.err());
        assertTrue(!Files.exists(out) || files(out).isEmpty(), "no partial store");
        Run k = cli("convert", "tessera", root.toString(), "--year", "2024", "--keep-going", "-o", out.toString());
        assertEquals(0, k.code(), k.err());
        assertTrue(k.out().contains("bad tile " + tile), k.out());
        assertTrue(k.out().contains("tiles read 3"), k.out());
    }

    static void rewriteHeader(Path npy, String from, String to) throws Exception {
        byte[] b = Files.readAllBytes(npy);
        String s = new String(b, StandardCharsets.ISO_8859_1);
        assertTrue(s.contains(from));
        Files.write(npy, s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void badMagic() throws Exception {
        Path root = copy("magic");
        Path npy = tileDir(root, "grid_0.15_52.05").resolve("grid_0.15_52.05.npy");
        byte[] b = Files.readAllBytes(npy);
        b[1] = 'X';
        Files.write(npy, b);
        assertBadTile(root, "grid_0.15_52.05", "grid_0.15_52.05.npy", "bad magic");
    }

    @Test
    void badDtype() throws Exception {
        Path root = copy("dtype");
        rewriteHeader(tileDir(root, "grid_-2.95_51.95").resolve("grid_-2.95_51.95.npy"), "'|i1'", "'|u1'");
        assertBadTile(root, "grid_-2.95_51.95", "wrong dtype", "'|i1'", "'|u1'");
    }

    @Test
    void badShape() throws Exception {
        Path root = copy("shape");
        rewriteHeader(tileDir(root, "grid_147.25_-35.35").resolve("grid_147.25_-35.35.npy"), "(64, 48, 128)", "(48, 64, 128)");
        // same byte count, other grid: the scales no longer match
        assertBadTile(root, "grid_147.25_-35.35", "scales not on the embedding grid", "(48, 64)", "(64, 48)");
    }

    @Test
    void scalesShapeMismatch() throws Exception {
        Path root = copy("scales");
        Path sc = tileDir(root, "grid_-99.95_80.05").resolve("grid_-99.95_80.05_scales.npy");
        rewriteHeader(sc, "(64, 48)", "(32, 48)");
        byte[] b = Files.readAllBytes(sc);
        Files.write(sc, java.util.Arrays.copyOf(b, b.length - 32 * 48 * 4));
        assertBadTile(root, "grid_-99.95_80.05", "scales not on the embedding grid");
    }

    @Test
    void badTileName() throws Exception {
        Path root = copy("name");
        Files.move(tileDir(root, "grid_0.15_52.05"), tileDir(root, "grid_0.1_52.05"));
        assertBadTile(root, "grid_0.1_52.05", "bad tile name");
    }

    @Test
    void missingLandmask() throws Exception {
        Path root = copy("mask");
        Files.delete(root.resolve("global_0.1_degree_tiff_all/grid_-2.95_51.95.tiff"));
        assertBadTile(root, "grid_-2.95_51.95", "missing landmask");
    }

    @Test
    void missingYearIsAnError() throws Exception {
        Run r = cli("convert", "tessera", samples().toString(), "--year", "2019", "-o", dir.resolve("o").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no TESSERA tiles for year 2019"), r.err());
    }
}
