package org.healpixzarr.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.sis.coverage.SampleDimension;
import org.apache.sis.coverage.grid.GridCoverage;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.geometry.GeneralEnvelope;
import org.apache.sis.measure.Units;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.storage.DataStore;
import org.apache.sis.storage.DataStoreException;
import org.apache.sis.storage.DataStores;
import org.apache.sis.storage.GridCoverageResource;
import org.apache.sis.storage.ProbeResult;
import org.apache.sis.storage.StorageConnector;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.DggsWriter;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.dggs.VariableSpec;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.zarr.DataType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DggsZarrDataStoreTest {
    @TempDir
    static Path dir;
    static Path patch;

    @BeforeAll
    static void stores() throws Exception {
        patch = dir.resolve("patch.zarr");
        Fixtures.writeGrid(patch, 10, 45, CellSamplerTest.D_LON, CellSamplerTest.D_LAT, 200, 150, 1000);
        Fixtures.keepLevels(patch, 14, 12, 10);
    }

    static String id(GridCoverageResource r) {
        try {
            return r.getIdentifier().get().toString();
        } catch (DataStoreException e) {
            throw new AssertionError(e);
        }
    }

    static ProbeResult probe(Object storage) throws DataStoreException {
        return new DggsZarrStoreProvider().probeContent(new StorageConnector(storage));
    }

    @Test
    void probeAcceptsStoresOnlyAndNeverThrows() throws Exception {
        assertTrue(probe(patch).isSupported());
        assertEquals(DggsZarrStoreProvider.MIME_TYPE, probe(patch).getMimeType());
        assertTrue(probe(patch.resolve("zarr.json")).isSupported(), "the zarr.json of a store stands for it");
        assertTrue(probe(patch.toString()).isSupported());
        assertTrue(probe(patch.toUri()).isSupported());
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a store\n");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path zarr = Files.createDirectories(dir.resolve("plain-group.zarr"));
        Files.writeString(zarr.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"group\", \"attributes\": {}}");
        Path broken = Files.createDirectories(dir.resolve("broken.zarr"));
        Files.writeString(broken.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"gr");
        Path tiff = writeGeoTiff(dir.resolve("small.tif"));
        for (Object foreign : new Object[] {text, empty, zarr, broken, tiff, dir.resolve("missing.zarr"),
                new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), 42}) {
            assertEquals(ProbeResult.UNSUPPORTED_STORAGE, probe(foreign), String.valueOf(foreign));
        }
        // the registry picks this provider for a store, and another (or none) for the rest
        try (DataStore ds = DataStores.open(patch)) {
            assertInstanceOf(DggsZarrDataStore.class, ds);
        }
        try (DataStore ds = DataStores.open(tiff)) {
            assertFalse(ds instanceof DggsZarrDataStore);
        }
        try (DataStore ds = DataStores.open(empty)) {
            assertFalse(ds instanceof DggsZarrDataStore);
        } catch (DataStoreException e) {
            // no provider for an empty folder is fine too
        }
    }

    /** A 4 x 3 float GeoTIFF written by SIS's own GeoTIFF writer. */
    static Path writeGeoTiff(Path file) throws Exception {
        GridGeometry gg = TargetGrid.gridGeometry(CommonCRS.defaultGeographic(), new double[] {0, 0, 4, 3}, 4, 3);
        GridCoverage c = new org.apache.sis.coverage.grid.GridCoverageBuilder().setDomain(gg)
                .setValues(new java.awt.image.DataBufferFloat(new float[12], 12), new java.awt.Dimension(4, 3)).build();
        try (DataStore out = DataStores.openWritable(file, "GeoTIFF")) {
            ((org.apache.sis.storage.geotiff.GeoTiffStore) out).append(c, null);
        }
        return file;
    }

    @Test
    void listsOneResourcePerVariableWithNamedDimensionsAndUnits() throws Exception {
        try (DataStore ds = DataStores.open(patch)) {
            List<GridCoverageResource> rs = ((DggsZarrDataStore) ds).components();
            assertEquals(List.of("v", "k"), rs.stream().map(DggsZarrDataStoreTest::id).toList());
            SampleDimension v = rs.get(0).getSampleDimensions().get(0);
            assertEquals("v", v.getName().toString());
            assertEquals(Units.KELVIN, v.getUnits().get());
            assertTrue(v.getNoDataValues().stream().anyMatch(x -> Double.isNaN(x.doubleValue())), v.toString());
            assertTrue(Double.isNaN(rs.get(1).getSampleDimensions().get(0).getBackground().get().doubleValue()));
            assertEquals("k", rs.get(1).getSampleDimensions().get(0).getName().toString());
            double[] env = {rs.get(0).getEnvelope().get().getMinimum(0), rs.get(0).getEnvelope().get().getMaximum(1)};
            // the store's bbox (conservative by the depth-10 parents of the cells: a few km)
            assertEquals(((DggsZarrDataStore) ds).dggsStore().bbox()[0], env[0], 1e-9);
            assertTrue(env[0] <= 10 && env[0] > 9.85 && env[1] >= 45.596 && env[1] < 45.7, java.util.Arrays.toString(env));
            assertTrue(ds.getOpenParameters().isPresent());
            assertEquals("patch", ds.getIdentifier().get().toString());
        }
    }

    /** EPSG:3857 read = the brute-force nearest observation at pixel centres from the closed-form Mercator inverse. */
    @Test
    void webMercatorReadEqualsBruteForce() throws Exception {
        double a = 6378137;
        double x0 = Math.toRadians(9.995) * a, x1 = Math.toRadians(10.03) * a;
        double y0 = mercY(44.995), y1 = mercY(45.015);
        int w = 50, h = 41;
        GridGeometry domain = TargetGrid.gridGeometry(Crs.decode("EPSG:3857"), new double[] {x0, y0, x1, y1}, w, h);
        try (DggsZarrDataStore ds = DggsZarrDataStore.open(patch); DggsStore s = DggsStore.open(patch)) {
            GridCoverage c = ds.components().get(0).read(domain);
            assertEquals(domain, c.getGridGeometry());
            RenderedImage img = c.render(null);
            assertEquals(w, img.getWidth());
            assertEquals(h, img.getHeight());
            Raster r = img.getData();
            Fixtures.AllCells all = Fixtures.AllCells.of(s);
            float[] v = (float[]) s.read("v", 0, s.cellCount());
            double radius = ds.sampler().radiusMetres();
            int hits = 0, misses = 0;
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < w; i++) {
                    double x = x0 + (i + 0.5) * (x1 - x0) / w, y = y1 - (j + 0.5) * (y1 - y0) / h;
                    double lon = Math.toDegrees(x / a), lat = Math.toDegrees(2 * Math.atan(Math.exp(y / a)) - Math.PI / 2);
                    double[] nn = all.nearest(lon, lat, radius);
                    if (Math.abs(nn[1] - radius) < 0.01 || nn[2] - nn[1] < 0.01) continue;
                    float got = r.getSampleFloat(i, j, 0);
                    if (nn[0] < 0) {
                        misses++;
                        assertTrue(Float.isNaN(got), "pixel " + i + "," + j + " " + got);
                    } else {
                        hits++;
                        assertEquals(v[(int) nn[0]], got, 0, "pixel " + i + "," + j);
                    }
                }
            }
            assertTrue(hits > 500 && misses > 100, hits + " hits, " + misses + " misses");
        }
    }

    static double mercY(double lat) {
        return 6378137 * Math.log(Math.tan(Math.PI / 4 + Math.toRadians(lat) / 2));
    }

    @Test
    void utmAndLevelReadsGiveTheRequestedGrid() throws Exception {
        try (DggsZarrDataStore ds = DggsZarrDataStore.open(patch); DggsStore s = DggsStore.open(patch);
             DggsStore level = s.overview(12)) {
            // 2 km pixels in UTM 32N over the patch (10-11.1 E): the depth-12 level
            GridGeometry domain = TargetGrid.gridGeometry(Crs.decode("EPSG:32632"),
                    new double[] {570_000, 4_980_000, 690_000, 5_060_000}, 60, 40);
            GridCoverage c = ds.components().get(0).read(domain);
            assertEquals(domain, c.getGridGeometry());
            TargetGrid tg = TargetGrid.of(domain);
            assertEquals(12, ds.sampler().depthFor(tg.pixelSizeMetres()));
            Map<Long, Integer> rows = Fixtures.rowsById(level.readCellIds(0, level.cellCount()));
            float[] v = (float[]) level.read("v", 0, level.cellCount());
            Raster r = c.render(null).getData();
            int hits = 0;
            for (int j = 0; j < 40; j++) {
                for (int i = 0; i < 60; i++) {
                    double[] ll = TargetGridTest.utmInverse(570_000 + (i + 0.5) * 2000, 5_060_000 - (j + 0.5) * 2000, 9);
                    Integer row = rows.get(org.healpixzarr.healpix.HealpixGrid.of(s.ellipsoid(), 12).hash(ll[0], ll[1]));
                    float got = r.getSampleFloat(i, j, 0);
                    if (row == null) assertTrue(Float.isNaN(got));
                    else {
                        hits++;
                        assertEquals(v[row], got, 0);
                    }
                }
            }
            assertTrue(hits > 200 && hits < 2400, "hits " + hits);
        }
    }

    @Test
    void partialDomainsReadAtTheDefaultResolution() throws Exception {
        try (DggsZarrDataStore ds = DggsZarrDataStore.open(patch)) {
            GridCoverageResource v = ds.components().get(0);
            GridCoverage whole = v.read(null);
            GridGeometry g = whole.getGridGeometry();
            assertEquals(v.getGridGeometry(), g);
            long w = g.getExtent().getSize(0), h = g.getExtent().getSize(1);
            assertTrue(w <= 4096 && h <= 4096 && w > 100 && h > 100, w + " x " + h);
            // an envelope alone (EPSG:4326, lat/lon order)
            GeneralEnvelope env = new GeneralEnvelope(CommonCRS.WGS84.geographic());
            env.setRange(0, 45.1, 45.2);
            env.setRange(1, 10.1, 10.4);
            GridCoverage part = v.read(new GridGeometry(env));
            GridGeometry pg = part.getGridGeometry();
            assertEquals(CommonCRS.WGS84.geographic(), pg.getCoordinateReferenceSystem());
            double[] res = g.getResolution(true);
            assertEquals(Math.round(0.3 / res[0]), pg.getExtent().getSize(0), 2, "columns follow longitude");
            assertEquals(Math.round(0.1 / res[0]), pg.getExtent().getSize(1), 2);
            assertThrows(DataStoreException.class, () -> v.read(null, 1));
            assertEquals(1, v.read(null, 0).getSampleDimensions().size());
        }
    }

    /**
     * TESSERA-like store (the converter's attributes: {@code pca}, {@code scale_variable}): dequantised embeddings
     * (128 bands) and the PCA colour view from the pca attribute, in nearest-observation mode and from a level of
     * the writer's pyramid (re-quantised mean of the dequantised vectors).
     */
    @Test
    void embeddingsAreDequantisedAndGetAPcaView() throws Exception {
        Path store = dir.resolve("tessera.zarr");
        Random rnd = new Random(7);
        int nLon = 40, nLat = 30, n = nLon * nLat, bands = 128;
        long[] ids = new long[n];
        byte[] emb = new byte[n * bands];
        float[] scales = new float[n];
        for (int j = 0; j < nLat; j++) {
            for (int i = 0; i < nLon; i++) {
                int p = j * nLon + i;
                ids[p] = Fixtures.G29.hash(20 + i * 0.0012, 50 + j * 0.0009); // ~90 m spacing
                scales[p] = 0.01f + rnd.nextFloat() * 0.05f;
                for (int b = 0; b < bands; b++) emb[p * bands + b] = (byte) (rnd.nextInt(255) - 127);
            }
        }
        List<Double> mean = new ArrayList<>();
        List<List<Double>> comps = new ArrayList<>();
        for (int b = 0; b < bands; b++) mean.add(rnd.nextGaussian() * 0.1);
        for (int k = 0; k < 3; k++) {
            List<Double> c = new ArrayList<>();
            for (int b = 0; b < bands; b++) c.add(rnd.nextGaussian() / Math.sqrt(bands));
            comps.add(c);
        }
        Map<String, Object> pca = new LinkedHashMap<>();
        pca.put("mean", mean);
        pca.put("components", comps);
        pca.put("range", List.of(List.of(-1.5, 1.5), List.of(-1.0, 1.0), List.of(-0.5, 2.0)));
        try (DggsWriter wr = DggsWriter.builder(store)
                .variable(new VariableSpec("embeddings", DataType.INT8, bands, null, Map.of("pca", pca, "scale_variable", "scales"),
                        VariableKind.QUANTITY))
                .variable(new VariableSpec("scales", DataType.FLOAT32, 1, null, Map.of(), VariableKind.QUANTITY)).build()) {
            wr.add(ids, new Object[] {emb, scales}, 0, n);
            wr.finish();
        }
        // the writer's native depth for ~90 m spacing is 17 (50 m cells); also keep a coarser level (200 m cells)
        Fixtures.keepLevels(store, 17, 15);
        try (DggsZarrDataStore ds = DggsZarrDataStore.open(store); DggsStore s = DggsStore.open(store)) {
            assertEquals(17, ds.sampler().nativeDepth());
            List<GridCoverageResource> rs = ds.components();
            assertEquals(List.of("embeddings", "scales", "embeddings_pca"),
                    rs.stream().map(DggsZarrDataStoreTest::id).toList());
            assertEquals(bands, rs.get(0).getSampleDimensions().size());
            assertEquals("embeddings_5", rs.get(0).getSampleDimensions().get(5).getName().toString());
            byte[] stored = (byte[]) s.read("embeddings", 0, s.cellCount());
            float[] sc = (float[]) s.read("scales", 0, s.cellCount());
            long[] storedIds = s.readCellIds(0, s.cellCount());

            // pixels finer than the native cell edge: nearest observation
            int w = 48, h = 36;
            GridGeometry domain = TargetGrid.gridGeometry(CommonCRS.defaultGeographic(),
                    new double[] {20.01, 50.005, 20.03, 50.02}, w, h);
            TargetGrid tg = TargetGrid.of(domain);
            double radius = ds.sampler().radiusMetres();
            assertTrue(tg.pixelSizeMetres() < radius, tg.pixelSizeMetres() + " m pixels, radius " + radius);
            assertEquals(29, ds.sampler().depthFor(tg.pixelSizeMetres()));
            Raster e = rs.get(0).read(domain, 3, 100).render(null).getData();
            Raster p = rs.get(2).read(domain).render(null).getData();
            Fixtures.AllCells all = Fixtures.AllCells.of(s);
            int checked = 0;
            for (int q = 0; q < tg.lon().length; q++) {
                int i = q % w, j = q / w;
                double[] nn = all.nearest(tg.lon()[q], tg.lat()[q], radius);
                if (nn[0] < 0 || nn[2] - nn[1] < 0.01) continue;
                int row = (int) nn[0];
                checked++;
                double[] vec = new double[bands];
                for (int b = 0; b < bands; b++) vec[b] = stored[row * bands + b] * (double) sc[row];
                assertEquals(vec[3], e.getSampleFloat(i, j, 0), 1e-6);
                assertEquals(vec[100], e.getSampleFloat(i, j, 1), 1e-6);
                for (int k = 0; k < 3; k++) assertEquals(pcaView(vec, mean, comps, pca, k), p.getSampleFloat(i, j, k), 1e-5);
            }
            assertTrue(checked > 800, "checked " + checked);

            // ~210 m pixels: the depth-15 level; oracle: the mean dequantised vector of the observations of each
            // depth-15 cell, computed here from the native rows (the level holds it re-quantised: within half a step)
            int d = 15;
            double px = HealpixGrid.of(Ellipsoid.WGS84, d).cellEdgeMetres() * 1.05;
            double lat0 = 50.0135, lon0 = 20.0235;
            double dLat = Math.toDegrees(px / TargetGrid.EARTH_RADIUS), dLon = dLat / Math.cos(Math.toRadians(lat0));
            int lw = 24, lh = 20;
            GridGeometry coarse = TargetGrid.gridGeometry(CommonCRS.defaultGeographic(), new double[] {lon0 - lw / 2.0 * dLon,
                    lat0 - lh / 2.0 * dLat, lon0 + lw / 2.0 * dLon, lat0 + lh / 2.0 * dLat}, lw, lh);
            TargetGrid cg = TargetGrid.of(coarse);
            assertEquals(d, ds.sampler().depthFor(cg.pixelSizeMetres()));
            Map<Long, double[]> sums = new HashMap<>(); // per depth-15 cell: sum of vectors, then the count
            for (int r = 0; r < storedIds.length; r++) {
                double[] acc = sums.computeIfAbsent(storedIds[r] >>> (2 * (29 - d)), x -> new double[bands + 1]);
                for (int b = 0; b < bands; b++) acc[b] += stored[r * bands + b] * (double) sc[r];
                acc[bands]++;
            }
            Raster le = rs.get(0).read(coarse, 3, 100).render(null).getData();
            Raster lp = rs.get(2).read(coarse).render(null).getData();
            HealpixGrid g15 = HealpixGrid.of(Ellipsoid.WGS84, d);
            int hits = 0, misses = 0;
            for (int q = 0; q < cg.lon().length; q++) {
                int i = q % lw, j = q / lw;
                double[] acc = sums.get(g15.hash(cg.lon()[q], cg.lat()[q]));
                if (acc == null) {
                    misses++;
                    assertTrue(Float.isNaN(le.getSampleFloat(i, j, 0)) && Float.isNaN(lp.getSampleFloat(i, j, 0)), "pixel " + q);
                    continue;
                }
                hits++;
                double[] vec = new double[bands];
                double max = 0;
                for (int b = 0; b < bands; b++) max = Math.max(max, Math.abs(vec[b] = acc[b] / acc[bands]));
                double halfStep = max / 127 / 2 * 1.0001 + 1e-7;
                assertEquals(vec[3], le.getSampleFloat(i, j, 0), halfStep, "pixel " + q);
                assertEquals(vec[100], le.getSampleFloat(i, j, 1), halfStep, "pixel " + q);
                for (int k = 0; k < 3; k++) {
                    double l1 = 0;
                    for (int b = 0; b < bands; b++) l1 += Math.abs(comps.get(k).get(b));
                    List<?> range = (List<?>) ((List<?>) pca.get("range")).get(k);
                    double span = (Double) range.get(1) - (Double) range.get(0);
                    assertEquals(pcaView(vec, mean, comps, pca, k), lp.getSampleFloat(i, j, k), halfStep * l1 / span + 1e-5, "pixel " + q);
                }
            }
            assertTrue(hits > 100 && misses > 20, hits + " hits, " + misses + " misses");
        }
    }

    /** Component k of the PCA view of a dequantised vector: projection scaled by the range to [0, 1]. */
    static double pcaView(double[] vec, List<Double> mean, List<List<Double>> comps, Map<String, Object> pca, int k) {
        double dot = 0;
        for (int b = 0; b < vec.length; b++) dot += (vec[b] - mean.get(b)) * comps.get(k).get(b);
        List<?> range = (List<?>) ((List<?>) pca.get("range")).get(k);
        double lo = (Double) range.get(0), hi = (Double) range.get(1);
        return Math.max(0, Math.min(1, (dot - lo) / (hi - lo)));
    }
}
