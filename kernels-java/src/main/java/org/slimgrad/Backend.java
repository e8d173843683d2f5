package org.slimgrad;

/**
 * The kernels slimgrad offers, one implementation per backend: {@code reference} (plain Java, float64
 * accumulation, the oracle), {@code cpu} (Vector API SIMD) and, with kernels-cuda, {@code cuda}.
 *
 * <p>Every operation validates its arguments before it writes anything: a null, a shape mismatch, a matrix of
 * another {@link MemoryDomain}, an output that overlaps an input, or closed memory raises an
 * {@link IllegalArgumentException} (or {@link IllegalStateException} for closed memory) whose message names the
 * operation and the shapes, and leaves every output untouched.
 *
 * <p>Outputs are the arguments named as modified; every other argument is only read, and an output that views
 * read-only memory is refused. The host backends (reference, cpu, native) are thread-safe: an instance may be used
 * from several threads at once as long as the outputs of concurrent calls do not overlap. The cuda backend is not yet:
 * one thread at a time (see CudaBackend).
 *
 * <p>Non-finite values stay where they are: in the line-wise DCT operations a NaN or ±Inf in one line affects only
 * that line's output, and finite input whose exact result is representable in float32 gives a finite result. The
 * factorisations refuse NaN or ±Inf input with an {@link IllegalArgumentException} before modifying anything.
 */
public interface Backend {

    /** The name {@link Backends#named(String)} knows this backend by. */
    String name();

    /** The memory domain whose matrices this backend computes on. */
    MemoryDomain domain();

    /** A new zero-filled {@code rows × cols} matrix in this backend's domain. */
    Matrix allocate(int rows, int cols);

    /**
     * m's contents in host memory, for saving or inspecting state: m itself on a host backend (no copy), else a new
     * dense row-major host copy. m must be a matrix of this backend.
     */
    Matrix toHost(Matrix m);

    /**
     * A matrix of this backend with the host matrix h's contents: h itself on a host backend (no copy), else a new
     * dense copy in this backend's memory.
     */
    Matrix fromHost(Matrix h);

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

    /**
     * Replaces the columns of the m×k matrix A (k ≤ m) by an orthonormal basis Q of their span (for full column
     * rank; for rank-deficient input Q is still orthonormal and its span contains A's). CholeskyQR2 on GEMM when A
     * is well-conditioned, falling back automatically to shifted CholeskyQR3, then to Householder QR; the method
     * used is returned. Modifies A.
     */
    OrthoMethod orthonormalize(Matrix a);

    /** Eigendecomposition of a small symmetric k×k matrix (only its symmetric part is used). */
    SymmetricEigen symmetricEigen(Matrix s);

    /**
     * Exact thin SVD of a small m×n matrix: U m×p, σ (p), Vᵀ p×n with p = min(m, n). Meant for p up to a few
     * thousand; the work is O(max(m, n)·p²) in float64.
     */
    Svd svd(Matrix a);

    /**
     * The top-{@code rank} singular triplets of A (m×n) by randomized subspace iteration (Halko, Martinsson &amp; Tropp
     * 2011, Alg. 4.4): a seeded sketch of {@code rank + oversample} columns ({@link CounterRandom#sketch}, the same
     * on every backend), {@code powerIterations} rounds of A·Aᵀ with re-orthonormalisation between products, then an
     * exact SVD of the small projected matrix. With {@code warmStart} (a previous result for a matrix of the same
     * shape) its right singular vectors replace the first sketch columns: subspace iteration continues from the
     * last refresh; only {@code warmStart.vt()} is read (its U may have no rows). {@code rank} must be in [1, min(m, n)]; {@code rank + oversample} is capped at min(m, n).
     */
    Svd randomizedSvd(Matrix a, int rank, int oversample, int powerIterations, long seed, Svd warmStart);

    /**
     * {@code y = } the orthonormal DCT-II of every line of x along {@code axis} (for rows, {@code y = x·Q} with
     * {@code Q[j][k] = c_k·cos(πk(2j+1)/2n)}, c₀ = √(1/n), c_k = √(2/n)), in O(n log n) per line for every length n.
     * y has x's shape and may be x itself (in place) but must not overlap it otherwise. Modifies y.
     */
    void dct(Matrix x, Matrix y, Axis axis);

    /** The inverse of {@link #dct}: the orthonormal DCT-III of every line ({@code y = x·Qᵀ} for rows). Modifies y. */
    void idct(Matrix x, Matrix y, Axis axis);

    /**
     * Scores every DCT basis vector on g: {@code scores[k]} is the L1 (or L2) norm of coefficient k over all lines
     * of the DCT-II of g along {@code axis} — for rows the norms of the columns of {@code g·Q}. The coefficients are
     * not stored. {@code scores} is 1 × (line length). Modifies scores.
     */
    void dctScores(Matrix g, Axis axis, ScoreNorm norm, Matrix scores);

