package org.slimgrad;

/**
 * A (truncated) singular value decomposition A ≈ U·diag(σ)·Vᵀ: U is m×r with orthonormal columns, σ holds r
 * non-negative values in descending order, Vᵀ is r×n with orthonormal rows.
 */
public record Svd(Matrix u, float[] sigma, Matrix vt) {

    public Svd {
        if (u == null || sigma == null || vt == null || u.cols() != sigma.length || vt.rows() != sigma.length) {
            throw new IllegalArgumentException("Svd: need U m x r, sigma of length r and Vt r x n");
        }
    }

    /** The number of singular triplets held. */
    public int rank() {
        return sigma.length;
    }
}
