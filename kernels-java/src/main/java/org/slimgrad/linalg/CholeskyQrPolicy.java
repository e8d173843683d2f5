package org.slimgrad.linalg;

import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;

/**
 * The Cholesky QR policy of every backend, written once: the passes, the breakdown test, the shift and the fallbacks;
 * a host or device subclass provides the steps on its memory (the Gram matrix, its Cholesky factor, applying R⁻¹,
 * Householder QR). R is how the subclass holds an accumulated triangular factor (a float64 array, a device matrix).
 *
 * <p>One pass: G = AᵀA, G = RᵀR, A := A·R⁻¹. Two passes (CholeskyQR2, Yamamoto et al. 2015) give orthogonality at
 * fp32 round-off while κ(A) ≲ 10³. When the first Cholesky breaks down (a pivot below {@value #PIVOT_TOLERANCE} of
 * the largest Gram diagonal: κ(A)² beyond ~10⁶), the first pass is shifted, G + s·I with
 * s = 11(mk + k(k+1))·u·tr(G) (Fukaya et al. 2020), and two plain passes follow (shifted CholeskyQR3); measured on
 * 200×30 it carries κ(A) = 10⁴, while 10⁵ already falls through (the fp32 shift is large). When that fails too, or
 * the last pass does not start within {@value #LAST_PASS_DEVIATION} (max-abs) of orthonormal, Householder QR.
 */
public abstract class CholeskyQrPolicy<R> {

    /** A pivot below this fraction of the largest Gram diagonal counts as a breakdown. */
    public static final double PIVOT_TOLERANCE = 1e-6;
    /** The last pass must start from QᵀQ within this of I (max-abs), else its result is not trusted. */
    public static final double LAST_PASS_DEVIATION = 0.1;
    private static final double U32 = 0x1p-24;

    protected final int m;
    protected final int k;

    protected CholeskyQrPolicy(int m, int k) {
        if (k > m || k < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + m + "x" + k
                    + "; need 1 <= k <= m");
        }
        this.m = m;
        this.k = k;
    }

    /**
     * Orthonormalises the columns of {@code a} (m×k) in place. If {@code r} is non-null it receives the k×k upper
     * triangular R with A_before = A_after·R (the product of the passes' factors).
     */
    public final OrthoMethod orthonormalize(Matrix a, R r) {
        if (a.rows() != m || a.cols() != k) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": A is " + a.shape()
                    + " but this workspace is for " + m + "x" + k);
        }
        if (r != null) {
            setIdentity(r);
        }
        int passes = 2;
        OrthoMethod method = OrthoMethod.CHOLESKY_QR2;
        for (int pass = 0; pass < passes; pass++) {
            gram(a);
            if (pass == passes - 1 && !lastPassMayStart()) {
                return householder(a, r);
            }
            if (!factor(0, PIVOT_TOLERANCE)) {
                if (pass > 0 || !factor(11.0 * ((double) m * k + (double) k * (k + 1)) * U32 * gramTrace(), 0)) {
                    return householder(a, r);
                }
                passes = 3;
                method = OrthoMethod.SHIFTED_CHOLESKY_QR3;
            }
            if (r != null) {
                accumulate(r);
            }
            applyInverseFactor(a);
        }
        return method;
    }

    /**
     * One Cholesky QR pass, for subspace iteration: A's columns become a basis of the same span with condition
     * number about 1 + κ(A)²·u instead of κ(A), at half the cost of {@link #orthonormalize}. Falls back to the full
     * method when the Cholesky factorisation breaks down.
     */
    public final void condition(Matrix a) {
        if (conditioningFactor(a)) {
            applyInverseFactor(a);
        }
    }

    /**
     * One Cholesky QR pass whose factor is computed but not applied: when the Cholesky factorisation of AᵀA succeeds,
     * keeps R for {@link #applyConditioning} and returns true, leaving A as it is; otherwise orthonormalises A in
     * place by the full method, as {@link #condition} would, and returns false. Subspace iteration applies the factor
     * to the next product instead, (B·A)·R⁻¹ = B·(A·R⁻¹), paying for B's rows rather than A's.
     */
    public final boolean conditioningFactor(Matrix a) {
        gram(a);
        if (!factor(0, PIVOT_TOLERANCE)) {
            orthonormalize(a, null);
            return false;
        }
        return true;
    }

    /** b := b·R⁻¹ with the factor of the last {@link #conditioningFactor} that returned true; b has k columns. */
    public final void applyConditioning(Matrix b) {
        if (b.cols() != k) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": B is " + b.shape()
                    + " but the factor is " + k + "x" + k);
        }
        applyInverseFactor(b);
    }

    /** G = AᵀA. */
    protected abstract void gram(Matrix a);

    /**
     * Whether the last pass may start from the current G: max |G − I| within {@value #LAST_PASS_DEVIATION}, NaN
     * failing. A subclass that defers its checks to the end of the operation (the device's, which waits for the GPU
     * once) records this test there, returns true, and reruns the operation with checks when a test failed.
     */
    protected abstract boolean lastPassMayStart();

    /** tr(G). */
    protected abstract double gramTrace();

    /**
     * The upper triangular R with G + shift·I = RᵀR, kept as the current factor, G left as it is; false when the
     * factorisation breaks down or a pivot R(j, j)² is not above {@code pivotTolerance} times G's largest diagonal
     * (a subclass that defers its checks records this test and returns true, as for {@link #lastPassMayStart}).
     */
    protected abstract boolean factor(double shift, double pivotTolerance);

    /** r := R·r for the current factor R (both upper triangular). */
    protected abstract void accumulate(R r);

    /** x := x·R⁻¹ for the current factor R; x has k columns and any number of rows. */
    protected abstract void applyInverseFactor(Matrix x);

    /** r := I. */
    protected abstract void setIdentity(R r);

    /** Householder QR of a in place, r := R_householder·r when r is non-null; returns HOUSEHOLDER_QR. */
    protected abstract OrthoMethod householder(Matrix a, R r);
}
