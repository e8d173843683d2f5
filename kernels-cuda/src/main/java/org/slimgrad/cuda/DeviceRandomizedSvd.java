package org.slimgrad.cuda;

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

    private final CudaBackend backend;
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

    DeviceRandomizedSvd(CudaBackend backend, int m, int n, int rank, int oversample) {
        this.backend = backend;
        this.m = m;
        this.n = n;
        this.rank = rank;
        this.width = Math.min(rank + oversample, Math.min(m, n));
        this.y = backend.allocateUninitialised(m, width);
        this.z = backend.allocateUninitialised(n, width);
        this.r = backend.allocateUninitialised(width, width);
        this.leftOfR = backend.allocateUninitialised(width, width);
        this.rightOfR = backend.allocateUninitialised(width, width);
        this.sigma = backend.allocateUninitialised(1, width);
        this.rangeQr = new DeviceCholeskyQr(backend, m, width);
        this.coRangeQr = new DeviceCholeskyQr(backend, n, width);
    }

    Svd compute(Matrix a, int powerIterations, long seed, Svd warmStart) {
        int warm = warmStart == null ? 0 : Math.min(warmStart.rank(), width);
        if (warm > 0) {
            backend.transpose(warmStart.vt().view(0, 0, warm, n), z.view(0, 0, n, warm));
        }
        backend.kernels().fillSketch(z, warm, seed);
        backend.gemm(false, false, 1f, a, z, 0f, y);
        for (int it = 0; it < powerIterations; it++) {
            rangeQr.condition(y);
            backend.gemm(true, false, 1f, a, y, 0f, z);
            coRangeQr.condition(z);
            backend.gemm(false, false, 1f, a, z, 0f, y);
        }
        rangeQr.orthonormalize(y, null);
        backend.gemm(true, false, 1f, a, y, 0f, z);
        coRangeQr.orthonormalize(z, r);
        backend.wideSvd(r, leftOfR, sigma, rightOfR); // R = U_R·Σ·V_Rᵀ: U_R in leftOfR, V_Rᵀ in rightOfR

        Matrix u = backend.allocate(m, rank);
        Matrix vt = backend.allocate(rank, n);
        backend.gemm(false, true, 1f, y, rightOfR.view(0, 0, rank, width), 0f, u);
        backend.gemm(true, true, 1f, leftOfR.view(0, 0, width, rank), z, 0f, vt);
        float[] all = backend.floats(sigma);
        return new Svd(u, java.util.Arrays.copyOf(all, rank), vt);
    }
}
