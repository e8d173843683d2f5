package org.slimgrad;

/**
 * Validation and scaling written once for every backend's factorisations: the public methods check their arguments,
 * refuse non-finite input, bring input of extreme scale into a safe range (exactly, by a power of two) and scale the
 * results back; the {@code protected} kernels factorise. The owner's dense operations do the scaling.
 */
public abstract class AbstractFactorizations implements Factorizations {

    /** Norm exponents within which the factorisations run on their input unscaled. */
    private static final int SAFE_EXPONENT = 40;

    private final Checks checks;
    private final Backend owner;

    /** Factorisations on {@code owner}'s memory, scaling with its dense operations. */
    protected AbstractFactorizations(Backend owner) {
        this.checks = new Checks(owner);
        this.owner = owner;
    }

    @Override
    public final OrthoMethod orthonormalize(Matrix a) {
        Call op = new Call("orthonormalize", "A", a);
        checks.writable(op, "A", a);
        if (a.cols() > a.rows()) {
            throw new IllegalArgumentException(op + ": A is " + a.shape()
                    + "; need at most as many columns as rows");
        }
        if (a.cols() == 0) {
            return OrthoMethod.CHOLESKY_QR2;
        }
        int exponent = normExponent(op, a);
        if (exponent != 0) {
            owner.scale(Math.scalb(1f, -exponent), a); // exact, and the span, so Q, is the same
        }
        return orthonormalizeKernel(a);
    }

    @Override
    public final SymmetricEigen symmetricEigen(Matrix s) {
        Call op = new Call("symmetricEigen", "S", s);
        checks.readable(op, "S", s);
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
        checks.readable(op, "A", a);
        int exponent = normExponent(op, a);
        Svd svd = svdKernel(exponent == 0 ? a : scaledCopy(a, exponent));
        unscale(op, "singular value", svd.sigma(), exponent);
        return svd;
    }

    @Override
    public final Svd randomizedSvd(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                   Svd warmStart) {
        Call op = new Call("randomizedSvd", "A", a);
        checkRandomized(op, a, rank, oversample, powerIterations, warmStart);
        Matrix u = owner.allocate(a.rows(), rank);
        Matrix vt = owner.allocate(rank, a.cols());
        return new Svd(u, randomized(op, a, rank, oversample, powerIterations, seed, warmStart, u, vt), vt);
    }

    @Override
    public final float[] randomizedSvd(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                       Svd warmStart, Matrix u, Matrix vt) {
        Call op = new Call("randomizedSvd", "A", a, "U", u, "Vt", vt);
        checkRandomized(op, a, rank, oversample, powerIterations, warmStart);
        checkOutput(op, "U", u, a.rows(), rank, a, warmStart);
        checkOutput(op, "Vt", vt, rank, a.cols(), a, warmStart);
        if (u != null && vt != null) {
            Checks.disjoint(op, "Vt", vt, "U", u);
        }
        return randomized(op, a, rank, oversample, powerIterations, seed, warmStart, u, vt);
    }

    private void checkRandomized(Call op, Matrix a, int rank, int oversample, int powerIterations, Svd warmStart) {
        checks.readable(op, "A", a);
        int limit = Math.min(a.rows(), a.cols());
        if (rank < 1 || rank > limit || oversample < 0 || powerIterations < 0) {
            throw new IllegalArgumentException(op + ": A is " + a.shape() + ", rank " + rank + ", oversample "
                    + oversample + ", powerIterations " + powerIterations + "; need 1 <= rank <= min(m, n) = "
                    + limit + " and non-negative oversample and powerIterations");
        }
        if (warmStart != null) {
            checks.readable(op, "warmStart.Vt", warmStart.vt());
            if (warmStart.vt().cols() != a.cols()) {
                throw new IllegalArgumentException(op + ": warm start Vt " + warmStart.vt().shape()
                        + " does not match A " + a.shape() + "; need " + a.cols() + " columns");
            }
        }
    }

    // an output of the randomized SVD: null, or a writable rows×cols matrix apart from the inputs
    private void checkOutput(Call op, String role, Matrix out, int rows, int cols, Matrix a, Svd warmStart) {
        if (out == null) {
            return;
        }
        checks.writable(op, role, out);
        if (out.rows() != rows || out.cols() != cols) {
            throw new IllegalArgumentException(op + ": " + role + " is " + out.shape() + " but A " + a.shape()
                    + " at rank " + cols + " needs " + rows + "x" + cols);
        }
        Checks.disjoint(op, role, out, "A", a);
        if (warmStart != null) {
            Checks.disjoint(op, role, out, "warmStart.Vt", warmStart.vt());
        }
    }

    // the kernel on validated arguments, through the safe-range scaling; σ beyond float32's range is refused after
    // U and Vᵀ were written (σ₁ ≤ ‖A‖_F, so only an A with ‖A‖_F above 3.4e38 can get there)
    private float[] randomized(Call op, Matrix a, int rank, int oversample, int powerIterations, long seed,
                               Svd warmStart, Matrix u, Matrix vt) {
        int exponent = normExponent(op, a);
        float[] sigma = randomizedSvdKernel(exponent == 0 ? a : scaledCopy(a, exponent), rank, oversample,
                powerIterations, seed, warmStart, u, vt);
        unscale(op, "singular value", sigma, exponent);
        return sigma;
    }

    /**
     * The factorisations' inputs must be finite; and since their fp32 steps (Gram matrices, sketches) square the
     * input's scale, one whose Frobenius norm lies outside [2^−{@value #SAFE_EXPONENT}, 2^{@value #SAFE_EXPONENT}]
     * is factorised as 2^−e·A, with e the exponent of its norm, and the results scaled back: exact in binary, so
     * finite input never overflows inside and inputs in the safe range compute exactly as before. Returns e, or 0.
     */
    private int normExponent(Call op, Matrix a) {
        double squares = owner.sumOfSquares(a);
        if (!Double.isFinite(squares)) {
            throw new IllegalArgumentException(op + ": the input holds NaN or Inf; nothing was computed or changed");
        }
        int exponent = squares == 0 ? 0 : Math.getExponent(Math.sqrt(squares));
        return Math.abs(exponent) <= SAFE_EXPONENT ? 0 : exponent;
    }

    private Matrix scaledCopy(Matrix a, int exponent) {
        Matrix scaled = owner.allocate(a.rows(), a.cols());
        owner.copy(a, scaled);
        owner.scale(Math.scalb(1f, -exponent), scaled);
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

    /** Orthonormalises the columns of a validated, finite m×k matrix, 1 ≤ k ≤ m, in place. */
    protected abstract OrthoMethod orthonormalizeKernel(Matrix a);

    /** Eigendecomposition of a validated, finite square matrix. */
    protected abstract SymmetricEigen symmetricEigenKernel(Matrix s);

    /** Exact thin SVD of a validated, finite matrix. */
    protected abstract Svd svdKernel(Matrix a);

    /**
     * Randomized SVD on validated arguments and a finite A: U into u and Vᵀ into vt (each skipped when null), σ
     * returned.
     */
    protected abstract float[] randomizedSvdKernel(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                                   Svd warmStart, Matrix u, Matrix vt);
}
