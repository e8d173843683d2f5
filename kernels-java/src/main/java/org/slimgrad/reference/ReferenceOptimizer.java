package org.slimgrad.reference;

import org.slimgrad.AbstractOptimizerOps;
import org.slimgrad.Backend;
import org.slimgrad.Bf16;
import org.slimgrad.Matrix;

/** The oracle's Adam steps, in float64 with one rounding per stored value. */
final class ReferenceOptimizer extends AbstractOptimizerOps {

    ReferenceOptimizer(Backend owner) {
        super(owner);
    }

    @Override
    protected void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                              float alpha, float beta, Matrix out) {
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < g.cols(); j++) {
                double gij = g.get(i, j);
                float mij = (float) (beta1 * (double) m.get(i, j) + (1 - (double) beta1) * gij);
                float vij = (float) (beta2 * (double) v.get(i, j) + (1 - (double) beta2) * gij * gij);
                m.set(i, j, mij);
                v.set(i, j, vij);
                double update = (mij / bias1) / (Math.sqrt(vij / bias2) + epsilon);
                double prior = beta == 0f ? 0 : (double) beta * out.get(i, j);
                out.set(i, j, (float) (alpha * update + prior));
            }
        }
    }

    // the fp32 step of adam, in float64, on moments read from and rounded back to bf16
    @Override
    protected void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                  long step, float alpha, float beta, Matrix out) {
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < g.cols(); j++) {
                double gij = g.get(i, j);
                float mij = (float) (beta1 * (double) Bf16.get(m16, i, j) + (1 - (double) beta1) * gij);
                float vij = (float) (beta2 * (double) Bf16.get(v16, i, j) + (1 - (double) beta2) * gij * gij);
                Bf16.set(m16, i, j, mij);
                Bf16.set(v16, i, j, vij);
                double update = (mij / bias1) / (Math.sqrt(vij / bias2) + epsilon);
                double prior = beta == 0f ? 0 : (double) beta * out.get(i, j);
                out.set(i, j, (float) (alpha * update + prior));
            }
        }
    }
}
