package org.healpixzarr.healpix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Randomised properties with logged seeds (override with -Dhealpix.seed=N). */
class HealpixPropertyTest {

    /** Random ids plus the corner, edge and centre cells of every face (poles, face corners). */
    private static List<Long> sampleIds(HealpixGrid g, Random rnd, int randomCount) {
        List<Long> ids = new ArrayList<>();
        long n = g.nside();
        for (int f = 0; f < 12; f++) {
            for (long ix : new long[] {0, n / 2, n - 1}) {
                for (long iy : new long[] {0, n / 2, n - 1}) ids.add(g.encode(f, ix, iy));
            }
        }
        for (int i = 0; i < randomCount; i++) ids.add(Math.floorMod(rnd.nextLong(), g.cellCount()));
        return ids;
    }

    @Test
    void hashOfCentreIsTheCell() {
        Random rnd = new Random(Seeds.seed("hashOfCentreIsTheCell"));
        for (Ellipsoid e : Ellipsoid.values()) {
            for (int d = 0; d <= HealpixGrid.MAX_DEPTH; d++) {
                HealpixGrid g = HealpixGrid.of(e, d);
                for (long id : sampleIds(g, rnd, 300)) {
                    double[] c = g.center(id);
                    assertTrue(c[0] >= -180 && c[0] < 180 && Math.abs(c[1]) <= 90, "centre range");
                    assertEquals(id, g.hash(c[0], c[1]), () -> e + " depth " + g.depth() + " id " + id + " centre " + c[0] + "," + c[1]);
                }
            }
        }
    }

    @Test
    void verticesSurroundCentre() {
        Random rnd = new Random(Seeds.seed("verticesSurroundCentre"));
        for (Ellipsoid e : Ellipsoid.values()) {
            for (int d = 4; d <= HealpixGrid.MAX_DEPTH; d++) {
                HealpixGrid g = HealpixGrid.of(e, d);
                for (long id : sampleIds(g, rnd, 100)) {
                    double[] c = g.center(id);
                    double[] v = g.vertices(id);
                    // S lowest, N highest latitude
                    assertTrue(v[1] < c[1] && c[1] < v[5], "lat order " + id);
                    assertTrue(v[3] <= v[5] && v[3] >= v[1] && v[7] <= v[5] && v[7] >= v[1], "E/W lat between S and N");
                    for (int k = 0; k < 4; k++) {
                        double vlon = v[2 * k], vlat = v[2 * k + 1];
                        if (Math.abs(vlat) > 90 - 1e-9) continue; // pole vertex: longitude undefined
                        double dl = vlon - c[0];
                        dl -= 360 * Math.rint(dl / 360);
                        if (k == 1) assertTrue(dl > 0, "E vertex east of centre");
                        if (k == 3) assertTrue(dl < 0, "W vertex west of centre");
                        // 5% from the vertex towards the centre is inside the cell
                        double plon = c[0] + 0.95 * dl, plat = c[1] + 0.95 * (vlat - c[1]);
                        assertEquals(id, g.hash(plon, plat), e + " depth " + d + " id " + id + " vertex " + k);
                    }
                }
            }
        }
    }

    @Test
    void hierarchyIsConsistent() {
        Random rnd = new Random(Seeds.seed("hierarchyIsConsistent"));
        for (int i = 0; i < 2000; i++) {
            int d = rnd.nextInt(HealpixGrid.MAX_DEPTH + 1);
            int c = d + rnd.nextInt(HealpixGrid.MAX_DEPTH - d + 1);
            long id = Math.floorMod(rnd.nextLong(), 12L << (2 * d));
            long first = HealpixGrid.firstChild(id, d, c);
            long end = HealpixGrid.childrenEnd(id, d, c);
            assertEquals(1L << (2 * (c - d)), end - first);
            assertEquals(id, HealpixGrid.parent(first, c, d));
            assertEquals(id, HealpixGrid.parent(end - 1, c, d));
            assertTrue(HealpixGrid.isValid(end - 1, c));
            // geometric: the centre of a cell hashes at a finer depth into one of its children, and a
            // point hashed at depth c has as parent the cell hashed at depth d
            Ellipsoid e = rnd.nextBoolean() ? Ellipsoid.WGS84 : Ellipsoid.SPHERE;
            double[] ctr = HealpixGrid.of(e, d).center(id);
            long child = HealpixGrid.of(e, c).hash(ctr[0], ctr[1]);
            assertTrue(child >= first && child < end, "centre child");
            double lon = 360 * rnd.nextDouble() - 180, lat = Math.toDegrees(Math.asin(2 * rnd.nextDouble() - 1));
            assertEquals(HealpixGrid.of(e, d).hash(lon, lat), HealpixGrid.parent(HealpixGrid.of(e, c).hash(lon, lat), c, d));
        }
    }

