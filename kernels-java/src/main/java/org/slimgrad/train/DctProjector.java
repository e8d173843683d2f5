package org.slimgrad.train;

import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;

/**
 * The SVD-free projector of Modoranu et al. 2025 (arXiv 2505.17967): the basis is a fixed set of r columns of the
 * orthonormal DCT-II matrix Q, chosen at every refresh as those with the largest norm of {@code G·Q} (L1 by
 * default); the state is those r indices, nothing else. Side rule as in {@link GradientProjector}: m ≥ n (square
 * included) scores the columns of {@code G·Q} (Q n×n) and projects {@code R = (G·Q)[:, idx]}; m &lt; n scores the
 * rows of {@code Qᵀ·G} (Q m×m) and projects {@code R = (Qᵀ·G)[idx, :]}. Back-projection is the inverse DCT of the
 * zero-filled coefficients. No n×n matrix exists anywhere: the transforms are O(n log n) per line.
 *
 * <p>Indices are kept in ascending order, so column t of R (row t on the left side) always belongs to the t-th
 * smallest chosen frequency. The previous indices are kept for {@link #rotate}: Q's columns are orthonormal, so the
 * change-of-basis matrix {@code Q[:, old]ᵀ·Q[:, new]} is a 0/1 matching of equal indices, and rotating a projected
 * moment moves the columns of frequencies that stay and zeroes those of new ones, in O(m·r).
 *
 * <p>A gradient holding NaN or ±Inf makes some score non-finite; a refresh detects that from the score
 * row alone and follows the {@link NonFinitePolicy}.
 */
public final class DctProjector implements GradientProjector {

    private final Backend backend;
    private final int rows;
    private final int cols;
    private final int rank;
    private final int updateGap;
    private final float scale;
    private final ScoreNorm norm;
    private final NonFinitePolicy nonFinite;
    private final Axis axis;
    private final Matrix scores;
    private int[] indices;
    private int[] previous;
    private long step;
    private long skippedRefreshes;
    private boolean changed;

    public DctProjector(Backend backend, int rows, int cols, int rank, int updateGap, float scale, ScoreNorm norm,
                        NonFinitePolicy nonFinite) {
        ProjectorChecks.layer("DctProjector", backend, rows, cols, rank, updateGap);
        if (norm == null || nonFinite == null) {
            throw new IllegalArgumentException("DctProjector: norm and nonFinite must not be null");
        }
        this.backend = backend;
        this.rows = rows;
        this.cols = cols;
        this.rank = Math.min(rank, Math.min(rows, cols));
        this.updateGap = updateGap;
        this.scale = scale;
        this.norm = norm;
        this.nonFinite = nonFinite;
        this.axis = rows >= cols ? Axis.ROWS : Axis.COLUMNS;
        this.scores = backend.allocate(1, rows >= cols ? cols : rows);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public int rank() {
        return rank;
    }

    /** The chosen DCT frequencies, ascending (a copy); null before the first step. */
    public int[] indices() {
        return indices == null ? null : indices.clone();
    }

    /** Refreshes skipped so far under {@link NonFinitePolicy#KEEP_PREVIOUS}. */
    public long skippedRefreshes() {
        return skippedRefreshes;
    }

    @Override
    public void project(Matrix g, Matrix r) {
        ProjectorChecks.shape("DctProjector", "project", "G", g, rows, cols);
        ProjectorChecks.shape("DctProjector", "project", "R", r, projectedRows(), projectedCols());
        changed = false;
        if (step % updateGap == 0) {
            refresh(g);
        }
        step++;
        backend.dctGather(g, axis, indices, r);
    }

    @Override
    public void projectBack(Matrix r, float c, float beta, Matrix out) {
        if (indices == null) {
            throw new IllegalStateException("DctProjector.projectBack: no subspace yet; call project first");
        }
        ProjectorChecks.shape("DctProjector", "projectBack", "R", r, projectedRows(), projectedCols());
        ProjectorChecks.shape("DctProjector", "projectBack", "out", out, rows, cols);
        backend.idctScatter(r, axis, indices, c * scale, beta, out);
    }

    @Override
    public boolean changedSubspace() {
        return changed;
    }

    /** The same matching as {@link #rotate}: C is a partial permutation, so squares move exactly like values. */
    @Override
    public void rotateSquares(Matrix v) {
        rotate(v);
    }

    /**
     * Carries a matrix of the projected shape (an optimizer moment) from the previous subspace into the current one:
     * {@code M ← M·Q[:, old]ᵀ·Q[:, new]} on the right side ({@code Q[:, new]ᵀ·Q[:, old]·M} on the left), i.e. the
     * column (row) of each frequency kept moves to its new slot and those of new frequencies become zero. Does
     * nothing before the second refresh. Modifies state.
     */
    @Override
    public void rotate(Matrix state) {
        ProjectorChecks.shape("DctProjector", "rotate", "state", state, projectedRows(), projectedCols());
        if (previous == null) {
            return;
        }
        int[] from = matching(previous, indices);
        boolean right = axis == Axis.ROWS;
        int lines = right ? state.rows() : state.cols();
        float[] moved = new float[rank];
        for (int i = 0; i < lines; i++) {
            for (int t = 0; t < rank; t++) {
                moved[t] = from[t] < 0 ? 0f : (right ? state.get(i, from[t]) : state.get(from[t], i));
            }
            for (int t = 0; t < rank; t++) {
                if (right) {
                    state.set(i, t, moved[t]);
                } else {
                    state.set(t, i, moved[t]);
                }
            }
        }
    }

    /** {@code Q[:, old]ᵀ·Q[:, new]} as an r×r matrix (1 where the frequencies agree): the rotation in matrix form. */
    public Matrix subspaceChange() {
        Matrix change = Matrix.wrap(new float[rank * rank], rank, rank);
        if (previous != null) {
            int[] from = matching(previous, indices);
            for (int t = 0; t < rank; t++) {
                if (from[t] >= 0) {
                    change.set(from[t], t, 1f);
                }
            }
        }
        return change;
    }

    /**
     * The r indices and the score row used at refresh. The shared per-length DCT plan (O(n) twiddles, one per length
     * for the whole process) is not counted.
     */
    @Override
    public long bytesHeld() {
        return 2L * rank * Integer.BYTES + (long) scores.cols() * Float.BYTES;
    }

    private void refresh(Matrix g) {
        backend.dctScores(g, axis, norm, scores);
        if (!ProjectorChecks.allFinite(scores)) {
            if (nonFinite == NonFinitePolicy.KEEP_PREVIOUS && indices != null) {
                skippedRefreshes++;
                return;
            }
            throw new IllegalStateException("DctProjector: gradient of layer " + rows + "x" + cols
                    + " holds NaN or Inf at step " + step + (indices == null ? " (no previous subspace to keep)" : ""));
        }
        previous = indices;
        indices = backend.topK(scores, rank);
        changed = previous != null;
    }

    // for each new slot t, the old slot holding the same frequency, or −1; both lists ascending
    private static int[] matching(int[] old, int[] current) {
        int[] from = new int[current.length];
        int o = 0;
        for (int t = 0; t < current.length; t++) {
            while (o < old.length && old[o] < current[t]) {
                o++;
            }
            from[t] = o < old.length && old[o] == current[t] ? o : -1;
        }
        return from;
    }
}
