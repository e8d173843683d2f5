package org.slimgrad.cuda;

import java.util.Arrays;

import org.slimgrad.DenseOps;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.linalg.RandomizedSvdDriver;

/**
 * {@link RandomizedSvdDriver} on the device: the starting block by kernels (the warm start's rows transposed, then
 * sg_fill_sketch), every large step a cuBLAS GEMM or a {@link DeviceCholeskyQr}, and R = U_R·Σ·V_Rᵀ by one cuSOLVER
 * SVD of the small l×l factor; only σ and the checks come back to the host ({@link #computeOnce}: two waits).
 * U = Y·(V_Rᵀ[:r, :])ᵀ and Vᵀ = U_R[:, :r]ᵀ·Zᵀ go into the caller's matrices; the workspace lives as long as this
 * object, so a warm call allocates nothing.
 */
final class DeviceRandomizedSvd extends RandomizedSvdDriver<Matrix> {

    private final CudaContext context;
    private final Matrix r;
    private final Matrix leftOfR;
    private final Matrix rightOfR;
    private final Matrix sigma;

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
        CudaFactorizations.wideSvd(context, r, leftOfR, sigma, rightOfR); // U_R in leftOfR, V_Rᵀ in rightOfR
        if (u != null) {
            dense.gemm(false, true, 1f, y, rightOfR.view(0, 0, rank, width), 0f, u);
        }
        if (vt != null) {
            dense.gemm(true, true, 1f, leftOfR.view(0, 0, width, rank), z, 0f, vt);
        }
        return Arrays.copyOf(context.floats(sigma), rank);
    }
}
