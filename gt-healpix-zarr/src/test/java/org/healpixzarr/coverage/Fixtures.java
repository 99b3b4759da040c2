package org.healpixzarr.coverage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.DggsWriter;
import org.healpixzarr.dggs.VariableKind;
import org.healpixzarr.dggs.VariableSpec;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.testing.Cli;
import org.healpixzarr.zarr.DataType;

/**
 * Test stores for the coverage tests, and brute-force oracles that do not go through the sampler: they scan every
 * cell of a store.
 */
final class Fixtures {
    private Fixtures() {}

    static final HealpixGrid G29 = HealpixGrid.of(Ellipsoid.WGS84, 29);
    static final double R = TargetGrid.EARTH_RADIUS;

    /** Observations of a synthetic store: lon/lat and the values written. */
    record Obs(double[] lon, double[] lat, float[] v, byte[] k) {}

    /**
     * A store of points on a regular lon/lat grid: {@code v} float32 (the point index, units K), {@code k} int8
     * (index mod 7, fill -127 for index mod 11 == 0, class). Small chunks so a box touches few of many.
     */
    static Obs writeGrid(Path store, double lon0, double lat0, double dLon, double dLat, int nLon, int nLat, int chunk)
            throws Exception {
        int n = nLon * nLat;
        double[] lon = new double[n], lat = new double[n];
        float[] v = new float[n];
        byte[] k = new byte[n];
        long[] ids = new long[n];
        for (int j = 0; j < nLat; j++) {
            for (int i = 0; i < nLon; i++) {
                int p = j * nLon + i;
                lon[p] = lon0 + i * dLon;
                lat[p] = Math.min(90, lat0 + j * dLat);
                v[p] = p;
                k[p] = (byte) (p % 11 == 0 ? -127 : p % 7);
                ids[p] = G29.hash(lon[p], lat[p]);
            }
        }
        try (DggsWriter w = DggsWriter.builder(store).chunking(chunk, 4)
                .variable(new VariableSpec("v", DataType.FLOAT32, 1, Float.NaN, Map.of("units", "K", "long_name", "index"),
                        VariableKind.QUANTITY))
                .variable(new VariableSpec("k", DataType.INT8, 1, (byte) -127, Map.of("long_name", "class"), VariableKind.CLASS))
                .build()) {
            w.add(ids, new Object[] {v, k}, 0, n);
            w.finish();
        }
        return new Obs(lon, lat, v, k);
    }

    /**
     * Adds overview levels the way the overview writer lays them out: {@code overviews/<d>} DGGS-Zarr groups (mean of
     * {@code v}, first valid {@code k}, {@code count} uint32), and root facts {@code native_depth}, {@code overview_depths}.
     */
    /**
     * Rebuilds the pyramid down to the coarsest of {@code depths}, then keeps only the levels {@code depths} (deletes the others and lists
     * the kept ones in the root facts and multiscales), so tests can pin a pyramid with gaps.
     */
    static void keepLevels(Path store, int... depths) throws Exception {
        java.util.Set<Integer> keep = new java.util.HashSet<>();
        for (int d : depths) keep.add(d);
        if (depths.length > 0) {
            org.healpixzarr.dggs.Overviews.rebuild(store, java.util.Arrays.stream(depths).min().getAsInt(),
                    java.util.Arrays.stream(depths).max().getAsInt());
        }
        Path ov = store.resolve("overviews");
        List<Integer> kept = new ArrayList<>();
        try (var levels = Files.list(ov)) {
            for (Path l : levels.filter(Files::isDirectory).toList()) {
                int d = Integer.parseInt(l.getFileName().toString());
                if (keep.contains(d)) {
                    kept.add(d);
                } else {
                    try (var w = Files.walk(l)) {
                        w.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
                    }
                }
            }
        }
        if (kept.size() != keep.size()) throw new AssertionError("the writer built levels " + kept + ", expected all of " + keep);
        Path zj = store.resolve("zarr.json");
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(zj.toFile());
        ObjectNode attrs = (ObjectNode) root.get("attributes");
        ArrayNode od = ((ObjectNode) attrs.get("healpix_zarr")).putArray("overview_depths");
        kept.stream().sorted((a, b) -> b - a).forEach(od::add);
        ArrayNode layout = (ArrayNode) attrs.get("multiscales").get("layout");
        for (int i = layout.size() - 1; i >= 0; i--) {
            if (!keep.contains(layout.get(i).get("refinement_level").asInt())) layout.remove(i);
        }
        om.writerWithDefaultPrettyPrinter().writeValue(zj.toFile(), root);
    }

    /** Converts one EarthCARE sample product (a .ZIP or .h5 under test resources) into {@code out}. */
    static Path convertEarthCare(String fileName, Path out) throws Exception {
        Path in = Path.of(Fixtures.class.getResource("/earthcare/" + fileName).toURI());
        Cli.Run r = Cli.cli("convert", "earthcare", in.toString(), "-o", out.toString(), "-q", "--no-stac");
        if (r.code() != 0) throw new AssertionError(r.err());
        return out;
    }

    /** All cells of a store: ids, centres, in store order. */
    record AllCells(long[] ids, double[] lon, double[] lat) {
        static AllCells of(DggsStore s) throws Exception {
            long[] ids = s.readCellIds(0, s.cellCount());
            HealpixGrid g = HealpixGrid.of(s.ellipsoid(), s.depth());
            double[] lon = new double[ids.length], lat = new double[ids.length];
            for (int i = 0; i < ids.length; i++) {
                double[] c = g.center(ids[i]);
                lon[i] = c[0];
                lat[i] = c[1];
            }
            return new AllCells(ids, lon, lat);
        }

        /**
         * Row of the nearest cell centre within r metres (haversine), or -1; and the distances of best and runner-up
         * (infinite for a cell farther than r + 1 m: such cells are skipped by their latitude alone).
         */
        double[] nearest(double plon, double plat, double r) {
            int best = -1;
            double bd = Double.POSITIVE_INFINITY, second = Double.POSITIVE_INFINITY;
            double band = Math.toDegrees((r + 1) / R); // a haversine distance is at least R times the latitude difference
            for (int i = 0; i < ids.length; i++) {
                if (Math.abs(lat[i] - plat) > band) continue;
                double d = haversine(plon, plat, lon[i], lat[i]);
                if (d < bd) {
                    second = bd;
                    bd = d;
                    best = i;
                } else if (d < second) {
                    second = d;
                }
            }
            return new double[] {bd <= r ? best : -1, bd, second};
        }
    }

    static double haversine(double lon1, double lat1, double lon2, double lat2) {
        double p1 = Math.toRadians(lat1), p2 = Math.toRadians(lat2);
        double a = Math.pow(Math.sin((p2 - p1) / 2), 2)
                + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(Math.toRadians(lon2 - lon1) / 2), 2);
        return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    /** Row of the cell with a given id (a map built by scanning the store). */
    static Map<Long, Integer> rowsById(long[] ids) {
        Map<Long, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) m.put(ids[i], i);
        return m;
    }
}
