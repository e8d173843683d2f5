package org.slimgrad.train;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/**
 * A projector on a basis the user supplies: everything else (schedule, GEMM projection and back-projection, moment
 * rotation, state, non-finite policy, memory accounting) is the library's. The {@link BasisRule} is called at every
 * refresh and writes an orthonormal P into {@code into} (n×r when the projection is on the right, m ≥ n; m×r on the
 * left); a fixed basis is a rule that copies it, a learned one computes it from the gradient.
 *
 * <pre>
 *   Matrix p = ...;                        // 1024×256, orthonormal columns: a 2736×1024 layer projects R = G·P
 *   var projector = new CustomBasisProjector(cpu, 2736, 1024, 256, 200, 1f, NonFinitePolicy.THROW,
 *           (backend, g, current, into) -> { backend.copy(p, into); return true; });
 * </pre>
 *
 * Not thread-safe, like every projector (see {@link GradientProjector}).
 */
public final class CustomBasisProjector extends BasisProjector {

    /** How a refresh finds the new basis. */
    @FunctionalInterface
    public interface BasisRule {
        /**
         * Writes an orthonormal basis into {@code into} from the gradient g (m×n) and, after the first refresh, the
         * current basis (not yet replaced); returns false, writing nothing, to refuse the refresh (a gradient with
         * NaN or ±Inf, say), which the projector's {@link NonFinitePolicy} then handles.
         */
        boolean computeBasis(Backend backend, Matrix g, Matrix current, Matrix into);
    }

    private final BasisRule rule;

    public CustomBasisProjector(Backend backend, int rows, int cols, int rank, int updateGap, float scale,
                                NonFinitePolicy nonFinite, BasisRule rule) {
        super("CustomBasisProjector", backend, rows, cols, rank, updateGap, scale, nonFinite);
        if (rule == null) {
            throw new IllegalArgumentException("CustomBasisProjector: rule must not be null");
        }
        this.rule = rule;
    }

    @Override
    protected boolean computeBasis(Matrix g, Matrix current, Matrix into) {
        return rule.computeBasis(backend, g, current, into);
    }
}
