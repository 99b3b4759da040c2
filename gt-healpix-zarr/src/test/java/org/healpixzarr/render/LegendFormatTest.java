package org.healpixzarr.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LegendFormatTest {
    @Test
    void numbers() {
        assertEquals("0", Legend.format(0));
        assertEquals("6508", Legend.format(6508.2));
        assertEquals("14230", Legend.format(14231.7));
        assertEquals("0.125", Legend.format(0.125));
        assertEquals("-2.853", Legend.format(-2.853402));
        assertEquals("1.5e-05", Legend.format(1.5e-5));
        assertEquals("1.235e+08", Legend.format(1.2345e8));
        assertEquals("?", Legend.format(Double.NaN));
    }

    @Test
    void ticksAreRoundAndInside() {
        assertArrayEquals(new double[] {8000, 10000, 12000, 14000}, Legend.ticks(6508, 14231), 1e-9);
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Legend.ticks(0, 1), 1e-12);
        assertArrayEquals(new double[] {-2, 0, 2}, Legend.ticks(-2.85, 2.67), 1e-12);
        assertArrayEquals(new double[] {3}, Legend.ticks(3, 3), 0);
    }
}
