package org.slimgrad;

/**
 * The DCT operations of SVD-free gradient projection: transforms of every line, column scores, top-k selection,
 * and the gather and back-projection at chosen frequencies, none of which stores the DCT basis.
 *
 * <p>One capability of a {@link Backend}; its general contract (validation before any write, outputs, threads,
 * non-finite values) applies to every method here.
 */
public interface DctOps {

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
}
