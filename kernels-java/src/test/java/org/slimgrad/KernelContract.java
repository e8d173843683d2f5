package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What every fast backend must satisfy: each kernel agrees with the reference backend within its error bound on
 * awkward shapes (1×1, primes, vector-width ± 1, block sizes ± 1, padded views), never reads or writes outside
 * its views and never modifies its inputs. Subclasses name the backend under test.
 */
@Tag("kernels")
public abstract class KernelContract {

    private static final long SEED = 20261125L;
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {-0.75f, 0.5f}, {2f, 1f}};

    private final Backend reference = Backends.reference();

    /** The backend under test. */
    protected abstract Backend backend();

    /**
     * Whether the backend's axpy rounds once per element (one fma, as the float64 reference does). OpenBLAS's saxpy
     * may not: on Zen 5 it runs its Haswell kernels, which round α·x before the add.
     */
    protected boolean axpyFused() {
        return true;
    }

    /**
     * m, n, k triples: tiny, primes, vector and tile tails, block-size crossings (KC 384 or 512, MC 1536, NC 256),
     * products whose k dominates (k ≥ 4·max(m, n), over 2²¹ multiply-adds: split along k on several threads, even
     * with a single strip of C each way), and
     * parallel products split by rows and by columns whose parts each span more than MC rows.
     */
    static List<int[]> gemmShapes() {
        List<int[]> shapes = new ArrayList<>(List.of(
                new int[]{1, 1, 1}, new int[]{1, 17, 1}, new int[]{17, 1, 33}, new int[]{2, 3, 4},
                new int[]{5, 7, 11}, new int[]{6, 16, 1}, new int[]{7, 33, 13}, new int[]{13, 31, 97},
                new int[]{19, 111, 5}, new int[]{31, 32, 33}, new int[]{12, 64, 8}, new int[]{47, 65, 255},
                new int[]{61, 17, 385}, new int[]{97, 113, 513}, new int[]{130, 300, 70},
                new int[]{1537, 45, 40}, new int[]{37, 600, 130}, new int[]{37, 29, 2100},
                new int[]{13, 41, 4001}, new int[]{4700, 20, 24}, new int[]{1600, 4300, 2},
                new int[]{12, 12, 20000}));
        SplittableRandom rng = new SplittableRandom(SEED);
        for (int i = 0; i < 8; i++) {
            shapes.add(new int[]{1 + rng.nextInt(80), 1 + rng.nextInt(80), 1 + rng.nextInt(80)});
        }
        return shapes;
    }

    @Test
    void hostTransfersRoundTripBitForBitAndAreTheIdentityOnHostMemory() {
        Matrix h = TestData.random(new SplittableRandom(SEED), 7, 5, true); // a padded view
        Matrix on = backend().fromHost(h);
        TestData.assertSameBits(h, backend().toHost(on), "toHost(fromHost(H))");
        if (backend().domain().isHost()) {
            assertTrue(on == h && backend().toHost(h) == h, "no copy on a host backend");
        }
    }

    @Test
    void gemmMatchesReferenceOnAwkwardShapes() {
        SplittableRandom rng = new SplittableRandom(SEED);
        int caseNo = 0;
        for (int[] shape : gemmShapes()) {
            int m = shape[0], n = shape[1], k = shape[2];
            for (int t = 0; t < 4; t++, caseNo++) {
                boolean transA = (t & 1) != 0;
                boolean transB = (t & 2) != 0;
                float alpha = ALPHA_BETA[caseNo % 3][0];
                float beta = ALPHA_BETA[caseNo % 3][1];
                boolean padded = caseNo % 2 == 0;
                Matrix a = transA ? TestData.random(rng, k, m, padded) : TestData.random(rng, m, k, padded);
                Matrix b = transB ? TestData.random(rng, n, k, !padded) : TestData.random(rng, k, n, !padded);
                Matrix c0 = TestData.random(rng, m, n, padded);
                if (beta == 0f) {
                    TestData.fill(c0, Float.NaN); // β = 0 must not read C
                }
                Matrix aCopy = TestData.copy(a);
                Matrix bCopy = TestData.copy(b);
                Matrix expected = TestData.copy(c0);
                Matrix actual = TestData.copy(c0);
                String context = backend() + " gemm " + m + "x" + n + "x" + k + " transA=" + transA + " transB="
                        + transB + " alpha=" + alpha + " beta=" + beta + " padded=" + padded + " (seed " + SEED
                        + ", case " + caseNo + ")";
                reference.gemm(transA, transB, alpha, a, b, beta, expected);
                backend().gemm(transA, transB, alpha, a, b, beta, actual);
                Accuracy.assertGemmClose(transA, transB, alpha, a, b, beta, c0, expected, actual, context);
                TestData.assertGuardsIntact(actual, context);
                TestData.assertSameBits(aCopy, a, context + " (input A)");
                TestData.assertSameBits(bCopy, b, context + " (input B)");
            }
        }
    }

    @Test
    void gemmWithZeroInnerDimensionScalesC() {
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        Matrix a = TestData.random(rng, 5, 0, true);
        Matrix b = TestData.random(rng, 0, 7, true);
        Matrix c = TestData.random(rng, 5, 7, true);
        Matrix expected = TestData.copy(c);
        reference.scale(-2f, expected);
        backend().gemm(false, false, 1f, a, b, -2f, c);
        Accuracy.assertClose(expected, c, 0, 0, backend() + " gemm with k = 0");
    }

    @Test
    void lowRankUpdateMatchesReference() {
        SplittableRandom rng = new SplittableRandom(SEED + 2);
        int[][] shapes = {{1, 1, 1}, {17, 5, 3}, {33, 65, 7}, {100, 270, 25}, {257, 31, 0}, {300, 400, 40}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], r = s[2];
            Matrix u = TestData.random(rng, m, r, true);
            Matrix v = TestData.random(rng, n, r, false);
            Matrix w = TestData.random(rng, m, n, true);
            Matrix w0 = TestData.copy(w);
            Matrix expected = TestData.copy(w);
            String context = backend() + " lowRankUpdate " + m + "x" + n + " rank " + r;
            reference.lowRankUpdate(expected, 0.3f, u, v);
            backend().lowRankUpdate(w, 0.3f, u, v);
            Accuracy.assertGemmClose(false, true, 0.3f, u, v, 1f, w0, expected, w, context);
            TestData.assertGuardsIntact(w, context);
        }
    }

    @Test
    void transposeIsExactAndSumOfSquaresIsTheFloat64Sum() {
        SplittableRandom rng = new SplittableRandom(SEED + 5);
        int[][] shapes = {{1, 1}, {1, 37}, {37, 1}, {31, 33}, {32, 32}, {65, 97}, {300, 7}};
        for (int[] s : shapes) {
            for (boolean padded : new boolean[]{false, true}) {
                String context = backend() + " transpose " + s[0] + "x" + s[1] + " padded=" + padded;
                Matrix x = TestData.random(rng, s[0], s[1], padded);
                Matrix x0 = TestData.copy(x);
                Matrix expected = TestData.random(rng, s[1], s[0], !padded);
                Matrix actual = TestData.copy(expected);
                reference.transpose(x, expected);
                backend().transpose(x, actual);
                TestData.assertSameBits(expected, actual, context);
                TestData.assertGuardsIntact(actual, context);
                TestData.assertSameBits(x0, x, context + " (input)");
                double sum = reference.sumOfSquares(x);
                assertEquals(sum, backend().sumOfSquares(x), 1e-12 * sum, backend() + " sumOfSquares " + x.shape());
            }
        }
        Matrix x = TestData.random(rng, 9, 9, true);
        x.set(8, 8, Float.NaN);
        assertTrue(Double.isNaN(backend().sumOfSquares(x)), backend() + " sumOfSquares with a NaN");
        x.set(8, 8, Float.POSITIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, backend().sumOfSquares(x), backend() + " sumOfSquares with +inf");
        assertEquals(0, backend().sumOfSquares(x.view(0, 0, 0, 9)), backend() + " sumOfSquares of an empty view");
    }

    @Test
    void axpyAndScaleMatchReference() {
        SplittableRandom rng = new SplittableRandom(SEED + 3);
        int[][] shapes = {{1, 1}, {1, 31}, {3, 15}, {7, 16}, {5, 17}, {19, 33}, {64, 64}, {111, 989}};
        for (int[] s : shapes) {
            for (boolean padded : new boolean[]{false, true}) {
                String context = backend() + " " + s[0] + "x" + s[1] + " padded=" + padded;
                Matrix x = TestData.random(rng, s[0], s[1], padded);
                Matrix y = TestData.random(rng, s[0], s[1], !padded);
                Matrix expected = TestData.copy(y);
                reference.axpy(-1.5f, x, expected);
                backend().axpy(-1.5f, x, y);
                if (axpyFused()) {
                    // One fma: the fp32 result is the correctly rounded α·x + y, as the float64 reference's.
                    Accuracy.assertClose(expected, y, Accuracy.U32 * 2, 0, "axpy " + context);
                } else {
                    Accuracy.assertAxpyTwoRoundings(-1.5f, x, expected, y, "axpy " + context);
                }
                TestData.assertGuardsIntact(y, "axpy " + context);

                Matrix scaled = TestData.copy(x);
                Matrix scaledRef = TestData.copy(x);
                reference.scale(0.37f, scaledRef);
                backend().scale(0.37f, scaled);
                Accuracy.assertClose(scaledRef, scaled, 0, 0, "scale " + context);
                TestData.assertGuardsIntact(scaled, "scale " + context);
            }
        }
    }

    @Test
    void scaleByZeroClearsNaN() {
        Matrix x = TestData.random(new SplittableRandom(SEED + 4), 9, 21, true);
        TestData.fill(x, Float.NaN);
        backend().scale(0f, x);
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                assertEquals(0f, x.get(i, j), backend() + " scale(0) at (" + i + ", " + j + ")");
            }
        }
        TestData.assertGuardsIntact(x, backend() + " scale(0)");
    }

    @Test
    void axpyOntoItselfDoublesInPlace() {
        Matrix y = TestData.random(new SplittableRandom(SEED + 5), 13, 29, true);
        Matrix expected = TestData.copy(y);
        reference.scale(2f, expected);
        backend().axpy(1f, y, y);
        Accuracy.assertClose(expected, y, 0, 0, backend() + " axpy(1, Y, Y)");
    }

    /**
     * The Adam step against the reference. m = β₁m₀ + (1−β₁)g can cancel, so its bound is 2u·A with
     * A = |β₁m₀| + |(1−β₁)g| (v has no cancellation: 2u·v); that error reaches the update unscaled, so out is bounded
     * by |α|·(6u·|update| + 2u·A/((1−β₁ᵗ)(√v̂ + ε))) + 2u·|β·out₀| (bias corrections, square root, division,
     * epilogue). Padded views in NaN guards, β = 0 over NaN, out = g in place, and the flat contiguous path.
     */
    @Test
    void fillAndHadamardMatchReference() {
        SplittableRandom rng = new SplittableRandom(SEED + 11);
        for (int[] shape : new int[][]{{1, 1}, {7, 33}, {40, 17}}) {
            Matrix x = TestData.random(rng, shape[0], shape[1], true);
            Matrix y = TestData.random(rng, shape[0], shape[1], false);
            Matrix want = TestData.random(rng, shape[0], shape[1], true);
            Matrix got = TestData.copy(want);
            reference.hadamard(x, y, want);
            backend().hadamard(x, y, got);
            TestData.assertSameBits(want, got, backend() + " hadamard " + x.shape());
            TestData.assertGuardsIntact(got, backend() + " hadamard");
            Matrix squares = TestData.copy(x);
            Matrix squaresWant = TestData.copy(x);
            backend().hadamard(squares, squares, squares); // in place, x ∘ x
            reference.hadamard(squaresWant, squaresWant, squaresWant);
            TestData.assertSameBits(squaresWant, squares, backend() + " hadamard in place");
            backend().fill(got, -2.5f);
            for (float value : got.toArray()) {
                assertEquals(-2.5f, value);
            }
            TestData.assertGuardsIntact(got, backend() + " fill");
        }
    }

    @Test
    void adamWithBf16MomentsMatchesReference() {
        SplittableRandom rng = new SplittableRandom(SEED + 10);
        for (int[] shape : new int[][]{{1, 1}, {3, 17}, {33, 31}, {64, 48}}) {
            int rows = shape[0];
            int cols = shape[1];
            int packed = Bf16.packedCols(cols);
            Matrix g = TestData.random(rng, rows, cols, true);
            Matrix m0 = Matrix.wrap(new float[rows * packed], rows, packed);
            Matrix v0 = Matrix.wrap(new float[rows * packed], rows, packed);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    Bf16.set(m0, i, j, (float) (rng.nextDouble() - 0.5));
                    Bf16.set(v0, i, j, (float) rng.nextDouble());
                }
            }
            long step = 1 + rng.nextInt(50);
            Matrix wantM = TestData.copy(m0);
            Matrix wantV = TestData.copy(v0);
            Matrix gotM = TestData.copy(m0);
            Matrix gotV = TestData.copy(v0);
            Matrix want = TestData.random(rng, rows, cols, false);
            Matrix got = TestData.copy(want);
            Matrix out0 = TestData.copy(want);
            String context = backend() + " adamBf16 " + g.shape() + " step " + step;
            reference.adamBf16(g, wantM, wantV, 0.9f, 0.999f, 1e-8f, step, -1e-3f, 0.999f, want);
            backend().adamBf16(g, gotM, gotV, 0.9f, 0.999f, 1e-8f, step, -1e-3f, 0.999f, got);
            double u = Accuracy.U32;
            double bias1 = 1 - Math.pow(0.9, step);
            double bias2 = 1 - Math.pow(0.999, step);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    // fp32 and float64 moments may round to neighbouring bf16 values: one bf16 ulp (2⁻⁸ relative)
                    float m = Bf16.get(wantM, i, j);
                    float v = Bf16.get(wantV, i, j);
                    check(context + " (m)", i, j, Bf16.get(gotM, i, j), m, 0x1p-8 * Math.abs(m) + 1e-30);
                    check(context + " (v)", i, j, Bf16.get(gotV, i, j), v, 0x1p-8 * Math.abs(v) + 1e-30);
                    double gij = g.get(i, j);
                    double a = Math.abs(0.9 * Bf16.get(m0, i, j)) + Math.abs(0.1 * gij);
                    double denominator = Math.sqrt(Math.abs(v) / bias2) * (1 - 0x1p-8) + 1e-8;
                    double update = (Math.abs(m) * (1 + 0x1p-8) + a * 0x1p-8) / bias1 / denominator;
                    double bound = 1e-3 * (6 * u * update + 2 * u * a / bias1 / denominator)
                            + 2 * u * Math.abs(0.999 * out0.get(i, j));
                    check(context + " (out)", i, j, got.get(i, j), want.get(i, j), bound);
                }
            }
            TestData.assertGuardsIntact(g, context);
        }
    }

    @Test
    void adamMatchesReference() {
        SplittableRandom rng = new SplittableRandom(SEED + 9);
        int[][] shapes = {{1, 1}, {3, 17}, {33, 31}, {64, 48}};
        float[][] epilogues = {{1f, 0f}, {-1e-3f, 0.999f}};
        int caseNo = 0;
        for (int[] shape : shapes) {
            for (float[] ab : epilogues) {
                for (boolean inPlace : new boolean[]{false, true}) {
                    boolean padded = caseNo++ % 2 == 0;
                    Matrix g = TestData.random(rng, shape[0], shape[1], padded);
                    Matrix m0 = TestData.random(rng, shape[0], shape[1], !padded);
                    Matrix v0 = TestData.random(rng, shape[0], shape[1], padded);
                    for (int i = 0; i < v0.rows(); i++) {
                        for (int j = 0; j < v0.cols(); j++) {
                            v0.set(i, j, Math.abs(v0.get(i, j))); // a second moment is non-negative
                        }
                    }
                    Matrix out0 = inPlace ? g : TestData.random(rng, shape[0], shape[1], padded);
                    if (!inPlace && ab[1] == 0f) {
                        TestData.fill(out0, Float.NaN);
                    }
                    long step = 1 + rng.nextInt(50);
                    Matrix[] want = {TestData.copy(g), TestData.copy(m0), TestData.copy(v0), TestData.copy(out0)};
                    Matrix[] got = {TestData.copy(g), TestData.copy(m0), TestData.copy(v0), TestData.copy(out0)};
                    Matrix wantOut = inPlace ? want[0] : want[3];
                    Matrix gotOut = inPlace ? got[0] : got[3];
                    String context = backend() + " adam " + g.shape() + " step " + step + " alpha " + ab[0] + " beta "
                            + ab[1] + (inPlace ? " in place" : "");
                    reference.adam(want[0], want[1], want[2], 0.9f, 0.999f, 1e-8f, step, ab[0], ab[1], wantOut);
                    backend().adam(got[0], got[1], got[2], 0.9f, 0.999f, 1e-8f, step, ab[0], ab[1], gotOut);
                    double u = Accuracy.U32;
                    double bias1 = 1 - Math.pow(0.9, step);
                    double bias2 = 1 - Math.pow(0.999, step);
                    for (int i = 0; i < g.rows(); i++) {
                        for (int j = 0; j < g.cols(); j++) {
                            double gij = g.get(i, j);
                            double a = Math.abs(0.9 * m0.get(i, j)) + Math.abs(0.1 * gij);
                            check(context + " (m)", i, j, got[1].get(i, j), want[1].get(i, j), 2 * u * a);
                            check(context + " (v)", i, j, got[2].get(i, j), want[2].get(i, j),
                                    2 * u * Math.abs(want[2].get(i, j)));
                            double denominator = Math.sqrt(want[2].get(i, j) / bias2) + 1e-8;
                            double update = Math.abs(want[1].get(i, j) / bias1 / denominator);
                            double prior = ab[1] == 0f ? 0 : Math.abs(ab[1] * out0.get(i, j));
                            double bound = Math.abs(ab[0]) * (6 * u * update + 2 * u * a / bias1 / denominator)
                                    + 2 * u * prior;
                            check(context + " (out)", i, j, gotOut.get(i, j), wantOut.get(i, j), bound);
                        }
                    }
                    TestData.assertGuardsIntact(gotOut, context);
                }
            }
        }
    }

    private static void check(String context, int i, int j, double got, double want, double bound) {
        if (!(Math.abs(got - want) <= bound)) {
            org.junit.jupiter.api.Assertions.fail(context + ": (" + i + ", " + j + ") = " + got + ", reference " + want
                    + ", error " + Math.abs(got - want) + " > bound " + bound);
        }
    }
}
