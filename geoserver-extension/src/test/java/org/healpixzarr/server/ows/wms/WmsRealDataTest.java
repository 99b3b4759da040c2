package org.healpixzarr.server.ows.wms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;
import org.healpixzarr.server.ows.OwsHttp;
import org.healpixzarr.server.ows.SampleStores;
import org.healpixzarr.server.ows.TestLayers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WMS over real HTTP on a store converted from the EarthCARE sample: GetFeatureInfo answers the cell and the
 * values the store holds (read back with DggsStore directly), at the native depth and on an overview.
 */
class WmsRealDataTest {
    static final String VAR = "viewing_zenith_angle";
    @TempDir
    static Path dir;
    static DggsStore store;
    static OwsHttp http;
    static long[] ids;
    static float[] values;

    @BeforeAll
    static void start() throws Exception {
        store = DggsStore.open(SampleStores.convert(SampleStores.AOT, dir.resolve("aot.zarr")));
        Layer layer = SampleStores.layer("earthcare:vza", store, VAR, List.of(new Style("viridis", "Viridis", VAR, 0, 0, 60)));
        http = new OwsHttp(new WmsService(), new TestLayers(List.of(layer)));
        ids = store.readCellIds(0, store.cellCount());
        values = (float[]) store.read(VAR, 0, store.cellCount());
    }

    @AfterAll
    static void stop() {
        if (http != null) http.close();
        if (store != null) store.close();
    }

    /** GetFeatureInfo at the centre pixel of a 101 × 101 EPSG:4326 map centred on (lon, lat) with pixels of {@code d} degrees. */
    static String gfi(double lon, double lat, double d, String format) {
        double h = 50.5 * d;
        return String.format(Locale.ROOT, "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=earthcare:vza&QUERY_LAYERS=earthcare:vza"
                + "&STYLES=&CRS=EPSG:4326&BBOX=%.12f,%.12f,%.12f,%.12f&WIDTH=101&HEIGHT=101&I=50&J=50&INFO_FORMAT=%s",
                lat - h, lon - h, lat + h, lon + h, OwsHttp.enc(format));
    }

    @Test
    void featureInfoAtNativeResolutionIsTheStoredObservation() throws Exception {
        HealpixGrid g29 = HealpixGrid.of(Ellipsoid.WGS84, 29);
        int checked = 0;
        for (int k = 100; k < ids.length; k += 1597) {
            if (Float.isNaN(values[k]) || values[k] > 1e30) continue;
            double[] c = g29.center(ids[k]);
            // 1e-5 deg pixels (~1 m): finer than the native cells, so the nearest observation: the cell itself
            JsonNode n = new ObjectMapper().readTree(http.get(gfi(c[0], c[1], 1e-5, "application/json")).body()).get("layers").get(0);
            assertEquals(ids[k], n.get("cell_id").asLong(), "cell at " + c[0] + "," + c[1]);
            assertEquals(29, n.get("depth").asInt());
            assertEquals(c[0], n.get("lon").asDouble(), 1e-12);
            assertEquals(c[1], n.get("lat").asDouble(), 1e-12);
            assertEquals(1, n.get("count").asLong());
            assertEquals(values[k], n.get("values").get(0).get("value").floatValue(), 0f);
            assertEquals("degrees", n.get("values").get(0).get("units").asText());
            checked++;
        }
        assertTrue(checked >= 3, "checked " + checked);
    }

    @Test
    void featureInfoOnAnOverviewIsTheAggregatedCell() throws Exception {
        int depth = store.overviewDepths()[0];
        try (DggsStore ov = store.overview(depth)) {
            long[] ovIds = ov.readCellIds(0, ov.cellCount());
            float[] ovValues = (float[]) ov.read(VAR, 0, ov.cellCount());
            long[] counts = (long[]) toLongs(ov.read("count", 0, ov.cellCount()));
            HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, depth);
            int k = ovIds.length / 2;
            while (Float.isNaN(ovValues[k])) k++;
            double[] c = g.center(ovIds[k]);
            // pixels of ~2 km: coarser than the native ~400 m cells, so the depth-14 level
            double d = g.cellEdgeMetres() * 1.5 / 111_320;
            String text = http.get(gfi(c[0], c[1], d, "text/plain")).text();
            assertTrue(text.contains("cell_id: " + ovIds[k] + "\ndepth: " + depth + "\n"), text);
            assertTrue(text.contains("count: " + counts[k] + "\n"), text);
            assertTrue(text.contains(VAR + ": " + (double) ovValues[k] + " degrees"), text);
            String html = http.get(gfi(c[0], c[1], d, "text/html")).text();
            assertTrue(html.contains("<th>cell_id</th><td>" + ovIds[k] + "</td>"), html);
        }
    }

    private static Object toLongs(Object a) {
        if (a instanceof long[]) return a;
        if (a instanceof int[] i) return java.util.Arrays.stream(i).asLongStream().toArray();
        if (a instanceof short[] s) {
            long[] l = new long[s.length];
            for (int i = 0; i < s.length; i++) l[i] = s[i];
            return l;
        }
        throw new AssertionError("count is " + a.getClass());
    }

    @Test
    void outsideTheSwathThereIsNoCell() throws Exception {
        JsonNode n = new ObjectMapper().readTree(http.get(gfi(-120, -40, 1e-3, "application/json")).body()).get("layers").get(0);
        assertTrue(n.get("cell_id").isNull());
        assertFalse(http.get(gfi(-120, -40, 1e-3, "text/plain")).text().contains("cell_id:"));
    }
}
