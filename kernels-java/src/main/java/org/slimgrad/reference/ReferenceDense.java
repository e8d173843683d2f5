package org.slimgrad.reference;

import org.slimgrad.AbstractDenseOps;
import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;

/** The oracle's dense operations: textbook loops accumulating in float64, one rounding to float32 per element. */
final class ReferenceDense extends AbstractDenseOps {

    ReferenceDense(Backend owner) {
        super(owner);
    }

    // C = α·op(A)·op(B) + β·C
    @Override
    protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c) {
        int k = transA ? a.rows() : a.cols();
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a.get(p, i) : a.get(i, p);
                    double bpj = transB ? b.get(j, p) : b.get(p, j);
                    sum += aip * bpj;
                }
                double prior = beta == 0f ? 0 : (double) beta * c.get(i, j);
                c.set(i, j, (float) (alpha * sum + prior));
            }
        }
    }

    // Y = α·X + Y
    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        for (int i = 0; i < y.rows(); i++) {
            for (int j = 0; j < y.cols(); j++) {
                y.set(i, j, (float) ((double) alpha * x.get(i, j) + y.get(i, j)));
            }
        }
    }

    // X = α·X
    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                x.set(i, j, alpha == 0f ? 0f : alpha * x.get(i, j));
            }
        }
    }

    @Override
    protected void copyKernel(Matrix x, Matrix y) {
        for (int i = 0; i < y.rows(); i++) {
            for (int j = 0; j < y.cols(); j++) {
                y.set(i, j, x.get(i, j));
            }
        }
    }

    @Override
    protected void transposeKernel(Matrix x, Matrix y) {
        for (int i = 0; i < y.rows(); i++) {
            for (int j = 0; j < y.cols(); j++) {
                y.set(i, j, x.get(j, i));
            }
        }
    }

    @Override
    protected void fillKernel(Matrix x, float value) {
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                x.set(i, j, value);
            }
        }
    }

    @Override
    protected void hadamardKernel(Matrix x, Matrix y, Matrix out) {
        for (int i = 0; i < out.rows(); i++) {
            for (int j = 0; j < out.cols(); j++) {
                out.set(i, j, x.get(i, j) * y.get(i, j));
            }
        }
    }

    @Override
    protected void fillUniformKernel(Matrix x, float bound, long seed) {
        CounterRandom.fillUniform(x, bound, seed);
    }

    // float64 squares of fp32 values are exact (< 2^256) and no float64 sum of 2^31 of them can overflow
    @Override
    protected double sumOfSquaresKernel(Matrix x) {
        double sum = 0;
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                double value = x.get(i, j);
                sum += value * value;
            }
        }
        return sum;
    }
}
