package org.healpixzarr.dggs;

/**
 * Stable LSD radix sort of cell ids (compared as unsigned 64-bit, so the "no cell" marker -1 sorts
 * last) carrying the original row numbers along. Passes whose digit is constant over the input are
 * skipped, which is the common case for the high bits of a spatially compact granule.
 * Not thread-safe (reuses its scratch arrays); one instance per thread.
 */
final class CellSorter {
    private static final int BITS = 11;
    private static final int RADIX = 1 << BITS;
    private static final int MASK = RADIX - 1;

    private CellSorter() {}

    /**
     * Sorts {@code keys[0..n)} in place, stable, and permutes {@code rows} alongside.
     *
     * @param keys cell ids, compared unsigned
     * @param rows the payload (typically 0..n-1)
     * @param n    number of elements
     */
    static void sort(long[] keys, int[] rows, int n) {
        if (n < 2) return;
        if (n < 64) {
            insertion(keys, rows, n);
            return;
        }
        long[] k2 = new long[n];
        int[] r2 = new int[n];
        long[] srcK = keys, dstK = k2;
        int[] srcR = rows, dstR = r2;
        int[] count = new int[RADIX];
        for (int shift = 0; shift < 64; shift += BITS) {
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) count[(int) (srcK[i] >>> shift) & MASK]++;
            if (count[(int) (srcK[0] >>> shift) & MASK] == n) continue; // constant digit
            int sum = 0;
            for (int b = 0; b < RADIX; b++) {
                int c = count[b];
                count[b] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int b = (int) (srcK[i] >>> shift) & MASK;
                int p = count[b]++;
                dstK[p] = srcK[i];
                dstR[p] = srcR[i];
            }
            long[] tk = srcK; srcK = dstK; dstK = tk;
            int[] tr = srcR; srcR = dstR; dstR = tr;
        }
        if (srcK != keys) {
            System.arraycopy(srcK, 0, keys, 0, n);
            System.arraycopy(srcR, 0, rows, 0, n);
        }
    }

    private static void insertion(long[] keys, int[] rows, int n) {
        for (int i = 1; i < n; i++) {
            long k = keys[i];
            int r = rows[i];
            int j = i - 1;
            while (j >= 0 && Long.compareUnsigned(keys[j], k) > 0) {
                keys[j + 1] = keys[j];
                rows[j + 1] = rows[j];
                j--;
            }
            keys[j + 1] = k;
            rows[j + 1] = r;
        }
    }
}
