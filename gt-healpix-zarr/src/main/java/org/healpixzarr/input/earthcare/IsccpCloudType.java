package org.healpixzarr.input.earthcare;

/**
 * ISCCP cloud type from cloud optical thickness (COT, dimensionless) and cloud top height (CTH, metres),
 * the rule of the fixtures README:
 * <ul>
 * <li>0 clear where {@code 0 ≤ COT < 0.01} (whatever the CTH, which a clear pixel usually lacks);</li>
 * <li>otherwise, for {@code COT ≥ 0.01} and CTH in {@code [100, 19300)} m: CTH low {@code [100, 3200)},
 *     mid {@code [3200, 6500)}, high {@code [6500, 19300)}; COT thin {@code [0.01, 3.6)},
 *     medium {@code [3.6, 23)}, thick {@code ≥ 23} (infinity excluded):
 *     <pre>
 *              thin              medium            thick
 *     high     3 cirrus          6 cirrostratus    9 deep convection
 *     mid      2 altocumulus     5 altostratus     8 nimbostratus
 *     low      1 cumulus         4 stratocumulus   7 stratus</pre></li>
 * <li>{@link #MISSING} otherwise: COT negative, NaN, infinite or fill ({@code ≥ 9e36}); or a cloudy COT
 *     with CTH outside {@code [100, 19300)}, NaN or fill.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class IsccpCloudType {
    /** The value for "no type": -127. */
    public static final byte MISSING = -127;

    /** {@code flag_meanings} of the classes 0..9, space-separated. */
    static final String FLAG_MEANINGS =
            "clear cumulus altocumulus cirrus stratocumulus altostratus cirrostratus stratus nimbostratus deep_convection";

    private IsccpCloudType() {}

    /**
     * Classifies one pixel.
     *
     * @param cot        cloud optical thickness (1)
     * @param cthMetres  cloud top height in metres
     * @return the class 0..9, or {@link #MISSING}
     */
    public static byte classify(float cot, float cthMetres) {
        // comparisons are false for NaN, so NaN falls through to MISSING
        if (!(cot >= 0f) || cot >= 9e36f || cot == Float.POSITIVE_INFINITY) return MISSING;
        if (cot < 0.01f) return 0;
        int column = cot < 3.6f ? 0 : cot < 23f ? 1 : 2;
        int row;
        if (!(cthMetres >= 100f)) return MISSING;
        else if (cthMetres < 3200f) row = 1;
        else if (cthMetres < 6500f) row = 2;
        else if (cthMetres < 19300f) row = 3;
        else return MISSING;
        return (byte) (row + 3 * column);
    }
}
