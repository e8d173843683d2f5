package org.slimgrad.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The blocked float64 kernels against their textbook formulas, on sizes that leave every remainder of the
 * four-row blocks and of the vector length (1–13, primes, 266 = the randomized SVD's l at rank 256), with the
 * worst-case bound of a length-n float64 sum for products and the residual R·R⁻¹ − I for the inverse.
 */
class SmallDenseTest {

    private static final int[] SIZES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 17, 31, 37, 64, 101, 266};
    private static final double EPS = 0x1p-52;

    @Test
    void productGramMatrixAndTransposeMatchTheirTextbookLoops() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int m : SIZES) {
            int k = SIZES[(m * 7) % SIZES.length];
            int n = SIZES[(m * 5 + 3) % SIZES.length];
            double[] a = dense(rng, m, k);
            double[] b = dense(rng, k, n);
            assertClose(textbookProduct(a, b, m, k, n), multiply(a, b, m, k, n),
                    textbookProduct(abs(a), abs(b), m, k, n), k, "A·B " + m + "×" + k + "×" + n);
            double[] t = dense(rng, m, n);
            double[] tt = SmallDense.transpose(t, m, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(t[i * n + j], tt[j * m + i], "transpose " + m + "×" + n);
                }
            }
            double[] expected = textbookProduct(tt, t, n, m, n);
            double[] bound = textbookProduct(abs(tt), abs(t), n, m, n);
            double[] gram = gramUpper(t, m, n);
            for (int p = 0; p < n; p++) {
                for (int q = 0; q < p; q++) { // below the diagonal is the caller's to fill
                    gram[p * n + q] = expected[p * n + q];
                }
            }
            assertClose(expected, gram, bound, m, "TᵀT of " + m + "×" + n);
        }
    }

    @Test
    void productsSplitIntoPartsGiveTheSameBits() {
        SplittableRandom rng = new SplittableRandom(10);
        for (int[] shape : new int[][]{{266, 266, 266}, {301, 130, 197}}) {
            int m = shape[0];
            int k = shape[1];
            int n = shape[2];
            double[] a = dense(rng, m, k);
            double[] b = dense(rng, k, n);
            double[] t = dense(rng, m, n);
            for (int threads = 2; threads <= 3; threads++) {
                Parallel parts = new PartsInTurn(threads);
                String where = m + "×" + k + "×" + n + " in " + threads + " parts";
                assertArrayEquals(multiply(a, b, m, k, n), SmallDense.multiply(a, b, m, k, n, parts),
                        "A·B " + where);
                assertArrayEquals(gramUpper(t, m, n), SmallDense.gramUpper(t, m, n, parts),
                        "TᵀT " + where);
            }
        }
    }

    @Test
    void triangularProductsMatchTheDenseProduct() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int n : SIZES) {
            double[] r = upper(rng, n, true);
            double[] rLowerGarbage = r.clone();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    rLowerGarbage[i * n + j] = Double.NaN; // must not be read
                }
            }
            int m = n + 3;
            double[] b = dense(rng, n, m);
            double[] rt = SmallDense.transpose(r, n, n);
            assertClose(multiply(rt, r, n, n, n), SmallDense.multiplyTransposeUpper(rLowerGarbage, n),
                    multiply(abs(rt), abs(r), n, n, n), n, "RᵀR n=" + n);
            assertClose(multiply(r, b, n, n, m), SmallDense.multiplyUpperLeft(rLowerGarbage, b, n, m),
                    multiply(abs(r), abs(b), n, n, m), n, "R·B n=" + n);
        }
    }

    @Test
    void choleskyReproducesTheGramMatrix() {
        SplittableRandom rng = new SplittableRandom(6);
        for (int n : SIZES) {
            double[] a = dense(rng, n + 5, n);
            double[] g = multiply(SmallDense.transpose(a, n + 5, n), a, n, n + 5, n);
            double[] r = g.clone();
            assertTrue(SmallDense.cholesky(r, n, 1e-12), "cholesky n=" + n);
            for (int i = 0; i < n; i++) {
                assertTrue(r[i * n + i] > 0, "positive pivot " + i + ", n=" + n);
                for (int j = 0; j < i; j++) {
                    assertEquals(0.0, r[i * n + j], "strict lower triangle zero, n=" + n);
                }
            }
            double[] rt = SmallDense.transpose(r, n, n);
            assertClose(g, multiply(rt, r, n, n, n), multiply(abs(rt), abs(r), n, n, n), n,
                    "RᵀR = G, n=" + n);
        }
    }

    @Test
    void choleskyRefusesAnIndefiniteMatrix() {
        double[] g = {4, 2, 1, 2, 1, 3, 1, 3, 9}; // leading 2×2 minor 4·1 − 2·2 = 0
        assertTrue(!SmallDense.cholesky(g, 3, 1e-12));
    }

    @Test
    void invertUpperGivesTheInverse() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int n : SIZES) {
            double[] r = upper(rng, n, false);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    r[i * n + j] = 1e300; // the inverse sets the strict lower triangle to zero first
                }
            }
            double[] x = r.clone();
            SmallDense.invertUpper(x, n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    r[i * n + j] = 0;
                    assertEquals(0.0, x[i * n + j], "X is upper triangular, n=" + n);
                }
            }
            double[] product = multiply(r, x, n, n, n);
            double worst = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    worst = Math.max(worst, Math.abs(product[i * n + j] - (i == j ? 1 : 0)));
                }
            }
            // a unit-diagonal-dominant R keeps κ(R) small, so R·R⁻¹ = I to a few ulps per term
            assertTrue(worst < 64 * n * EPS, "‖R·R⁻¹ − I‖_max = " + worst + " for n=" + n);
        }
    }

    // upper-triangular n×n with a diagonal of 1.5..2.5 (well conditioned), random above, zero below
    private static double[] upper(SplittableRandom rng, int n, boolean anyDiagonal) {
        double[] r = new double[n * n];
        for (int i = 0; i < n; i++) {
            r[i * n + i] = anyDiagonal ? rng.nextDouble(-2, 2) : rng.nextDouble(1.5, 2.5);
            for (int j = i + 1; j < n; j++) {
                r[i * n + j] = rng.nextDouble(-1, 1) / Math.sqrt(n);
            }
        }
        return r;
    }

    private static double[] multiply(double[] a, double[] b, int m, int k, int n) {
        return SmallDense.multiply(a, b, m, k, n, Parallel.SEQUENTIAL);
    }

    private static double[] gramUpper(double[] t, int m, int n) {
        return SmallDense.gramUpper(t, m, n, Parallel.SEQUENTIAL);
    }

    private static double[] dense(SplittableRandom rng, int rows, int cols) {
        double[] a = new double[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble(-1, 1);
        }
        return a;
    }

    private static double[] textbookProduct(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    private static double[] abs(double[] x) {
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            a[i] = Math.abs(x[i]);
        }
        return a;
    }

    // ‖expected − actual‖_F ≤ 2·γ_n·‖|A|·|B|‖_F (two length-n sums, each within γ_n = n·ε/(1 − n·ε) of exact)
    private static void assertClose(double[] expected, double[] actual, double[] absProduct, int n, String what) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
            norm += absProduct[i] * absProduct[i];
        }
        double bound = 2 * (n + 2) * EPS * Math.sqrt(norm) + Double.MIN_NORMAL;
        assertTrue(Math.sqrt(diff) <= bound, what + ": ‖Δ‖_F = " + Math.sqrt(diff) + " > " + bound);
    }
}
