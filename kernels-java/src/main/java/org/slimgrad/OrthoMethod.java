package org.slimgrad;

/** How {@link Backend#orthonormalize(Matrix)} produced its basis, from cheapest to most robust. */
public enum OrthoMethod {
    /** Two passes of Cholesky QR, all heavy work in GEMM: for condition numbers up to about 10³. */
    CHOLESKY_QR2,
    /** A shifted Cholesky QR pass first, then two plain ones: for condition numbers up to about 10⁴ in fp32. */
    SHIFTED_CHOLESKY_QR3,
    /** Householder QR in float64: for rank-deficient, zero or worse-conditioned input; slow, always orthonormal. */
    HOUSEHOLDER_QR
}
