package org.slimgrad;

/**
 * The dense matrix operations: products, element-wise updates, data movement and reductions on float32 matrices.
 *
 * <p>One capability of a {@link Backend}; its general contract (validation before any write, outputs, threads,
 * non-finite values) applies to every method here.
 */
public interface DenseOps {

    /**
     * {@code C = α·op(A)·op(B) + β·C}, where {@code op(X)} is {@code Xᵀ} when its flag is set. op(A) is m×k,
     * op(B) is k×n and C is m×n. As in BLAS, {@code β = 0} means C is not read (NaN or Inf in C do not
     * propagate) and {@code k = 0} leaves {@code C = β·C}. C must not overlap A or B. Modifies C.
     */
    void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c);

    /** {@code Y = α·X + Y} for matrices of equal shape; X may be Y itself but not overlap it partially. Modifies Y. */
    void axpy(float alpha, Matrix x, Matrix y);

    /** {@code Y = X} for matrices of equal shape that do not overlap. Modifies Y. */
    void copy(Matrix x, Matrix y);

    /** {@code X = α·X}. With {@code α = 0} X becomes zero even where it held NaN. Modifies X. */
    void scale(float alpha, Matrix x);

    /**
     * Fills X with {@link CounterRandom#fillUniform}'s values: element (i, j) from {@code bits(seed, i·cols + j)},
     * uniform in [−bound, bound), bit-identical on every backend (an initialisation that needs no host copy).
     * Modifies X.
     */
    void fillUniform(Matrix x, float bound, long seed);

    /** Sets every element of X to {@code value}. Modifies X. */
    void fill(Matrix x, float value);

    /** {@code out = x ∘ y}, element by element, for matrices of equal shape; out may be x or y itself. Modifies out. */
    void hadamard(Matrix x, Matrix y, Matrix out);

    /** {@code Y = Xᵀ}: X is m×n, Y is n×m and must not overlap X. Modifies Y. */
    void transpose(Matrix x, Matrix y);

    /**
     * The sum of the squares of X's elements (‖X‖_F²), accumulated in float64 so that no finite fp32 input
     * overflows: the result is NaN or +∞ exactly when X holds a NaN or an infinity.
     */
    double sumOfSquares(Matrix x);

    /**
     * {@code W = W + α·U·Vᵀ} with W m×n, U m×r and V n×r: the GaLore back-projection and the ReLoRA merge,
     * computed without an m×n temporary. W must not overlap U or V. Modifies W.
     */
    void lowRankUpdate(Matrix w, float alpha, Matrix u, Matrix v);
}
