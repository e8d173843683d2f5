package org.slimgrad.cuda;

import org.slimgrad.AbstractSparseOps;
import org.slimgrad.Backend;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;

/**
 * The CUDA backend's fixed-support sparse operations (src/main/cuda/sparse.cu). Supports are uploaded once per
 * {@link FixedSupport} (CSR and its transpose) and kept while it is reachable.
 */
final class CudaSparse extends AbstractSparseOps {

    private final CudaContext context;
    private final DeviceSupports supports;

    CudaSparse(Backend owner, CudaContext context) {
        super(owner);
        this.context = context;
        this.supports = new DeviceSupports(context);
    }

    @Override
    protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                              float beta, Matrix y) {
        context.kernels().spmm(transposeS, alpha, x, supports.get(support), values, beta, y);
    }

    @Override
    protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        context.kernels().sddmm(alpha, a, b, supports.get(support), support.nnz(), beta, values);
    }

    @Override
    protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        transfer(DeviceKernels.SparseTransfer.ADD_TO_DENSE, alpha, support, values, dense);
    }

    @Override
    protected void sparseGatherKernel(Matrix dense, FixedSupport support, Matrix values) {
        transfer(DeviceKernels.SparseTransfer.GATHER, 0f, support, values, dense);
    }

    @Override
    protected void sparseScatterKernel(FixedSupport support, Matrix values, Matrix dense) {
        transfer(DeviceKernels.SparseTransfer.SCATTER, 0f, support, values, dense);
    }

    private void transfer(DeviceKernels.SparseTransfer kind, float alpha, FixedSupport support, Matrix values,
                          Matrix dense) {
        context.kernels().sparseDense(kind, alpha, supports.get(support), support.nnz(), values, dense);
    }
}
