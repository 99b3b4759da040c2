package org.healpixzarr.healpix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RangeSetTest {
    @Test
    void ofValidatesAndMerges() {
        RangeSet r = RangeSet.of(new long[] {1, 3, 3, 5, 10, 12});
        assertEquals(2, r.size());
        assertArrayEquals(new long[] {1, 5, 10, 12}, r.toArray());
        assertEquals(6, r.cellCount());
        assertThrows(IllegalArgumentException.class, () -> RangeSet.of(new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> RangeSet.of(new long[] {3, 3}));
        assertThrows(IllegalArgumentException.class, () -> RangeSet.of(new long[] {5, 3}));
        assertThrows(IllegalArgumentException.class, () -> RangeSet.of(new long[] {1, 5, 4, 8}));
        assertThrows(IndexOutOfBoundsException.class, () -> r.start(2));
        assertEquals(0, RangeSet.of(new long[0]).size());
    }

    @Test
    void containsMatchesBruteForce() {
        Random rnd = new Random(Seeds.seed("RangeSetTest.contains"));
        RangeSet.Builder b = new RangeSet.Builder();
        TreeSet<Long> all = new TreeSet<>();
        long pos = 0;
        for (int i = 0; i < 200; i++) {
            pos += rnd.nextInt(5);
            long len = 1 + rnd.nextInt(4);
            b.add(pos, pos + len);
            for (long v = pos; v < pos + len; v++) all.add(v);
            pos += len;
        }
        RangeSet r = b.build();
        for (long v = -2; v < pos + 3; v++) assertEquals(all.contains(v), r.contains(v), "value " + v);
        assertEquals(all.size(), r.cellCount());
    }

    @Test
    void toDepthBothWays() {
        RangeSet r = RangeSet.of(new long[] {5, 7});
        assertArrayEquals(new long[] {20, 28}, r.toDepth(3, 4).toArray());
        assertArrayEquals(new long[] {1, 2}, r.toDepth(3, 2).toArray()); // 5,6 -> parent 1
        assertArrayEquals(new long[] {1, 3}, RangeSet.of(new long[] {7, 9}).toDepth(3, 2).toArray());
        assertArrayEquals(new long[] {0, 3}, RangeSet.of(new long[] {0, 1, 7, 9}).toDepth(3, 2).toArray()); // 0 | 1,2 merge
        assertArrayEquals(new long[] {0, 12}, RangeSet.of(new long[] {0, 12L << 58}).toDepth(29, 0).toArray());
        assertEquals(r, r.toDepth(3, 3));
        assertEquals(r, r.toDepth(3, 10).toDepth(10, 3));
        assertThrows(IllegalArgumentException.class, () -> r.toDepth(3, 30));
    }

    @Test
    void unionAndBuilder() {
        RangeSet a = RangeSet.of(new long[] {0, 5, 10, 20});
        RangeSet b = RangeSet.of(new long[] {3, 12, 25, 30});
        assertArrayEquals(new long[] {0, 20, 25, 30}, a.union(b).toArray());
        assertEquals(a.union(b), b.union(a));
        assertThrows(IllegalArgumentException.class, () -> new RangeSet.Builder().add(5, 6).add(4, 7));
        assertTrue(a.contains(0));
        assertFalse(a.contains(5));
        assertTrue(a.toString().contains("[0,5)"));
    }
}
