package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ColorMapTest {
    /** Relative luminance (sRGB, linearised), 0..1. */
    static double luminance(int argb) {
        double[] c = new double[3];
        for (int k = 0; k < 3; k++) {
            double v = (argb >> (16 - 8 * k) & 0xFF) / 255.0;
            c[k] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }

    @Test
    void namesDefaultFirst() {
        assertEquals(List.of("viridis", "magma", "inferno", "plasma", "cividis", "greys"), ColorMap.names());
        assertNotNull(ColorMap.of("MAGMA"));
        assertNull(ColorMap.of("jet"));
    }

    @Test
    void endpointsAreThePublishedOnes() {
        // published end colours of the maps (matplotlib documentation / the viridis paper)
        assertEquals(0xFF440154, ColorMap.of("viridis").argb(0.0));
        assertEquals(0xFFFDE725, ColorMap.of("viridis").argb(1.0));
        assertEquals(0xFF000004, ColorMap.of("magma").argb(0.0));
        assertEquals(0xFFFCFDBF, ColorMap.of("magma").argb(1.0));
        assertEquals(0xFF00224E, ColorMap.of("cividis").argb(0.0));
        assertEquals(0xFF000000, ColorMap.of("greys").argb(0.0));
        assertEquals(0xFFFFFFFF, ColorMap.of("greys").argb(1.0));
    }

    @Test
    void everyMapIsOpaqueAndGrowsInLuminance() {
        for (String n : ColorMap.names()) {
            ColorMap m = ColorMap.of(n);
            double prev = -1;
            for (int i = 0; i < 256; i++) {
                int c = m.argb((i + 0.5) / 256);
                assertEquals(0xFF, c >>> 24, n + " opaque");
                double l = luminance(c);
                assertTrue(l >= prev - 1e-3, n + " luminance drops at " + i + ": " + prev + " -> " + l);
                prev = l;
            }
            assertTrue(luminance(m.argb(1)) - luminance(m.argb(0)) > 0.5, n + " spans a wide luminance range");
        }
    }

    @Test
    void valuesAreClampedAndNaNIsTransparent() {
        ColorMap v = ColorMap.of("viridis");
        assertEquals(0, v.argb(Double.NaN));
        assertEquals(0, v.argb(Double.NaN, 0, 1));
        assertEquals(v.argb(0.0), v.argb(-5, 0, 10));
        assertEquals(v.argb(1.0), v.argb(50, 0, 10));
        assertEquals(v.argb(0.5), v.argb(5, 0, 10));
        assertEquals(v.argb(0.25), v.argb(-5, -10, 10));
        // degenerate range: the middle colour, not an exception
        assertEquals(v.argb(0.5), v.argb(3, 3, 3));
    }
}
