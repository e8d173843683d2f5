package org.slimgrad;

import static org.slimgrad.Checks.disjoint;
import static org.slimgrad.Checks.disjointUnlessSame;
import static org.slimgrad.Checks.sameShape;

/**
 * Validation written once, kernels written per backend (netlib's pattern): the public methods check nulls, domains,
 * live memory, shapes and aliasing, return early on empty work, and only then call the {@code protected} kernels,
 * which may assume valid arguments.
 */
public abstract class AbstractDenseOps implements DenseOps {

    private final Checks checks;

    /** Dense operations on {@code owner}'s memory (its name and domain are read now). */
    protected AbstractDenseOps(Backend owner) {
        this.checks = new Checks(owner);
    }

    @Override
    public final void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        Call op = new Call("gemm", "A", a, "B", b, "C", c);
        checks.readable(op, "A", a);
        checks.readable(op, "B", b);
        checks.writable(op, "C", c);
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException(op + ": op(A) is " + m + "x" + k + " (A " + a.shape() + ", transA="
                    + transA + "), op(B) is " + kb + "x" + n + " (B " + b.shape() + ", transB=" + transB
                    + "), C is " + c.shape() + "; need op(A) m x k, op(B) k x n, C m x n");
        }
        disjoint(op, "C", c, "A", a);
        disjoint(op, "C", c, "B", b);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            if (beta != 1f) {
                scaleKernel(beta, c);
            }
            return;
        }
        gemmKernel(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public final void axpy(float alpha, Matrix x, Matrix y) {
        Call op = new Call("axpy", "X", x, "Y", y);
        checks.readable(op, "X", x);
        checks.writable(op, "Y", y);
        sameShape(op, x, y);
        disjointUnlessSame(op, "Y", y, "X", x);
        if (y.size() == 0 || alpha == 0f) {
            return;
        }
        axpyKernel(alpha, x, y);
    }

    @Override
    public final void copy(Matrix x, Matrix y) {
        Call op = new Call("copy", "X", x, "Y", y);
        checks.readable(op, "X", x);
        checks.writable(op, "Y", y);
        sameShape(op, x, y);
        disjoint(op, "Y", y, "X", x);
        if (y.size() != 0) {
            copyKernel(x, y);
        }
    }

    @Override
    public final void scale(float alpha, Matrix x) {
        Call op = new Call("scale", "X", x);
        checks.writable(op, "X", x);
        if (x.size() != 0 && alpha != 1f) {
            scaleKernel(alpha, x);
        }
    }

    @Override
    public final void transpose(Matrix x, Matrix y) {
        Call op = new Call("transpose", "X", x, "Y", y);
        checks.readable(op, "X", x);
        checks.writable(op, "Y", y);
        if (y.rows() != x.cols() || y.cols() != x.rows()) {
            throw new IllegalArgumentException(op + ": X is " + x.shape() + " but Y is " + y.shape() + "; need Y "
                    + x.cols() + "x" + x.rows());
        }
        disjoint(op, "Y", y, "X", x);
        if (y.size() != 0) {
            transposeKernel(x, y);
        }
    }

    @Override
    public final void fill(Matrix x, float value) {
        Call op = new Call("fill", "X", x);
        checks.writable(op, "X", x);
        if (x.size() != 0) {
            fillKernel(x, value);
        }
    }

    @Override
    public final void hadamard(Matrix x, Matrix y, Matrix out) {
        Call op = new Call("hadamard", "X", x, "Y", y, "out", out);
        checks.readable(op, "X", x);
        checks.readable(op, "Y", y);
        checks.writable(op, "out", out);
        sameShape(op, x, y);
        sameShape(op, x, out);
        disjointUnlessSame(op, "out", out, "X", x);
        disjointUnlessSame(op, "out", out, "Y", y);
        if (out.size() != 0) {
            hadamardKernel(x, y, out);
        }
    }

    @Override
    public final void fillUniform(Matrix x, float bound, long seed) {
        Call op = new Call("fillUniform", "X", x);
        checks.writable(op, "X", x);
        if (!(bound >= 0) || Float.isInfinite(bound)) {
            throw new IllegalArgumentException("fillUniform: X is " + x.shape() + ", bound " + bound
                    + "; need a finite bound >= 0");
        }
        if (x.size() != 0) {
            fillUniformKernel(x, bound, seed);
        }
    }

    @Override
    public final double sumOfSquares(Matrix x) {
        Call op = new Call("sumOfSquares", "X", x);
        checks.readable(op, "X", x);
        return x.size() == 0 ? 0 : sumOfSquaresKernel(x);
    }

    @Override
    public final void lowRankUpdate(Matrix w, float alpha, Matrix u, Matrix v) {
        Call op = new Call("lowRankUpdate", "W", w, "U", u, "V", v);
        checks.writable(op, "W", w);
        checks.readable(op, "U", u);
        checks.readable(op, "V", v);
        if (u.rows() != w.rows() || v.rows() != w.cols() || u.cols() != v.cols()) {
            throw new IllegalArgumentException(op + ": W is " + w.shape() + ", U is " + u.shape() + ", V is "
                    + v.shape() + "; need W m x n, U m x r, V n x r");
        }
        disjoint(op, "W", w, "U", u);
        disjoint(op, "W", w, "V", v);
        if (w.size() == 0 || u.cols() == 0 || alpha == 0f) {
            return;
        }
        gemmKernel(false, true, alpha, u, v, 1f, w);
    }

    /** {@code C = α·op(A)·op(B) + β·C} on validated, non-empty arguments with k ≥ 1 and α ≠ 0. */
    protected abstract void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                                       Matrix c);

    /** {@code Y = α·X + Y} on validated, non-empty arguments. */
    protected abstract void axpyKernel(float alpha, Matrix x, Matrix y);

    /** {@code Y = X} on validated, non-empty, disjoint arguments. */
    protected abstract void copyKernel(Matrix x, Matrix y);

    /** {@code X = α·X} (α = 0 writes zeros, even over NaN) on a validated, non-empty X. */
    protected abstract void scaleKernel(float alpha, Matrix x);

    /** {@code Y = Xᵀ} on validated, non-empty, disjoint arguments. */
    protected abstract void transposeKernel(Matrix x, Matrix y);

    /** Every element of a validated, non-empty X set to value. */
    protected abstract void fillKernel(Matrix x, float value);

    /** {@code out = x ∘ y} on validated, non-empty arguments; out may be x or y. */
    protected abstract void hadamardKernel(Matrix x, Matrix y, Matrix out);

    /** {@link CounterRandom#fillUniform}'s values into a validated, non-empty X. */
    protected abstract void fillUniformKernel(Matrix x, float bound, long seed);

    /** ‖X‖_F² accumulated in float64, on a validated, non-empty X. */
    protected abstract double sumOfSquaresKernel(Matrix x);
}
