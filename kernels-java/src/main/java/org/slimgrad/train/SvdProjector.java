package org.slimgrad.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.linalg.RandomizedSvd;
import org.slimgrad.linalg.Transpose;

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
public final class SvdProjector extends AbstractProjector {

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
    private Matrix basis;
    /** C = P_oldᵀ·P_new from the last refresh that replaced a subspace, for {@link #rotate}; null before. */
    private Matrix change;

    public SvdProjector(Backend backend, int rows, int cols, int rank, int updateGap, float scale, Refresh refresh,
                        NonFinitePolicy nonFinite, long seed) {
        super("SvdProjector", backend, rows, cols, rank, updateGap, scale, nonFinite);
        if (refresh == null) {
            throw new IllegalArgumentException("SvdProjector: refresh must not be null");
        }
        this.refresh = refresh;
        this.seed = seed;
    }

    /** The current basis P (n×r on the right side, m×r on the left); null before the first step. */
    public Matrix basis() {
        return basis;
    }

    @Override
    public void projectCurrent(Matrix g, float beta, Matrix r) {
        requireSubspace("projectCurrent");
        if (projectsRight()) {
            backend.gemm(false, false, 1f, g, basis, beta, r);
        } else {
            backend.gemm(true, false, 1f, basis, g, beta, r);
        }
    }

    @Override
    public void projectBack(Matrix r, float c, float beta, Matrix out) {
        requireSubspace("projectBack");
        ProjectorChecks.shape("SvdProjector", "projectBack", "R", r, projectedRows(), projectedCols());
        ProjectorChecks.shape("SvdProjector", "projectBack", "out", out, rows, cols);
        if (projectsRight()) {
            backend.gemm(false, true, c * scale, r, basis, beta, out);
        } else {
            backend.gemm(false, false, c * scale, basis, r, beta, out);
        }
    }

    @Override
    public void rotate(Matrix state) {
        rotateWith(state, change);
    }

    @Override
    public void rotateSquares(Matrix v) {
        if (change == null) {
            return;
        }
        Matrix squares = backend.allocate(rank, rank);
        for (int i = 0; i < rank; i++) {
            for (int j = 0; j < rank; j++) {
                float c = change.get(i, j);
                squares.set(i, j, c * c);
            }
        }
        rotateWith(v, squares);
    }

    // M·C on the right side, Cᵀ·M on the left, through one projected-shape temporary
    private void rotateWith(Matrix state, Matrix c) {
        ProjectorChecks.shape("SvdProjector", "rotate", "state", state, projectedRows(), projectedCols());
        if (c == null) {
            return;
        }
        Matrix rotated = backend.allocate(state.rows(), state.cols());
        if (projectsRight()) {
            backend.gemm(false, false, 1f, state, c, 0f, rotated);
        } else {
            backend.gemm(true, false, 1f, c, state, 0f, rotated);
        }
        backend.copy(rotated, state);
    }

    /**
     * The basis P and, after the first change of subspace, the r×r rotation C. The randomized refresh's workspace,
     * O((m + n)·(r + p)) floats, exists only during a refresh (see {@link #refreshWorkspaceBytes}).
     */
    @Override
    public long bytesHeld() {
        long basisBytes = (long) (projectsRight() ? cols : rows) * rank * Float.BYTES;
        long rotation = change == null ? 0 : (long) rank * rank * Float.BYTES;
        return basisBytes + rotation;
    }

    /** Bytes a refresh allocates and releases: the randomized SVD's workspace (0 for the exact refresh's). */
    public long refreshWorkspaceBytes() {
        return refresh.exactSvd() ? 0 : RandomizedSvd.workspaceBytes(rows, cols, rank, refresh.oversample());
    }

    @Override
    protected boolean hasSubspace() {
        return basis != null;
    }

    @Override
    protected boolean recompute(Matrix g) {
        if (!ProjectorChecks.allFinite(g)) {
            return false;
        }
        // the old basis is copied first: the new one is written over its storage
        Matrix old = null;
        if (basis != null) {
            old = backend.allocate(basis.rows(), basis.cols());
            backend.copy(basis, old);
        }
        Svd svd = refresh.exactSvd() ? backend.svd(g) : randomized(g);
        Matrix fresh = projectsRight() ? svd.vt().view(0, 0, rank, cols) : svd.u().view(0, 0, rows, rank);
        if (basis == null) {
            basis = backend.allocate(projectsRight() ? cols : rows, rank);
        }
        if (projectsRight()) {
            Transpose.into(fresh, basis);
        } else {
            backend.copy(fresh, basis);
        }
        if (old != null) {
            change = change != null ? change : backend.allocate(rank, rank);
            backend.gemm(true, false, 1f, old, basis, 0f, change);
        }
        return true;
    }

    @Override
    protected void writeSubspace(DataOutputStream out) throws IOException {
        out.writeBoolean(basis != null);
        if (basis != null) {
            writeMatrix(out, basis);
        }
        out.writeBoolean(change != null);
        if (change != null) {
            writeMatrix(out, change);
        }
    }

    @Override
    protected void readSubspace(DataInputStream in) throws IOException {
        basis = null;
        change = null;
        if (in.readBoolean()) {
            basis = backend.allocate(projectsRight() ? cols : rows, rank);
            readMatrix(in, basis, "SvdProjector basis");
        }
        if (in.readBoolean()) {
            change = backend.allocate(rank, rank);
            readMatrix(in, change, "SvdProjector rotation");
        }
    }

    private void requireSubspace(String op) {
        if (basis == null) {
            throw new IllegalStateException("SvdProjector." + op + ": no subspace yet; call project first");
        }
    }

    /**
     * A randomized refresh with a workspace that lives for this call only, warm-started from the current basis:
     * on the right side P is the previous V; on the left the start is Pᵀ·G (r×n), one power step from the previous U.
     */
    private Svd randomized(Matrix g) {
        RandomizedSvd plan = new RandomizedSvd(backend, rows, cols, rank, refresh.oversample());
        Svd warm = null;
        if (basis != null) {
            Matrix start = backend.allocate(rank, cols);
            if (projectsRight()) {
                Transpose.into(basis, start);
            } else {
                backend.gemm(true, false, 1f, basis, g, 0f, start);
            }
            warm = new Svd(backend.allocate(0, rank), new float[rank], start); // the plan reads only Vᵀ
        }
        return plan.compute(g, refresh.powerIterations(), seed + steps(), warm);
    }
}
