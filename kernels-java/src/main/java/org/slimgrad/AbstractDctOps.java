package org.slimgrad;

import static org.slimgrad.Checks.disjoint;
import static org.slimgrad.Checks.disjointUnlessSame;
import static org.slimgrad.Checks.sameShape;

/**
 * Validation written once for every backend's DCT operations: the public methods check axes, norms, index lists
 * and shapes, handle empty work (with the owner's dense {@code scale}), and only then call the {@code protected}
 * kernels.
 */
public abstract class AbstractDctOps implements DctOps {

    private final Checks checks;
    private final Backend owner;

    /** DCT operations on {@code owner}'s memory. */
    protected AbstractDctOps(Backend owner) {
        this.checks = new Checks(owner);
        this.owner = owner;
    }

    @Override
    public final void dct(Matrix x, Matrix y, Axis axis) {
        transform("dct", x, y, axis, false);
    }

    @Override
    public final void idct(Matrix x, Matrix y, Axis axis) {
        transform("idct", x, y, axis, true);
    }

    private void transform(String name, Matrix x, Matrix y, Axis axis, boolean inverse) {
        Call op = new Call(name, "X", x, "Y", y);
        checks.readable(op, "X", x);
        checks.writable(op, "Y", y);
        axis(op, axis);
        sameShape(op, x, y);
        disjointUnlessSame(op, "Y", y, "X", x);
        if (y.size() != 0) {
            dctKernel(x, y, axis, inverse);
        }
    }

    @Override
    public final void dctScores(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        if (scoreArguments(new Call("dctScores", "G", g, "scores", scores), g, axis, norm, scores)) {
            dctScoresKernel(g, axis, norm, scores);
        }
    }

    @Override
    public final int[] topK(Matrix scores, int k) {
        Call op = new Call("topK", "scores", scores);
        checks.readable(op, "scores", scores);
        if (scores.rows() != 1 || k < 1 || k > scores.cols()) {
            throw new IllegalArgumentException(op + ": scores is " + scores.shape() + ", k = " + k
                    + "; need scores 1 x n and 1 <= k <= n");
        }
        return topKKernel(scores, k);
    }

    @Override
    public final int[] dctSelect(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r) {
        Call op = new Call("dctSelect", "G", g, "scores", scores, "R", r);
        checks.readable(op, "G", g);
        checks.writable(op, "scores", scores);
        checks.writable(op, "R", r);
        axis(op, axis);
        int length = axis.lineLength(g);
        if (k < 1 || k > length) {
            throw new IllegalArgumentException(op + ": G is " + g.shape() + " with lines of length " + length
                    + " along " + axis + ", k = " + k + "; need 1 <= k <= " + length);
        }
        int lines = axis.lineCount(g);
        if (axis.lineCount(r) != lines || axis.lineLength(r) != k) {
            throw new IllegalArgumentException(op + ": G is " + g.shape() + " with lines along " + axis + ", k = "
                    + k + ", R is " + r.shape() + "; need R " + (axis == Axis.ROWS ? lines + "x" + k : k + "x" + lines));
        }
        disjoint(op, "R", r, "G", g);
        disjoint(op, "R", r, "scores", scores);
        if (!scoreArguments(op, g, axis, norm, scores)) {
            return topKKernel(scores, k); // no lines: every score is zero, r is empty
        }
        return dctSelectKernel(g, axis, norm, scores, k, r);
    }

    @Override
    public final void dctGather(Matrix g, Axis axis, int[] indices, Matrix r) {
        Call op = new Call("dctGather", "G", g, "R", r);
        checks.readable(op, "G", g);
        checks.writable(op, "R", r);
        axis(op, axis);
        coefficients(op, "G", g, axis, indices, r);
        disjoint(op, "R", r, "G", g);
        if (r.size() != 0) {
            dctGatherKernel(g, axis, indices, r);
        }
    }

    @Override
    public final void idctScatter(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        Call op = new Call("idctScatter", "R", r, "out", out);
        checks.readable(op, "R", r);
        checks.writable(op, "out", out);
        axis(op, axis);
        coefficients(op, "out", out, axis, indices, r);
        disjoint(op, "out", out, "R", r);
        if (out.size() == 0) {
            return;
        }
        if (indices.length == 0 || alpha == 0f) {
            owner.scale(beta, out);
            return;
        }
        idctScatterKernel(r, axis, indices, alpha, beta, out);
    }

