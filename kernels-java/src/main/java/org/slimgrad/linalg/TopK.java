package org.slimgrad.linalg;

import java.util.Arrays;

/**
 * The indices of the k largest values by quickselect: expected O(n) to find them, then O(k log k) to return them in
 * ascending index order. The order is total, so the answer is unique: a larger value wins, and of equal values the
 * lower index.
 */
public final class TopK {

    private TopK() {
    }

    /** Indices of the k largest of {@code values} (1 ≤ k ≤ n), ascending; NaN is rejected. */
    public static int[] select(float[] values, int k) {
        int n = values.length;
        for (int j = 0; j < n; j++) {
            if (Float.isNaN(values[j])) {
                throw new IllegalArgumentException("topK: score " + j + " of " + n + " is NaN");
            }
        }
        int[] order = new int[n];
        Arrays.setAll(order, j -> j);
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int p = partition(values, order, lo, hi, medianOfThree(values, order, lo, (lo + hi) >>> 1, hi));
            if (p == k - 1) {
                break;
            }
            if (p < k - 1) {
                lo = p + 1;
            } else {
                hi = p - 1;
            }
        }
        int[] chosen = Arrays.copyOf(order, k);
        Arrays.sort(chosen);
        return chosen;
    }

    // whether index a ranks before index b
    private static boolean before(float[] values, int a, int b) {
        return values[a] > values[b] || (values[a] == values[b] && a < b);
    }

    private static int medianOfThree(float[] values, int[] order, int i, int j, int k) {
        int a = order[i];
        int b = order[j];
        int c = order[k];
        if (before(values, a, b)) {
            return before(values, b, c) ? j : (before(values, a, c) ? k : i);
        }
        return before(values, a, c) ? i : (before(values, b, c) ? k : j);
    }

    // Lomuto partition of order[lo..hi] around order[pivotAt]: ranked-before entries first; returns the pivot's slot
    private static int partition(float[] values, int[] order, int lo, int hi, int pivotAt) {
        swap(order, pivotAt, hi);
        int pivot = order[hi];
        int store = lo;
        for (int j = lo; j < hi; j++) {
            if (before(values, order[j], pivot)) {
                swap(order, store++, j);
            }
        }
        swap(order, store, hi);
        return store;
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
