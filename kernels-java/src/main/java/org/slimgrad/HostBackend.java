package org.slimgrad;

import org.slimgrad.linalg.CholeskyQr;
import org.slimgrad.linalg.RandomizedSvd;
import org.slimgrad.linalg.SmallSvd;
import org.slimgrad.linalg.TopK;
import org.slimgrad.linalg.Transpose;

/**
 * A backend that computes on {@link MemoryDomain#HOST} memory and allocates plain Java arrays. The factorisations
 * are written once here on top of the backend's own GEMM (the heavy part) and float64 host code for the small
 * k×k steps, so every host backend runs the same algorithm and differs only in its kernels.
 */
public abstract class HostBackend extends AbstractBackend {

    protected HostBackend(String name) {
        super(name, MemoryDomain.HOST);
    }

    @Override
    public final Matrix allocate(int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name() + ".allocate: " + rows + "x" + cols
                    + " is negative or exceeds the 2^31 elements of a Java array");
        }
        return Matrix.wrap(new float[rows * cols], rows, cols);
    }

    // host memory is this backend's memory: no copy either way
    @Override
    protected final Matrix toHostKernel(Matrix m) {
        return m;
    }

    @Override
    protected final Matrix fromHostKernel(Matrix h) {
        return h;
    }

    // Y = X, one bulk copy per row (or one for the whole matrix when both are contiguous)
    @Override
    protected final void copyKernel(Matrix x, Matrix y) {
        boolean flat = x.isContiguous() && y.isContiguous();
        int rows = flat ? 1 : y.rows();
        long length = flat ? y.size() : y.cols();
        for (int i = 0; i < rows; i++) {
            java.lang.foreign.MemorySegment.copy(x.segment(), x.index(i, 0) * Float.BYTES,
                    y.segment(), y.index(i, 0) * Float.BYTES, length * Float.BYTES);
        }
    }

    // pure data movement, exact, the same on every host backend
    @Override
    protected final void transposeKernel(Matrix x, Matrix y) {
        Transpose.into(x, y);
    }

    @Override
    protected final void fillKernel(Matrix x, float value) {
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                x.set(i, j, value);
            }
        }
    }

    // exact (one rounding per element), the same on every host backend; small matrices only in the library
    @Override
    protected final void hadamardKernel(Matrix x, Matrix y, Matrix out) {
        for (int i = 0; i < out.rows(); i++) {
            for (int j = 0; j < out.cols(); j++) {
                out.set(i, j, x.get(i, j) * y.get(i, j));
            }
        }
    }

    @Override
    protected final void fillUniformKernel(Matrix x, float bound, long seed) {
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

    // values[p] = dense[i_p, j_p]: a gather with no arithmetic, the same on every host backend (so is the scatter)
    @Override
    protected final void sparseGatherKernel(Matrix dense, FixedSupport support, Matrix values) {
        for (int i = 0; i < support.rows(); i++) {
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                values.set(0, p, dense.get(i, support.column(p)));
            }
        }
    }

    // dense[i_p, j_p] = values[p]
    @Override
    protected final void sparseScatterKernel(FixedSupport support, Matrix values, Matrix dense) {
        for (int i = 0; i < support.rows(); i++) {
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                dense.set(i, support.column(p), values.get(0, p));
            }
        }
    }

    @Override
    protected int[] topKKernel(Matrix scores, int k) {
        return TopK.select(scores.toArray(), k);
    }

    @Override
    protected OrthoMethod orthonormalizeKernel(Matrix a) {
        return new CholeskyQr(this, a.rows(), a.cols()).orthonormalize(a, null);
    }

    @Override
    protected SymmetricEigen symmetricEigenKernel(Matrix s) {
        return SmallSvd.symmetricEigen(s);
    }

    @Override
    protected Svd svdKernel(Matrix a) {
        return SmallSvd.svd(a);
    }

    @Override
    protected Svd randomizedSvdKernel(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                      Svd warmStart) {
        return new RandomizedSvd(this, a.rows(), a.cols(), rank, oversample)
                .compute(a, powerIterations, seed, warmStart);
    }
}
