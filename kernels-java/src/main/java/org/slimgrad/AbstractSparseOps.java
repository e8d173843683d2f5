package org.slimgrad;

import static org.slimgrad.Checks.disjoint;

/**
 * Validation written once for every backend's fixed-support sparse operations: the public methods check the
 * support, its values and the dense operands, handle empty work (with the owner's dense {@code scale}), and only
 * then call the {@code protected} kernels.
 */
public abstract class AbstractSparseOps implements SparseOps {

    private final Checks checks;
    private final Backend owner;

    /** Sparse operations on {@code owner}'s memory. */
    protected AbstractSparseOps(Backend owner) {
        this.checks = new Checks(owner);
        this.owner = owner;
    }

    @Override
    public final void spmm(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                           float beta, Matrix y) {
        Call op = new Call("spmm", "X", x, "values", values, "Y", y);
        checks.readable(op, "X", x);
        checks.writable(op, "Y", y);
        support(op, support, values, false);
        int inner = transposeS ? support.cols() : support.rows();
        int outer = transposeS ? support.rows() : support.cols();
        if (x.cols() != inner || y.rows() != x.rows() || y.cols() != outer) {
            throw new IllegalArgumentException(op + ": X is " + x.shape() + ", S is " + support.shape()
                    + " (transposeS=" + transposeS + "), Y is " + y.shape() + "; need X t x " + inner + " and Y t x "
                    + outer);
        }
        disjoint(op, "Y", y, "X", x);
        disjoint(op, "Y", y, "values", values);
        if (y.size() == 0) {
            return;
        }
        if (x.cols() == 0 || support.nnz() == 0 || alpha == 0f) {
            owner.scale(beta, y);
            return;
        }
        spmmKernel(transposeS, alpha, x, support, values, beta, y);
    }

    @Override
    public final void sddmm(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        Call op = new Call("sddmm", "A", a, "B", b, "values", values);
        checks.readable(op, "A", a);
        checks.readable(op, "B", b);
        support(op, support, values, true);
        if (a.rows() != b.rows() || a.cols() != support.rows() || b.cols() != support.cols()) {
            throw new IllegalArgumentException(op + ": A is " + a.shape() + ", B is " + b.shape() + ", S is "
                    + support.shape() + "; need A t x m and B t x n for an m x n support");
        }
        disjoint(op, "values", values, "A", a);
        disjoint(op, "values", values, "B", b);
        if (support.nnz() == 0) {
            return;
        }
        if (a.rows() == 0 || alpha == 0f) {
            owner.scale(beta, values);
            return;
        }
        sddmmKernel(alpha, a, b, support, beta, values);
    }

    @Override
    public final void sparseAddTo(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        denseAndSupport("sparseAddTo", dense, support, values, true);
        if (support.nnz() != 0 && alpha != 0f) {
            sparseAddToKernel(support, values, alpha, dense);
        }
    }

    @Override
    public final void sparseGather(Matrix dense, FixedSupport support, Matrix values) {
        denseAndSupport("sparseGather", dense, support, values, false);
        if (support.nnz() != 0) {
            sparseGatherKernel(dense, support, values);
        }
    }

    @Override
    public final void sparseScatter(FixedSupport support, Matrix values, Matrix dense) {
        denseAndSupport("sparseScatter", dense, support, values, true);
        if (support.nnz() != 0) {
            sparseScatterKernel(support, values, dense);
        }
    }

