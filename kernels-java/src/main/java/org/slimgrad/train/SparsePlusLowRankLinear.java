package org.slimgrad.train;

import org.slimgrad.Backend;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;

/**
 * SLTrain's linear layer (Han et al. 2024): {@code W = s·B·A + S} with B (m×r), A (r×n), s = α/r, and S sparse on
 * a fixed random support of density δ whose values alone are trained. Forward is
 * {@code Y = s·(X·Aᵀ)·Bᵀ + X·Sᵀ} for X (tokens×n); backward, with {@code G = dY·B},
 * <pre>
 *   dB = s·dYᵀ·H (H = X·Aᵀ kept from forward)   dA = s·Gᵀ·X   dS = (dYᵀ·X) on the support (sparseBackward)
 *   dX = s·G·A + dY·S
 * </pre>
 * No m×n matrix is ever formed; {@link #mergeInto} exports the dense W for inference when asked.
 *
 * <p>Initialisation follows the reference implementation: B = 0, A and S's values uniform in ±1/√n (Kaiming-uniform
 * with a = √5), drawn from the counter-based generator so the same seed gives the same layer everywhere. The
 * workspaces H and G (tokens×r each) are allocated for the largest token count seen and kept.
 *
 * <p>Not thread-safe: forward keeps H for backward and both share workspaces, so one thread uses a layer at a time.
 */
public final class SparsePlusLowRankLinear {

    private final Backend backend;
    private final int outFeatures;
    private final int inFeatures;
    private final int rank;
    private final float scaling;
    private final FixedSupport support;
    private final Matrix b;
    private final Matrix a;
    private final Matrix values;
    private final Matrix gradB;
    private final Matrix gradA;
    private final Matrix gradValues;
    private Matrix hidden;
    private Matrix projectedGrad;
    private int forwardTokens = -1;

    /**
     * A layer mapping n = {@code inFeatures} to m = {@code outFeatures} features with rank r, scale α/r and a
     * support of density δ, all drawn from {@code seed}.
     */
    public SparsePlusLowRankLinear(Backend backend, int outFeatures, int inFeatures, int rank, float alpha,
                                   double density, long seed) {
        if (backend == null || outFeatures < 1 || inFeatures < 1 || rank < 1) {
            throw new IllegalArgumentException("SparsePlusLowRankLinear: backend " + backend + ", " + outFeatures
                    + "x" + inFeatures + ", rank " + rank + "; need a backend and positive sizes");
        }
        this.backend = backend;
        this.outFeatures = outFeatures;
        this.inFeatures = inFeatures;
        this.rank = rank;
        this.scaling = alpha / rank;
        this.support = FixedSupport.random(outFeatures, inFeatures, density, seed);
        this.b = backend.allocate(outFeatures, rank);
        this.a = backend.allocate(rank, inFeatures);
        this.values = backend.allocate(1, support.nnz());
        float bound = (float) (1 / Math.sqrt(inFeatures));
        backend.fillUniform(a, bound, seed + 1);
        backend.fillUniform(values, bound, seed + 2);
        this.gradB = backend.allocate(outFeatures, rank);
        this.gradA = backend.allocate(rank, inFeatures);
        this.gradValues = backend.allocate(1, support.nnz());
    }

