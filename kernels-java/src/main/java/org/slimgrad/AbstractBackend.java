package org.slimgrad;

import java.util.function.Function;

/**
 * A backend assembled from one object per capability: each {@link Backend} operation goes to the object that
 * provides it, and each of those validates its arguments ({@link AbstractDenseOps} and its siblings). A backend that
 * lacks a capability of its own hands over another backend's object for it (the native backend runs the cpu
 * backend's DCT, sparse and optimizer objects), so nothing is forwarded or validated twice.
 */
public abstract class AbstractBackend implements Backend {

    private final String name;
    private final MemoryDomain domain;
    private final Checks checks;
    private final Capabilities capabilities;

    /**
     * A backend called {@code name} computing on {@code domain} memory, whose capability objects {@code assemble}
     * builds for it (it receives this backend, with its name and domain set, as the objects' owner).
     */
    protected AbstractBackend(String name, MemoryDomain domain, Function<Backend, Capabilities> assemble) {
        this.name = name;
        this.domain = domain;
        this.checks = new Checks(this);
        this.capabilities = assemble.apply(this);
    }

    /** The dense operations, gemm to lowRankUpdate. */
    public final DenseOps dense() {
        return capabilities.dense();
    }

    /** orthonormalize, symmetricEigen, svd and randomizedSvd. */
    public final Factorizations factorizations() {
        return capabilities.factorizations();
    }

    /** The DCT transforms, scores, selection, gather and scatter. */
    public final DctOps dctOps() {
        return capabilities.dct();
    }

    /** The fixed-support sparse operations. */
    public final SparseOps sparse() {
        return capabilities.sparse();
    }

    /** The optimizer steps. */
    public final OptimizerOps optimizer() {
        return capabilities.optimizer();
    }

    /** {@link #toHost} after validation: m itself on a host backend, else a new host copy. */
    protected abstract Matrix toHostKernel(Matrix m);

    /** {@link #fromHost} after validation (h is a live host matrix): h itself on a host backend, else a new copy. */
    protected abstract Matrix fromHostKernel(Matrix h);

