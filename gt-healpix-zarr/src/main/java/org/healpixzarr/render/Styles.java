package org.healpixzarr.render;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;
import org.healpixzarr.dggs.VariableKind;

/**
 * The styles a variable offers: quantities get colour maps with a range from metadata ({@code valid_min/max},
 * {@code valid_range}, else the data), classes a fixed palette (EarthCARE cloud_mask, cloud_type, cloud_phase,
 * isccp_cloud_type; others from {@code flag_values}), embeddings a {@code pca} false-colour view.
 *
 * <p>Style names:
 * <ul>
 * <li>single-band quantities: the colour maps {@code viridis} (default), {@code magma}, {@code inferno},
 *     {@code plasma}, {@code cividis}, {@code greys}. Range: {@code valid_min}/{@code valid_max}, else
 *     {@code valid_range}, else {@code actual_range}, else the 2nd–98th percentiles of the data (of every
 *     observation of a store of at most 65,536 cells, else of its coarsest overview level if it has one, else of
 *     up to 65,536 cells spread over the store);</li>
 * <li>multi-band quantities: {@code pca} (default, when the array has a {@code pca} attribute), then
 *     {@code band0}, {@code band1}, … (viridis over one band, range per band); {@link #find} also takes
 *     {@code <colour map>:band<N>};</li>
 * <li>classes: {@code classes}, a fixed palette for the EarthCARE variables, else one colour per
 *     {@code flag_values} code named by {@code flag_meanings}, else one per code present in the data;</li>
 * <li>bit fields: {@code values} (one colour per distinct code present in the data, named by its bits) and
 *     {@code any} (whether any bit is set).</li>
 * </ul>
 * Variables quantised with a scale ({@code embeddings × scales}) are drawn dequantised.
 *
 * <p>Thread-safe. The styles of a variable are computed once per open store (the data percentiles read up to
 * 65,536 cells) and cached while the store object is reachable.
 *
 * <p>CONTRACT (issue 5).
 */
public final class Styles {
    private static final System.Logger LOG = System.getLogger(Styles.class.getName());
    private static final Pattern BAND = Pattern.compile("(?:([a-z]+):)?band(\\d+)");
    /** Classes drawn at most by the data-derived palettes; rarer codes are drawn as "other". */
    static final int MAX_CLASSES = 24;

    /** Cache: store → variable → what its styles are made of. */
    private static final Map<DggsStore, Map<String, Entry>> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    private Styles() {}

    /** What a variable's styles are made of. */
    record Entry(VariableInfo info, List<Style> styles, Palette palette, Pca pca, String scaleVariable) {}

    /** All styles of a variable, the default first. */
    public static List<Style> of(DggsStore store, String variable) throws DataException {
        return entry(store, variable).styles();
    }

