package org.slimgrad.train;

import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;
import org.slimgrad.Scratch;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;
import org.slimgrad.collective.Collective;
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
    /** Whether P = V (n×r, the lines are rows); for a sharded block, the whole matrix's side. */
    private final boolean right;
    /** The ranks that hold the other lines of a tensor-parallel matrix; null for a whole matrix. */
    private final Collective group;

    public SvdProjector(Backend backend, int rows, int cols, int rank, int updateGap, float scale, Refresh refresh,
                        NonFinitePolicy nonFinite, long seed) {
        this(backend, rows, cols, rank, updateGap, scale, refresh, nonFinite, seed, rows >= cols, null);
    }

    private SvdProjector(Backend backend, int rows, int cols, int rank, int updateGap, float scale, Refresh refresh,
                         NonFinitePolicy nonFinite, long seed, boolean right, Collective group) {
        super("SvdProjector", backend, rows, cols, rank, updateGap, scale, nonFinite);
        if (refresh == null) {
            throw new IllegalArgumentException("SvdProjector: refresh must not be null");
        }
        this.refresh = refresh;
        this.seed = seed;
        this.right = right;
        this.group = group;
    }

    /**
     * The projector of one rank's block of a matrix split across {@code group}'s ranks by its lines (tensor
     * parallel), as {@link DctProjector#sharded}: {@code rows × cols} is this rank's block; {@link Axis#ROWS} when the
     * whole matrix has at least as many rows as columns and the ranks hold blocks of its rows (P = V, n×r, the same on
     * every rank), {@link Axis#COLUMNS} for blocks of the columns of a wide one (P = U, m×r). The refresh is a
     * randomized range finder on GᵀG (GGᵀ) from the seeded sketch, without any rank seeing another's gradient:
     * {@code powerIterations + 1} products Z ← Σ_ranks G_iᵀ·(G_i·Z), each all-reduced (n×l values) and
     * orthonormalised, then the l×l matrix Σ_ranks (G_i·Z)ᵀ·(G_i·Z) all-reduced and diagonalised; P is Z times its
     * top-r eigenvectors. Randomized refreshes only; host matrices (the collective's).
     */
    public static SvdProjector sharded(Backend backend, int rows, int cols, Axis lines, int rank, int updateGap,
                                       float scale, Refresh refresh, NonFinitePolicy nonFinite, long seed,
                                       Collective group) {
        if (group == null || lines == null || refresh == null || refresh.exactSvd()
                || rank > Math.min(rows, cols)) {
            throw new IllegalArgumentException("SvdProjector.sharded: block " + rows + "x" + cols + ", lines " + lines
                    + ", rank " + rank + ", refresh " + refresh + ", group " + group + "; need a group, the lines'"
                    + " axis, a randomized refresh and a block with at least rank rows and columns");
        }
        return new SvdProjector(backend, rows, cols, rank, updateGap, scale, refresh, nonFinite, seed,
                lines == Axis.ROWS, group);
    }

    @Override
    public boolean projectsRight() {
        return right;
    }

    /** Bytes a refresh allocates and releases: the randomized SVD's workspace (0 for the exact refresh's). */
    public long refreshWorkspaceBytes() {
        return refresh.exactSvd() ? 0 : RandomizedSvd.workspaceBytes(rows, cols, rank, refresh.oversample());
    }

    /** Besides the basis' own: the workspace, the warm start (r×n) and, on the right side, Vᵀ (r×n) before P = V. */
    @Override
    public long refreshTransientBytes() {
        long starts = refresh.exactSvd() ? 0 : (projectsRight() ? 2L : 1L) * rank * cols * Float.BYTES;
        return super.refreshTransientBytes() + refreshWorkspaceBytes() + starts;
    }

    /**
     * The top-r singular vectors of g. A warm-started randomized refresh whose basis comes out non-finite (a start
     * that went bad) is redone from a fresh sketch before the refresh is refused.
     */
    @Override
    protected boolean computeBasis(Matrix g, Matrix current, Matrix into) {
        if (group != null) {
            return basisAcrossRanks(g, into);
        }
        if (!Double.isFinite(backend.sumOfSquares(g))) {
            return false;
        }
        if (refresh.exactSvd()) {
            Svd svd = backend.svd(g);
            if (projectsRight()) {
                backend.transpose(svd.vt().view(0, 0, rank, cols), into);
            } else {
                backend.copy(svd.u().view(0, 0, rows, rank), into);
            }
            return Double.isFinite(backend.sumOfSquares(into));
        }
        randomized(g, current, into);
        boolean finite = Double.isFinite(backend.sumOfSquares(into));
        if (finite || current == null) {
            return finite;
        }
        randomized(g, null, into);
        return Double.isFinite(backend.sumOfSquares(into));
    }

    // the sharded refresh (see sharded): G_i is this rank's block; "lines" of length d = n (right) or m (left)
    private boolean basisAcrossRanks(Matrix g, Matrix into) {
        double[] squares = {backend.sumOfSquares(g)};
        group.allReduceSum(squares);
        if (!Double.isFinite(squares[0])) {
            return false; // on every rank: the same sum
        }
        int d = right ? cols : rows;
        int l = Math.min(rank + refresh.oversample(), d);
        int local = right ? rows : cols;
        Matrix z = Matrix.wrap(new float[d * l], d, l);
        CounterRandom.fillSketch(z, seed + steps());
        try (Scratch scratch = backend.scratch()) {
            Matrix y = scratch.allocate(local, l);
            for (int it = 0; it <= refresh.powerIterations(); it++) {
                backend.gemm(!right, false, 1f, g, z, 0f, y);       // Y = G_i·Z (right) or G_iᵀ·Z (left)
                backend.gemm(right, false, 1f, g, y, 0f, z);        // Z = G_iᵀ·Y (right) or G_i·Y (left)
                group.allReduceSum(z);
                backend.orthonormalize(z);
            }
            backend.gemm(!right, false, 1f, g, z, 0f, y);
            Matrix gram = Matrix.wrap(new float[l * l], l, l);
            backend.gemm(true, false, 1f, y, y, 0f, gram);
            group.allReduceSum(gram);
            SymmetricEigen eigen = backend.symmetricEigen(gram);
            backend.gemm(false, false, 1f, z, eigen.vectors().view(0, 0, l, rank), 0f, into);
        }
        return Double.isFinite(backend.sumOfSquares(into));
    }

    /**
     * A randomized refresh into the basis-shaped {@code into}, warm-started from the current basis: on the right side
     * P is the previous V; on the left the start is Pᵀ·G (r×n), one power step from the previous U. Only the side
     * that becomes P is computed (U straight into P on the left, Vᵀ through scratch on the right), and every
     * temporary is scratch: a warm refresh allocates nothing where the backend pools its scratch (CUDA). The host
     * backends' scratch is ordinary arrays, and the CPU backend builds a randomized-SVD plan per call: 25.5 MB of
     * garbage per refresh at 1024×2736, rank 256, which the collector reclaims.
     */
    private void randomized(Matrix g, Matrix current, Matrix into) {
        try (Scratch scratch = backend.scratch()) {
            Svd warm = null;
            if (current != null) {
                Matrix start = scratch.allocate(rank, cols);
                if (projectsRight()) {
                    backend.transpose(current, start);
                } else {
                    backend.gemm(true, false, 1f, current, g, 0f, start);
                }
                // only Vᵀ is read: U is an empty host matrix on every backend
                warm = new Svd(Matrix.wrap(new float[0], 0, rank), new float[rank], start);
            }
            long seedOfStep = seed + steps();
            if (projectsRight()) {
                Matrix vt = scratch.allocate(rank, cols);
                backend.randomizedSvd(g, rank, refresh.oversample(), refresh.powerIterations(), seedOfStep, warm,
                        null, vt);
                backend.transpose(vt, into);
            } else {
                backend.randomizedSvd(g, rank, refresh.oversample(), refresh.powerIterations(), seedOfStep, warm,
                        into, null);
            }
        }
    }
}
