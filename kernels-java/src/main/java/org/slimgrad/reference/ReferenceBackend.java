package org.slimgrad.reference;

import org.slimgrad.DctOps;
import org.slimgrad.DenseOps;
import org.slimgrad.Factorizations;
import org.slimgrad.HostBackend;
import org.slimgrad.OptimizerOps;
import org.slimgrad.SparseOps;

/**
 * The oracle: every kernel is the textbook loop, accumulating in float64 and rounding once to fp32, so its
 * error is at most half an ulp of the exact result's rounding plus the float64 error (≈ K·2⁻⁵³ relative); the
 * factorisations are textbook float64 algorithms that share no code with the other backends'.
 * Slow on purpose; tests compare every other backend with it.
 */
public final class ReferenceBackend extends HostBackend {

    private final DenseOps dense = new ReferenceDense(this);
    private final Factorizations factorizations = new ReferenceFactorizations(this);
    private final DctOps dct = new ReferenceDctOps(this);
    private final SparseOps sparse = new ReferenceSparse(this);
    private final OptimizerOps optimizer = new ReferenceOptimizer(this);

    public ReferenceBackend() {
        super("reference");
    }

    @Override
    public DenseOps dense() {
        return dense;
    }

    @Override
    public Factorizations factorizations() {
        return factorizations;
    }

    @Override
    public DctOps dctOps() {
        return dct;
    }

    @Override
    public SparseOps sparse() {
        return sparse;
    }

    @Override
    public OptimizerOps optimizer() {
        return optimizer;
    }
}
