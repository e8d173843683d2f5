package org.slimgrad.linalg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;

/**
 * Randomized SVD of m×n matrices for one host backend, rank and oversampling, with all its workspace:
 * O((m + n)·l) floats for l = rank + oversample, allocated here once and reused by every {@link #compute} (a GaLore
 * projector refreshes the same shape every T steps); only O(l²) float64 scratch is allocated per call.
 *
 * <pre>
 * Z = Ω (n×l sketch, or [V_prev | sketch] for a warm start)
 * Y = A·Z
 * repeat q times: condition(Y); Z = Aᵀ·Y; condition(Z); Y = A·Z   (one Cholesky QR pass each; the larger side's
 *                  factor R⁻¹ is applied to the next product's result instead of to its own rows)
 * orthonormalize(Y)                               Q = Y spans A's dominant range
 * Z = Aᵀ·Y = Bᵀ;  Z = Q₂·R (orthonormalize with R)  so that A ≈ Q·Qᵀ·A = Q·Rᵀ·Q₂ᵀ
 * R = U_R·Σ·V_Rᵀ (l×l, float64)  ⇒  A ≈ (Q·V_R)·Σ·(Q₂·U_R)ᵀ, truncated to the rank; Vᵀ = U_Rᵀ·Q₂ᵀ directly
 * </pre>
 * Every large step is a GEMM of the backend; either orientation of A (m ≥ n or m &lt; n) is handled by transpose
 * flags, never by a transposed copy. The returned {@link Svd} views this object's buffers: it stays valid until
 * the next {@code compute}, and may itself be passed back as that call's warm start.
 */
public final class RandomizedSvd {

    private final Backend backend;
    private final int m;
    private final int n;
    private final int rank;
    private final int width;
    private final Matrix y;
    private final Matrix z;
    private final Matrix small;
    private final Matrix u;
    private final Matrix vt;
    private final float[] sigma;
    private final CholeskyQr rangeQr;
    private final CholeskyQr coRangeQr;
    private final double[] r;

    public RandomizedSvd(Backend backend, int m, int n, int rank, int oversample) {
        if (rank < 1 || rank > Math.min(m, n) || oversample < 0) {
            throw new IllegalArgumentException("RandomizedSvd: " + m + "x" + n + " rank " + rank + " oversample "
                    + oversample + "; need 1 <= rank <= min(m, n) and oversample >= 0");
        }
        this.backend = backend;
        this.m = m;
        this.n = n;
        this.rank = rank;
        this.width = Math.min(rank + oversample, Math.min(m, n));
        this.y = backend.allocate(m, width);
        this.z = backend.allocate(n, width);
        this.small = backend.allocate(width, rank);
        this.u = backend.allocate(m, rank);
        this.vt = backend.allocate(rank, n);
        this.sigma = new float[rank];
        this.rangeQr = new CholeskyQr(backend, m, width);
        this.coRangeQr = new CholeskyQr(backend, n, width);
        this.r = new double[width * width];
    }

    /** The top-{@code rank} singular triplets of A; see {@link Backend#randomizedSvd}. */
    public Svd compute(Matrix a, int powerIterations, long seed, Svd warmStart) {
        if (a.rows() != m || a.cols() != n) {
            throw new IllegalArgumentException("RandomizedSvd: A is " + a.shape() + " but this plan is for " + m
                    + "x" + n);
        }
        startingBlock(seed, warmStart);
        backend.gemm(false, false, 1f, a, z, 0f, y);
        // The larger side's conditioning factor is applied to the product that follows it, on the smaller side's
        // rows: Y = (A·Z)·R_Z⁻¹ = A·(Z·R_Z⁻¹) when n > m, Z = (Aᵀ·Y)·R_Y⁻¹ when m > n.
        boolean wide = n > m;
        for (int it = 0; it < powerIterations; it++) {
            boolean deferred = condition(rangeQr, y, !wide);
            backend.gemm(true, false, 1f, a, y, 0f, z);
            if (deferred) {
                rangeQr.applyConditioning(z);
            }
            deferred = condition(coRangeQr, z, wide);
            backend.gemm(false, false, 1f, a, z, 0f, y);
            if (deferred) {
                coRangeQr.applyConditioning(y);
            }
        }
        rangeQr.orthonormalize(y, null);
        backend.gemm(true, false, 1f, a, y, 0f, z); // Bᵀ = Aᵀ·Q
        coRangeQr.orthonormalize(z, r);             // Bᵀ = Q₂·R

        // R = U_R·Σ·V_Rᵀ through RᵀR = V_R·Σ²·V_Rᵀ; U_R = orthonormalised R·V_R, its column norms are Σ.
        int l = width;
        double[] rtr = SmallDense.multiplyTransposeUpper(r, l);
        double[] lambda = new double[l];
        double[] vr = new double[l * l];
        SmallDense.symmetricEigen(rtr, l, lambda, vr);
        double[] ur = SmallDense.multiplyUpperLeft(r, vr, l, l);
        double[] norms = SmallDense.normalizeSingularVectors(ur, l, l);

        // U = Q·V_R[:, :rank]
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < rank; j++) {
                small.set(i, j, (float) vr[i * l + j]);
            }
        }
        backend.gemm(false, false, 1f, y, small, 0f, u);
        // Vᵀ = U_R[:, :rank]ᵀ·Q₂ᵀ, one GEMM with both operands transposed: no n×rank V and no transposing copy
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < rank; j++) {
                small.set(i, j, (float) ur[i * l + j]);
            }
        }
        backend.gemm(true, true, 1f, small, z, 0f, vt);
        for (int j = 0; j < rank; j++) {
            sigma[j] = (float) norms[j];
        }
        return new Svd(u, sigma, vt);
    }

    /** Bytes of workspace and result buffers this plan holds. */
    public long workspaceBytes() {
        return workspaceBytes(m, n, rank, width - rank);
    }

    /** Bytes a plan for m×n at this rank and oversample allocates, without allocating it. */
    public static long workspaceBytes(int m, int n, int rank, int oversample) {
        long width = Math.min(rank + oversample, Math.min(m, n));
        long floats = m * width + n * width + width * rank + (long) m * rank + (long) n * rank + rank;
        return floats * Float.BYTES + width * width * Double.BYTES + CholeskyQr.workspaceBytes(m, (int) width)
                + CholeskyQr.workspaceBytes(n, (int) width);
    }

    // One Cholesky QR pass on x, applied now, or (defer) only computed: then returns whether the caller must apply it
    // to the next product (false where the pass fell back to orthonormalising x itself).
    private static boolean condition(CholeskyQr qr, Matrix x, boolean defer) {
        if (defer) {
            return qr.conditioningFactor(x);
        }
        qr.condition(x);
        return false;
    }

    // Z = [V_prev | sketch]: the warm start's right singular vectors first, seeded sketch columns after them.
    private void startingBlock(long seed, Svd warmStart) {
        int warm = warmStart == null ? 0 : Math.min(warmStart.rank(), width);
        MemorySegment zs = z.segment();
        for (int i = 0; i < n; i++) {
            long row = z.index(i, 0);
            for (int j = 0; j < width; j++) {
                float value = j < warm ? warmStart.vt().get(j, i) : CounterRandom.sketch(seed, (long) i * width + j);
                zs.setAtIndex(ValueLayout.JAVA_FLOAT, row + j, value);
            }
        }
    }
}