    /** {@link #copyFromHost} after validation: h a live host matrix, into a writable matrix of h's shape here. */
    protected abstract void copyFromHostKernel(Matrix h, Matrix into);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final MemoryDomain domain() {
        return domain;
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public final Matrix toHost(Matrix m) {
        checks.readable(new Call("toHost", "M", m), "M", m);
        return toHostKernel(m);
    }

    @Override
    public final Matrix fromHost(Matrix h) {
        requireLiveHost(new Call("fromHost", "H", h), h);
        return fromHostKernel(h);
    }

    @Override
    public final void copyFromHost(Matrix h, Matrix into) {
        Call op = new Call("copyFromHost", "H", h, "into", into);
        requireLiveHost(op, h);
        checks.writable(op, "into", into);
        if (h.rows() != into.rows() || h.cols() != into.cols()) {
            throw new IllegalArgumentException(op + ": H is " + h.shape() + ", into is " + into.shape()
                    + "; need equal shapes");
        }
        copyFromHostKernel(h, into);
    }

    private static void requireLiveHost(Call op, Matrix h) {
        if (h == null || !h.domain().isHost()) {
            throw new IllegalArgumentException(op + ": H " + (h == null ? "is null" : "(" + h.shape() + ") lives in "
                    + h.domain() + " memory; it takes a host matrix"));
        }
        if (!h.segment().scope().isAlive()) {
            throw new IllegalStateException(op + ": H (" + h.shape() + ") views memory that was closed");
        }
    }

    /**
     * Checks that m is a live matrix of this backend usable from the calling thread (and writable when
     * {@code written}), for operations of a backend's own beyond {@link Backend}'s; {@code op} names the operation.
     */
    protected final void requireOwn(String op, String role, Matrix m, boolean written) {
        Call call = new Call(op, role, m);
        if (written) {
            checks.writable(call, role, m);
        } else {
            checks.readable(call, role, m);
        }
    }

    // ---------------------------------------------------------------- each operation to its capability

    @Override
    public final void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        dense().gemm(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public final void axpy(float alpha, Matrix x, Matrix y) {
        dense().axpy(alpha, x, y);
    }

    @Override
    public final void copy(Matrix x, Matrix y) {
        dense().copy(x, y);
    }

    @Override
    public final void scale(float alpha, Matrix x) {
        dense().scale(alpha, x);
    }

    @Override
    public final void fillUniform(Matrix x, float bound, long seed) {
        dense().fillUniform(x, bound, seed);
    }

    @Override
    public final void fill(Matrix x, float value) {
        dense().fill(x, value);
    }

    @Override
    public final void hadamard(Matrix x, Matrix y, Matrix out) {
        dense().hadamard(x, y, out);
    }

    @Override
    public final void transpose(Matrix x, Matrix y) {
        dense().transpose(x, y);
    }

    @Override
    public final double sumOfSquares(Matrix x) {
        return dense().sumOfSquares(x);
    }

    @Override
    public final void lowRankUpdate(Matrix w, float alpha, Matrix u, Matrix v) {
        dense().lowRankUpdate(w, alpha, u, v);
    }

    @Override
    public final OrthoMethod orthonormalize(Matrix a) {
        return factorizations().orthonormalize(a);
    }

    @Override
    public final SymmetricEigen symmetricEigen(Matrix s) {
        return factorizations().symmetricEigen(s);
    }

    @Override
    public final Svd svd(Matrix a) {
        return factorizations().svd(a);
    }

    @Override
    public final Svd randomizedSvd(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                   Svd warmStart) {
        return factorizations().randomizedSvd(a, rank, oversample, powerIterations, seed, warmStart);
    }

    @Override
    public final float[] randomizedSvd(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                       Svd warmStart, Matrix u, Matrix vt) {
        return factorizations().randomizedSvd(a, rank, oversample, powerIterations, seed, warmStart, u, vt);
    }

    @Override
    public final void dct(Matrix x, Matrix y, Axis axis) {
        dctOps().dct(x, y, axis);
    }

    @Override
    public final void idct(Matrix x, Matrix y, Axis axis) {
        dctOps().idct(x, y, axis);
    }

    @Override
    public final void dctScores(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        dctOps().dctScores(g, axis, norm, scores);
    }

    @Override
    public final int[] topK(Matrix scores, int k) {
        return dctOps().topK(scores, k);
    }

    @Override
    public final void dctGather(Matrix g, Axis axis, int[] indices, Matrix r) {
        dctOps().dctGather(g, axis, indices, r);
    }

    @Override
    public final int[] dctSelect(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r) {
        return dctOps().dctSelect(g, axis, norm, scores, k, r);
    }

    @Override
    public final void idctScatter(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        dctOps().idctScatter(r, axis, indices, alpha, beta, out);
    }

    @Override
    public final void spmm(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                           float beta, Matrix y) {
        sparse().spmm(transposeS, alpha, x, support, values, beta, y);
    }

    @Override
    public final void sddmm(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        sparse().sddmm(alpha, a, b, support, beta, values);
    }

    @Override
    public final void sparseAddTo(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        sparse().sparseAddTo(support, values, alpha, dense);
    }

    @Override
    public final void sparseGather(Matrix dense, FixedSupport support, Matrix values) {
        sparse().sparseGather(dense, support, values);
    }

    @Override
    public final void sparseScatter(FixedSupport support, Matrix values, Matrix dense) {
        sparse().sparseScatter(support, values, dense);
    }

    @Override
    public final void sparseBackward(Matrix dy, Matrix x, FixedSupport support, Matrix values, Matrix gradValues,
                                     Matrix dx) {
        sparse().sparseBackward(dy, x, support, values, gradValues, dx);
    }

    @Override
    public final void adam(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                           float alpha, float beta, Matrix out) {
        optimizer().adam(g, m, v, beta1, beta2, epsilon, step, alpha, beta, out);
    }

    @Override
    public final void adamBf16(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon, long step,
                               float alpha, float beta, Matrix out) {
        optimizer().adamBf16(g, m16, v16, beta1, beta2, epsilon, step, alpha, beta, out);
    }
}
