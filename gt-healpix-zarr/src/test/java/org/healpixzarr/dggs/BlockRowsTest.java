package org.healpixzarr.dggs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.healpixzarr.zarr.DataType;
import org.junit.jupiter.api.Test;

/** {@link BlockRows} against the concatenation of the blocks, on random block layouts. */
class BlockRowsTest {
    static final long SEED = Long.getLong("test.seed", System.nanoTime());

    static final DataType[] TYPES = {DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64, DataType.FLOAT32, DataType.FLOAT64};

    static Object random(DataType t, int n, Random r) {
        Object a = t.newArray(n);
        for (int i = 0; i < n; i++) {
            long v = r.nextLong();
            if (a instanceof byte[]) ((byte[]) a)[i] = (byte) v;
            else if (a instanceof short[]) ((short[]) a)[i] = (short) v;
            else if (a instanceof int[]) ((int[]) a)[i] = (int) v;
            else if (a instanceof long[]) ((long[]) a)[i] = v;
            else if (a instanceof float[]) ((float[]) a)[i] = Float.intBitsToFloat((int) v);
            else ((double[]) a)[i] = Double.longBitsToDouble(v);
        }
        return a;
    }

    @Test
    void gatherEqualsTheConcatenation() {
        System.out.println("BlockRowsTest seed " + SEED + " (-Dtest.seed to replay)");
        Random r = new Random(SEED);
        for (int round = 0; round < 200; round++) {
            int nb = 1 + r.nextInt(12);
            int[] bands = new int[TYPES.length];
            for (int v = 0; v < bands.length; v++) bands[v] = r.nextInt(3) == 0 ? 1 + r.nextInt(5) : 1;
            List<Object[]> cols = new ArrayList<>();
            int[] from = new int[nb], to = new int[nb];
            List<Object[]> concat = new ArrayList<>(); // per block the rows [from, to) of each variable
            int total = 0;
            for (int b = 0; b < nb; b++) {
                int len = r.nextInt(4) == 0 ? r.nextInt(2) : 1 + r.nextInt(round < 100 ? 5 : 300);
                int pre = r.nextInt(4), post = r.nextInt(4);
                Object[] c = new Object[TYPES.length];
                for (int v = 0; v < c.length; v++) c[v] = random(TYPES[v], (pre + len + post) * bands[v], r);
                cols.add(c);
                from[b] = pre;
                to[b] = pre + len;
                concat.add(c);
                total += len;
            }
            BlockRows rows = new BlockRows(cols, from, to);
            assertEquals(total, rows.rows());
            if (total == 0) continue;
            // brute force: row number -> (block, row in its arrays)
            int[] blockOf = new int[total], at = new int[total];
            for (int b = 0, k = 0; b < nb; b++) {
                for (int i = from[b]; i < to[b]; i++, k++) {
                    blockOf[k] = b;
                    at[k] = i;
                }
            }
            int n = 1 + r.nextInt(2 * total);
            int[] order = new int[n + 3];
            for (int i = 0; i < order.length; i++) order[i] = r.nextInt(total);
            for (int v = 0; v < TYPES.length; v++) {
                Object got = TYPES[v].newArray(n * bands[v]);
                rows.gather(v, bands[v], order, 3, n, got);
                Object want = TYPES[v].newArray(n * bands[v]);
                for (int k = 0; k < n; k++) {
                    int row = order[3 + k];
                    System.arraycopy(concat.get(blockOf[row])[v], at[row] * bands[v], want, k * bands[v], bands[v]);
                }
                assertTrue(Objects.deepEquals(new Object[] {want}, new Object[] {got}), "round " + round + " variable " + v);
                // the same rows as little-endian bytes
                int bytes = bands[v] * TYPES[v].byteSize();
                ByteBuffer out = ByteBuffer.allocate(n * bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k < n; k++) rows.putBytes(v, bands[v], order[3 + k], out);
                ByteBuffer ref = ByteBuffer.allocate(n * bytes).order(ByteOrder.LITTLE_ENDIAN);
                Columns.putBytes(want, 0, n * bands[v], ref);
                assertEquals(ref.flip(), out.flip(), "bytes, round " + round + " variable " + v);
            }
        }
    }
}
