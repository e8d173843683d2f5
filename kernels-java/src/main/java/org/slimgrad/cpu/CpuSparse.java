package org.slimgrad.cpu;

import org.slimgrad.AbstractSparseOps;
import org.slimgrad.Backend;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;

/**
 * The cpu backend's fixed-support sparse operations ({@link SparseKernels}); gather and scatter are
 * {@link FixedSupport}'s loops.
 */
final class CpuSparse extends AbstractSparseOps {

    CpuSparse(Backend owner) {
        super(owner);
    }

    @Override
    protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                              float beta, Matrix y) {
        SparseKernels.spmm(transposeS, alpha, x, support, values, beta, y);
    }

    @Override
    protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        SparseKernels.sddmm(alpha, a, b, support, beta, values);
    }

    @Override
    protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        SparseKernels.addTo(support, values, alpha, dense);
    }

    @Override
    protected void sparseGatherKernel(Matrix dense, FixedSupport support, Matrix values) {
        support.gather(dense, values);
    }

    @Override
    protected void sparseScatterKernel(FixedSupport support, Matrix values, Matrix dense) {
        support.scatter(values, dense);
    }
}
