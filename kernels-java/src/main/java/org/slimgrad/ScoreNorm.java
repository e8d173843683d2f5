package org.slimgrad;

/** The norm {@link Backend#dctScores} takes of each coefficient's values over all lines. */
public enum ScoreNorm {
    /** Sum of absolute values (the SVD-free DCT projection's choice). */
    L1,
    /** Euclidean norm: the square root of the energy the coefficient carries. */
    L2
}
