package org.healpixzarr.dggs;

import java.util.List;

/**
 * The rows of the blocks added to a {@link DggsWriter}, numbered consecutively over the blocks in the order they
 * were added, for gathering values by row number straight from the blocks (no concatenated copy). Finding the
 * block of a row is one table look-up and at most one step: the table has an entry per {@code 2^shift} rows,
 * {@code 2^shift} being at most the smallest block, so an entry's rows meet at most two blocks. Immutable;
 * gathering is thread-safe.
 */
final class BlockRows {
    private final Object[][] columns; // [block][variable]
    private final int[] start; // first row number of each block; start[blocks] = rows
    private final int[] from; // first row of each block in its arrays
    private final int shift;
    private final int[] table;
    private final int rows;

    /**
     * @param columns per block, one value array per variable
     * @param from    per block, its first row in the arrays
     * @param to      per block, its end row (exclusive); empty blocks are allowed
     */
    BlockRows(List<Object[]> columns, int[] from, int[] to) {
        int k = 0;
        long total = 0;
        int min = Integer.MAX_VALUE;
        for (int b = 0; b < from.length; b++) {
            int n = to[b] - from[b];
            if (n == 0) continue;
            k++;
            total += n;
            min = Math.min(min, n);
        }
        if (total > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("too many rows: " + total);
        this.rows = (int) total;
        this.columns = new Object[k][];
        this.start = new int[k + 1];
        this.from = new int[k];
        int j = 0, s = 0;
        for (int b = 0; b < from.length; b++) {
            int n = to[b] - from[b];
            if (n == 0) continue;
            this.columns[j] = columns.get(b);
            this.from[j] = from[b];
            this.start[j] = s;
            s += n;
            j++;
        }
        this.start[k] = s;
        this.shift = k == 0 ? 0 : 31 - Integer.numberOfLeadingZeros(min);
        this.table = new int[rows == 0 ? 0 : ((rows - 1) >>> shift) + 1];
        int b = 0;
        for (int e = 0; e < table.length; e++) {
            int r = e << shift;
            while (start[b + 1] <= r) b++;
            table[e] = b;
        }
    }

    /** One block: rows {@code 0..rows)} of {@code columns}. */
    static BlockRows of(Object[] columns, int rows) {
        return new BlockRows(List.<Object[]>of(columns), new int[] {0}, new int[] {rows});
    }

    /** Number of rows. */
    int rows() {
        return rows;
    }

    private int block(int row) {
        int b = table[row >>> shift];
        if (start[b + 1] <= row) b++;
        return b;
    }

    /**
     * Gathers variable {@code v}: {@code dst[k * bands ..]} = the {@code bands} values of row {@code order[i0 + k]},
     * for k in {@code [0, n)}; {@code dst} is an array of the variable's type.
     */
    void gather(int v, int bands, int[] order, int i0, int n, Object dst) {
        if (bands != 1) {
            for (int k = 0; k < n; k++) {
                int r = order[i0 + k], b = block(r);
                System.arraycopy(columns[b][v], (r - start[b] + from[b]) * bands, dst, k * bands, bands);
            }
        } else if (dst instanceof float[]) {
            float[] d = (float[]) dst;
            for (int k = 0; k < n; k++) {
                int r = order[i0 + k], b = block(r);
                d[k] = ((float[]) columns[b][v])[r - start[b] + from[b]];
            }
        } else if (dst instanceof byte[]) {
            byte[] d = (byte[]) dst;
            for (int k = 0; k < n; k++) {
                int r = order[i0 + k], b = block(r);
                d[k] = ((byte[]) columns[b][v])[r - start[b] + from[b]];
            }
        } else if (dst instanceof double[]) {
            double[] d = (double[]) dst;
            for (int k = 0; k < n; k++) {
                int r = order[i0 + k], b = block(r);
                d[k] = ((double[]) columns[b][v])[r - start[b] + from[b]];
            }
        } else if (dst instanceof short[]) {
            short[] d = (short[]) dst;
            for (int k = 0; k < n; k++) {
                int r = order[i0 + k], b = block(r);
                d[k] = ((short[]) columns[b][v])[r - start[b] + from[b]];
            }
        } else if (dst instanceof int[]) {
            int[] d = (int[]) dst;
            for (int k = 0; k < n; k++) {
                int r = order[i0 + k], b = block(r);
                d[k] = ((int[]) columns[b][v])[r - start[b] + from[b]];
            }
        } else if (dst instanceof long[]) {
            long[] d = (long[]) dst;
            for (int k = 0; k < n; k++) {
                int r = order[i0 + k], b = block(r);
                d[k] = ((long[]) columns[b][v])[r - start[b] + from[b]];
            }
        } else {
            throw new IllegalArgumentException("not a primitive value array: " + dst.getClass());
        }
    }

    /** Appends the {@code bands} values of variable {@code v} of row {@code row} to {@code out}, little-endian. */
    void putBytes(int v, int bands, int row, java.nio.ByteBuffer out) {
        int b = block(row);
        Columns.putBytes(columns[b][v], (row - start[b] + from[b]) * bands, bands, out);
    }
}
