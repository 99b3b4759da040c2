package org.healpixzarr.server.ows.wcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.healpixzarr.render.Style;
import org.healpixzarr.server.catalog.Layer;
import org.healpixzarr.server.ows.OgcSchemas;
import org.healpixzarr.server.ows.OwsHttp;
import org.healpixzarr.server.ows.SampleStores;
import org.healpixzarr.server.ows.TestLayers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** WCS over real HTTP on a store converted from the EarthCARE sample. */
class WcsRealDataTest {
    static final String VAR = "viewing_zenith_angle";
    @TempDir
    static Path dir;
    static DggsStore store;
    static OwsHttp http;

    @BeforeAll
    static void start() throws Exception {
        store = DggsStore.open(SampleStores.convert(SampleStores.AOT, dir.resolve("aot.zarr")));
        Layer layer = SampleStores.layer("earthcare:vza", store, VAR, List.of(new Style("viridis", "Viridis", VAR, 0, 0, 60)));
        http = new OwsHttp(new WcsService(), new TestLayers(List.of(layer)));
    }

    @AfterAll
    static void stop() {
        if (http != null) http.close();
        if (store != null) store.close();
    }

    @Test
    void describeCoverageFollowsTheStore() throws Exception {
        OwsHttp.Reply r = http.get("SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeCoverage&COVERAGEID=earthcare__vza");
        assertEquals(200, r.status(), r.text());
        assertEquals(List.of(), OgcSchemas.errors(OgcSchemas.wcs(), r.body()));
        Document d = WcsServiceTest.dom(r.body());
        double[] b = store.bbox();
        String[] lower = WcsServiceTest.text(d, WcsServiceTest.GML, "lowerCorner", 0).split(" ");
        assertEquals(b[1], Double.parseDouble(lower[0]), 1e-9, "lat first");
        assertEquals(b[0], Double.parseDouble(lower[1]), 1e-9);
        // the native grid: the native depth's cell edge in degrees
        double res = HealpixGrid.of(Ellipsoid.WGS84, store.nativeDepth()).cellEdgeMetres() / (6378137.0 * Math.PI / 180);
        String[] high = WcsServiceTest.text(d, WcsServiceTest.GML, "high", 0).split(" ");
        assertEquals(Math.ceil((b[2] - b[0]) / res - 1e-9), Long.parseLong(high[0]) + 1);
        assertEquals(Math.ceil((b[3] - b[1]) / res - 1e-9), Long.parseLong(high[1]) + 1);
        String[] dx = WcsServiceTest.text(d, WcsServiceTest.GML, "offsetVector", 0).split(" ");
        assertEquals((b[2] - b[0]) / (Long.parseLong(high[0]) + 1), Double.parseDouble(dx[1]), 1e-9);
        assertEquals("degrees", WcsServiceTest.elements(d, "http://www.opengis.net/swe/2.0", "uom").get(0).getAttribute("code"));
        assertEquals(VAR, WcsServiceTest.elements(d, "http://www.opengis.net/swe/2.0", "field").get(0).getAttribute("name"));
        assertTrue(WcsServiceTest.text(d, "http://www.opengis.net/swe/2.0", "description", 0).length() > 0);
    }
}