    @Override
    public final void sparseBackward(Matrix dy, Matrix x, FixedSupport support, Matrix values, Matrix gradValues,
                                     Matrix dx) {
        Call op = new Call("sparseBackward", "dY", dy, "X", x, "values", values, "gradValues", gradValues, "dX", dx);
        checks.readable(op, "dY", dy);
        checks.readable(op, "X", x);
        support(op, support, values, false);
        checks.writable(op, "gradValues", gradValues);
        if (gradValues.rows() != 1 || gradValues.cols() != support.nnz()) {
            throw new IllegalArgumentException(op + ": gradValues is " + gradValues.shape() + " for a "
                    + support.shape() + "; need 1x" + support.nnz());
        }
        if (dy.rows() != x.rows() || dy.cols() != support.rows() || x.cols() != support.cols()) {
            throw new IllegalArgumentException(op + ": dY is " + dy.shape() + ", X is " + x.shape() + ", S is "
                    + support.shape() + "; need dY t x m and X t x n for an m x n support");
        }
        disjoint(op, "gradValues", gradValues, "dY", dy);
        disjoint(op, "gradValues", gradValues, "X", x);
        disjoint(op, "gradValues", gradValues, "values", values);
        if (dx != null) {
            checks.writable(op, "dX", dx);
            if (dx.rows() != x.rows() || dx.cols() != x.cols()) {
                throw new IllegalArgumentException(op + ": X is " + x.shape() + " but dX is " + dx.shape()
                        + "; need equal shapes");
            }
            disjoint(op, "dX", dx, "dY", dy);
            disjoint(op, "dX", dx, "X", x);
            disjoint(op, "dX", dx, "values", values);
            disjoint(op, "dX", dx, "gradValues", gradValues);
        }
        if (support.nnz() == 0) {
            return;
        }
        if (dy.rows() == 0) {
            owner.scale(0f, gradValues);
            return;
        }
        sparseBackwardKernel(dy, x, support, values, gradValues, dx);
    }

    /**
     * {@link #sparseBackward} on validated arguments with nnz ≥ 1 and at least one token: this default runs the sddmm
     * and spmm kernels one after the other; a backend with a fused kernel (one walk over the support) overrides it.
     */
    protected void sparseBackwardKernel(Matrix dy, Matrix x, FixedSupport support, Matrix values, Matrix gradValues,
                                        Matrix dx) {
        sddmmKernel(1f, dy, x, support, 0f, gradValues);
        if (dx != null) {
            spmmKernel(false, 1f, dy, support, values, 1f, dx);
        }
    }

    /** {@code Y = α·X·op(S) + β·Y} on validated arguments with nnz ≥ 1, a non-empty Y and inner dimension, α ≠ 0. */
    protected abstract void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                                       float beta, Matrix y);

    /** Sampled {@code α·Aᵀ·B + β·values} on validated arguments with nnz ≥ 1, at least one token, α ≠ 0. */
    protected abstract void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta,
                                        Matrix values);

    /** {@code dense += α·S} on validated arguments, nnz ≥ 1. */
    protected abstract void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense);

    /** {@code values = dense on the support} on validated arguments, nnz ≥ 1. */
    protected abstract void sparseGatherKernel(Matrix dense, FixedSupport support, Matrix values);

    /** {@code dense = values on the support, unchanged elsewhere} on validated arguments, nnz ≥ 1. */
    protected abstract void sparseScatterKernel(FixedSupport support, Matrix values, Matrix dense);

    private void support(Call op, FixedSupport support, Matrix values, boolean writesValues) {
        if (support == null) {
            throw new IllegalArgumentException(op + ": support is null");
        }
        if (writesValues) {
            checks.writable(op, "values", values);
        } else {
            checks.readable(op, "values", values);
        }
        if (values.rows() != 1 || values.cols() != support.nnz()) {
            throw new IllegalArgumentException(op + ": values is " + values.shape() + " for a " + support.shape()
                    + "; need values 1x" + support.nnz());
        }
    }

    // a dense m×n matrix and the values of an m×n support, neither overlapping the other
    private void denseAndSupport(String name, Matrix dense, FixedSupport support, Matrix values, boolean writesDense) {
        Call op = new Call(name, "dense", dense, "values", values);
        if (writesDense) {
            checks.writable(op, "dense", dense);
        } else {
            checks.readable(op, "dense", dense);
        }
        support(op, support, values, !writesDense);
        if (dense.rows() != support.rows() || dense.cols() != support.cols()) {
            throw new IllegalArgumentException(op + ": dense is " + dense.shape() + " but S is " + support.shape()
                    + "; need equal shapes");
        }
        disjoint(op, "dense", dense, "values", values);
    }
}
