package org.slimgrad.linalg;

import org.slimgrad.DenseOps;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;

/**
 * Randomized subspace iteration (Halko, Martinsson &amp; Tropp 2011, Alg. 4.4), written once for every backend: the
 * subclass holds the workspace in its memory and provides the starting block and the last, small SVD step.
 *
 * <pre>
 * Z = Ω (n×l sketch, or [V_prev | sketch] for a warm start)
 * Y = A·Z
 * repeat q times: condition(Y); Z = Aᵀ·Y; condition(Z); Y = A·Z   (one Cholesky QR pass each; the larger side's
 *                  factor R⁻¹ is applied to the next product's result instead of to its own rows)
 * orthonormalize(Y)                               Q = Y spans A's dominant range
 * Z = Aᵀ·Y = Bᵀ;  Z = Q₂·R (orthonormalize with R)  so that A ≈ Q·Qᵀ·A = Q·Rᵀ·Q₂ᵀ
 * R = U_R·Σ·V_Rᵀ (l×l)  ⇒  A ≈ (Q·V_R)·Σ·(Q₂·U_R)ᵀ, truncated to the rank
 * </pre>
 * Every large step is a GEMM; either orientation of A (m ≥ n or m &lt; n) is handled by transpose flags, never by a
 * transposed copy. R is how the subclass's Cholesky QR holds a triangular factor.
 */
public abstract class RandomizedSvdDriver<R> {

    protected final DenseOps dense;
    protected final int m;
    protected final int n;
    protected final int rank;
    /** l = rank + oversample, capped at min(m, n). */
    protected final int width;
    protected final Matrix y;
    protected final Matrix z;
    private final CholeskyQrPolicy<R> rangeQr;
    private final CholeskyQrPolicy<R> coRangeQr;

    /**
     * A plan for m×n at this rank and width over the subclass's workspace: y (m×width) and z (n×width), and Cholesky
     * QRs for m×width and n×width.
     */
    protected RandomizedSvdDriver(DenseOps dense, int m, int n, int rank, int width, Matrix y, Matrix z,
                                  CholeskyQrPolicy<R> rangeQr, CholeskyQrPolicy<R> coRangeQr) {
        this.dense = dense;
        this.m = m;
        this.n = n;
        this.rank = rank;
        this.width = width;
        this.y = y;
        this.z = z;
        this.rangeQr = rangeQr;
        this.coRangeQr = coRangeQr;
    }

    /** l = rank + oversample capped at min(m, n), after checking the arguments. */
    protected static int width(int m, int n, int rank, int oversample) {
        if (rank < 1 || rank > Math.min(m, n) || oversample < 0) {
            throw new IllegalArgumentException("RandomizedSvd: " + m + "x" + n + " rank " + rank + " oversample "
                    + oversample + "; need 1 <= rank <= min(m, n) and oversample >= 0");
        }
        return Math.min(rank + oversample, Math.min(m, n));
    }

    /**
     * The top-{@code rank} singular triplets of A, U into u and Vᵀ into vt (each skipped when null), σ returned; see
     * {@link org.slimgrad.Factorizations#randomizedSvd}.
     */
    public final float[] compute(Matrix a, int powerIterations, long seed, Svd warmStart, Matrix u, Matrix vt) {
        if (a.rows() != m || a.cols() != n) {
            throw new IllegalArgumentException("RandomizedSvd: A is " + a.shape() + " but this plan is for " + m
                    + "x" + n);
        }
        startingBlock(seed, warmStart, warmStart == null ? 0 : Math.min(warmStart.rank(), width));
        dense.gemm(false, false, 1f, a, z, 0f, y);
        // The larger side's conditioning factor is applied to the product that follows it, on the smaller side's
        // rows: Y = (A·Z)·R_Z⁻¹ = A·(Z·R_Z⁻¹) when n > m, Z = (Aᵀ·Y)·R_Y⁻¹ when m > n.
        boolean wide = n > m;
        for (int it = 0; it < powerIterations; it++) {
            boolean deferred = condition(rangeQr, y, !wide);
            dense.gemm(true, false, 1f, a, y, 0f, z);
            if (deferred) {
                rangeQr.applyConditioning(z);
            }
            deferred = condition(coRangeQr, z, wide);
            dense.gemm(false, false, 1f, a, z, 0f, y);
            if (deferred) {
                coRangeQr.applyConditioning(y);
            }
        }
        rangeQr.orthonormalize(y, null);
        dense.gemm(true, false, 1f, a, y, 0f, z); // Bᵀ = Aᵀ·Q
        R r = triangle();
        coRangeQr.orthonormalize(z, r);           // Bᵀ = Q₂·R
        return fromTriangle(r, u, vt);
    }

    /** Z = [the first {@code warm} rows of warmStart's Vᵀ, transposed | the seeded sketch in the other columns]. */
    protected abstract void startingBlock(long seed, Svd warmStart, int warm);

    /** The width×width triangle the co-range orthonormalisation writes R into. */
    protected abstract R triangle();

    /**
     * The result from Q (in y), Q₂ (in z) and R: the SVD R = U_R·Σ·V_Rᵀ, then U = Q·V_R[:, :rank] into u and
     * Vᵀ = U_R[:, :rank]ᵀ·Q₂ᵀ into vt (each product skipped when its output is null); returns σ = Σ[:rank].
     */
    protected abstract float[] fromTriangle(R r, Matrix u, Matrix vt);

    // One Cholesky QR pass on x, applied now, or (defer) only computed: then returns whether the caller must apply it
    // to the next product (false where the pass fell back to orthonormalising x itself).
    private static <R> boolean condition(CholeskyQrPolicy<R> qr, Matrix x, boolean defer) {
        if (defer) {
            return qr.conditioningFactor(x);
        }
        qr.condition(x);
        return false;
    }
}
