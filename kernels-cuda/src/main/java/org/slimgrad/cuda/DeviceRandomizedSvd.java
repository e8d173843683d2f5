package org.slimgrad.cuda;

import org.slimgrad.DenseOps;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;

/**
 * Randomized SVD on the device, the algorithm of {@link org.slimgrad.linalg.RandomizedSvd} step for step (same
 * sketch, same warm start, same conditioning), with every step a cuBLAS GEMM, a {@link DeviceCholeskyQr} or one
 * cuSOLVER SVD of the small l×l factor; only σ comes back to the host.
 *
 * <pre>
 * Z = [V_prevᵀ rows transposed | sketch]      (n×l, sg_transpose and sg_fill_sketch)
 * Y = A·Z; q times: condition(Y); Z = Aᵀ·Y; condition(Z); Y = A·Z
 * orthonormalize(Y) = Q;  Z = Aᵀ·Q = Bᵀ = Q₂·R  (orthonormalize with R)
 * R = U_R·Σ·V_Rᵀ (gesvd, l×l)  ⇒  A ≈ (Q·V_R)·Σ·(Q₂·U_R)ᵀ:  U = Y·(V_Rᵀ[:r, :])ᵀ,  Vᵀ = U_R[:, :r]ᵀ·Zᵀ
 * </pre>
 * The result's U and Vᵀ are new device matrices; the workspace lives as long as this object.
 */
final class DeviceRandomizedSvd {

    private final CudaContext context;
    private final DenseOps dense;
    private final int m;
    private final int n;
    private final int rank;
    private final int width;
    private final Matrix y;
    private final Matrix z;
    private final Matrix r;
    private final Matrix leftOfR;
    private final Matrix rightOfR;
    private final Matrix sigma;
    private final DeviceCholeskyQr rangeQr;
    private final DeviceCholeskyQr coRangeQr;

    DeviceRandomizedSvd(CudaContext context, DenseOps dense, int m, int n, int rank, int oversample) {
        this.context = context;
        this.dense = dense;
        this.m = m;
        this.n = n;
        this.rank = rank;
        this.width = Math.min(rank + oversample, Math.min(m, n));
        this.y = context.allocateUninitialised(m, width);
        this.z = context.allocateUninitialised(n, width);
        this.r = context.allocateUninitialised(width, width);
        this.leftOfR = context.allocateUninitialised(width, width);
        this.rightOfR = context.allocateUninitialised(width, width);
        this.sigma = context.allocateUninitialised(1, width);
        this.rangeQr = new DeviceCholeskyQr(context, dense, m, width);
        this.coRangeQr = new DeviceCholeskyQr(context, dense, n, width);
    }

    Svd compute(Matrix a, int powerIterations, long seed, Svd warmStart) {
        int warm = warmStart == null ? 0 : Math.min(warmStart.rank(), width);
        if (warm > 0) {
            dense.transpose(warmStart.vt().view(0, 0, warm, n), z.view(0, 0, n, warm));
        }
        context.kernels().fillSketch(z, warm, seed);
        dense.gemm(false, false, 1f, a, z, 0f, y);
        for (int it = 0; it < powerIterations; it++) {
            rangeQr.condition(y);
            dense.gemm(true, false, 1f, a, y, 0f, z);
            coRangeQr.condition(z);
            dense.gemm(false, false, 1f, a, z, 0f, y);
        }
        rangeQr.orthonormalize(y, null);
        dense.gemm(true, false, 1f, a, y, 0f, z);
        coRangeQr.orthonormalize(z, r);
        CudaFactorizations.wideSvd(context, r, leftOfR, sigma, rightOfR); // R = U_R·Σ·V_Rᵀ: U_R in leftOfR, V_Rᵀ in rightOfR

        Matrix u = context.allocate(m, rank);
        Matrix vt = context.allocate(rank, n);
        dense.gemm(false, true, 1f, y, rightOfR.view(0, 0, rank, width), 0f, u);
        dense.gemm(true, true, 1f, leftOfR.view(0, 0, width, rank), z, 0f, vt);
        float[] all = context.floats(sigma);
        return new Svd(u, java.util.Arrays.copyOf(all, rank), vt);
    }
}
