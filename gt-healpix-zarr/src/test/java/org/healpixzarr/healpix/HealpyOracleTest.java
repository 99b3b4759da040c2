package org.healpixzarr.healpix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.healpixzarr.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live oracle: Debian's healpy + exact closed-form authalic latitude (make_golden.py CLI mode). */
class HealpyOracleTest {
    @TempDir
    Path tmp;

    private Path script() throws IOException {
        Path p = tmp.resolve("make_golden.py");
        try (InputStream in = HealpyOracleTest.class.getResourceAsStream("/healpix/make_golden.py")) {
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }

    @Test
    void randomPointsAtDepth29MatchHealpy() throws IOException {
        ExternalTools.requirePython("numpy", "healpy", "mpmath");
        long seed = Seeds.seed("HealpyOracleTest.randomPoints");
        Random rnd = new Random(seed);
        int n = 20_000;
        double[] lon = new double[n], lat = new double[n];
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lon[i] = -540 + 1080 * rnd.nextDouble();
            double u = 2 * rnd.nextDouble() - 1;
            lat[i] = i % 10 == 0 ? 90 * (2 * rnd.nextDouble() - 1) : Math.toDegrees(Math.asin(u));
            if (i % 97 == 0) lat[i] = Math.copySign(89.9 + 0.1 * rnd.nextDouble(), lat[i]); // near poles
            sb.append(Double.toString(lon[i])).append(' ').append(Double.toString(lat[i])).append('\n');
        }
        String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, script().toString(), "--depth", "29"), sb.toString());
        String[] lines = out.trim().split("\\s+");
        assertEquals(n, lines.length);
        HealpixGrid g = HealpixGrid.of(Ellipsoid.WGS84, 29);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ours = g.hash(lon[i], lat[i]);
            long ref = Long.parseLong(lines[i]);
            if (ours != ref) bad.add(lon[i] + " " + lat[i] + ": ours " + ours + " healpy " + ref);
        }
        assertEquals(List.of(), bad, "seed " + seed);
    }

    @Test
    void neighbourSetsMatchHealpy() throws IOException {
        ExternalTools.requirePython("numpy", "healpy", "mpmath");
        long seed = Seeds.seed("HealpyOracleTest.neighbours");
        Random rnd = new Random(seed);
        for (int depth : new int[] {0, 1, 2, 5, 12, 29}) {
            HealpixGrid g = HealpixGrid.of(Ellipsoid.SPHERE, depth);
            long n = g.nside();
            List<Long> ids = new ArrayList<>();
            for (int f = 0; f < 12; f++) { // every face corner and edge middles
                for (long ix : new long[] {0, n / 2, n - 1}) {
                    for (long iy : new long[] {0, n / 2, n - 1}) ids.add(g.encode(f, ix, iy));
                }
            }
            for (int i = 0; i < 200; i++) ids.add(Math.floorMod(rnd.nextLong(), g.cellCount()));
            StringBuilder sb = new StringBuilder();
            for (long id : ids) sb.append(id).append('\n');
            String out = ExternalTools.runOk(List.of(ExternalTools.PYTHON, script().toString(), "--neighbours", Integer.toString(depth)), sb.toString());
            String[] lines = out.trim().split("\n");
            assertEquals(ids.size(), lines.length);
            for (int i = 0; i < ids.size(); i++) {
                Set<Long> ref = new HashSet<>();
                for (String t : lines[i].trim().split("\\s+")) ref.add(Long.parseLong(t));
                Set<Long> ours = new HashSet<>();
                for (long v : g.neighbours(ids.get(i))) ours.add(v);
                if (depth == 0) { // healpy lists a duplicate instead of -1 in some cases at nside 1
                    ref.remove(-1L);
                    ours.remove(-1L);
                }
                assertEquals(ref, ours, "neighbours of " + ids.get(i) + " at depth " + depth + ": ours "
                        + Arrays.toString(g.neighbours(ids.get(i))) + " healpy " + lines[i]);
            }
            assertTrue(ids.size() > 100);
        }
    }
}
