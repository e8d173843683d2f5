package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FixedSupportTest {

    @Test
    void sameSeedSameSupportAndTheCountIsRoundedDensity() {
        FixedSupport a = FixedSupport.random(2736, 1024, 0.03, 42);
        assertEquals(a, FixedSupport.random(2736, 1024, 0.03, 42), "regenerated from its seed");
        assertNotEquals(a, FixedSupport.random(2736, 1024, 0.03, 43));
        assertEquals(Math.round(0.03 * 2736 * 1024), a.nnz());
        assertEquals(1, FixedSupport.random(3, 3, 1e-9, 1).nnz(), "at least one position");
        assertEquals(12, FixedSupport.random(3, 4, 1.0, 1).nnz(), "density 1 is every position");
        // strictly ascending columns in every row: the validating constructor accepts the generated arrays
        int[] pointers = new int[a.rows() + 1];
        int[] columns = new int[a.nnz()];
        for (int i = 0; i < a.rows(); i++) {
            pointers[i + 1] = a.rowEnd(i);
            for (int p = a.rowStart(i); p < a.rowEnd(i); p++) {
                columns[p] = a.column(p);
            }
        }
        assertEquals(a, FixedSupport.of(a.rows(), a.cols(), pointers, columns));
        assertEquals((2737L + a.nnz()) * 4, a.bytes());
    }

    /**
     * Row and column counts of a uniform k-subset of an m×n grid are hypergeometric: mean k/m (k/n), variance
     * n·q·(1−q)·(N−n)/(N−1) with q = k/N. Every count lies within 6σ, and the sample variance within 25% of the
     * expected one (its own standard error is about √(2/m) ≈ 3% here).
     */
    @Test
    void rowAndColumnCountsAreBinomiallyBalanced() {
        int m = 2736, n = 1024;
        FixedSupport s = FixedSupport.random(m, n, 0.03, 7);
        long total = (long) m * n;
        double q = (double) s.nnz() / total;
        int[] perColumn = new int[n];
        double[] rowCounts = new double[m];
        for (int i = 0; i < m; i++) {
            rowCounts[i] = s.rowEnd(i) - s.rowStart(i);
            for (int p = s.rowStart(i); p < s.rowEnd(i); p++) {
                perColumn[s.column(p)]++;
            }
        }
        double[] columnCounts = new double[n];
        for (int j = 0; j < n; j++) {
            columnCounts[j] = perColumn[j];
        }
        checkCounts("row", rowCounts, n * q, n * q * (1 - q) * (total - n) / (total - 1));
        checkCounts("column", columnCounts, m * q, m * q * (1 - q) * (total - m) / (total - 1));
    }

    private static void checkCounts(String what, double[] counts, double mean, double variance) {
        double sum = 0;
        double sumSq = 0;
        for (double c : counts) {
            assertTrue(Math.abs(c - mean) <= 6 * Math.sqrt(variance), what + " count " + c + " vs mean " + mean);
            sum += c;
            sumSq += c * c;
        }
        double sampleMean = sum / counts.length;
        double sampleVariance = sumSq / counts.length - sampleMean * sampleMean;
        assertEquals(mean, sampleMean, 1e-9, what + " mean");
        assertEquals(1.0, sampleVariance / variance, 0.25, what + " variance " + sampleVariance + " vs " + variance);
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> FixedSupport.random(3, 3, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> FixedSupport.random(3, 3, 1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> FixedSupport.random(0, 3, 0.5, 1));
        assertThrows(IllegalArgumentException.class,
                () -> FixedSupport.of(2, 3, new int[]{0, 2, 3}, new int[]{1, 1, 0}), "duplicate column");
        assertThrows(IllegalArgumentException.class,
                () -> FixedSupport.of(2, 3, new int[]{0, 2, 3}, new int[]{2, 1, 0}), "unsorted");
        assertThrows(IllegalArgumentException.class,
                () -> FixedSupport.of(2, 3, new int[]{0, 1, 2}, new int[]{0, 3}), "out of range");
        assertThrows(IllegalArgumentException.class,
                () -> FixedSupport.of(2, 3, new int[]{0, 2, 1}, new int[]{0}), "pointers");
    }
}
