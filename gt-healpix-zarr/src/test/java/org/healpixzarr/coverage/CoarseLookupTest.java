package org.healpixzarr.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pixels coarser than the coarsest overview level: each takes the first stored cell inside its pixel-sized
 * ancestor cell, so sparse data stays visible (the bundled EarthCARE sample keeps one row in 56: its pyramid has
 * only the native level, and a whole-frame map used to hit almost nothing).
 */
class CoarseLookupTest {
    @TempDir
    Path dir;

    @Test
    void coarsePixelsTakeTheFirstCellOfTheirAncestor() throws Exception {
        Path sample = Fixtures.convertEarthCare(
                java.util.Objects.requireNonNull(new java.io.File(CoarseLookupTest.class.getResource("/earthcare").toURI())
                        .list((d, n) -> n.endsWith(".h5")))[0], dir.resolve("s.zarr"));
        try (DggsStore s = DggsStore.open(sample)) {
            int[] levels = s.overviewDepths();
            int coarsest = levels[levels.length - 1];
            try (DggsStore level = s.overview(coarsest)) {
                CellSampler cs = CellSampler.of(s);
                double[] b = s.bbox();
                int w = 40, h = 100;
                TargetGrid g = TargetGrid.of(Crs.decode("CRS:84"), new double[] {b[0], b[1], b[2], b[3]}, w, h);
                int pd = (int) Math.ceil(Math.log(HealpixGrid.of(Ellipsoid.WGS84, 0).cellEdgeMetres() / g.pixelSizeMetres())
                        / Math.log(2) - 1e-9);
                assertTrue(pd < coarsest, "the request must be coarser than the coarsest level " + coarsest + ": " + pd);
                Samples sm = cs.sample(g, List.of("cloud_mask"));
                assertEquals(coarsest, sm.depth());
                long[] ids = level.readCellIds(0, level.cellCount());
                HealpixGrid hg = HealpixGrid.of(Ellipsoid.WGS84, coarsest);
                int shift = 2 * (coarsest - pd), hits = 0, centreHits = 0;
                java.util.Set<Long> stored = new java.util.HashSet<>();
                for (long id : ids) stored.add(id);
                for (int p = 0; p < w * h; p++) {
                    long a = hg.hash(g.lon()[p], g.lat()[p]) >>> shift;
                    long expected = -1;
                    for (long id : ids) { // brute force: the smallest stored id under the ancestor
                        if (id >>> shift == a) {
                            expected = id;
                            break;
                        }
                    }
                    assertEquals(expected, sm.cellId(p), "pixel " + p);
                    if (expected >= 0) hits++;
                    if (stored.contains(hg.hash(g.lon()[p], g.lat()[p]))) centreHits++;
                }
                assertTrue(hits > 5 * Math.max(1, centreHits), "coarse lookup hits " + hits + " vs pixel centres alone " + centreHits);
            }
        }
    }
}
