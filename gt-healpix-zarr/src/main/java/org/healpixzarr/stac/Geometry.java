package org.healpixzarr.stac;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GeoJSON (RFC 7946) footprints of bounding boxes {west, south, east, north} in degrees, where west &gt; east
 * means the box crosses the antimeridian.
 */
final class Geometry {
    private Geometry() {
    }

    /**
     * The box as a GeoJSON geometry: a Polygon, or, across the antimeridian, a MultiPolygon of the part east of
     * {@code west} up to 180 and the part from -180 to {@code east} (RFC 7946 §3.1.9). Rings are counter-clockwise.
     * {@code null} for no box.
     */
    static Map<String, Object> of(double[] b) {
        if (b == null) return null;
        Map<String, Object> g = new LinkedHashMap<>();
        if (b[0] <= b[2]) {
            g.put("type", "Polygon");
            g.put("coordinates", List.of(ring(b[0], b[1], b[2], b[3])));
        } else {
            g.put("type", "MultiPolygon");
            g.put("coordinates", List.of(List.of(ring(b[0], b[1], 180, b[3])), List.of(ring(-180, b[1], b[2], b[3]))));
        }
        return g;
    }

    private static List<List<Double>> ring(double w, double s, double e, double n) {
        return List.of(List.of(w, s), List.of(e, s), List.of(e, n), List.of(w, n), List.of(w, s));
    }

    static List<Double> list(double[] b) {
        return List.of(b[0], b[1], b[2], b[3]);
    }

    /**
     * The smallest box holding all {@code boxes}: latitudes min/max; longitudes the shortest arc covering every
     * box's arc (it may cross the antimeridian, then west &gt; east). The whole world when {@code boxes} is empty.
     */
    static double[] union(List<double[]> boxes) {
        if (boxes.isEmpty()) return new double[] {-180, -90, 180, 90};
        double south = 90, north = -90;
        List<double[]> arcs = new ArrayList<>(); // {start in [-180, 180), end = start + span}
        for (double[] b : boxes) {
            south = Math.min(south, b[1]);
            north = Math.max(north, b[3]);
            double span = b[0] <= b[2] ? b[2] - b[0] : b[2] + 360 - b[0];
            double start = b[0] == 180 ? -180 : b[0];
            arcs.add(new double[] {start, start + span});
        }
        arcs.sort(Comparator.comparingDouble((double[] a) -> a[0]).thenComparingDouble(a -> a[1]));
        // the largest gap between consecutive arcs (and around from the last back to the first) is left out
        double bestGap = 0, gapStart = 0, gapEnd = 0;
        double reach = arcs.get(0)[1];
        for (int i = 1; i < arcs.size(); i++) {
            double[] a = arcs.get(i);
            if (a[0] - reach > bestGap) {
                bestGap = a[0] - reach;
                gapStart = reach;
                gapEnd = a[0];
            }
            reach = Math.max(reach, a[1]);
        }
        double wrap = arcs.get(0)[0] + 360 - reach;
        if (wrap > bestGap) {
            bestGap = wrap;
            gapStart = reach;
            gapEnd = arcs.get(0)[0] + 360;
        }
        if (bestGap <= 0) return new double[] {-180, south, 180, north};
        double west = normalize(gapEnd);
        double east = normalize(gapStart);
        if (east == -180) east = 180;
        if (west == 180) west = -180;
        return new double[] {west, south, east, north};
    }

    /** Longitude into [-180, 180). */
    private static double normalize(double lon) {
        double l = lon - 360 * Math.floor((lon + 180) / 360);
        return l;
    }
}
