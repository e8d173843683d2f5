package org.slimgrad.cuda;

import org.slimgrad.AbstractOptimizerOps;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/** The CUDA backend's Adam steps: one kernel pass each (src/main/cuda/adam.cu). */
final class CudaOptimizer extends AbstractOptimizerOps {

    private final CudaContext context;

    CudaOptimizer(Backend owner, CudaContext context) {
        super(owner);
        this.context = context;
    }

    @Override
    protected void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                              float alpha, float beta, Matrix out) {
        context.kernels().adam(g, m, v, beta1, beta2, epsilon, step, alpha, beta, out);
    }

    @Override
    protected void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                  long step, float alpha, float beta, Matrix out) {
        context.kernels().adamBf16(g, m16, v16, beta1, beta2, epsilon, step, alpha, beta, out);
    }
}
