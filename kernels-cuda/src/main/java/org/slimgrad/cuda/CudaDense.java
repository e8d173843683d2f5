package org.slimgrad.cuda;

import org.slimgrad.AbstractDenseOps;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/** The CUDA backend's dense operations: cuBLAS sgemm, the rest slimgrad's kernels (src/main/cuda). */
final class CudaDense extends AbstractDenseOps {

    private final CudaContext context;

    CudaDense(Backend owner, CudaContext context) {
        super(owner);
        this.context = context;
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c) {
        int k = transA ? a.rows() : a.cols();
        context.device().gemm(transA, transB, c.rows(), c.cols(), k, alpha, DeviceKernels.address(a), a.ld(),
                DeviceKernels.address(b), b.ld(), beta, DeviceKernels.address(c), c.ld());
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        context.kernels().axpy(alpha, x, y);
    }

    @Override
    protected void copyKernel(Matrix x, Matrix y) {
        context.kernels().copy(x, y);
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        context.kernels().scale(alpha, x);
    }

    @Override
    protected void transposeKernel(Matrix x, Matrix y) {
        context.kernels().transpose(x, y);
    }

    @Override
    protected void fillKernel(Matrix x, float value) {
        context.kernels().fill(x, value);
    }

    @Override
    protected void hadamardKernel(Matrix x, Matrix y, Matrix out) {
        context.kernels().hadamard(x, y, out);
    }

    @Override
    protected void fillUniformKernel(Matrix x, float bound, long seed) {
        context.kernels().fillUniform(x, bound, seed);
    }

    @Override
    protected double sumOfSquaresKernel(Matrix x) {
        return context.sumOfSquares(x);
    }
}