    /**
     * The indices of the k largest of the 1×n {@code scores}, in ascending index order; of equal scores the lower
     * index wins. Found by selection in O(n + k·log k). NaN scores are rejected. 1 ≤ k ≤ n.
     */
    int[] topK(Matrix scores, int k);

    /**
     * The coefficients {@code indices} of the DCT-II of every line of g: for rows {@code r = (g·Q)[:, indices]}
     * (m × k), for columns {@code r = (Qᵀ·g)[indices, :]} (k × n). Indices must be distinct and in range. The full
     * transform is not stored. Modifies r.
     */
    void dctGather(Matrix g, Axis axis, int[] indices, Matrix r);

    /**
     * One refresh of a DCT projector from a single transform of g: {@code scores} as {@link #dctScores}; then, when
     * every score is finite, the indices of the k largest as {@link #topK}, returned, and {@code r} as
     * {@link #dctGather} at those indices. When a score is NaN or ±Inf, returns null and leaves r as it was. The
     * result is the same as those three calls; a backend may keep the transform between its two halves (the CPU
     * backend does, in a scratch of g's size held softly by the calling thread) instead of computing it twice.
     * 1 ≤ k ≤ line length. Modifies scores and r.
     */
    int[] dctSelect(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r);

    /**
     * The back-projection of {@link #dctGather}: {@code out = α·r·Q[:, indices]ᵀ + β·out} for rows ({@code
     * α·Q[:, indices]·r + β·out} for columns), computed as an inverse DCT of zero-filled coefficient lines. As in
     * BLAS, β = 0 means out is not read. Modifies out.
     */
    void idctScatter(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out);

    /**
     * {@code Y = α·X·op(S) + β·Y} for the sparse S (m×n) given by {@code support} and its 1×nnz {@code values}, with
     * op(S) = Sᵀ when {@code transposeS} (the layer forward: X tokens×n, Y tokens×m) and S otherwise (the input
     * gradient: X tokens×m, Y tokens×n). Work is O(nnz·tokens); S is never densified. β = 0 means Y is not read.
     * Modifies Y.
     */
    void spmm(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values, float beta, Matrix y);

    /**
     * The sampled dense-dense product: {@code values[p] = α·(Aᵀ·B)[i_p, j_p] + β·values[p]} for every position
     * p = (i_p, j_p) of the support, with A tokens×m and B tokens×n: the gradient of S's values
     * ({@code A = dY}, {@code B = X}) without forming the m×n product. β = 0 means values are not read. Modifies
     * values.
     */
    void sddmm(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values);

    /** {@code dense = dense + α·S}: adds the sparse matrix into a dense m×n one. Modifies dense. */
    void sparseAddTo(FixedSupport support, Matrix values, float alpha, Matrix dense);

    /** {@code values[p] = dense[i_p, j_p]}: reads a dense m×n matrix on the support. Modifies values. */
    void sparseGather(Matrix dense, FixedSupport support, Matrix values);

    /**
     * {@code dense[i_p, j_p] = values[p]}: writes the values into a dense m×n matrix at the support's positions and
     * leaves every other element as it was. Modifies dense.
     */
    void sparseScatter(FixedSupport support, Matrix values, Matrix dense);

    /**
     * One Adam step on its moments, with a scaled epilogue: {@code m = β₁·m + (1−β₁)·g}, {@code v = β₂·v + (1−β₂)·g²},
     * then {@code out = α·m̂/(√v̂ + ε) + β·out} with the bias corrections {@code m̂ = m/(1−β₁ᵗ)}, {@code v̂ = v/(1−β₂ᵗ)}
     * for step t ≥ 1. With {@code out = g} (the same view) the normalised update replaces the gradient; with
     * {@code out = W}, α = −lr and β = 1 − lr·λ it is AdamW's whole update in one pass. β = 0 means out is not
     * read. Modifies m, v and out.
     */
    void adam(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step, float alpha,
              float beta, Matrix out);

    /**
     * {@link #adam} with its moments kept in bfloat16, half the bytes: {@code m16} and {@code v16} are r × ⌈c/2⌉
     * matrices whose every 32-bit element holds two bf16 moments, element 2s in the low 16 bits and 2s+1 in the high
     * ones ({@link Bf16}), for an r×c gradient. The step reads them as fp32, computes exactly as {@link #adam}, and
     * stores the new moments rounded to the nearest bf16 (ties to even). An all-zero matrix is a zero state.
     * Modifies m16, v16 and out.
     */
    void adamBf16(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon, long step, float alpha,
                  float beta, Matrix out);
}
