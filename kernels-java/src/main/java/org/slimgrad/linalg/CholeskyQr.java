package org.slimgrad.linalg;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;

/**
 * Orthonormalisation of tall m×k matrices, with its workspace, for one host backend and shape: reuse one instance
 * for repeated calls (randomized SVD does). The k×k steps run in float64 on the host, so a device backend needs its
 * own implementation.
 *
 * <p>One Cholesky QR pass: G = AᵀA (GEMM), G = RᵀR (float64 Cholesky), A := A·R⁻¹ (GEMM). Two passes (CholeskyQR2,
 * Yamamoto et al. 2015) give orthogonality at fp32 round-off while κ(A) ≲ 10³. When the first Cholesky breaks
 * down, the first pass is shifted, G + s·I with s = 11(mk + k(k+1))·u·tr(G) (Fukaya et al. 2020), and two plain
 * passes follow (shifted CholeskyQR3); measured on 200×30 it carries κ(A) = 10⁴, while 10⁵ already falls through
 * (the fp32 shift is large). When that fails too, or the last pass does not start from a nearly orthonormal
 * matrix, the columns are orthonormalised by Householder QR in float64.
 */
public final class CholeskyQr {

    /** A pivot below this fraction of the largest Gram diagonal counts as a breakdown: κ(A)² beyond ~10⁶. */
    private static final double PIVOT_TOLERANCE = 1e-6;
    /** The last pass must start from QᵀQ within this of I (max-abs), else its result is not trusted. */
    private static final double LAST_PASS_DEVIATION = 0.1;
    private static final double U32 = 0x1p-24;
    /** Rows per block of the in-place product A := A·X. */
    private static final int ROW_BLOCK = 1024;
    /** The symmetric and triangular k×k factors are split at a multiple of this, so GEMM column strips stay whole. */
    private static final int SPLIT_ALIGN = 32;

    private final Backend backend;
    private final int m;
    private final int k;
    private final float[] gramData;
    private final float[] inverseData;
    private final Matrix gram;
    private final Matrix inverse;
    private final Matrix rows;
    private final double[] g;
    /**
     * Columns of the first block of the two the Gram product and A·R⁻¹ are split into (both factors are triangular
     * or symmetric, so the block below the diagonal is skipped: 3/4 of the dense work); k when too small to gain.
     */
    private final int split;

    public CholeskyQr(Backend backend, int m, int k) {
        if (k > m || k < 1) {
            throw new IllegalArgumentException("CholeskyQr: " + m + "x" + k + "; need 1 <= k <= m");
        }
        this.backend = backend;
        this.m = m;
        this.k = k;
        // The k×k matrices live in host arrays the float64 steps read and write directly.
        this.gramData = new float[k * k];
        this.inverseData = new float[k * k];
        this.gram = Matrix.wrap(gramData, k, k);
        this.inverse = Matrix.wrap(inverseData, k, k);
        this.rows = backend.allocate(Math.min(m, ROW_BLOCK), k);
        this.g = new double[k * k];
        this.split = k >= 4 * SPLIT_ALIGN ? (k / 2) / SPLIT_ALIGN * SPLIT_ALIGN : k;
    }

    /**
     * Orthonormalises the columns of {@code a} (m×k) in place. If {@code r} is non-null it receives the k×k upper
     * triangular R with A_before = A_after·R (in float64, the product of the passes' factors).
     */
    public OrthoMethod orthonormalize(Matrix a, double[] r) {
        if (a.rows() != m || a.cols() != k) {
            throw new IllegalArgumentException("CholeskyQr: A is " + a.shape() + " but this workspace is for " + m
                    + "x" + k);
        }
        if (r != null) {
            java.util.Arrays.fill(r, 0);
            for (int i = 0; i < k; i++) {
                r[i * k + i] = 1;
            }
        }
        int passes = 2;
        OrthoMethod method = OrthoMethod.CHOLESKY_QR2;
        for (int pass = 0; pass < passes; pass++) {
            gram(a);
            readGram();
            boolean last = pass == passes - 1;
            if (last && deviationFromIdentity() > LAST_PASS_DEVIATION) {
                return householder(a, r);
            }
            if (!SmallDense.cholesky(g, k, PIVOT_TOLERANCE)) {
                if (pass > 0) {
                    return householder(a, r);
                }
                readGram();
                double shift = 11.0 * ((double) m * k + (double) k * (k + 1)) * U32 * trace();
                for (int i = 0; i < k; i++) {
                    g[i * k + i] += shift;
                }
                if (!SmallDense.cholesky(g, k, 0)) {
                    return householder(a, r);
                }
                passes = 3;
                method = OrthoMethod.SHIFTED_CHOLESKY_QR3;
            }
            if (r != null) {
                // R_total := R_pass · R_total (both upper triangular)
                System.arraycopy(SmallDense.multiplyUpper(g, r, k), 0, r, 0, k * k);
            }
            SmallDense.invertUpper(g, k);
            writeInverse();
            multiplyInPlace(a);
        }
        return method;
    }

