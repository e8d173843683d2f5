package org.slimgrad.cpu;

import java.lang.foreign.MemorySegment;

import org.slimgrad.AbstractDenseOps;
import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;
import org.slimgrad.linalg.Transpose;

/**
 * The cpu backend's dense operations: the Vector API GEMM (on the backend's workers), axpy, scale and the float64
 * sum of squares; data movement and the exact element-wise kernels are plain loops. Open for the native backend,
 * which replaces GEMM, axpy and scale with OpenBLAS's and keeps the rest.
 */
public class CpuDense extends AbstractDenseOps {

    private final Sgemm sgemm;
    private final Sgemm callerOnlySgemm;

    CpuDense(Backend owner, CpuThreads threads) {
        super(owner);
        this.sgemm = new Sgemm(threads.all());
        this.callerOnlySgemm = new Sgemm(threads.callerOnly());
    }

    /** The dense operations of a backend whose GEMM, axpy and scale the subclass provides. */
    protected CpuDense(Backend owner) {
        this(owner, new CpuThreads(1));
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c) {
        (CpuThreads.shared(a, b, c) ? sgemm : callerOnlySgemm).multiply(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        Elementwise.axpy(alpha, x, y);
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        Elementwise.scale(alpha, x);
    }

    // checked on every LowRankAdam step (the projected gradient) and every SVD refresh: vectorised
    @Override
    protected final double sumOfSquaresKernel(Matrix x) {
        return Elementwise.sumOfSquares(x);
    }

    // Y = X, one bulk copy per row (or one for the whole matrix when both are contiguous)
    @Override
    protected final void copyKernel(Matrix x, Matrix y) {
        boolean flat = x.isContiguous() && y.isContiguous();
        int rows = flat ? 1 : y.rows();
        long length = flat ? y.size() : y.cols();
        for (int i = 0; i < rows; i++) {
            MemorySegment.copy(x.segment(), x.index(i, 0) * Float.BYTES, y.segment(), y.index(i, 0) * Float.BYTES,
                    length * Float.BYTES);
        }
    }

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

    // exact (one rounding per element); small matrices only in the library
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
}
