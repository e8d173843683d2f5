package org.slimgrad;

/** S = V·diag(λ)·Vᵀ: eigenvalues in descending order; column j of {@code vectors} is the unit eigenvector of λⱼ. */
public record SymmetricEigen(float[] values, Matrix vectors) {
}
