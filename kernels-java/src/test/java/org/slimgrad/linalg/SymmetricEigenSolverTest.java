package org.slimgrad.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The eigendecomposition against its mathematical promise on sizes that leave every remainder of the four-row
 * blocks, the paired reflector and QL steps and the vector length, and split into one to three parts; and
 * bit-identical results for any number of parts.
 */
class SymmetricEigenSolverTest {

    private static final int[] SIZES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 17, 31, 37, 64, 101, 128, 197, 266};
    private static final double EPS = 0x1p-52;

    @Test
    void partsGiveBitIdenticalResults() {
        SplittableRandom rng = new SplittableRandom(22);
        for (int n : new int[]{128, 197, 266}) {
            double[] a = dense(rng, n, n);
            double[] values = new double[n];
            double[] vectors = new double[n * n];
            SymmetricEigenSolver.decompose(a, n, values, vectors, Parallel.SEQUENTIAL);
            for (int threads = 2; threads <= 3; threads++) {
                double[] otherValues = new double[n];
                double[] otherVectors = new double[n * n];
                SymmetricEigenSolver.decompose(a, n, otherValues, otherVectors, new PartsInTurn(threads));
                assertArrayEquals(values, otherValues, n + ", " + threads + " parts: eigenvalues");
                assertArrayEquals(vectors, otherVectors, n + ", " + threads + " parts: eigenvectors");
            }
        }
    }

    /**
     * The eigendecomposition's promise, A·V = V·Λ with V orthogonal, on every size in SIZES and on spectra that test
     * QL's deflation and the reduction's zero columns: random, known with clusters and repeated values (the Gram
     * matrix of a rank-deficient input has many), graded over twelve decades, diagonal, zero, random with zero rows,
     * clustered scaled by 2^±500, and a block 2⁻⁹⁰⁰ times the other; in three parts where n allows. Backward
     * stability bounds both: ‖A·V − V·Λ‖_F and ‖VᵀV − I‖_F within c·n·ε (·‖A‖_F for the residual), c = 8 here; a
     * known spectrum is met to the same c·n·ε·‖A‖_F (Weyl: the eigenvalues move no more than the perturbation).
     */
    @Test
    void decompositionIsBackwardStableOnHardSpectra() {
        SplittableRandom rng = new SplittableRandom(21);
        for (int n : SIZES) {
            double[] q = dense(rng, n, n);
            SmallDense.householderQr(q, n, n, null);
            double[] clustered = new double[n];
            double[] graded = new double[n];
            for (int i = 0; i < n; i++) {
                clustered[i] = i < n / 3 ? 1 : i < n / 2 ? 1 + 1e-12 * i : i % 3 == 0 ? -2 : 0;
                graded[i] = Math.pow(10, -12.0 * i / Math.max(1, n - 1)) * (i % 2 == 0 ? 1 : -1);
            }
            double[] random = dense(rng, n, n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    random[j * n + i] = random[i * n + j];
                }
            }
            double[] diagonal = new double[n * n];
            for (int i = 0; i < n; i++) {
                diagonal[i * n + i] = graded[n - 1 - i]; // ascending: the order is the algorithm's to fix
            }
            checkEigen(random, n, null, "random " + n);
            double[] holes = random.clone(); // zero rows and columns: reduction steps with nothing to reflect
            for (int i = 0; i < n; i += 3) {
                for (int j = 0; j < n; j++) {
                    holes[i * n + j] = 0;
                    holes[j * n + i] = 0;
                }
            }
            checkEigen(holes, n, null, "zero rows " + n);
            for (double power : new double[]{0x1p500, 0x1p-500}) { // squares out of range: QL's scaled rotations
                double[] scaled = withSpectrum(q, clustered, n);
                double[] spectrum = clustered.clone();
                for (int k = 0; k < scaled.length; k++) {
                    scaled[k] *= power;
                }
                for (int k = 0; k < n; k++) {
                    spectrum[k] *= power;
                }
                checkEigen(scaled, n, spectrum, "clustered × " + power + " " + n);
            }
            double[] blocks = random.clone(); // a block 2⁻⁹⁰⁰ times the other: QL's squares underflow in it
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    boolean sameHalf = (i < n / 2) == (j < n / 2);
                    blocks[i * n + j] = !sameHalf ? 0 : i < n / 2 ? random[i * n + j] : random[i * n + j] * 0x1p-900;
                }
            }
            checkEigen(blocks, n, null, "blocks 1 and 2^-900 " + n);
            checkEigen(withSpectrum(q, clustered, n), n, clustered, "clustered " + n);
            checkEigen(withSpectrum(q, graded, n), n, graded, "graded " + n);
            checkEigen(diagonal, n, graded, "diagonal " + n);
            checkEigen(new double[n * n], n, new double[n], "zero " + n);
        }
    }

    /**
     * QL's rotations where p² + e² underflows (a tridiagonal of magnitude 2⁻⁴⁶⁰, out of the range decompose's
     * scaling keeps it in) take the scaled form and stay orthogonal, and T·v = λ·v holds (checked on T·2⁴⁶⁰, exactly
     * scaled), each within the 8·n·ε of the other checks.
     */
    @Test
    void qlRotationsStayOrthogonalWhereTheSquaresUnderflow() {
        SplittableRandom rng = new SplittableRandom(23);
        int n = 40;
        double[] diagonal = new double[n];
        double[] lower = new double[n];
        for (int i = 0; i < n; i++) {
            diagonal[i] = rng.nextDouble(-1, 1);
            lower[i] = i == 0 ? 0 : rng.nextDouble(-1, 1);
        }
        double[] d = new double[n];
        double[] e = new double[n];
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            d[i] = diagonal[i] * 0x1p-460;
            e[i] = lower[i] * 0x1p-460;
            v[i][i] = 1;
        }
        TridiagonalDivideAndConquer.diagonalize(v, d, e);
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            t[i * n + i] = diagonal[i];
            if (i > 0) {
                t[i * n + i - 1] = lower[i];
                t[(i - 1) * n + i] = lower[i];
            }
        }
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int j = 0; j < n; j++) {
            values[j] = d[j] * 0x1p460;
            for (int i = 0; i < n; i++) {
                vectors[i * n + j] = v[j][i]; // row j of v is the eigenvector of d[j]
            }
        }
        assertPromise(t, n, values, vectors, "tridiagonal × 2^-460");
    }

    private static double[] withSpectrum(double[] q, double[] lambda, int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += q[i * n + k] * lambda[k] * q[j * n + k];
                }
                a[i * n + j] = sum;
            }
        }
        for (int i = 0; i < n; i++) { // exactly symmetric, as the callers' Gram matrices are
            for (int j = 0; j < i; j++) {
                a[i * n + j] = a[j * n + i];
            }
        }
        return a;
    }

    private static void checkEigen(double[] a, int n, double[] spectrum, String what) {
        double[] values = new double[n];
        double[] v = new double[n * n];
        SymmetricEigenSolver.decompose(a, n, values, v, new PartsInTurn(3));
        assertPromise(a, n, values, v, what);
        for (int j = 1; j < n; j++) {
            assertTrue(values[j] <= values[j - 1], what + ": descending");
        }
        if (spectrum != null) {
            double[] sorted = spectrum.clone();
            java.util.Arrays.sort(sorted);
            for (int j = 0; j < n; j++) {
                assertEquals(sorted[n - 1 - j], values[j], 8 * n * EPS * frobenius(a) + Double.MIN_NORMAL,
                        what + ": λ" + j);
            }
        }
    }

    // ‖A·V − V·Λ‖_F ≤ 8·n·ε·‖A‖_F and ‖VᵀV − I‖_F ≤ 8·n·ε, V's column j the eigenvector of values[j]
    private static void assertPromise(double[] a, int n, double[] values, double[] v, String what) {
        double norm = frobenius(a);
        double tolerance = 8 * n * EPS;
        double residual = 0;
        double orthogonality = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double av = 0;
                double vv = 0;
                for (int k = 0; k < n; k++) {
                    av += a[i * n + k] * v[k * n + j];
                    vv += v[k * n + i] * v[k * n + j];
                }
                residual += Math.pow(av - values[j] * v[i * n + j], 2);
                orthogonality += Math.pow(vv - (i == j ? 1 : 0), 2);
            }
        }
        assertTrue(Math.sqrt(residual) <= tolerance * norm + Double.MIN_NORMAL,
                what + ": ‖AV − VΛ‖_F = " + Math.sqrt(residual) + ", ‖A‖_F = " + norm);
        assertTrue(Math.sqrt(orthogonality) <= tolerance, what + ": ‖VᵀV − I‖_F = " + Math.sqrt(orthogonality));
    }

    private static double frobenius(double[] a) {
        double sum = 0;
        for (double x : a) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }

    private static double[] dense(SplittableRandom rng, int rows, int cols) {
        double[] a = new double[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble(-1, 1);
        }
        return a;
    }
}
