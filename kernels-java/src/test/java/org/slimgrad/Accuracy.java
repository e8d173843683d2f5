package org.slimgrad;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Named error bounds. fp32 unit roundoff u = 2⁻²⁴; a length-K dot product accumulated in fp32 (with any
 * blocking or FMA) has a rounding error that, for independent rounding errors, grows like √K·u·Σ|aₖ||bₖ|
 * (Higham, Accuracy and Stability, §3.1 and the probabilistic bound of Higham &amp; Mary 2019). The reference
 * backend accumulates in float64 and rounds once, so its own error is below u·|c|.
 */
public final class Accuracy {

    /** fp32 unit roundoff. */
    public static final double U32 = 0x1p-24;
    /** Safety factor on the probabilistic √K bound: covers the rounding of α·a, β·c and the final add. */
    public static final double C_GEMM = 4;

    /**
     * Normwise relative error bound of an FFT-based orthonormal DCT of length n, per line:
     * ‖ŷ − y‖₂ ≤ C·log₂(4n)·u·‖x‖₂. Higham (Accuracy and Stability, Thm 24.2) gives log₂(N)·η per transform with
     * η ≈ u + γ₄(√2 + u) ≈ 7u per radix-2 stage; Bluestein's lengths run two transforms of length up to 4n, and
     * the pre/post twiddles add a few u, so C = 8 leaves no room for a real defect to hide.
     */
    public static double dctBound(int n) {
        return 8 * (Math.log(4.0 * n) / Math.log(2)) * U32;
    }

    private Accuracy() {
    }

    /**
     * Asserts |C − C_ref| ≤ C_GEMM·√(K+2)·u·(|α|·(|op(A)|·|op(B)|)ᵢⱼ + |β|·|C₀ᵢⱼ|) + u·|C_refᵢⱼ| elementwise.
     * NaN anywhere in the result fails.
     */
    public static void assertGemmClose(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                                       Matrix c0, Matrix expected, Matrix actual, String context) {
        int k = transA ? a.rows() : a.cols();
        double gamma = C_GEMM * Math.sqrt(k + 2.0) * U32;
        for (int i = 0; i < actual.rows(); i++) {
            for (int j = 0; j < actual.cols(); j++) {
                double absProducts = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a.get(p, i) : a.get(i, p);
                    double bpj = transB ? b.get(j, p) : b.get(p, j);
                    absProducts += Math.abs(aip * bpj);
                }
                double prior = beta == 0f ? 0 : Math.abs((double) beta * c0.get(i, j));
                double want = expected.get(i, j);
                double got = actual.get(i, j);
                double bound = gamma * (Math.abs(alpha) * absProducts + prior) + U32 * Math.abs(want);
                if (!(Math.abs(got - want) <= bound)) {
                    fail(context + ": C(" + i + ", " + j + ") = " + got + ", reference " + want + ", error "
                            + Math.abs(got - want) + " > bound " + bound);
                }
            }
        }
    }

    /**
     * Asserts that y = fl(fl(α·x) + y₀), an axpy that rounds the product before the add, is within
     * u·|α·x| + 2.01·u·|y_ref| of the once-rounded reference elementwise: u·|α·x| from rounding the product and, to
     * first order, u·|α·x + y₀| from the add and as much again from the reference's own rounding. NaN fails.
     */
    public static void assertAxpyTwoRoundings(float alpha, Matrix x, Matrix expected, Matrix actual, String context) {
        for (int i = 0; i < actual.rows(); i++) {
            for (int j = 0; j < actual.cols(); j++) {
                double want = expected.get(i, j);
                double got = actual.get(i, j);
                double bound = U32 * (Math.abs((double) alpha * x.get(i, j)) + 2.01 * Math.abs(want));
                if (!(Math.abs(got - want) <= bound)) {
                    fail(context + ": element (" + i + ", " + j + ") = " + got + ", reference " + want
                            + ", bound for two roundings " + bound);
                }
            }
        }
    }

    /** Asserts |x − x_ref| ≤ tol·(|x_ref| + scale) elementwise; NaN fails. */
    public static void assertClose(Matrix expected, Matrix actual, double tol, double scale, String context) {
        for (int i = 0; i < actual.rows(); i++) {
            for (int j = 0; j < actual.cols(); j++) {
                double want = expected.get(i, j);
                double got = actual.get(i, j);
                if (!(Math.abs(got - want) <= tol * (Math.abs(want) + scale))) {
                    fail(context + ": element (" + i + ", " + j + ") = " + got + ", reference " + want);
                }
            }
        }
    }

    /** The largest |element| of m by a plain loop over every element (NaN if one is NaN). */
    public static float maxAbs(Matrix m) {
        float max = 0;
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                max = Math.max(max, Math.abs(m.get(i, j)));
            }
        }
        return max;
    }
}
