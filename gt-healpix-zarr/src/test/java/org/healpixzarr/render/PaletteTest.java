package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PaletteTest {
    static double distance(int a, int b) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
            int d = (a >> 8 * k & 0xFF) - (b >> 8 * k & 0xFF);
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Test
    void earthCarePalettesCoverTheirCodesWithDistinctColours() {
        Map<String, long[]> codes = Map.of("cloud_mask", new long[] {0, 1, 2, 3},
                "cloud_type", new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
                "isccp_cloud_type", new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
                "cloud_phase", new long[] {1, 2, 3, 4});
        for (var e : codes.entrySet()) {
            Palette p = Palette.earthCare(e.getKey());
            assertArrayEquals(e.getValue(), p.entries().stream().mapToLong(Palette.Entry::code).toArray(), e.getKey());
            Set<Integer> colours = new HashSet<>();
            for (long c : e.getValue()) {
                int argb = p.argb(c);
                assertEquals(0xFF, argb >>> 24);
                assertTrue(distance(argb, Palette.OTHER) > 30, e.getKey() + " " + c + " must not look like 'other'");
                colours.add(argb);
            }
            assertEquals(e.getValue().length, colours.size(), e.getKey() + " colours distinct");
        }
        assertEquals("clear", Palette.earthCare("cloud_mask").entries().get(0).label());
        assertEquals("deep convection", Palette.earthCare("isccp_cloud_type").entries().get(9).label());
        assertEquals("water", Palette.earthCare("cloud_phase").entries().get(0).label());
        assertNull(Palette.earthCare("cloud_top_height"));
    }

    @Test
    void unlistedCodesAreOtherAndMissingIsTransparent() {
        Palette p = Palette.earthCare("cloud_mask");
        assertEquals(Palette.OTHER, p.argb(7));
        assertEquals(Palette.OTHER, p.argb(1.5));
        assertEquals(0, p.argb(Double.NaN));
    }

    @Test
    void qualitativeColoursAreDistinct() {
        for (int i = 0; i < Styles.MAX_CLASSES; i++) {
            for (int j = 0; j < i; j++) {
                assertTrue(distance(Palette.qualitative(i), Palette.qualitative(j)) > 25,
                        "qualitative colours " + j + " and " + i + " too close");
            }
            assertTrue(distance(Palette.qualitative(i), Palette.OTHER) > 25, "colour " + i + " vs other");
        }
    }

    @Test
    void flagAttributes() {
        Map<String, Object> a = Map.of("flag_values", List.of(1, 2, 4), "flag_meanings", "land sea_ice  snow");
        assertArrayEquals(new long[] {1, 2, 4}, Palette.flagValues(a));
        assertArrayEquals(new String[] {"land", "sea ice", "snow"}, Palette.flagMeanings(a));
        assertArrayEquals(new long[] {3}, Palette.flagValues(Map.of("flag_values", 3)));
        assertNull(Palette.flagValues(Map.of("flag_values", List.of(1.5))));
        assertNull(Palette.flagValues(Map.of()));
        Palette q = Palette.qualitative(new long[] {1, 2, 4}, Palette.flagMeanings(a));
        assertEquals("sea ice", q.entries().get(1).label());
        assertEquals(Palette.qualitative(2), q.argb(4));
    }

    @Test
    void bitFields() {
        assertEquals("bits 0,2,15", Palette.bitList(-32763, 16));
        assertEquals("bit 3", Palette.bitList(8, 8));
        assertEquals("no bit", Palette.bitList(0, 16));
        Palette v = Palette.bitValues(new long[] {-32765, -32763}, 16);
        assertEquals("-32765 (bits 0,1,15)", v.entries().get(0).label());
        Palette any = Palette.anyBit();
        assertEquals(any.entries().get(0).argb(), any.argb(0));
        assertEquals(any.entries().get(1).argb(), any.argb(-32763));
        assertEquals(any.entries().get(1).argb(), any.argb(16));
        assertEquals(0, any.argb(Double.NaN));
    }
}
