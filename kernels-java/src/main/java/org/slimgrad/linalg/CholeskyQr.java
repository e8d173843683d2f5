package org.slimgrad.linalg;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;

/**
 * {@link CholeskyQrPolicy}'s steps for one host backend and shape, with their workspace: reuse one instance for
 * repeated calls (randomized SVD does). G = AᵀA and A := A·R⁻¹ are GEMMs of the backend; the k×k Cholesky
 * factorisation, the triangular inverse and the Householder fallback run in float64 on the host. The accumulated
 * factor R is a k×k row-major float64 array.
 */
public final class CholeskyQr extends CholeskyQrPolicy<double[]> {

    /** Rows per block of the in-place product A := A·X. */
    private static final int ROW_BLOCK = 1024;
    /** The symmetric and triangular k×k factors are split at a multiple of this, so GEMM column strips stay whole. */
    private static final int SPLIT_ALIGN = 32;

    private final Backend backend;
    private final float[] gramData;
    private final float[] inverseData;
    private final Matrix gram;
    private final Matrix inverse;
    private final Matrix rows;
    /** The Gram matrix in float64, then (after a successful {@link #factor}) its Cholesky factor R. */
    private final double[] g;
    /** Whether inverseData holds R⁻¹ of the current factor. */
    private boolean inverted;
    /**
     * Columns of the first block of the two the Gram product and A·R⁻¹ are split into (both factors are triangular
     * or symmetric, so the block below the diagonal is skipped: 3/4 of the dense work); k when too small to gain.
     */
    private final int split;

    public CholeskyQr(Backend backend, int m, int k) {
        super(m, k);
        this.backend = backend;
        // The k×k matrices live in host arrays the float64 steps read and write directly.
        this.gramData = new float[k * k];
        this.inverseData = new float[k * k];
        this.gram = Matrix.wrap(gramData, k, k);
        this.inverse = Matrix.wrap(inverseData, k, k);
        this.rows = backend.allocate(Math.min(m, ROW_BLOCK), k);
        this.g = new double[k * k];
        this.split = k >= 4 * SPLIT_ALIGN ? (k / 2) / SPLIT_ALIGN * SPLIT_ALIGN : k;
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
    @Override
    protected void gram(Matrix a) {
        if (split == k) {
            backend.gemm(true, false, 1f, a, a, 0f, gram);
        } else {
            int rest = k - split;
            backend.gemm(true, false, 1f, a.view(0, 0, a.rows(), split), a, 0f, gram.view(0, 0, split, k));
            Matrix right = a.view(0, split, a.rows(), rest);
            backend.gemm(true, false, 1f, right, right, 0f, gram.view(split, split, rest, rest));
        }
        readGram();
    }

    @Override
    protected boolean lastPassMayStart() {
        return gramDeviationFromIdentity() <= LAST_PASS_DEVIATION;
    }

    // max |G − I|, NaN counted as +∞
    private double gramDeviationFromIdentity() {
        double worst = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double deviation = Math.abs(g[i * k + j] - (i == j ? 1 : 0));
                worst = Double.isNaN(deviation) ? Double.POSITIVE_INFINITY : Math.max(worst, deviation);
            }
        }
        return worst;
    }

    @Override
    protected double gramTrace() {
        double t = 0;
        for (int i = 0; i < k; i++) {
            t += gramData[i * k + i];
        }
        return t;
    }

    @Override
    protected boolean factor(double shift, double pivotTolerance) {
        readGram();
        for (int i = 0; i < k; i++) {
            g[i * k + i] += shift;
        }
        inverted = false;
        return SmallDense.cholesky(g, k, pivotTolerance);
    }

    @Override
    protected void accumulate(double[] r) {
        System.arraycopy(SmallDense.multiplyUpper(g, r, k), 0, r, 0, k * k);
    }

    @Override
    protected void setIdentity(double[] r) {
        java.util.Arrays.fill(r, 0);
        for (int i = 0; i < k; i++) {
            r[i * k + i] = 1;
        }
    }

    // A := A·R⁻¹ for the upper-triangular R, one block of rows at a time through a small copy, so the product is a
    // GEMM with no m×k temporary: A[:, :h] = A[:, :h]·X[:h, :h] and A[:, h:] = A·X[:, h:] for X = R⁻¹.
    @Override
    protected void applyInverseFactor(Matrix a) {
        if (!inverted) {
            SmallDense.invertUpper(g, k);
            for (int i = 0; i < inverseData.length; i++) {
                inverseData[i] = (float) g[i];
            }
            inverted = true;
        }
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

    @Override
    protected OrthoMethod householder(Matrix a, double[] r) {
        double[] dense = SmallSvd.toDoubles(a);
        double[] rh = r == null ? null : new double[k * k];
        SmallDense.householderQr(dense, m, k, rh);
        SmallSvd.copyInto(dense, a);
        if (r != null) {
            System.arraycopy(SmallDense.multiplyUpper(rh, r, k), 0, r, 0, k * k);
        }
        return OrthoMethod.HOUSEHOLDER_QR;
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
}
