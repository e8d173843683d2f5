package org.slimgrad.cuda;

import java.util.Arrays;

import org.slimgrad.DenseOps;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.linalg.RandomizedSvdDriver;

/**
 * {@link RandomizedSvdDriver} on the device: the starting block by kernels (the warm start's rows transposed, then
 * sg_fill_sketch), every large step a cuBLAS GEMM or a {@link DeviceCholeskyQr}; only σ and the checks come back to
 * the host ({@link #computeOnce}: two waits). The small SVD R = U_R·Σ·V_Rᵀ of the l×l factor goes, as on the host,
 * through RᵀR in float64: the Gram matrix by a kernel, its eigenvectors V_R by cusolverDnDsyevd, U_R = R·V_R/Σ
 * (sg_small_singular), O(l³) work in a few launches instead of gesvd's bidiagonalisation, which is slow at
 * l ≈ 1000. A triplet too small to normalise that way (σ_t ≤ 10⁻⁴·σ₀: a rank-deficient A) fails the deferred check,
 * and the checked rerun takes cuSOLVER's gesvd, which stays exact there.
 * U = Y·(V_Rᵀ[:r, :])ᵀ and Vᵀ = U_R[:, :r]ᵀ·Zᵀ go into the caller's matrices; the workspace lives as long as this
 * object, so a warm call allocates nothing.
 */
final class DeviceRandomizedSvd extends RandomizedSvdDriver<Matrix> {

    private final CudaContext context;
    private final Matrix r;
    private final Matrix leftOfR;
    private final Matrix rightOfR;
    private final Matrix sigma;
    /** The Gram route's float64 buffers (as float matrices of twice the columns): RᵀR, its eigenvalues, R·V_R. */
    private final Matrix gram;
    private final Matrix eigenvalues;
    private final Matrix wide;
    /** V_R[:, :rank] and U_R[:, :rank] from the Gram route, dense l×rank. */
    private final Matrix rightVectors;
    private final Matrix leftVectors;

    DeviceRandomizedSvd(CudaContext context, DenseOps dense, int m, int n, int rank, int oversample) {
        this(width(m, n, rank, oversample), context, dense, m, n, rank);
    }

    // the plan for the checked width (first, so the two constructors differ)
    private DeviceRandomizedSvd(int width, CudaContext context, DenseOps dense, int m, int n, int rank) {
        super(dense, m, n, rank, width, context.allocateUninitialised(m, width),
                context.allocateUninitialised(n, width), new DeviceCholeskyQr(context, dense, m, width),
                new DeviceCholeskyQr(context, dense, n, width));
        this.context = context;
        this.r = context.allocateUninitialised(width, width);
        this.leftOfR = context.allocateUninitialised(width, width);
        this.rightOfR = context.allocateUninitialised(width, width);
        this.sigma = context.allocateUninitialised(1, width);
        this.gram = context.allocateUninitialised(width, 2 * width);
        this.eigenvalues = context.allocateUninitialised(1, 2 * width);
        this.wide = context.allocateUninitialised(width, 2 * rank);
        this.rightVectors = context.allocateUninitialised(width, rank);
        this.leftVectors = context.allocateUninitialised(width, rank);
    }

    /**
     * {@link #compute} with every check deferred to one read at the end; when one failed (a Cholesky breakdown, a
     * cuSOLVER failure), computed again with the checks made as they come and the policy's fallbacks.
     */
    float[] computeOnce(Matrix a, int powerIterations, long seed, Svd warmStart, Matrix u, Matrix vt) {
        return context.status().deferred(() -> compute(a, powerIterations, seed, warmStart, u, vt))
                .orElseGet(() -> compute(a, powerIterations, seed, warmStart, u, vt));
    }

    @Override
    protected void startingBlock(long seed, Svd warmStart, int warm) {
        if (warm > 0) {
            dense.transpose(warmStart.vt().view(0, 0, warm, n), z.view(0, 0, n, warm));
        }
        context.kernels().fillSketch(z, warm, seed);
    }

    @Override
    protected Matrix triangle() {
        return r;
    }

    @Override
    protected float[] fromTriangle(Matrix r, Matrix u, Matrix vt) {
        DeviceStatus status = context.status();
        if (status.deferring()) {
            DeviceKernels kernels = context.kernels();
            kernels.gramUpper64(width, r, gram);
            status.solve("dsyevd", info -> context.device().dsyevd(width, DeviceKernels.address(gram), width,
                    DeviceKernels.address(eigenvalues), info));
            kernels.smallSingular(width, rank, r, gram, eigenvalues, wide, rightVectors, leftVectors, sigma,
                    status.status());
            if (u != null) {
                dense.gemm(false, false, 1f, y, rightVectors, 0f, u);
            }
            if (vt != null) {
                dense.gemm(true, true, 1f, leftVectors, z, 0f, vt);
            }
        } else {
            CudaFactorizations.wideSvd(context, r, leftOfR, sigma, rightOfR); // U_R in leftOfR, V_Rᵀ in rightOfR
            if (u != null) {
                dense.gemm(false, true, 1f, y, rightOfR.view(0, 0, rank, width), 0f, u);
            }
            if (vt != null) {
                dense.gemm(true, true, 1f, leftOfR.view(0, 0, width, rank), z, 0f, vt);
            }
        }
        return Arrays.copyOf(context.floats(sigma), rank);
    }
}
