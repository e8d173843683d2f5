package org.slimgrad.reference;

import org.slimgrad.Capabilities;
import org.slimgrad.HostBackend;

/**
 * The oracle: every kernel is the textbook loop, accumulating in float64 and rounding once to fp32, so its
 * error is at most half an ulp of the exact result's rounding plus the float64 error (≈ K·2⁻⁵³ relative); the
 * factorisations are textbook float64 algorithms that share no code with the other backends'.
 * Slow on purpose; tests compare every other backend with it.
 */
public final class ReferenceBackend extends HostBackend {

    public ReferenceBackend() {
        super("reference", owner -> new Capabilities(new ReferenceDense(owner), new ReferenceFactorizations(owner),
                new ReferenceDctOps(owner), new ReferenceSparse(owner), new ReferenceOptimizer(owner)));
    }

}
