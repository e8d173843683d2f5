package org.slimgrad;

/**
 * Validation written once, kernels written per backend: the public methods check nulls, domains, live memory,
 * shapes and aliasing, return early on empty work, and only then call the {@code protected} kernels, which may
 * assume valid arguments.
 */
public abstract class AbstractBackend implements Backend {

    private final String name;
    private final MemoryDomain domain;

    protected AbstractBackend(String name, MemoryDomain domain) {
        this.name = name;
        this.domain = domain;
    }

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
    public final void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        Call op = new Call("gemm", "A", a, "B", b, "C", c);
        readable(op, "A", a);
        readable(op, "B", b);
        writable(op, "C", c);
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
        readable(op, "X", x);
        writable(op, "Y", y);
        sameShape(op, x, y);
        if (!sameView(x, y)) {
            disjoint(op, "Y", y, "X", x);
        }
        if (y.size() == 0 || alpha == 0f) {
            return;
        }
        axpyKernel(alpha, x, y);
    }

    @Override
    public final Matrix toHost(Matrix m) {
        readable(new Call("toHost", "M", m), "M", m);
        return toHostKernel(m);
    }

    @Override
    public final Matrix fromHost(Matrix h) {
        Call op = new Call("fromHost", "H", h);
        if (h == null || !h.domain().isHost()) {
            throw new IllegalArgumentException(op + ": H " + (h == null ? "is null" : "(" + h.shape() + ") lives in "
                    + h.domain() + " memory; it takes a host matrix"));
        }
        if (!h.segment().scope().isAlive()) {
            throw new IllegalStateException(op + ": H (" + h.shape() + ") views memory that was closed");
        }
        return fromHostKernel(h);
    }

    @Override
    public final void copy(Matrix x, Matrix y) {
        Call op = new Call("copy", "X", x, "Y", y);
        readable(op, "X", x);
        writable(op, "Y", y);
        sameShape(op, x, y);
        disjoint(op, "Y", y, "X", x);
        if (y.size() != 0) {
            copyKernel(x, y);
        }
    }

    @Override
    public final void scale(float alpha, Matrix x) {
        Call op = new Call("scale", "X", x);
        writable(op, "X", x);
        if (x.size() != 0 && alpha != 1f) {
            scaleKernel(alpha, x);
        }
    }

    @Override
    public final void transpose(Matrix x, Matrix y) {
        Call op = new Call("transpose", "X", x, "Y", y);
        readable(op, "X", x);
        writable(op, "Y", y);
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
        writable(op, "X", x);
        if (x.size() != 0) {
            fillKernel(x, value);
        }
    }

    @Override
    public final void hadamard(Matrix x, Matrix y, Matrix out) {
        Call op = new Call("hadamard", "X", x, "Y", y, "out", out);
        readable(op, "X", x);
        readable(op, "Y", y);
        writable(op, "out", out);
        sameShape(op, x, y);
        sameShape(op, x, out);
        if (!sameView(out, x)) {
            disjoint(op, "out", out, "X", x);
        }
        if (!sameView(out, y)) {
            disjoint(op, "out", out, "Y", y);
        }
        if (out.size() != 0) {
            hadamardKernel(x, y, out);
        }
    }

    @Override
    public final void fillUniform(Matrix x, float bound, long seed) {
        Call op = new Call("fillUniform", "X", x);
        writable(op, "X", x);
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
        readable(op, "X", x);
        return x.size() == 0 ? 0 : sumOfSquaresKernel(x);
    }

    @Override
    public final void lowRankUpdate(Matrix w, float alpha, Matrix u, Matrix v) {
        Call op = new Call("lowRankUpdate", "W", w, "U", u, "V", v);
        writable(op, "W", w);
        readable(op, "U", u);
        readable(op, "V", v);
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

    @Override
    public final OrthoMethod orthonormalize(Matrix a) {
        Call op = new Call("orthonormalize", "A", a);
        writable(op, "A", a);
        if (a.cols() > a.rows()) {
            throw new IllegalArgumentException(op + ": A is " + a.shape()
                    + "; need at most as many columns as rows");
        }
        if (a.cols() == 0) {
            return OrthoMethod.CHOLESKY_QR2;
        }
        int exponent = normExponent(op, a);
        if (exponent != 0) {
            scaleKernel(Math.scalb(1f, -exponent), a); // exact, and the span, so Q, is the same
        }
        return orthonormalizeKernel(a);
    }

    @Override
    public final SymmetricEigen symmetricEigen(Matrix s) {
        Call op = new Call("symmetricEigen", "S", s);
        readable(op, "S", s);
        if (s.rows() != s.cols()) {
            throw new IllegalArgumentException(op + ": S is " + s.shape() + "; need a square matrix");
        }
        int exponent = normExponent(op, s);
        SymmetricEigen eigen = symmetricEigenKernel(exponent == 0 ? s : scaledCopy(s, exponent));
        unscale(op, "eigenvalue", eigen.values(), exponent);
        return eigen;
    }

    @Override
    public final Svd svd(Matrix a) {
        Call op = new Call("svd", "A", a);
        readable(op, "A", a);
        int exponent = normExponent(op, a);
        Svd svd = svdKernel(exponent == 0 ? a : scaledCopy(a, exponent));
        unscale(op, "singular value", svd.sigma(), exponent);
        return svd;
    }

    @Override
    public final Svd randomizedSvd(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                   Svd warmStart) {
        Call op = new Call("randomizedSvd", "A", a);
        readable(op, "A", a);
        int limit = Math.min(a.rows(), a.cols());
        if (rank < 1 || rank > limit || oversample < 0 || powerIterations < 0) {
            throw new IllegalArgumentException(op + ": A is " + a.shape() + ", rank " + rank + ", oversample "
                    + oversample + ", powerIterations " + powerIterations + "; need 1 <= rank <= min(m, n) = "
                    + limit + " and non-negative oversample and powerIterations");
        }
        if (warmStart != null) {
            readable(op, "warmStart.Vt", warmStart.vt());
            if (warmStart.vt().cols() != a.cols()) {
                throw new IllegalArgumentException(op + ": warm start Vt " + warmStart.vt().shape()
                        + " does not match A " + a.shape() + "; need " + a.cols() + " columns");
            }
        }
        int exponent = normExponent(op, a);
        Svd svd = randomizedSvdKernel(exponent == 0 ? a : scaledCopy(a, exponent), rank, oversample, powerIterations,
                seed, warmStart);
        unscale(op, "singular value", svd.sigma(), exponent);
        return svd;
    }

    /**
     * The factorisations' inputs must be finite; and since their fp32 steps (Gram matrices, sketches) square the
     * input's scale, one whose Frobenius norm lies outside [2^−{@value #SAFE_EXPONENT}, 2^{@value #SAFE_EXPONENT}]
     * is factorised as 2^−e·A, with e the exponent of its norm, and the results scaled back: exact in binary, so
     * finite input never overflows inside and inputs in the safe range compute exactly as before. Returns e, or 0.
     */
    private int normExponent(Call op, Matrix a) {
        double squares = a.size() == 0 ? 0 : sumOfSquaresKernel(a);
        if (!Double.isFinite(squares)) {
            throw new IllegalArgumentException(op + ": the input holds NaN or Inf; nothing was computed or changed");
        }
        int exponent = squares == 0 ? 0 : Math.getExponent(Math.sqrt(squares));
        return Math.abs(exponent) <= SAFE_EXPONENT ? 0 : exponent;
    }

    /** Norm exponents within which the factorisations run on their input unscaled. */
    private static final int SAFE_EXPONENT = 40;

    private Matrix scaledCopy(Matrix a, int exponent) {
        Matrix scaled = allocate(a.rows(), a.cols());
        copyKernel(a, scaled);
        scaleKernel(Math.scalb(1f, -exponent), scaled);
        return scaled;
    }

    // values of 2^−e·A back to A's scale; one beyond float32's range is refused rather than returned as infinity
    private static void unscale(Call op, String what, float[] values, int exponent) {
        for (int t = 0; t < values.length && exponent != 0; t++) {
            float value = Math.scalb(values[t], exponent);
            if (Float.isInfinite(value)) {
                throw new IllegalArgumentException(op + ": the " + what + " " + Math.scalb((double) values[t], exponent)
                        + " of a finite input exceeds float32's range");
            }
            values[t] = value;
        }
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
        readable(op, "X", x);
        writable(op, "Y", y);
        axis(op, axis);
        sameShape(op, x, y);
        if (!sameView(x, y)) {
            disjoint(op, "Y", y, "X", x);
        }
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
        readable(op, "scores", scores);
        if (scores.rows() != 1 || k < 1 || k > scores.cols()) {
            throw new IllegalArgumentException(op + ": scores is " + scores.shape() + ", k = " + k
                    + "; need scores 1 x n and 1 <= k <= n");
        }
        return topKKernel(scores, k);
    }

    @Override
    public final int[] dctSelect(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r) {
        Call op = new Call("dctSelect", "G", g, "scores", scores, "R", r);
        readable(op, "G", g);
        writable(op, "scores", scores);
        writable(op, "R", r);
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
        readable(op, "G", g);
        writable(op, "R", r);
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
        readable(op, "R", r);
        writable(op, "out", out);
        axis(op, axis);
        coefficients(op, "out", out, axis, indices, r);
        disjoint(op, "out", out, "R", r);
        if (out.size() == 0) {
            return;
        }
        if (indices.length == 0 || alpha == 0f) {
            if (beta != 1f) {
                scaleKernel(beta, out);
            }
            return;
        }
        idctScatterKernel(r, axis, indices, alpha, beta, out);
    }

    @Override
    public final void spmm(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                           float beta, Matrix y) {
        Call op = new Call("spmm", "X", x, "values", values, "Y", y);
        readable(op, "X", x);
        writable(op, "Y", y);
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
            if (beta != 1f) {
                scaleKernel(beta, y);
            }
            return;
        }
        spmmKernel(transposeS, alpha, x, support, values, beta, y);
    }

    @Override
    public final void sddmm(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        Call op = new Call("sddmm", "A", a, "B", b, "values", values);
        readable(op, "A", a);
        readable(op, "B", b);
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
            if (beta != 1f) {
                scaleKernel(beta, values);
            }
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
    public final void adam(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                           float alpha, float beta, Matrix out) {
        Call op = new Call("adam", "G", g, "M", m, "V", v, "out", out);
        readable(op, "G", g);
        writable(op, "M", m);
        writable(op, "V", v);
        writable(op, "out", out);
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
        readable(op, "G", g);
        writable(op, "M16", m16);
        writable(op, "V16", v16);
        writable(op, "out", out);
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

    /** {@code C = α·op(A)·op(B) + β·C} on validated, non-empty arguments with k ≥ 1 and α ≠ 0. */
    protected abstract void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                                       Matrix c);

    /** {@code Y = α·X + Y} on validated, non-empty arguments. */
    protected abstract void axpyKernel(float alpha, Matrix x, Matrix y);

    /** {@link #toHost} after validation: m itself on a host backend, else a new host copy. */
    protected abstract Matrix toHostKernel(Matrix m);

    /** {@link #fromHost} after validation (h is a live host matrix): h itself on a host backend, else a new copy. */
    protected abstract Matrix fromHostKernel(Matrix h);

    /** {@code Y = X} on validated, non-empty, disjoint arguments. */
    protected abstract void copyKernel(Matrix x, Matrix y);

    /** {@code X = α·X}, exactly zero where α = 0, on a validated non-empty argument. */
    protected abstract void scaleKernel(float alpha, Matrix x);

    /** {@code Y = Xᵀ} on validated, non-empty, disjoint arguments. */
    protected abstract void transposeKernel(Matrix x, Matrix y);

    /** X = value on a validated non-empty argument. */
    protected abstract void fillKernel(Matrix x, float value);

    /** out = x ∘ y on validated non-empty arguments; out may be the same view as x or y. */
    protected abstract void hadamardKernel(Matrix x, Matrix y, Matrix out);

    /** {@link CounterRandom#fillUniform} on a validated non-empty argument, bit for bit. */
    protected abstract void fillUniformKernel(Matrix x, float bound, long seed);

    /** ‖X‖_F² in float64 on a validated non-empty argument. */
    protected abstract double sumOfSquaresKernel(Matrix x);

    /** Orthonormalises the columns of a validated m×k matrix, 1 ≤ k ≤ m, in place. */
    protected abstract OrthoMethod orthonormalizeKernel(Matrix a);

    /** Eigendecomposition of a validated square matrix. */
    protected abstract SymmetricEigen symmetricEigenKernel(Matrix s);

    /** Exact thin SVD of a validated matrix. */
    protected abstract Svd svdKernel(Matrix a);

    /** Randomized SVD on validated arguments. */
    protected abstract Svd randomizedSvdKernel(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                               Svd warmStart);

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
        if (!Double.isFinite(sumOfSquaresKernel(scores))) {
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

    /** The Adam step on validated, non-empty arguments; out may be g itself. */
    protected abstract void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon,
                                       long step, float alpha, float beta, Matrix out);

    /** {@link #adamBf16} on validated, non-empty arguments (moments packed as {@link Bf16} describes). */
    protected abstract void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                           long step, float alpha, float beta, Matrix out);

    /**
     * Checks that {@code m} is non-null, of this backend's domain, not yet freed and accessible from the calling
     * thread (a segment of a confined arena is usable only by its owner thread).
     */
    protected final void readable(Call op, String role, Matrix m) {
        if (m == null) {
            throw new IllegalArgumentException(op + ": " + role + " is null");
        }
        if (m.domain() != domain) {
            throw new IllegalArgumentException(op + ": " + role + " (" + m.shape() + ") lives in " + m.domain()
                    + " memory; backend " + name + " computes on " + domain + " memory");
        }
        if (!m.segment().scope().isAlive()) {
            throw new IllegalStateException(op + ": " + role + " (" + m.shape() + ") views memory that was closed");
        }
        if (!m.segment().isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException(op + ": " + role + " (" + m.shape() + ") views memory confined to"
                    + " another thread; call from that thread or use a shared arena");
        }
    }

    /** {@link #readable}, and the memory must be writable (not a read-only segment). */
    protected final void writable(Call op, String role, Matrix m) {
        readable(op, role, m);
        if (m.segment().isReadOnly()) {
            throw new IllegalArgumentException(op + ": output " + role + " (" + m.shape() + ") views read-only"
                    + " memory");
        }
    }

    /**
     * An operation being validated with its matrix arguments: its string form, which begins every message, names
     * the operation and the shape of each argument ({@code "gemm (A 3x4, B 4x5, C 3x5)"}). Built on every call; the
     * text only when a check fails.
     */
    protected static final class Call {
        private final String name;
        private final Object[] rolesAndMatrices;

        /** {@code rolesAndMatrices} alternates role names and the matrices (possibly null) they name. */
        public Call(String name, Object... rolesAndMatrices) {
            this.name = name;
            this.rolesAndMatrices = rolesAndMatrices;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(name).append(" (");
            for (int t = 0; t + 1 < rolesAndMatrices.length; t += 2) {
                Matrix m = (Matrix) rolesAndMatrices[t + 1];
                text.append(t == 0 ? "" : ", ").append(rolesAndMatrices[t]).append(' ')
                        .append(m == null ? "null" : m.shape());
            }
            return text.append(')').toString();
        }
    }

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
        if (!sameView(out, g)) {
            disjoint(op, "out", out, "G", g);
        }
    }

    private static boolean sameView(Matrix x, Matrix y) {
        return x.segment().equals(y.segment()) && x.offset() == y.offset() && x.ld() == y.ld();
    }

    private void support(Call op, FixedSupport support, Matrix values, boolean writesValues) {
        if (support == null) {
            throw new IllegalArgumentException(op + ": support is null");
        }
        if (writesValues) {
            writable(op, "values", values);
        } else {
            readable(op, "values", values);
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
            writable(op, "dense", dense);
        } else {
            readable(op, "dense", dense);
        }
        support(op, support, values, !writesDense);
        if (dense.rows() != support.rows() || dense.cols() != support.cols()) {
            throw new IllegalArgumentException(op + ": dense is " + dense.shape() + " but S is " + support.shape()
                    + "; need equal shapes");
        }
        disjoint(op, "dense", dense, "values", values);
    }

    private static void axis(Call op, Axis axis) {
        if (axis == null) {
            throw new IllegalArgumentException(op + ": axis is null");
        }
    }

    // validates dctScores' arguments; false when there is nothing to transform (scores then hold zeros)
    private boolean scoreArguments(Call op, Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        readable(op, "G", g);
        writable(op, "scores", scores);
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
            scaleKernel(0f, scores);
            return false;
        }
        return true;
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

    private static void sameShape(Call op, Matrix x, Matrix y) {
        if (x.rows() != y.rows() || x.cols() != y.cols()) {
            throw new IllegalArgumentException(op + ": X is " + x.shape() + " but Y is " + y.shape()
                    + "; need equal shapes");
        }
    }

    private static void disjoint(Call op, String outRole, Matrix out, String inRole, Matrix in) {
        if (out.overlaps(in)) {
            throw new IllegalArgumentException(op + ": output " + outRole + " (" + out.shape() + ") overlaps input "
                    + inRole + " (" + in.shape() + "); in-place use is not supported");
        }
    }
}
