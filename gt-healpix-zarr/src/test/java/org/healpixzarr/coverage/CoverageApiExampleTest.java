package org.healpixzarr.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.Raster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.sis.coverage.grid.GridCoverage;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.geometry.Envelope2D;
import org.apache.sis.geometry.Envelopes;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.storage.Aggregate;
import org.apache.sis.storage.DataStore;
import org.apache.sis.storage.DataStores;
import org.apache.sis.storage.GridCoverageResource;
import org.apache.sis.storage.Resource;
import org.apache.sis.storage.geotiff.GeoTiffStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opengis.geometry.Envelope;
import org.opengis.referencing.crs.CoordinateReferenceSystem;

/** The example of docs/coverage-api.md, compiled and run: keep the two identical. */
class CoverageApiExampleTest {
    @TempDir
    Path dir;

    /** The doc's first Java block is the code between the markers of {@link #example}, indentation removed. */
    @Test
    void docShowsThisCode() throws Exception {
        String src = java.nio.file.Files.readString(Path.of("src/test/java/org/healpixzarr/coverage/CoverageApiExampleTest.java"));
        String marker = "// ---8<---";
        int a = src.indexOf('\n', src.indexOf(marker + " docs/coverage-api.md")) + 1, b = src.lastIndexOf(marker);
        String code = src.substring(a, src.lastIndexOf('\n', b) + 1).replaceAll("(?m)^ {8}", "");
        String doc = java.nio.file.Files.readString(Path.of("../docs/coverage-api.md"));
        int d = doc.indexOf("```java\n") + 8;
        assertEquals(code, doc.substring(d, doc.indexOf("```", d)));
    }

    @Test
    void example() throws Exception {
        Path store = Fixtures.convertEarthCare("ECA_EXBA_MSI_COP_2A_20250625T135845Z_20250929T143920Z_06109D.h5",
                dir.resolve("06109D.zarr"));
        Path tiff = dir.resolve("cth.tif");
        List<String> names = new ArrayList<>();

        // ---8<--- docs/coverage-api.md
        try (DataStore ds = DataStores.open(store)) {                    // a DggsZarrDataStore
            for (Resource r : ((Aggregate) ds).components()) {
                names.add(r.getIdentifier().orElseThrow().toString());   // one resource per variable
            }
            GridCoverageResource cth = (GridCoverageResource) ds.findResource("cloud_top_height");

            // a 512 x 384 image of a 0.6 x 0.4 degree box, in Web Mercator
            CoordinateReferenceSystem mercator = Crs.decode("EPSG:3857");
            Envelope lonLat = new Envelope2D(CommonCRS.defaultGeographic(), 12.2, 59.0, 0.6, 0.4);
            Envelope box = Envelopes.transform(lonLat, mercator);
            GridGeometry domain = TargetGrid.gridGeometry(mercator, new double[] {
                    box.getMinimum(0), box.getMinimum(1), box.getMaximum(0), box.getMaximum(1)}, 512, 384);
            GridCoverage coverage = cth.read(domain);                    // float32, NaN where no data

            // write it as a GeoTIFF with SIS's GeoTIFF writer
            try (DataStore out = DataStores.openWritable(tiff, "GeoTIFF")) {
                ((GeoTiffStore) out).append(coverage, null);
            }
        }
        // ---8<---

        assertTrue(names.contains("cloud_top_height") && names.contains("cloud_optical_thickness"), names.toString());
        try (DataStore ds = DataStores.open(store); DataStore back = DataStores.open(tiff)) {
            GridCoverageResource cth = (GridCoverageResource) ds.findResource("cloud_top_height");
            GridCoverageResource written = (GridCoverageResource) ((Aggregate) back).components().iterator().next();
            GridCoverage a = cth.read(written.getGridGeometry());
            GridCoverage b = written.read(null);
            assertEquals(512, b.getGridGeometry().getExtent().getSize(0));
            assertEquals(384, b.getGridGeometry().getExtent().getSize(1));
            Raster ra = a.render(null).getData(), rb = b.render(null).getData();
            int data = 0;
            for (int j = 0; j < 384; j++) {
                for (int i = 0; i < 512; i++) {
                    float x = ra.getSampleFloat(i, j, 0), y = rb.getSampleFloat(i, j, 0);
                    assertEquals(x, y, 0, "pixel " + i + "," + j);
                    if (!Float.isNaN(x)) data++;
                }
            }
            assertTrue(data > 50, "pixels with data " + data);
        }
    }
}
