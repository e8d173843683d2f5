package org.slimgrad.cpu;

import org.slimgrad.AbstractSparseOps;
import org.slimgrad.Backend;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;

/** The cpu backend's fixed-support sparse operations ({@link SparseKernels}), on the backend's threads. */
final class CpuSparse extends AbstractSparseOps {

    private final CpuThreads threads;

    CpuSparse(Backend owner, CpuThreads threads) {
        super(owner);
        this.threads = threads;
    }

    @Override
    protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                              float beta, Matrix y) {
        SparseKernels.spmm(threads.forOperands(x, values, y), transposeS, alpha, x, support, values, beta, y);
    }

    @Override
    protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        SparseKernels.sddmm(threads.forOperands(a, b, values), alpha, a, b, support, beta, values);
    }

    @Override
    protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        SparseKernels.addTo(threads.forOperands(values, dense), support, values, alpha, dense);
    }

    @Override
    protected void sparseGatherKernel(Matrix dense, FixedSupport support, Matrix values) {
        SparseKernels.gather(threads.forOperands(dense, values), dense, support, values);
    }

    @Override
    protected void sparseScatterKernel(FixedSupport support, Matrix values, Matrix dense) {
        SparseKernels.scatter(threads.forOperands(values, dense), support, values, dense);
    }
}