    private static double angle(double[] a, double[] b) {
        double la1 = Math.toRadians(a[1]), la2 = Math.toRadians(b[1]), dl = Math.toRadians(b[0] - a[0]);
        double x = Math.sin((la2 - la1) / 2), y = Math.sin(dl / 2);
        return 2 * Math.asin(Math.min(1, Math.sqrt(x * x + Math.cos(la1) * Math.cos(la2) * y * y)));
    }

    @Test
    void neighboursAreSymmetricAndClose() {
        Random rnd = new Random(Seeds.seed("neighboursAreSymmetricAndClose"));
        for (int d = 0; d <= HealpixGrid.MAX_DEPTH; d++) {
            HealpixGrid g = HealpixGrid.of(Ellipsoid.SPHERE, d);
            double cellAngle = Math.sqrt(4 * Math.PI / g.cellCount());
            for (long id : sampleIds(g, rnd, 200)) {
                long[] nb = g.neighbours(id);
                Set<Long> distinct = new HashSet<>();
                int missing = 0;
                for (long b : nb) {
                    if (b == -1) {
                        missing++;
                        continue;
                    }
                    assertTrue(HealpixGrid.isValid(b, d) && b != id);
                    assertTrue(distinct.add(b), "duplicate neighbour " + b + " of " + id + " depth " + d);
                    boolean back = false;
                    for (long bb : g.neighbours(b)) back |= bb == id;
                    assertTrue(back, id + " not a neighbour of its neighbour " + b + " at depth " + d);
                    if (d >= 2) {
                        double a = angle(g.center(id), g.center(b));
                        assertTrue(a < 2.5 * cellAngle && a > 0.3 * cellAngle,
                                "distance " + a / cellAngle + " cells between " + id + " and " + b + " depth " + d);
                    }
                }
                assertTrue(missing <= (d == 0 ? 2 : 1), "missing " + missing + " for " + id + " at depth " + d);
            }
        }
    }

