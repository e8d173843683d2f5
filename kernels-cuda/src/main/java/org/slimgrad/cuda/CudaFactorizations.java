package org.slimgrad.cuda;

import java.util.List;

import org.slimgrad.AbstractFactorizations;
import org.slimgrad.Backend;
import org.slimgrad.DenseOps;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;

/**
 * The CUDA backend's factorisations, entirely on the device: Cholesky QR ({@link DeviceCholeskyQr}), randomized
 * SVD ({@link DeviceRandomizedSvd}), cuSOLVER's syevd for the eigendecomposition and gesvd for the exact SVD. The
 * Cholesky QR and randomized-SVD plans of the last {@value #PLANS} shapes are kept, so that repeated calls allocate
 * nothing but their results (nothing at all for the randomized SVD into the caller's matrices); each operation waits for the GPU only to read back its checks and its host results.
 */
final class CudaFactorizations extends AbstractFactorizations {

    private static final int PLANS = 4;

    private final CudaContext context;
    private final DenseOps dense;
    private final PlanCache<DeviceCholeskyQr> orthonormalizers = new PlanCache<>(PLANS);
    private final PlanCache<DeviceRandomizedSvd> sketches = new PlanCache<>(PLANS);

    CudaFactorizations(Backend owner, CudaContext context, DenseOps dense) {
        super(owner);
        this.context = context;
        this.dense = dense;
    }

    @Override
    protected OrthoMethod orthonormalizeKernel(Matrix a) {
        return orthonormalizers.get(List.of(a.rows(), a.cols()),
                () -> new DeviceCholeskyQr(context, dense, a.rows(), a.cols())).orthonormalizeOnce(a);
    }

    @Override
    protected SymmetricEigen symmetricEigenKernel(Matrix s) {
        int n = s.rows();
        try (DeviceArena scratch = context.arena()) {
            Matrix work = scratch.allocate(n, n);
            Matrix values = scratch.allocate(1, n);
            Matrix transposed = scratch.allocate(n, n);
            // the symmetric part (S + Sᵀ)/2, as every backend uses: 0.5·S + 0.5·Sᵀ, one rounding per element
            context.kernels().copy(s, work);
            context.kernels().transpose(s, transposed);
            context.kernels().scale(0.5f, work);
            context.kernels().axpy(0.5f, transposed, work);
            // row-major work = column-major work (symmetric); syevd leaves vector k in row k, ascending
            context.status().solve("syevd", info -> context.device().syevd(n,
                    DeviceKernels.address(work), work.ld(), DeviceKernels.address(values), info));
            Matrix vectors = context.allocateUninitialised(n, n);
            context.kernels().transposeReversed(work, vectors);
            float[] ascending = context.floats(values);
            float[] descending = new float[n];
            for (int k = 0; k < n; k++) {
                descending[k] = ascending[n - 1 - k];
            }
            return new SymmetricEigen(descending, vectors);
        }
    }

    @Override
    protected Svd svdKernel(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        int p = Math.min(m, n);
        try (DeviceArena scratch = context.arena()) {
            Matrix sigma = scratch.allocate(1, p);
            if (m <= n) {
                Matrix work = scratch.allocate(m, n);
                context.kernels().copy(a, work);
                Matrix u = context.allocateUninitialised(m, m);
                Matrix vt = context.allocateUninitialised(m, n);
                wideSvd(context, work, u, sigma, vt);
                return new Svd(u, context.floats(sigma), vt);
            }
            // tall: Aᵀ = U₁·Σ·V₁ᵀ is wide, and A = V₁·Σ·U₁ᵀ
            Matrix work = scratch.allocate(n, m);
            context.kernels().transpose(a, work);
            Matrix u1 = scratch.allocate(n, n);
            Matrix vt1 = scratch.allocate(n, m);
            wideSvd(context, work, u1, sigma, vt1);
            Matrix u = context.allocateUninitialised(m, n);
            Matrix vt = context.allocateUninitialised(n, n);
            context.kernels().transpose(vt1, u);
            context.kernels().transpose(u1, vt);
            return new Svd(u, context.floats(sigma), vt);
        }
    }

    @Override
    protected float[] randomizedSvdKernel(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                          Svd warmStart, Matrix u, Matrix vt) {
        return sketches.get(List.of(a.rows(), a.cols(), rank, oversample),
                () -> new DeviceRandomizedSvd(context, dense, a.rows(), a.cols(), rank, oversample))
                .computeOnce(a, powerIterations, seed, warmStart, u, vt);
    }

    /**
     * SVD of a row-major m×n A with m ≤ n (destroyed): U m×m, σ (1×m, descending), Vᵀ m×n. Column-major, A is the
     * tall n×m Aᵀ = U'·Σ·V'ᵀ, so A = V'·Σ·U'ᵀ: cuSOLVER's U' read row-major is U'ᵀ = Vᵀ, and its V'ᵀ read
     * row-major is V' = U. So the outputs are handed over swapped and nothing is transposed. Checked as
     * {@link DeviceStatus#solve} checks.
     */
    static void wideSvd(CudaContext context, Matrix a, Matrix u, Matrix sigma, Matrix vt) {
        context.status().solve("gesvd", info -> context.device().gesvd(a.cols(), a.rows(),
                DeviceKernels.address(a), a.ld(), DeviceKernels.address(sigma), DeviceKernels.address(vt), vt.ld(),
                DeviceKernels.address(u), u.ld(), info));
    }
}