    /**
     * One Cholesky QR pass, for subspace iteration: A's columns become a basis of the same span with condition
     * number about 1 + κ(A)²·u instead of κ(A), at half the cost of {@link #orthonormalize}. Falls back to the full
     * method when the Cholesky factorisation breaks down.
     */
    public void condition(Matrix a) {
        if (conditioningFactor(a)) {
            multiplyInPlace(a);
        }
    }

    /**
     * One Cholesky QR pass whose factor is computed but not applied: when the Cholesky factorisation of AᵀA succeeds,
     * keeps R⁻¹ for {@link #applyConditioning} and returns true, leaving A as it is; otherwise orthonormalises A in
     * place by the full method, as {@link #condition} would, and returns false. Subspace iteration applies the factor
     * to the next product instead, (B·A)·R⁻¹ = B·(A·R⁻¹), paying for B's rows rather than A's.
     */
    public boolean conditioningFactor(Matrix a) {
        gram(a);
        readGram();
        if (!SmallDense.cholesky(g, k, PIVOT_TOLERANCE)) {
            orthonormalize(a, null);
            return false;
        }
        SmallDense.invertUpper(g, k);
        writeInverse();
        return true;
    }

    /**
     * b := b·R⁻¹ with the factor of the last {@link #conditioningFactor} that returned true; b has k columns and any
     * number of rows.
     */
    public void applyConditioning(Matrix b) {
        if (b.cols() != k) {
            throw new IllegalArgumentException("CholeskyQr: B is " + b.shape() + " but the factor is " + k + "x" + k);
        }
        multiplyInPlace(b);
    }

    /** Bytes of workspace this instance holds. */
    public long workspaceBytes() {
        return workspaceBytes(m, k);
    }

    /** Bytes a plan for m×k allocates: two k×k float matrices, a block of rows, a k×k float64 matrix. */
    public static long workspaceBytes(int m, int k) {
        return (2L * k * k + (long) Math.min(m, ROW_BLOCK) * k) * Float.BYTES + (long) k * k * Double.BYTES;
    }

    // The upper block triangle of G = AᵀA: G[:h, :] = A[:, :h]ᵀ·A and G[h:, h:] = A[:, h:]ᵀ·A[:, h:]; readGram
    // mirrors it.
    private void gram(Matrix a) {
        if (split == k) {
            backend.gemm(true, false, 1f, a, a, 0f, gram);
            return;
        }
        int rest = k - split;
        backend.gemm(true, false, 1f, a.view(0, 0, m, split), a, 0f, gram.view(0, 0, split, k));
        Matrix right = a.view(0, split, m, rest);
        backend.gemm(true, false, 1f, right, right, 0f, gram.view(split, split, rest, rest));
    }

    // A := A·X for the upper-triangular X, one block of rows at a time through a small copy, so the product is a GEMM
    // with no m×k temporary: A[:, :h] = A[:, :h]·X[:h, :h] and A[:, h:] = A·X[:, h:].
    private void multiplyInPlace(Matrix a) {
        int total = a.rows();
        for (int i0 = 0; i0 < total; i0 += rows.rows()) {
            int count = Math.min(rows.rows(), total - i0);
            Matrix block = a.view(i0, 0, count, k);
            Matrix copy = rows.view(0, 0, count, k);
            backend.copy(block, copy);
            if (split == k) {
                backend.gemm(false, false, 1f, copy, inverse, 0f, block);
                continue;
            }
            int rest = k - split;
            backend.gemm(false, false, 1f, copy.view(0, 0, count, split), inverse.view(0, 0, split, split), 0f,
                    block.view(0, 0, count, split));
            backend.gemm(false, false, 1f, copy, inverse.view(0, split, k, rest), 0f, block.view(0, split, count, rest));
        }
    }

    private void writeInverse() {
        float[] dense = inverseData;
        for (int i = 0; i < dense.length; i++) {
            dense[i] = (float) g[i];
        }
    }

    // g = the symmetric Gram matrix in float64, from the upper triangle the products wrote
    private void readGram() {
        float[] dense = gramData;
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                g[i * k + j] = dense[i * k + j];
                g[j * k + i] = dense[i * k + j];
            }
        }
    }

    private double trace() {
        double t = 0;
        for (int i = 0; i < k; i++) {
            t += g[i * k + i];
        }
        return t;
    }

    private double deviationFromIdentity() {
        double worst = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                worst = Math.max(worst, Math.abs(g[i * k + j] - (i == j ? 1 : 0)));
            }
        }
        return worst;
    }

    private OrthoMethod householder(Matrix a, double[] r) {
        double[] dense = SmallSvd.toDoubles(a);
        double[] rh = r == null ? null : new double[k * k];
        SmallDense.householderQr(dense, m, k, rh);
        SmallSvd.copyInto(dense, a);
        if (r != null) {
            System.arraycopy(SmallDense.multiplyUpper(rh, r, k), 0, r, 0, k * k);
        }
        return OrthoMethod.HOUSEHOLDER_QR;
    }
}
