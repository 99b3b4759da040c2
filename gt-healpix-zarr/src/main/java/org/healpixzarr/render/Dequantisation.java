package org.healpixzarr.render;

import org.healpixzarr.dggs.DggsStore;
import org.healpixzarr.dggs.VariableInfo;

/**
 * Quantised variables stored with a per-cell scale, drawn as {@code value × scale}: TESSERA's int8
 * {@code embeddings} with float32 {@code scales} (the store keeps them apart, lossless). A variable names its
 * scale variable with the attribute {@code scale_variable}; a variable called {@code embeddings} next to a
 * {@code scales} variable is recognised without it.
 */
final class Dequantisation {
    private Dequantisation() {}

    /** Name of the scale variable of {@code variable} in {@code store}, or {@code null} if it is not quantised. */
    static String scaleVariable(DggsStore store, String variable) {
        VariableInfo v = null;
        boolean hasScales = false;
        for (VariableInfo i : store.variables()) {
            if (i.name().equals(variable)) v = i;
            if (i.name().equals("scales")) hasScales = true;
        }
        if (v == null) return null;
        Object named = v.attributes().get("scale_variable");
        if (named instanceof String s) {
            for (VariableInfo i : store.variables()) if (i.name().equals(s)) return s;
            return null;
        }
        return variable.equals("embeddings") && hasScales ? "scales" : null;
    }

    /** A usable scale: finite, in (0, 1) (TESSERA: NaN is water, 0 or +inf no data), not the fill value. */
    static boolean validScale(double s, Number fill) {
        return s > 0 && s < 1 && (fill == null || s != fill.doubleValue());
    }
}
