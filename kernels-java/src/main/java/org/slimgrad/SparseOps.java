package org.slimgrad;

/**
 * The fixed-support sparse operations of SLTrain-style layers ({@code W = B·A + S}): products with S and the
 * sampled gradient of its values, none of which densifies S.
 *
 * <p>One capability of a {@link Backend}; its general contract (validation before any write, outputs, threads,
 * non-finite values) applies to every method here.
 */
public interface SparseOps {

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
     * The backward pass of S in an SLTrain layer {@code Y = X·Sᵀ + …}, from the output gradient dY (tokens×m) and the
     * layer input X (tokens×n): {@code gradValues = (dYᵀ·X)} on the support (as {@link #sddmm} with α = 1, β = 0)
     * and, when {@code dx} is not null, {@code dx = dx + dY·S} (as {@link #spmm} without transposing S, β = 1). The
     * outputs must not overlap each other or the inputs. Modifies gradValues and dx.
     */
    void sparseBackward(Matrix dy, Matrix x, FixedSupport support, Matrix values, Matrix gradValues, Matrix dx);
}
