package org.healpixzarr.render;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A continuous colour map: 256 opaque colours from low to high, read from {@code colormaps.txt} (provenance and
 * licences are in that file). Immutable and thread-safe.
 */
final class ColorMap {
    private static final Map<String, ColorMap> MAPS = load();

    private final String name;
    private final int[] argb;

    private ColorMap(String name, int[] argb) {
        this.name = name;
        this.argb = argb;
    }

    /** The names, the default ({@code viridis}) first. */
    static List<String> names() {
        return List.copyOf(MAPS.keySet());
    }

    /** A map by name (case-insensitive), or {@code null}. */
    static ColorMap of(String name) {
        return name == null ? null : MAPS.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    String name() {
        return name;
    }

    /** Colour of a fraction of the range: 0 the lowest colour, 1 the highest, clamped; NaN gives 0 (transparent). */
    int argb(double fraction) {
        if (Double.isNaN(fraction)) return 0;
        int i = (int) Math.floor(fraction * 256);
        return argb[Math.max(0, Math.min(255, i))];
    }

    /** Colour of {@code value} over {@code [min, max]} (max ≤ min: everything gets the middle colour). */
    int argb(double value, double min, double max) {
        if (Double.isNaN(value)) return 0;
        if (!(max > min)) return argb[128];
        return argb((value - min) / (max - min));
    }

    private static Map<String, ColorMap> load() {
        Map<String, ColorMap> m = new LinkedHashMap<>();
        try (InputStream in = ColorMap.class.getResourceAsStream("colormaps.txt")) {
            if (in == null) throw new IllegalStateException("resource org/healpixzarr/render/colormaps.txt missing from the jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.trim().split("\\s+");
                if (f.length != 257) throw new IllegalStateException("colormaps.txt: " + f[0] + " has " + (f.length - 1) + " colours, expected 256");
                int[] c = new int[256];
                for (int i = 0; i < 256; i++) c[i] = 0xFF000000 | Integer.parseInt(f[i + 1], 16);
                m.put(f[0], new ColorMap(f[0], c));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(m);
    }
}
