package org.healpixzarr.input.earthcare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IsccpCloudTypeTest {
    private static final float FILL = 9.969209968386869e36f;

    private static void check(int expected, float cot, float cth) {
        assertEquals((byte) expected, IsccpCloudType.classify(cot, cth), "cot " + cot + ", cth " + cth);
    }

    @Test
    void clearDependsOnCotOnly() {
        check(0, 0f, 5000f);
        check(0, 0.0099f, 5000f);
        check(0, Math.nextDown(0.01f), FILL);
        check(0, 0f, Float.NaN);
        check(0, 0f, 50f);
    }

    @Test
    void cotBoundaries() {
        // thin [0.01, 3.6), medium [3.6, 23), thick >= 23 at a low cloud top
        check(1, 0.01f, 1000f);
        check(1, Math.nextDown(3.6f), 1000f);
        check(4, 3.6f, 1000f);
        check(4, Math.nextDown(23f), 1000f);
        check(7, 23f, 1000f);
        check(7, 1e6f, 1000f);
    }

    @Test
    void cthBoundaries() {
        // low [100, 3200), mid [3200, 6500), high [6500, 19300) m
        check(IsccpCloudType.MISSING, 1f, Math.nextDown(100f));
        check(1, 1f, 100f);
        check(1, 1f, Math.nextDown(3200f));
        check(2, 1f, 3200f);
        check(2, 1f, Math.nextDown(6500f));
        check(3, 1f, 6500f);
        check(3, 1f, Math.nextDown(19300f));
        check(IsccpCloudType.MISSING, 1f, 19300f);
    }

    @Test
    void fullTable() {
        float[] cot = {1f, 10f, 50f};
        float[] cth = {1000f, 5000f, 10000f};
        int[][] expected = {{1, 4, 7}, {2, 5, 8}, {3, 6, 9}}; // [height][thickness]
        for (int h = 0; h < 3; h++) {
            for (int t = 0; t < 3; t++) check(expected[h][t], cot[t], cth[h]);
        }
    }

    @Test
    void missing() {
        check(IsccpCloudType.MISSING, FILL, 5000f);
        check(IsccpCloudType.MISSING, 9e36f, 5000f);
        check(IsccpCloudType.MISSING, Float.NaN, 5000f);
        check(IsccpCloudType.MISSING, -0.5f, 5000f);
        check(IsccpCloudType.MISSING, Float.POSITIVE_INFINITY, 5000f);
        check(IsccpCloudType.MISSING, 5f, FILL);
        check(IsccpCloudType.MISSING, 5f, Float.NaN);
        check(IsccpCloudType.MISSING, 5f, -10f);
        assertEquals(-127, IsccpCloudType.MISSING);
    }
}
