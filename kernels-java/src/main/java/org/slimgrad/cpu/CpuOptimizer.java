package org.slimgrad.cpu;

import org.slimgrad.AbstractOptimizerOps;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/** The cpu backend's Adam steps: one vectorised pass over gradient, moments and output. */
final class CpuOptimizer extends AbstractOptimizerOps {

    CpuOptimizer(Backend owner) {
        super(owner);
    }

    @Override
    protected void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                              float alpha, float beta, Matrix out) {
        Elementwise.adam(g, m, v, beta1, beta2, epsilon, step, alpha, beta, out);
    }

    @Override
    protected void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                  long step, float alpha, float beta, Matrix out) {
        Elementwise.adamBf16(g, m16, v16, beta1, beta2, epsilon, step, alpha, beta, out);
    }
}