    /** A style by name ({@code null} or empty: the default); {@link DataException} naming the choices if unknown. */
    public static Style find(DggsStore store, String variable, String name) throws DataException {
        Entry e = entry(store, variable);
        if (name == null || name.isBlank()) return e.styles().get(0);
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Style s : e.styles()) if (s.name().equals(n)) return s;
        if (e.info().kind() == VariableKind.QUANTITY) {
            Matcher m = BAND.matcher(n);
            String map = m.matches() ? (m.group(1) == null ? ColorMap.names().get(0) : m.group(1)) : n;
            int band = m.matches() ? Integer.parseInt(m.group(2)) : 0;
            if (ColorMap.of(map) != null && band < e.info().bands()) {
                Style base = e.info().bands() == 1 ? e.styles().get(0) : bandStyle(e, band);
                return new Style(e.info().bands() == 1 ? map : map + ":band" + band, title(e.info(), map, band,
                        base.min(), base.max()), variable, band, base.min(), base.max());
            }
        }
        throw new FormatException(DataException.describe(store.name() + ":" + variable, "unknown style '" + name + "'",
                "one of " + choices(e), name, null));
    }

    private static Style bandStyle(Entry e, int band) {
        for (Style s : e.styles()) if (s.name().equals("band" + band)) return s;
        throw new IllegalStateException("no style band" + band);
    }

    private static String choices(Entry e) {
        List<String> names = new ArrayList<>();
        for (Style s : e.styles()) names.add(s.name());
        if (e.info().kind() != VariableKind.QUANTITY) return names.toString();
        if (e.info().bands() == 1) return names.toString();
        return (e.pca() != null ? "pca, " : "") + "band0.." + "band" + (e.info().bands() - 1)
                + " or <colour map>:band<N> with a colour map of " + ColorMap.names();
    }

    /** The cached entry of a variable (computed on first use). */
    static Entry entry(DggsStore store, String variable) throws DataException {
        Map<String, Entry> perStore;
        synchronized (CACHE) {
            perStore = CACHE.computeIfAbsent(store, s -> Collections.synchronizedMap(new HashMap<>()));
        }
        Entry e = perStore.get(variable);
        if (e == null) {
            try {
                e = build(store, variable);
            } catch (IOException x) {
                throw new UncheckedIOException(store.name() + ": reading " + variable + " for its colour range", x);
            }
            perStore.put(variable, e);
        }
        return e;
    }

    private static Entry build(DggsStore store, String variable) throws IOException, DataException {
        VariableInfo v = store.variable(variable);
        String scaleVar = Dequantisation.scaleVariable(store, variable);
        List<Style> styles = new ArrayList<>();
        String what = v.longName() != null ? v.longName() : v.name();
        switch (v.kind()) {
            case QUANTITY -> {
                double[][] range = metadataRange(v);
                String source = range == null ? null : "metadata";
                if (range == null) {
                    range = dataRange(store, variable);
                    source = "data";
                }
                Pca pca = null;
                if (v.bands() > 1) {
                    try {
                        pca = Pca.parse(v.attributes().get("pca"), v.bands());
                    } catch (IllegalArgumentException x) {
                        LOG.log(System.Logger.Level.WARNING, store.name() + ":" + variable + ": attribute 'pca' ignored: "
                                + x.getMessage());
                    }
                    if (pca != null) {
                        styles.add(new Style("pca", what + ": PCA false colour (RGB = components 1-3)", variable, 0,
                                Double.NaN, Double.NaN));
                    }
                    for (int b = 0; b < v.bands(); b++) {
                        styles.add(new Style("band" + b, title(v, "viridis", b, range[b][0], range[b][1]), variable, b,
                                range[b][0], range[b][1]));
                    }
                } else {
                    for (String m : ColorMap.names()) {
                        styles.add(new Style(m, title(v, m, 0, range[0][0], range[0][1]), variable, 0, range[0][0], range[0][1]));
                    }
                }
                String from = source;
                LOG.log(System.Logger.Level.DEBUG, () -> store.name() + ":" + variable + ": colour range from the " + from);
                return new Entry(v, List.copyOf(styles), null, pca, scaleVar);
            }
            case CLASS -> {
                Palette p = classPalette(store, v);
                styles.add(new Style("classes", what + ": classes", variable, 0, Double.NaN, Double.NaN));
                return new Entry(v, List.copyOf(styles), p, null, scaleVar);
            }
            default -> {
                long[] codes = distinctCodes(store, variable);
                Palette p = Palette.bitValues(codes, v.dataType().byteSize() * 8);
                styles.add(new Style("values", what + ": distinct values", variable, 0, Double.NaN, Double.NaN));
                styles.add(new Style("any", what + ": any bit set", variable, 0, Double.NaN, Double.NaN));
                return new Entry(v, List.copyOf(styles), p, null, scaleVar);
            }
        }
    }

    static String title(VariableInfo v, String map, int band, double min, double max) {
        String what = v.longName() != null ? v.longName() : v.name();
        String units = unitsLabel(v.units());
        return String.format(Locale.ROOT, "%s%s: %s, %s to %s%s", what, v.bands() > 1 ? " band " + band : "", map,
                Legend.format(min), Legend.format(max), units.isEmpty() ? "" : " " + units);
    }

    /** Units for display: empty for none, {@code 1} or {@code -}. */
    static String unitsLabel(String units) {
        if (units == null || units.isBlank() || units.equals("1") || units.equals("-")) return "";
        return units;
    }

    /**
     * The range given by the metadata, per band: {@code valid_min}/{@code valid_max} (both needed), else
     * {@code valid_range}, else {@code actual_range}; {@code null} if none.
     */
    static double[][] metadataRange(VariableInfo v) {
        Map<String, Object> a = v.attributes();
        double[] r = null;
        if (a.get("valid_min") instanceof Number lo && a.get("valid_max") instanceof Number hi) {
            r = new double[] {lo.doubleValue(), hi.doubleValue()};
        }
        if (r == null || !(r[1] > r[0])) r = pair(a.get("valid_range"));
        if (r == null) r = pair(a.get("actual_range"));
        if (r == null) return null;
        double[][] out = new double[v.bands()][];
        Arrays.fill(out, r);
        return out;
    }

    private static double[] pair(Object o) {
        if (o instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Number lo && l.get(1) instanceof Number hi
                && hi.doubleValue() > lo.doubleValue()) {
            return new double[] {lo.doubleValue(), hi.doubleValue()};
        }
        return null;
    }

    /** 2nd–98th percentiles of the data sample, per band ({NaN, NaN} for a band without values). */
    static double[][] dataRange(DggsStore store, String variable) throws IOException, DataException {
        double[][] values = DataSample.values(store, variable);
        double[][] out = new double[values.length][];
        for (int b = 0; b < values.length; b++) {
            double[] s = values[b];
            Arrays.sort(s);
            double lo = DataSample.percentile(s, 2), hi = DataSample.percentile(s, 98);
            if (lo == hi) { // a constant field: centre it
                lo -= 0.5;
                hi += 0.5;
            }
            out[b] = new double[] {lo, hi};
        }
        return out;
    }

    private static Palette classPalette(DggsStore store, VariableInfo v) throws IOException, DataException {
        Palette fixed = Palette.earthCare(v.name());
        if (fixed != null) return fixed;
        long[] codes = Palette.flagValues(v.attributes());
        String[] meanings = Palette.flagMeanings(v.attributes());
        if (codes != null) return Palette.qualitative(codes, meanings != null && meanings.length == codes.length ? meanings : null);
        return Palette.qualitative(distinctCodes(store, v.name()), null);
    }

    /** The distinct codes of the data sample, the {@value #MAX_CLASSES} most frequent, in increasing order. */
    static long[] distinctCodes(DggsStore store, String variable) throws IOException, DataException {
        double[] values = DataSample.values(store, variable)[0];
        Map<Long, Integer> counts = new HashMap<>();
        for (double x : values) counts.merge((long) x, 1, Integer::sum);
        List<Map.Entry<Long, Integer>> l = new ArrayList<>(counts.entrySet());
        l.sort((a, b) -> a.getValue().equals(b.getValue()) ? Long.compare(a.getKey(), b.getKey()) : b.getValue() - a.getValue());
        long[] codes = new long[Math.min(MAX_CLASSES, l.size())];
        for (int i = 0; i < codes.length; i++) codes[i] = l.get(i).getKey();
        Arrays.sort(codes);
        return codes;
    }
}
