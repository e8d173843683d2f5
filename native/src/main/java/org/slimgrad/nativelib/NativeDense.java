package org.slimgrad.nativelib;

import static org.slimgrad.nativelib.Segments.row;
import static org.slimgrad.nativelib.Segments.start;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.cpu.CpuDense;

/** The native backend's dense operations: OpenBLAS's sgemm, saxpy and sscal; the data movement is the cpu backend's. */
final class NativeDense extends CpuDense {

    private final OpenBlas blas;
    private final int threads;

    NativeDense(Backend owner, OpenBlas blas, int threads) {
        super(owner);
        this.blas = blas;
        this.threads = threads;
    }

    // C = α·op(A)·op(B) + β·C
    @Override
    protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c) {
        int k = transA ? a.rows() : a.cols();
        blas.setThreads(threads);
        blas.sgemm(transA, transB, c.rows(), c.cols(), k, alpha, start(a), a.ld(), start(b), b.ld(), beta, start(c),
                c.ld());
    }

    // Y = α·X + Y, row by row unless both are contiguous
    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        blas.setThreads(threads);
        if (x.isContiguous() && y.isContiguous()) {
            blas.saxpy(Math.toIntExact(y.size()), alpha, start(x), start(y));
            return;
        }
        for (int i = 0; i < y.rows(); i++) {
            blas.saxpy(y.cols(), alpha, row(x, i), row(y, i));
        }
    }

    // X = α·X; α = 0 is a fill, so NaN does not survive as it could through a multiplication
    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        blas.setThreads(threads);
        for (int i = 0; i < x.rows(); i++) {
            if (alpha == 0f) {
                row(x, i).fill((byte) 0);
            } else {
                blas.sscal(x.cols(), alpha, row(x, i));
            }
        }
    }
}
