package org.slimgrad.train;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.linalg.RandomizedSvd;

/**
 * GaLore's projector: P spans the top-r singular subspace of the gradient, refreshed every {@code updateGap} steps
 * (step 0 included) from the gradient of that step. Side rule as in {@link GradientProjector}: m ≥ n (square
 * included) takes P = V[:, :r] (n×r) and R = G·P; m &lt; n takes P = U[:, :r] (m×r) and R = Pᵀ·G.
 *
 * <p>The refresh is either {@link Refresh#exact() exact} (the full SVD, float64 Gram route: seconds for a
 * 1024×2736 layer) or {@link Refresh#randomized randomized} (default oversample 10, two power iterations,
 * warm-started from the previous subspace). A requested rank above min(m, n) is clamped to min(m, n), where the
 * projection is a rotation and loses nothing.
 */
public final class SvdProjector extends BasisProjector {

    /** How the subspace is recomputed. */
    public record Refresh(boolean exactSvd, int oversample, int powerIterations) {

        public Refresh {
            if (oversample < 0 || powerIterations < 0) {
                throw new IllegalArgumentException("SvdProjector.Refresh: oversample " + oversample
                        + " and powerIterations " + powerIterations + " must be non-negative");
            }
        }

        public static Refresh exact() {
            return new Refresh(true, 0, 0);
        }

        public static Refresh randomized(int oversample, int powerIterations) {
            return new Refresh(false, oversample, powerIterations);
        }
    }

    private final Refresh refresh;
    private final long seed;

    public SvdProjector(Backend backend, int rows, int cols, int rank, int updateGap, float scale, Refresh refresh,
                        NonFinitePolicy nonFinite, long seed) {
        super("SvdProjector", backend, rows, cols, rank, updateGap, scale, nonFinite);
        if (refresh == null) {
            throw new IllegalArgumentException("SvdProjector: refresh must not be null");
        }
        this.refresh = refresh;
        this.seed = seed;
    }

    /** Bytes a refresh allocates and releases: the randomized SVD's workspace (0 for the exact refresh's). */
    public long refreshWorkspaceBytes() {
        return refresh.exactSvd() ? 0 : RandomizedSvd.workspaceBytes(rows, cols, rank, refresh.oversample());
    }

    @Override
    public long refreshTransientBytes() {
        long warmStart = refresh.exactSvd() ? 0 : (long) rank * cols * Float.BYTES;
        return super.refreshTransientBytes() + refreshWorkspaceBytes() + warmStart;
    }

    /**
     * The top-r singular vectors of g. A warm-started randomized refresh whose basis comes out non-finite (a start
     * that went bad) is redone from a fresh sketch before the refresh is refused.
     */
    @Override
    protected boolean computeBasis(Matrix g, Matrix current, Matrix into) {
        if (!Double.isFinite(backend.sumOfSquares(g))) {
            return false;
        }
        if (refresh.exactSvd()) {
            writeBasis(backend.svd(g), into);
        } else {
            writeBasis(randomized(g, current), into);
            if (current != null && !Double.isFinite(backend.sumOfSquares(into))) {
                writeBasis(randomized(g, null), into);
            }
        }
        return Double.isFinite(backend.sumOfSquares(into));
    }

    private void writeBasis(Svd svd, Matrix into) {
        if (projectsRight()) {
            backend.transpose(svd.vt().view(0, 0, rank, cols), into);
        } else {
            backend.copy(svd.u().view(0, 0, rows, rank), into);
        }
    }

    /**
     * A randomized refresh with a workspace that lives for this call only, warm-started from the current basis:
     * on the right side P is the previous V; on the left the start is Pᵀ·G (r×n), one power step from the previous U.
     */
    private Svd randomized(Matrix g, Matrix current) {
        Svd warm = null;
        if (current != null) {
            Matrix start = backend.allocate(rank, cols);
            if (projectsRight()) {
                backend.transpose(current, start);
            } else {
                backend.gemm(true, false, 1f, current, g, 0f, start);
            }
            warm = new Svd(backend.allocate(0, rank), new float[rank], start); // only Vᵀ is read
        }
        return backend.randomizedSvd(g, rank, refresh.oversample(), refresh.powerIterations(), seed + steps(), warm);
    }
}
