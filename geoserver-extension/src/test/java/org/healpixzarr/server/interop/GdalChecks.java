package org.healpixzarr.server.interop;

import org.healpixzarr.testing.ExternalTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Assertions on what GDAL reads. */
final class GdalChecks {
    private GdalChecks() {}

    /** The dataset's CRS (gdalinfo -json) is EPSG:4326. */
    static void assertEpsg4326(JsonNode info) {
        String wkt = info.path("coordinateSystem").path("wkt").asText();
        assertTrue(wkt.contains("ID[\"EPSG\",4326]") && wkt.startsWith("GEOGCRS[\"WGS 84\""), "CRS " + wkt);
    }

    /**
     * Reads, with {@code gdallocationinfo}, the first band of a GeoTIFF at the centres of up to 40 stored cells well
     * inside {@code wsen} and compares with the stored values: those read must agree within {@code tolerance}
     * (degrees of viewing zenith angle, which varies by ~0.05 between neighbouring native cells); at most a fifth may
     * be no-data (pixels at the swath edge).
     */
    static void assertValuesMatchStore(InteropServer s, Path tif, double[] wsen, double tolerance) throws IOException {
        StringBuilder in = new StringBuilder();
        List<Integer> picked = new java.util.ArrayList<>();
        double m = 0.05 * (wsen[2] - wsen[0]);
        for (int i = 0; i < s.cells.length && picked.size() < 4000; i++) {
            double[] c = s.cells[i];
            if (c[0] > wsen[0] + m && c[0] < wsen[2] - m && c[1] > wsen[1] + m && c[1] < wsen[3] - m) picked.add(i);
        }
        assertTrue(picked.size() >= 20, "cells inside " + java.util.Arrays.toString(wsen) + ": " + picked.size());
        List<Integer> sample = new java.util.ArrayList<>();
        int n = Math.min(40, picked.size());
        for (int k = 0; k < n; k++) sample.add(picked.get(k * picked.size() / n));
        for (int i : sample) in.append(String.format(Locale.ROOT, "%.9f %.9f%n", s.cells[i][0], s.cells[i][1]));
        String out = ExternalTools.runOk(List.of("gdallocationinfo", "-valonly", "-wgs84", tif.toString()), Map.of(), in.toString());
        String[] lines = out.strip().split("\\R");
        assertEquals(sample.size(), lines.length, out);
        int nan = 0;
        for (int k = 0; k < lines.length; k++) {
            double v = Double.parseDouble(lines[k].trim().equalsIgnoreCase("nan") ? "NaN" : lines[k].trim());
            if (Double.isNaN(v)) {
                nan++;
                continue;
            }
            int i = sample.get(k);
            assertEquals(s.values[i], v, tolerance, "value at cell centre " + s.cells[i][0] + "," + s.cells[i][1]);
        }
        assertTrue(nan <= sample.size() / 5, nan + " of " + sample.size() + " cell centres read as no-data");
    }
}
