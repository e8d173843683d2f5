package org.slimgrad.train;

/** What a projector's refresh does with a gradient holding NaN or ±Inf. */
public enum NonFinitePolicy {
    /** Throw {@link IllegalStateException} naming the layer shape and the step. */
    THROW,
    /** Keep the previous subspace and carry on; throws anyway when there is no previous subspace yet. */
    KEEP_PREVIOUS
}
