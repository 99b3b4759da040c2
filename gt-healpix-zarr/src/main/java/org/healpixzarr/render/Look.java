package org.healpixzarr.render;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.healpixzarr.DataException;
import org.healpixzarr.FormatException;
import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;

/**
 * A {@link Style} resolved against its store: what to sample and how to colour it. Immutable and thread-safe.
 */
final class Look {
    private static final Pattern MAP_BAND = Pattern.compile("(?:([a-z]+):)?band(\\d+)");

    enum Kind { COLOR_MAP, PALETTE, PCA }

    /** The values of the sampled points. */
    interface Values {
        /** Whether point {@code i} has a cell. */
        boolean has(int i);

        /** Value of a band of a variable at point {@code i} (NaN for fill / no value). */
        double value(String variable, int band, int i);

        /**
         * The values of a band at every point as floats, NaN where {@link #value} is NaN, when every value of the
         * variable is a float exactly ({@code value(variable, band, i) == (double) result[i]}); else {@code null}.
         */
        default float[] exactFloats(String variable, int band) throws DataException {
            return null;
        }
    }

    final Kind kind;
    final Style style;
    final VariableInfo info;
    final ColorMap colorMap;
    final Palette palette;
    final Pca pca;
    final String scaleVariable;

    private Look(Kind kind, Style style, VariableInfo info, ColorMap colorMap, Palette palette, Pca pca, String scaleVariable) {
        this.kind = kind;
        this.style = style;
        this.info = info;
        this.colorMap = colorMap;
        this.palette = palette;
        this.pca = pca;
        this.scaleVariable = scaleVariable;
    }

    /**
     * Resolves a style by its name: a colour map name ({@code viridis}, or {@code <map>:band<N>}, {@code band<N>}),
     * {@code classes}/{@code values} (the variable's palette), {@code any} (any bit set) or {@code pca}. Colour
     * maps use the style's own {@code min}/{@code max} and {@code band}.
     */
    static Look resolve(DggsStore store, Style style) throws DataException {
        Styles.Entry e = Styles.entry(store, style.variable());
        String name = style.name().toLowerCase(Locale.ROOT);
        VariableInfo v = e.info();
        if (style.band() < 0 || style.band() >= v.bands()) {
            throw new FormatException(DataException.describe(store.name() + ":" + v.name(), "band out of range",
                    "0.." + (v.bands() - 1), style.band(), null));
        }
        switch (name) {
            case "pca":
                if (e.pca() != null) return new Look(Kind.PCA, style, v, null, null, e.pca(), e.scaleVariable());
                break;
            case "classes":
            case "values":
                if (e.palette() != null) return new Look(Kind.PALETTE, style, v, null, e.palette(), null, null);
                break;
            case "any":
                if (e.palette() != null) return new Look(Kind.PALETTE, style, v, null, Palette.anyBit(), null, null);
                break;
            default:
                if (e.palette() != null) break;
                Matcher m = MAP_BAND.matcher(name);
                ColorMap cm = ColorMap.of(m.matches() ? (m.group(1) == null ? "viridis" : m.group(1)) : name);
                if (cm != null) return new Look(Kind.COLOR_MAP, style, v, cm, null, null, e.scaleVariable());
        }
        List<String> names = e.styles().stream().map(Style::name).toList();
        throw new FormatException(DataException.describe(store.name() + ":" + v.name(), "unknown style '" + style.name() + "'",
                "one of " + (names.size() > 12 ? names.subList(0, 12) + "..." : names), style.name(), null));
    }

    /** Variables to sample. */
    List<String> variables() {
        return scaleVariable == null ? List.of(style.variable()) : List.of(style.variable(), scaleVariable);
    }

    /**
     * Colours {@code n} points.
     *
     * @param background ARGB of points without a value (0: transparent)
     */
    int[] paint(Values values, int n, int background) throws DataException {
        int[] out = new int[n];
        String var = style.variable();
        if (scaleVariable == null && kind != Kind.PCA) {
            float[] v = values.exactFloats(var, kind == Kind.COLOR_MAP ? style.band() : 0);
            if (v != null) {
                paint(v, out, background);
                return out;
            }
        }
        double[] x = kind == Kind.PCA ? new double[info.bands()] : null;
        for (int i = 0; i < n; i++) {
            int c = 0;
            if (values.has(i)) {
                double scale = 1;
                if (scaleVariable != null) {
                    scale = values.value(scaleVariable, 0, i);
                    if (!Dequantisation.validScale(scale, null)) scale = Double.NaN;
                }
                switch (kind) {
                    case COLOR_MAP -> c = colorMap.argb(values.value(var, style.band(), i) * scale, min(), max());
                    case PALETTE -> c = palette.argb(values.value(var, 0, i));
                    case PCA -> {
                        boolean ok = !Double.isNaN(scale);
                        for (int b = 0; b < x.length && ok; b++) {
                            x[b] = values.value(var, b, i) * scale;
                            ok = !Double.isNaN(x[b]);
                        }
                        c = ok ? pca.argb(x) : 0;
                    }
                }
            }
            out[i] = c == 0 ? background : c;
        }
        return out;
    }

    /**
     * {@link #paint(Values, int, int)} of a colour map or palette without a scale variable, over floats: the same
     * colours (a point without a cell has NaN, which gets the background as it would), with the colour of the
     * previous pixel reused for the runs of equal values that maps drawn finer than their cells are made of.
     */
    private void paint(float[] v, int[] out, int background) {
        double min = min(), max = max();
        int previousBits = 0, previous = 0;
        for (int i = 0; i < v.length; i++) {
            int bits = Float.floatToRawIntBits(v[i]);
            if (i == 0 || bits != previousBits) {
                int c = kind == Kind.COLOR_MAP ? colorMap.argb(v[i], min, max) : palette.argb(v[i]);
                previous = c == 0 ? background : c;
                previousBits = bits;
            }
            out[i] = previous;
        }
    }

    /** Lower end of the colour map (0 if the style has none). */
    double min() {
        return Double.isNaN(style.min()) ? 0 : style.min();
    }

    /** Upper end of the colour map (1 if the style has none). */
    double max() {
        return Double.isNaN(style.max()) ? 1 : style.max();
    }
}
