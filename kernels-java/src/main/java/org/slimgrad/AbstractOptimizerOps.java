package org.slimgrad;

import static org.slimgrad.Checks.disjoint;
import static org.slimgrad.Checks.disjointUnlessSame;
import static org.slimgrad.Checks.sameShape;

/**
 * Validation written once for every backend's optimizer steps: shapes, hyper-parameters and moments that overlap
 * nothing are checked before the {@code protected} kernels run.
 */
public abstract class AbstractOptimizerOps implements OptimizerOps {

    private final Checks checks;

    /** Optimizer steps on {@code owner}'s memory. */
    protected AbstractOptimizerOps(Backend owner) {
        this.checks = new Checks(owner);
    }

    @Override
    public final void adam(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                           float alpha, float beta, Matrix out) {
        Call op = new Call("adam", "G", g, "M", m, "V", v, "out", out);
        checks.readable(op, "G", g);
        checks.writable(op, "M", m);
        checks.writable(op, "V", v);
        checks.writable(op, "out", out);
        sameShape(op, g, m);
        sameShape(op, g, v);
        sameShape(op, g, out);
        adamArguments(op, g, m, v, out, beta1, beta2, epsilon, step);
        if (g.size() != 0) {
            adamKernel(g, m, v, beta1, beta2, epsilon, step, alpha, beta, out);
        }
    }

    @Override
    public final void adamBf16(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon, long step,
                               float alpha, float beta, Matrix out) {
        Call op = new Call("adamBf16", "G", g, "M16", m16, "V16", v16, "out", out);
        checks.readable(op, "G", g);
        checks.writable(op, "M16", m16);
        checks.writable(op, "V16", v16);
        checks.writable(op, "out", out);
        sameShape(op, g, out);
        int packed = Bf16.packedCols(g.cols());
        if (m16.rows() != g.rows() || m16.cols() != packed || v16.rows() != g.rows() || v16.cols() != packed) {
            throw new IllegalArgumentException(op + ": G is " + g.shape() + ", M16 " + m16.shape() + ", V16 "
                    + v16.shape() + "; need bf16 moments packed as " + g.rows() + "x" + packed);
        }
        adamArguments(op, g, m16, v16, out, beta1, beta2, epsilon, step);
        if (g.size() != 0) {
            adamBf16Kernel(g, m16, v16, beta1, beta2, epsilon, step, alpha, beta, out);
        }
    }

    /** The Adam step on validated, non-empty arguments; out may be g itself. */
    protected abstract void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon,
                                       long step, float alpha, float beta, Matrix out);

    /** {@link #adamBf16} on validated, non-empty arguments (moments packed as {@link Bf16} describes). */
    protected abstract void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                           long step, float alpha, float beta, Matrix out);

    // Adam's hyper-parameters, and moments that overlap nothing (out may be G itself)
    private static void adamArguments(Call op, Matrix g, Matrix m, Matrix v, Matrix out, float beta1, float beta2,
                                      float epsilon, long step) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0) || step < 1) {
            throw new IllegalArgumentException(op + ": beta1 " + beta1 + ", beta2 " + beta2 + ", epsilon " + epsilon
                    + ", step " + step + "; need betas in [0, 1), epsilon > 0 and step >= 1");
        }
        disjoint(op, "M", m, "G", g);
        disjoint(op, "V", v, "G", g);
        disjoint(op, "V", v, "M", m);
        disjoint(op, "out", out, "M", m);
        disjoint(op, "out", out, "V", v);
        disjointUnlessSame(op, "out", out, "G", g);
    }
}