    @Test
    void cellsWithSevenNeighboursAreTheEightFaceCornerCells() {
        for (int d : new int[] {1, 3, 8}) {
            HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, d);
            int count = 0;
            for (long id = 0; id < g.cellCount(); id++) {
                for (long b : g.neighbours(id)) if (b == -1) count++;
            }
            // 8 vertices where 3 faces meet, 3 cells each, each cell missing one neighbour
            assertEquals(24, count, "depth " + d);
        }
    }

    private static double[] randomBox(Random rnd, int kind) {
        double w = 360 * rnd.nextDouble() - 180;
        double width, s, h;
        switch (kind) {
            case 0: // ordinary
                width = 40 * rnd.nextDouble();
                s = -80 + 150 * rnd.nextDouble();
                h = 20 * rnd.nextDouble();
                break;
            case 1: // antimeridian-crossing
                w = 150 + 30 * rnd.nextDouble();
                width = 10 + 60 * rnd.nextDouble();
                s = -70 + 140 * rnd.nextDouble();
                h = 20 * rnd.nextDouble();
                break;
            case 2: // polar cap
                width = 360 * rnd.nextDouble();
                h = 10 * rnd.nextDouble();
                s = rnd.nextBoolean() ? 90 - h : -90;
                break;
            case 3: // thin
                width = rnd.nextBoolean() ? 1e-6 : 30 * rnd.nextDouble();
                h = width < 1 ? 30 * rnd.nextDouble() : 1e-6;
                s = -60 + 120 * rnd.nextDouble();
                break;
            default: // whole world
                return new double[] {-180, -90, 180, 90};
        }
        double e = w + width;
        if (e > 180) e -= 360;
        return new double[] {w, Math.max(-90, s), e, Math.min(90, s + h)};
    }

    @Test
    void coverBoxContainsEveryHashedPoint() {
        Random rnd = new Random(Seeds.seed("coverBoxContainsEveryHashedPoint"));
        for (int i = 0; i < 150; i++) {
            double[] b = randomBox(rnd, i % 5);
            Ellipsoid e = i % 2 == 0 ? Ellipsoid.WGS84 : Ellipsoid.SPHERE;
            int depth = rnd.nextInt(10);
            if (i % 5 == 3) depth = 8 + rnd.nextInt(4);
            HealpixGrid g = HealpixGrid.of(e, depth);
            RangeSet cover = g.coverBox(b[0], b[1], b[2], b[3]);
            double width = b[2] - b[0];
            if (width < 0) width += 360;
            if (i % 5 == 4) width = 360;
            for (int k = 0; k < 3000; k++) {
                double fx = k < 16 ? (k & 3) / 3.0 : rnd.nextDouble(); // corners/edges first
                double fy = k < 16 ? (k >> 2) / 3.0 : rnd.nextDouble();
                if (k >= 16 && k % 3 == 0) fx = rnd.nextBoolean() ? 0 : 1; // box border
                double lon = b[0] + fx * width, lat = b[1] + fy * (b[3] - b[1]);
                long id = g.hash(lon, Math.min(90, lat));
                if (!cover.contains(id))
                    fail("box " + java.util.Arrays.toString(b) + " " + e + " depth " + depth + " misses " + id + " of " + lon + "," + lat);
            }
            if (i % 5 == 4) assertEquals(g.cellCount(), cover.cellCount());
        }
    }

    @Test
    void coverBoxIsNotAbsurdlyLoose() {
        Random rnd = new Random(Seeds.seed("coverBoxIsNotAbsurdlyLoose"));
        for (int i = 0; i < 100; i++) {
            double w = 360 * rnd.nextDouble() - 180, width = 0.5 + 5 * rnd.nextDouble();
            double s = -80 + 155 * rnd.nextDouble(), h = 0.5 + 5 * rnd.nextDouble();
            double n = Math.min(90, s + h);
            Ellipsoid e = rnd.nextBoolean() ? Ellipsoid.WGS84 : Ellipsoid.SPHERE;
            // depth where the box is ~10-40 cells across
            double cellDeg = Math.min(width, h) / 20;
            int depth = (int) Math.round(Math.log(58.6 / cellDeg) / Math.log(2));
            HealpixGrid g = HealpixGrid.of(e, depth);
            double cell = Math.toDegrees(Math.sqrt(4 * Math.PI / g.cellCount()));
            // area (unit authalic sphere) of the box enlarged by 2 cells on each side
            double s2 = Math.max(-90, s - 2 * cell), n2 = Math.min(90, n + 2 * cell);
            double zs = Math.sin(e.toAuthalic(Math.toRadians(s2))), zn = Math.sin(e.toAuthalic(Math.toRadians(n2)));
            double area = Math.toRadians(width + 4 * cell / Math.max(0.1, Math.cos(Math.toRadians(Math.max(Math.abs(s2), Math.abs(n2)))))) * (zn - zs);
            double cellsInEnlarged = area / (4 * Math.PI / g.cellCount());
            double e2 = w + width > 180 ? w + width - 360 : w + width;
            RangeSet cover = g.coverBox(w, s, e2, n);
            assertTrue(cover.cellCount() <= 1.5 * cellsInEnlarged,
                    "cover " + cover.cellCount() + " cells vs " + cellsInEnlarged + " in the enlarged box, depth " + depth);
            double cellsInBox = Math.toRadians(width) * (Math.sin(e.toAuthalic(Math.toRadians(n))) - Math.sin(e.toAuthalic(Math.toRadians(s))))
                    / (4 * Math.PI / g.cellCount());
            assertTrue(cover.cellCount() >= cellsInBox, "cover smaller than the box");
        }
    }
}
