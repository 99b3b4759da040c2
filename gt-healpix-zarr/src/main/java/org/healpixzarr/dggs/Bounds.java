package org.healpixzarr.dggs;

import org.healpixzarr.healpix.Ellipsoid;
import org.healpixzarr.healpix.HealpixGrid;

/**
 * Bounding box of a set of cells, from the vertices of their parents at depth {@value StoreLayout#BBOX_DEPTH}
 * (conservative by at most one such cell, ~6 km). Longitudes: the smallest interval containing every cell,
 * found as the complement of the largest empty gap on a 0.1° circle, so a set crossing the antimeridian gets
 * {@code west > east}; a set touching a pole gets the full longitude range. Accepts ids in ascending order.
 */
final class Bounds {
    private static final int BINS = 3600;
    private final int depth;
    private final int coarse;
    private final HealpixGrid grid;
    private final double[] binMin = new double[BINS];
    private final double[] binMax = new double[BINS];
    private final boolean[] used = new boolean[BINS];
    private double south = Double.POSITIVE_INFINITY, north = Double.NEGATIVE_INFINITY;
    private boolean pole;
    private long last = -1;
    private boolean any;

    Bounds(Ellipsoid ellipsoid, int depth) {
        this.depth = depth;
        this.coarse = Math.min(depth, StoreLayout.BBOX_DEPTH);
        this.grid = HealpixGrid.of(ellipsoid, coarse);
    }

    void accept(long id) {
        long p = HealpixGrid.parent(id, depth, coarse);
        if (any && p == last) return;
        any = true;
        last = p;
        double[] v = grid.vertices(p);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 4; k++) {
            double lat = v[2 * k + 1];
            south = Math.min(south, lat);
            north = Math.max(north, lat);
            if (Math.abs(lat) > 89.999999) pole = true;
        }
        // longitudes of the vertices, unwrapped around the first one
        double ref = v[0];
        for (int k = 0; k < 4; k++) {
            double lon = v[2 * k];
            if (Math.abs(v[2 * k + 1]) > 89.999999) continue; // pole vertex: longitude undefined
            double d = lon - ref;
            d -= 360 * Math.rint(d / 360);
            lo = Math.min(lo, ref + d);
            hi = Math.max(hi, ref + d);
        }
        if (lo > hi) return;
        for (double x = lo; ; x = Math.min(hi, x + 0.05)) {
            mark(x);
            if (x >= hi) break;
        }
    }

    private void mark(double lon) {
        double w = lon - 360 * Math.floor((lon + 180) / 360); // [-180, 180)
        int b = Math.min(BINS - 1, (int) ((w + 180) * (BINS / 360.0)));
        if (!used[b]) {
            used[b] = true;
            binMin[b] = w;
            binMax[b] = w;
        } else {
            binMin[b] = Math.min(binMin[b], w);
            binMax[b] = Math.max(binMax[b], w);
        }
    }

    /** {west, south, east, north} in degrees, or {@code null} for no cells. */
    double[] bbox() {
        if (!any) return null;
        if (pole) return new double[] {-180, south, 180, north};
        // largest circular run of empty bins
        int bestStart = -1, bestLen = 0;
        for (int s = 0; s < BINS; s++) {
            if (used[s] || !used[(s + BINS - 1) % BINS]) continue; // start of an empty run
            int len = 0;
            while (len < BINS && !used[(s + len) % BINS]) len++;
            if (len > bestLen) {
                bestLen = len;
                bestStart = s;
            }
        }
        if (bestStart < 0) return new double[] {-180, south, 180, north};
        int eastBin = (bestStart + BINS - 1) % BINS;
        int westBin = (bestStart + bestLen) % BINS;
        double west = binMin[westBin], east = binMax[eastBin];
        if (west <= -180 + 1e-9 && east >= 180 - 0.1 - 1e-9 && west < east) return new double[] {-180, south, 180, north};
        return new double[] {west, south, east, north};
    }
}
