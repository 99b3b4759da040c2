package org.healpixzarr.render;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Colours for the codes of a class or bit-field variable: one colour and name per listed code, and one colour for
 * codes not listed ({@code other}); or, in "any bit set" mode, one colour for 0 and one for anything else.
 * Immutable and thread-safe.
 */
final class Palette {
    /** One class: its code, opaque colour and name. */
    record Entry(long code, int argb, String label) {}

    /** Colour of codes a palette does not list. */
    static final int OTHER = 0xFF808080;

    private final List<Entry> entries;
    private final Map<Long, Integer> colours = new HashMap<>();
    private final boolean anyBit;
    private final String otherLabel;

    private Palette(List<Entry> entries, boolean anyBit, String otherLabel) {
        this.entries = List.copyOf(entries);
        this.anyBit = anyBit;
        this.otherLabel = otherLabel;
        for (Entry e : entries) colours.put(e.code(), e.argb());
    }

    static Palette of(List<Entry> entries, String otherLabel) {
        return new Palette(entries, false, otherLabel);
    }

    /** The classes listed, in legend order. */
    List<Entry> entries() {
        return entries;
    }

    /** Name of the "other codes" entry of the legend, or {@code null} if the palette lists every code it expects. */
    String otherLabel() {
        return otherLabel;
    }

    /** Colour of a code; NaN (no value) gives 0, fully transparent. */
    int argb(double code) {
        if (Double.isNaN(code)) return 0;
        if (anyBit) return entries.get(code == 0 ? 0 : 1).argb();
        if (code != Math.rint(code)) return OTHER;
        Integer c = colours.get((long) code);
        return c == null ? OTHER : c;
    }

    // ---- the palettes -----------------------------------------------------------------------------------------

    private static final String[] CLOUD_CLASSES = {"clear", "cumulus", "altocumulus", "cirrus", "stratocumulus",
            "altostratus", "cirrostratus", "stratus", "nimbostratus", "deep convection"};
    /**
     * ISCCP classes: clear navy; low clouds (Cu, Sc, St) yellow to brown, mid (Ac, As, Ns) light to dark green,
     * high (Ci, Cs) lilac to violet, deep convection red; thicker is darker.
     */
    private static final int[] CLOUD_COLOURS = {0xFF203F6B, 0xFFFFE08A, 0xFF9EE09E, 0xFFD6C4F0, 0xFFF4A93B,
            0xFF3CB371, 0xFFA274D6, 0xFFB05F00, 0xFF1B7A3A, 0xFFD7263D};

    /** The fixed palettes of EarthCARE MSI variables, by variable name. */
    static Palette earthCare(String variable) {
        switch (variable) {
            case "cloud_mask":
                return fixed(new long[] {0, 1, 2, 3}, new int[] {0xFF203F6B, 0xFF6FA8DC, 0xFFBFC7CF, 0xFFFAFAFA},
                        new String[] {"clear", "probably clear", "probably cloudy", "cloudy"});
            case "cloud_type":
            case "isccp_cloud_type":
                return fixed(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, CLOUD_COLOURS, CLOUD_CLASSES);
            case "cloud_phase":
                return fixed(new long[] {1, 2, 3, 4}, new int[] {0xFF2F7FD8, 0xFFA8E6F2, 0xFF7B3FC4, 0xFFE0892F},
                        new String[] {"water", "ice", "supercooled", "overlap"});
            default:
                return null;
        }
    }

    private static Palette fixed(long[] codes, int[] argb, String[] labels) {
        List<Entry> e = new ArrayList<>();
        for (int i = 0; i < codes.length; i++) e.add(new Entry(codes[i], argb[i], labels[i]));
        return of(e, "other");
    }

    /**
     * A qualitative palette for arbitrary codes, in the given order: colour {@code i} is
     * {@link #qualitative(int)}.
     *
     * @param labels per code, or {@code null} to name each code by its value
     */
    static Palette qualitative(long[] codes, String[] labels) {
        List<Entry> e = new ArrayList<>();
        for (int i = 0; i < codes.length; i++) {
            e.add(new Entry(codes[i], qualitative(i), labels == null ? Long.toString(codes[i]) : labels[i]));
        }
        return of(e, "other");
    }

    /** A bit-field palette of the distinct codes, each named by its value and the bits set. */
    static Palette bitValues(long[] codes, int bits) {
        String[] labels = new String[codes.length];
        for (int i = 0; i < codes.length; i++) labels[i] = codes[i] + " (" + bitList(codes[i], bits) + ")";
        return qualitative(codes, labels);
    }

    /** "Any bit set": 0 grey, anything else red. */
    static Palette anyBit() {
        return new Palette(List.of(new Entry(0, 0xFFBDBDBD, "no bit set"), new Entry(1, 0xFFD7263D, "any bit set")),
                true, null);
    }

    static String bitList(long code, int bits) {
        long v = bits >= 64 ? code : code & ((1L << bits) - 1);
        if (v == 0) return "no bit";
        StringBuilder b = new StringBuilder(Long.bitCount(v) == 1 ? "bit " : "bits ");
        for (int i = 0; i < 64; i++) {
            if ((v >>> i & 1) != 0) {
                if (b.charAt(b.length() - 1) != ' ') b.append(',');
                b.append(i);
            }
        }
        return b.toString();
    }

    /**
     * Colour {@code i} of the generic qualitative palette: hues spaced by the golden angle so that neighbours in
     * the sequence differ strongly, with alternating saturation and brightness. Opaque.
     */
    static int qualitative(int i) {
        float hue = (float) ((0.08 + i * 0.6180339887498949) % 1.0);
        float sat = i % 3 == 2 ? 0.45f : 0.75f;
        float bri = i % 2 == 0 ? 0.92f : 0.70f;
        return 0xFF000000 | java.awt.Color.HSBtoRGB(hue, sat, bri) & 0xFFFFFF;
    }

    /** {@code flag_values} as longs, or {@code null} if absent or not integers. */
    static long[] flagValues(Map<String, Object> attributes) {
        Object fv = attributes.get("flag_values");
        if (fv instanceof Number n) return new long[] {n.longValue()};
        if (!(fv instanceof List<?> l) || l.isEmpty()) return null;
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) return null;
            out[i] = n.longValue();
        }
        return out;
    }

    /** {@code flag_meanings} split on blanks (underscores shown as spaces), or {@code null}. */
    static String[] flagMeanings(Map<String, Object> attributes) {
        Object fm = attributes.get("flag_meanings");
        if (!(fm instanceof String s) || s.isBlank()) return null;
        String[] m = s.trim().split("\\s+");
        for (int i = 0; i < m.length; i++) m[i] = m[i].replace('_', ' ');
        return m;
    }

    @Override
    public String toString() {
        Map<Long, String> m = new LinkedHashMap<>();
        for (Entry e : entries) m.put(e.code(), String.format(Locale.ROOT, "%s #%06x", e.label(), e.argb() & 0xFFFFFF));
        return (anyBit ? "any-bit " : "") + m;
    }
}