    public int outFeatures() {
        return outFeatures;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int rank() {
        return rank;
    }

    /** The scale s = α/r on the low-rank product. */
    public float scaling() {
        return scaling;
    }

    public FixedSupport support() {
        return support;
    }

    /** The parameters, live: B (m×r), A (r×n), S's values (1×nnz). An optimizer updates them in place. */
    public Matrix b() {
        return b;
    }

    public Matrix a() {
        return a;
    }

    public Matrix values() {
        return values;
    }

    /** Gradients written by {@link #backward}, same shapes as the parameters. */
    public Matrix gradB() {
        return gradB;
    }

    public Matrix gradA() {
        return gradA;
    }

    public Matrix gradValues() {
        return gradValues;
    }

    /** Y (tokens×m) = s·(X·Aᵀ)·Bᵀ + X·Sᵀ for X (tokens×n); keeps X·Aᵀ for {@link #backward}. Modifies y. */
    public void forward(Matrix x, Matrix y) {
        check("forward", "X", x, -1, inFeatures);
        check("forward", "Y", y, x.rows(), outFeatures);
        Matrix h = workspace(x.rows());
        backend.gemm(false, true, 1f, x, a, 0f, h);
        backend.gemm(false, true, scaling, h, b, 0f, y);
        backend.spmm(true, 1f, x, support, values, 1f, y);
        forwardTokens = x.rows();
    }

    /**
     * Writes dB, dA and dS's values for the X of the last {@link #forward} and the output gradient dY, and, when
     * {@code dx} is not null, the input gradient dX (tokens×n). Modifies the gradients and dx.
     */
    public void backward(Matrix x, Matrix dy, Matrix dx) {
        check("backward", "X", x, -1, inFeatures);
        if (x.rows() != forwardTokens) {
            throw new IllegalStateException("SparsePlusLowRankLinear.backward: X has " + x.rows()
                    + " tokens but the last forward saw " + forwardTokens + "; call forward on the same X first");
        }
        check("backward", "dY", dy, x.rows(), outFeatures);
        if (dx != null) {
            check("backward", "dX", dx, x.rows(), inFeatures);
        }
        Matrix h = hidden.view(0, 0, x.rows(), rank);
        Matrix g = projectedGrad.view(0, 0, x.rows(), rank);
        backend.gemm(false, false, 1f, dy, b, 0f, g);
        backend.gemm(true, false, scaling, dy, h, 0f, gradB);
        backend.gemm(true, false, scaling, g, x, 0f, gradA);
        if (dx != null) {
            backend.gemm(false, false, scaling, g, a, 0f, dx);
        }
        backend.sparseBackward(dy, x, support, values, gradValues, dx);
    }

    /** W = s·B·A + S written into the dense m×n {@code w} (for inference or checking). Modifies w. */
    public void mergeInto(Matrix w) {
        check("mergeInto", "W", w, outFeatures, inFeatures);
        backend.gemm(false, false, scaling, b, a, 0f, w);
        backend.sparseAddTo(support, values, 1f, w);
    }

    /** Bytes of the trained parameters: B, A and S's values, fp32. */
    public long parameterBytes() {
        return ((long) outFeatures * rank + (long) rank * inFeatures + support.nnz()) * Float.BYTES;
    }

    /** Bytes of the support's int32 CSR indices. */
    public long supportBytes() {
        return support.bytes();
    }

    /** Bytes of the activation workspaces H and G (tokens×r each) for the largest token count seen. */
    public long workspaceBytes() {
        return hidden == null ? 0 : 2L * hidden.rows() * rank * Float.BYTES;
    }

    /** Bytes of the gradients of the parameters (same as {@link #parameterBytes}). */
    public long gradientBytes() {
        return parameterBytes();
    }

    /** Bytes of a dense fp32 m×n weight, the comparison the layer is built to beat. */
    public long denseWeightBytes() {
        return (long) outFeatures * inFeatures * Float.BYTES;
    }

    private Matrix workspace(int tokens) {
        if (hidden == null || hidden.rows() < tokens) {
            hidden = backend.allocate(tokens, rank);
            projectedGrad = backend.allocate(tokens, rank);
        }
        return hidden.view(0, 0, tokens, rank);
    }

    private void check(String op, String role, Matrix m, int rows, int cols) {
        if (m == null || (rows >= 0 && m.rows() != rows) || m.cols() != cols) {
            throw new IllegalArgumentException("SparsePlusLowRankLinear." + op + ": " + role + " is "
                    + (m == null ? "null" : m.shape()) + "; need " + (rows >= 0 ? rows : "tokens") + "x" + cols
                    + " for a " + outFeatures + "x" + inFeatures + " layer");
        }
    }
}
