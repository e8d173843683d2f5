package org.slimgrad.train;

import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;

/**
 * The baseline the learned subspaces are measured against: P is a random orthonormal basis (a seeded sketch,
 * orthonormalised), drawn anew at every refresh from the seed and the step, so it is the same on every backend and
 * can be regenerated instead of stored. The gradient is only checked to be finite. Side rule as in {@link GradientProjector}.
 */
public final class RandomProjector extends BasisProjector {

    private final long seed;

    public RandomProjector(Backend backend, int rows, int cols, int rank, int updateGap, float scale, long seed) {
        super("RandomProjector", backend, rows, cols, rank, updateGap, scale, NonFinitePolicy.THROW);
        this.seed = seed;
    }

    @Override
    protected boolean computeBasis(Matrix g, Matrix current, Matrix into) {
        if (!Double.isFinite(backend.sumOfSquares(g))) { // the basis ignores g, but a refresh on NaN is refused alike
            return false;
        }
        CounterRandom.fillSketch(into, seed + steps());
        backend.orthonormalize(into);
        return true;
    }
}
