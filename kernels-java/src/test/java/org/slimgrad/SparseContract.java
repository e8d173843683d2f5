package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fixed-support kernels against the reference backend and the dense formulas with the support as a mask:
 * shapes around the vector width and the token chunk, densities from a single position to δ = 1 (empty rows and
 * columns included), padded views in NaN guards, α/β with β = 0 over NaN. Bounds are the GEMM bounds of
 * {@link Accuracy} with the dense S (zeros off the support).
 */
@Tag("kernels")
public abstract class SparseContract {

    private static final long SEED = 3001L;
    private static final double[] DENSITIES = {1e-9, 0.03, 0.4, 1.0};
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {-0.5f, 1.5f}};

    private final Backend reference = Backends.reference();

    protected abstract Backend backend();

    /** m, n, tokens: one entry, primes, vector ±1, the 128-token chunk ±1. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 7, 3}, {5, 1, 17}, {17, 15, 16}, {33, 31, 127}, {16, 48, 129}, {40, 23, 260}, {3, 70, 64}};

    private static Matrix values(SplittableRandom rng, FixedSupport support, boolean padded) {
        return TestData.random(rng, 1, support.nnz(), padded);
    }

    /** The dense m×n S: values on the support, zero elsewhere. */
    private static Matrix dense(FixedSupport support, Matrix values) {
        Matrix d = Matrix.wrap(new float[support.rows() * support.cols()], support.rows(), support.cols());
        for (int i = 0; i < support.rows(); i++) {
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                d.set(i, support.column(p), values.get(0, p));
            }
        }
        return d;
    }

    @Test
    void spmmMatchesDenseFormulaWithMask() {
        SplittableRandom rng = new SplittableRandom(SEED);
        int caseNo = 0;
        for (int[] shape : SHAPES) {
            for (double density : DENSITIES) {
                for (boolean transposeS : new boolean[]{true, false}) {
                    int m = shape[0], n = shape[1], t = shape[2];
                    FixedSupport support = FixedSupport.random(m, n, density, SEED + caseNo);
                    boolean padded = caseNo % 2 == 0;
                    float alpha = ALPHA_BETA[caseNo % 2][0];
                    float beta = ALPHA_BETA[caseNo % 2][1];
                    caseNo++;
                    Matrix v = values(rng, support, padded);
                    Matrix x = TestData.random(rng, t, transposeS ? n : m, padded);
                    Matrix y0 = TestData.random(rng, t, transposeS ? m : n, !padded);
                    if (beta == 0f) {
                        TestData.fill(y0, Float.NaN);
                    }
                    Matrix expected = TestData.copy(y0);
                    Matrix actual = TestData.copy(y0);
                    Matrix xCopy = TestData.copy(x);
                    String context = backend() + " spmm " + support.shape() + " density " + density + " tokens " + t
                            + " transposeS=" + transposeS + " alpha=" + alpha + " beta=" + beta;
                    reference.spmm(transposeS, alpha, x, support, v, beta, expected);
                    backend().spmm(transposeS, alpha, x, support, v, beta, actual);
                    Accuracy.assertGemmClose(false, transposeS, alpha, x, dense(support, v), beta, y0, expected,
                            actual, context);
                    TestData.assertGuardsIntact(actual, context);
                    TestData.assertSameBits(xCopy, x, context + " (input X)");
                }
            }
        }
    }

    @Test
    void sddmmMatchesDenseProductOnTheSupport() {
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        int caseNo = 0;
        for (int[] shape : SHAPES) {
            for (double density : DENSITIES) {
                int m = shape[0], n = shape[1], t = shape[2];
                FixedSupport support = FixedSupport.random(m, n, density, SEED + 100 + caseNo);
                boolean padded = caseNo % 2 == 0;
                float alpha = ALPHA_BETA[caseNo % 2][0];
                float beta = ALPHA_BETA[caseNo % 2][1];
                caseNo++;
                Matrix a = TestData.random(rng, t, m, padded);
                Matrix b = TestData.random(rng, t, n, !padded);
                Matrix v0 = values(rng, support, padded);
                if (beta == 0f) {
                    TestData.fill(v0, Float.NaN);
                }
                Matrix expected = TestData.copy(v0);
                Matrix actual = TestData.copy(v0);
                String context = backend() + " sddmm " + support.shape() + " tokens " + t + " alpha=" + alpha
                        + " beta=" + beta;
                reference.sddmm(alpha, a, b, support, beta, expected);
                backend().sddmm(alpha, a, b, support, beta, actual);
                double gamma = Accuracy.C_GEMM * Math.sqrt(t + 2.0) * Accuracy.U32;
                for (int i = 0; i < m; i++) {
                    for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                        int j = support.column(p);
                        double abs = 0;
                        for (int q = 0; q < t; q++) {
                            abs += Math.abs((double) a.get(q, i) * b.get(q, j));
                        }
                        double prior = beta == 0f ? 0 : Math.abs(beta * v0.get(0, p));
                        double want = expected.get(0, p);
                        double got = actual.get(0, p);
                        double bound = gamma * (Math.abs(alpha) * abs + prior) + Accuracy.U32 * Math.abs(want);
                        if (!(Math.abs(got - want) <= bound)) {
                            fail(context + ": value " + p + " = " + got + ", reference " + want + ", bound " + bound);
                        }
                    }
                }
                TestData.assertGuardsIntact(actual, context);
            }
        }
    }

    @Test
    void addToGatherAndScatterMoveValuesBetweenDenseAndSupport() {
        SplittableRandom rng = new SplittableRandom(SEED + 2);
        for (double density : DENSITIES) {
            FixedSupport support = FixedSupport.random(37, 29, density, 9);
            Matrix v = values(rng, support, true);
            Matrix d0 = TestData.random(rng, 37, 29, true);
            Matrix expected = TestData.copy(d0);
            Matrix actual = TestData.copy(d0);
            reference.sparseAddTo(support, v, -2f, expected);
            backend().sparseAddTo(support, v, -2f, actual);
            Accuracy.assertClose(expected, actual, 2 * Accuracy.U32, 1, backend() + " sparseAddTo density " + density);
            TestData.assertGuardsIntact(actual, "sparseAddTo");
            Matrix gathered = TestData.random(rng, 1, support.nnz(), true);
            backend().sparseGather(actual, support, gathered);
            for (int i = 0; i < 37; i++) {
                for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                    if (gathered.get(0, p) != actual.get(i, support.column(p))) {
                        fail("sparseGather position " + p);
                    }
                }
            }
            TestData.assertGuardsIntact(gathered, "sparseGather");

            Matrix target = TestData.random(rng, 37, 29, true);
            Matrix before = TestData.copy(target);
            backend().sparseScatter(support, v, target);
            boolean[][] onSupport = new boolean[37][29];
            for (int i = 0; i < 37; i++) {
                for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                    onSupport[i][support.column(p)] = true;
                    if (target.get(i, support.column(p)) != v.get(0, p)) {
                        fail("sparseScatter position " + p);
                    }
                }
            }
            for (int i = 0; i < 37; i++) {
                for (int j = 0; j < 29; j++) {
                    if (!onSupport[i][j] && Float.floatToRawIntBits(target.get(i, j))
                            != Float.floatToRawIntBits(before.get(i, j))) {
                        fail("sparseScatter changed (" + i + ", " + j + ") off the support");
                    }
                }
            }
            TestData.assertGuardsIntact(target, "sparseScatter");
        }
    }

    @Test
    void rejectsMismatchedValuesAndShapes() {
        FixedSupport support = FixedSupport.random(6, 5, 0.5, 1);
        Matrix wrongValues = backend().allocate(1, support.nnz() + 1);
        Matrix x = backend().allocate(4, 5);
        Matrix y = backend().allocate(4, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend().spmm(true, 1f, x, support, wrongValues, 0f, y));
        if (!e.getMessage().contains("spmm") || !e.getMessage().contains("6x5")) {
            fail("message should name spmm and the support: " + e.getMessage());
        }
        Matrix v = backend().allocate(1, support.nnz());
        assertThrows(IllegalArgumentException.class, () -> backend().spmm(false, 1f, x, support, v, 0f, y));
        assertThrows(IllegalArgumentException.class,
                () -> backend().sddmm(1f, backend().allocate(4, 5), backend().allocate(4, 5), support, 0f, v));
        assertThrows(IllegalArgumentException.class,
                () -> backend().sparseAddTo(support, v, 1f, backend().allocate(5, 6)));
        assertThrows(IllegalArgumentException.class, () -> backend().sparseGather(x, null, v));
    }

    /**
     * The layer backward of S is the sddmm and spmm it stands for, bit for bit (on every backend, fused or not), on
     * every shape and density; dX = null computes only the values' gradient; a misshapen output is refused before
     * anything is written.
     */
    @Test
    void sparseBackwardIsSddmmThenSpmm() {
        SplittableRandom rng = new SplittableRandom(SEED + 3);
        for (int[] shape : SHAPES) {
            for (double density : DENSITIES) {
                int m = shape[0];
                int n = shape[1];
                int tokens = shape[2];
                FixedSupport support = FixedSupport.random(m, n, density, rng.nextLong());
                Matrix values = values(rng, support, true);
                Matrix dy = TestData.random(rng, tokens, m, true);
                Matrix x = TestData.random(rng, tokens, n, true);
                Matrix dx = TestData.random(rng, tokens, n, true);
                Matrix expectedValues = TestData.random(rng, 1, support.nnz(), true);
                Matrix expectedDx = TestData.copy(dx);
                backend().sddmm(1f, dy, x, support, 0f, expectedValues);
                backend().spmm(false, 1f, dy, support, values, 1f, expectedDx);
                Matrix gradValues = TestData.random(rng, 1, support.nnz(), true);
                String context = backend() + " sparseBackward " + m + "x" + n + " density " + density + ", "
                        + tokens + " tokens";
                backend().sparseBackward(dy, x, support, values, gradValues, dx);
                TestData.assertSameBits(expectedValues, gradValues, context + ": gradValues");
                TestData.assertSameBits(expectedDx, dx, context + ": dX");
                TestData.assertGuardsIntact(dx, context);
                Matrix valuesOnly = TestData.random(rng, 1, support.nnz(), true);
                backend().sparseBackward(dy, x, support, values, valuesOnly, null);
                TestData.assertSameBits(expectedValues, valuesOnly, context + ": gradValues without dX");
            }
        }
        FixedSupport support = FixedSupport.random(6, 5, 0.5, 1);
        Matrix values = backend().allocate(1, support.nnz());
        Matrix gradValues = backend().allocate(1, support.nnz());
        Matrix wrongDx = TestData.random(rng, 4, 6, false);
        Matrix before = TestData.copy(wrongDx);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend().sparseBackward(
                backend().allocate(4, 6), backend().allocate(4, 5), support, values, gradValues, wrongDx));
        if (!e.getMessage().contains("sparseBackward") || !e.getMessage().contains("4x6")) {
            fail("message should name sparseBackward and dX's shape: " + e.getMessage());
        }
        TestData.assertSameBits(before, wrongDx, "refused sparseBackward left dX as it was");
    }
}
