package org.slimgrad;

/**
 * The factorisations: orthonormalisation, the small exact SVD and eigendecomposition, and the randomized SVD
 * that GaLore-style projectors refresh with.
 *
 * <p>One capability of a {@link Backend}; its general contract (validation before any write, outputs, threads,
 * non-finite values) applies to every method here.
 */
public interface Factorizations {

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
     * {@link #randomizedSvd(Matrix, int, int, int, long, Svd)} into the caller's matrices, for refreshes that must
     * not allocate (a device backend keeps its workspace per shape, so a repeated call reaches no allocator): U into
     * {@code u} (m×rank) and Vᵀ into {@code vt} (rank×n), either null when it is not wanted (its product is then
     * skipped, not only its copy); returns σ. Neither output may overlap A, the warm start or the other.
     */
    float[] randomizedSvd(Matrix a, int rank, int oversample, int powerIterations, long seed, Svd warmStart,
                          Matrix u, Matrix vt);
}