    /** y = orthonormal DCT-II (or DCT-III when {@code inverse}) of x's lines; validated, non-empty; y may be x. */
    protected abstract void dctKernel(Matrix x, Matrix y, Axis axis, boolean inverse);

    /** Coefficient norms over all lines, on validated arguments with at least one line. */
    protected abstract void dctScoresKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores);

    /** The k largest scores' indices, ascending, on validated arguments. */
    protected abstract int[] topKKernel(Matrix scores, int k);

    /**
     * {@link #dctSelect} on validated arguments with at least one line: scores, then, if their sum of squares is
     * finite, the top-k indices and r gathered at them; null otherwise. This default transforms g twice; a backend
     * that can hold the transform between the halves overrides it.
     */
    protected int[] dctSelectKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r) {
        dctScoresKernel(g, axis, norm, scores);
        if (!Double.isFinite(owner.sumOfSquares(scores))) {
            return null;
        }
        int[] indices = topKKernel(scores, k);
        dctGatherKernel(g, axis, indices, r);
        return indices;
    }

    /** Chosen DCT-II coefficients of every line, on validated non-empty arguments with distinct indices. */
    protected abstract void dctGatherKernel(Matrix g, Axis axis, int[] indices, Matrix r);

    /** {@code out = α·back-projection + β·out} on validated arguments, at least one index, α ≠ 0. */
    protected abstract void idctScatterKernel(Matrix r, Axis axis, int[] indices, float alpha, float beta,
                                              Matrix out);

    // validates dctScores' arguments; false when there is nothing to transform (scores then hold zeros)
    private boolean scoreArguments(Call op, Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        checks.readable(op, "G", g);
        checks.writable(op, "scores", scores);
        axis(op, axis);
        if (norm == null) {
            throw new IllegalArgumentException(op + ": norm is null");
        }
        int length = axis.lineLength(g);
        if (scores.rows() != 1 || scores.cols() != length) {
            throw new IllegalArgumentException(op + ": G is " + g.shape() + " with lines along " + axis
                    + " of length " + length + ", scores is " + scores.shape() + "; need scores 1x" + length);
        }
        disjoint(op, "scores", scores, "G", g);
        if (length == 0) {
            return false;
        }
        if (axis.lineCount(g) == 0) {
            owner.scale(0f, scores);
            return false;
        }
        return true;
    }

    private static void axis(Call op, Axis axis) {
        if (axis == null) {
            throw new IllegalArgumentException(op + ": axis is null");
        }
    }

    // R holds the chosen coefficients of every line of the dense matrix: lines × k for rows, k × lines for columns
    private static void coefficients(Call op, String role, Matrix dense, Axis axis, int[] indices, Matrix r) {
        indices(op, indices, axis.lineLength(dense));
        int lines = axis.lineCount(dense);
        if (axis.lineCount(r) != lines || axis.lineLength(r) != indices.length) {
            throw new IllegalArgumentException(op + ": " + role + " is " + dense.shape() + " with lines along " + axis
                    + ", " + indices.length + " indices, R is " + r.shape() + "; need R "
                    + (axis == Axis.ROWS ? lines + "x" + indices.length : indices.length + "x" + lines));
        }
    }

    // indices must name distinct coefficients of a line of the given length
    private static void indices(Call op, int[] indices, int length) {
        if (indices == null) {
            throw new IllegalArgumentException(op + ": indices is null");
        }
        boolean[] seen = new boolean[length];
        for (int t = 0; t < indices.length; t++) {
            int index = indices[t];
            if (index < 0 || index >= length) {
                throw new IllegalArgumentException(op + ": indices[" + t + "] = " + index
                        + " is outside the line length " + length);
            }
            if (seen[index]) {
                throw new IllegalArgumentException(op + ": index " + index + " appears twice; indices must be"
                        + " distinct");
            }
            seen[index] = true;
        }
    }
}
