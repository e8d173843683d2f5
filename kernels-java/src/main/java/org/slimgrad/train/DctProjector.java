package org.slimgrad.train;

import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.Scratch;
import org.slimgrad.collective.Collective;

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
public final class DctProjector extends AbstractProjector {

    private final ScoreNorm norm;
    private final Axis axis;
    private final Matrix scores;
    /** The ranks that hold the other lines of a tensor-parallel matrix; null for a whole matrix. */
    private final Collective group;
    private int[] indices;
    private int[] previous;
    /** The rotation C on the backend (made at the first rotation), and the indices it was built for. */
    private Matrix change;
    private int[] changeFor;

    public DctProjector(Backend backend, int rows, int cols, int rank, int updateGap, float scale, ScoreNorm norm,
                        NonFinitePolicy nonFinite) {
        this(backend, rows, cols, rank, updateGap, scale, norm, nonFinite, rows >= cols ? Axis.ROWS : Axis.COLUMNS,
                null);
    }

    private DctProjector(Backend backend, int rows, int cols, int rank, int updateGap, float scale, ScoreNorm norm,
                         NonFinitePolicy nonFinite, Axis lines, Collective group) {
        super("DctProjector", backend, rows, cols, rank, updateGap, scale, nonFinite);
        if (norm == null || lines == null) {
            throw new IllegalArgumentException("DctProjector: norm " + norm + ", lines " + lines
                    + "; need both");
        }
        this.norm = norm;
        this.axis = lines;
        this.scores = backend.allocate(1, lines == Axis.ROWS ? cols : rows);
        this.group = group;
    }

    /**
     * The projector of one rank's block of a matrix split across {@code group}'s ranks by its lines (tensor
     * parallel): {@code rows × cols} is this rank's block, {@code lines} the whole matrix's side ({@link Axis#ROWS}:
     * the whole has at least as many rows as columns, and the ranks hold blocks of its rows; {@link Axis#COLUMNS}:
     * blocks of its columns). A refresh scores the local lines, sums the scores over the ranks ({@link
     * Collective#allReduceSum}, n float64 values: for L2 the squares), and every rank chooses the same top-r
     * frequencies from the same sums, then projects its own lines: no rank ever sees another's gradient. The indices
     * equal the unsharded projector's on the whole matrix except where two scores are within rounding of each other
     * (the sums are added in another order); every rank's R is then its lines of the whole R.
     */
    public static DctProjector sharded(Backend backend, int rows, int cols, Axis lines, int rank, int updateGap,
                                       float scale, ScoreNorm norm, NonFinitePolicy nonFinite, Collective group) {
        if (group == null || lines == null || rank > Math.min(rows, cols)) {
            throw new IllegalArgumentException("DctProjector.sharded: block " + rows + "x" + cols + ", lines " + lines
                    + ", rank " + rank + ", group " + group + "; need a group, the lines' axis, and a block with at"
                    + " least rank rows and columns (every rank must choose the same number of frequencies)");
        }
        return new DctProjector(backend, rows, cols, rank, updateGap, scale, norm, nonFinite, lines, group);
    }

    /** The side the projector's lines give it (for a sharded block, the whole matrix's side). */
    @Override
    public boolean projectsRight() {
        return axis == Axis.ROWS;
    }

    /** The chosen DCT frequencies, ascending (a copy); null before the first step. */
    public int[] indices() {
        return indices == null ? null : indices.clone();
    }

    @Override
    public void projectCurrent(Matrix g, float beta, Matrix r) {
        requireSubspace("projectCurrent");
        if (beta == 0f) {
            backend.dctGather(g, axis, indices, r);
            return;
        }
        try (Scratch scratch = backend.scratch()) {
            Matrix fresh = scratch.allocate(r.rows(), r.cols());
            backend.dctGather(g, axis, indices, fresh);
            backend.scale(beta, r);
            backend.axpy(1f, fresh, r);
        }
    }

    @Override
    public void projectBack(Matrix r, float c, float beta, Matrix out) {
        requireSubspace("projectBack");
        ProjectorChecks.shape("DctProjector", "projectBack", "R", r, projectedRows(), projectedCols());
        ProjectorChecks.shape("DctProjector", "projectBack", "out", out, rows, cols);
        backend.idctScatter(r, axis, indices, c * scale, beta, out);
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
        // M·C (or Cᵀ·M) with the 0/1 matching C, built on the host once per refresh and copied into the backend's
        // r×r matrix: a GEMM whose every sum has one non-zero term, so each kept value moves exactly (for finite
        // moments), on any backend, host or device
        if (changeFor != indices) {
            change = change != null ? change : backend.allocate(rank, rank);
            backend.copyFromHost(subspaceChange(), change);
            changeFor = indices;
        }
        try (Scratch scratch = backend.scratch()) {
            Matrix rotated = scratch.allocate(state.rows(), state.cols());
            if (axis == Axis.ROWS) {
                backend.gemm(false, false, 1f, state, change, 0f, rotated);
            } else {
                backend.gemm(true, false, 1f, change, state, 0f, rotated);
            }
            backend.copy(rotated, state);
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
     * The r indices, the score row used at refresh and, once a moment was rotated, the r×r rotation. Not counted:
     * the shared per-length DCT plan (O(n) twiddles, one per length for the whole process) and what a backend uses
     * during a refresh (the CPU backend keeps one transform of the gradient between scoring and gathering, in a
     * scratch of the gradient's size that the calling thread holds softly, shared by all its projectors).
     */
    @Override
    public long bytesHeld() {
        return 2L * rank * Integer.BYTES + (long) scores.cols() * Float.BYTES
                + (change == null ? 0 : (long) rank * rank * Float.BYTES);
    }

    @Override
    protected boolean hasSubspace() {
        return indices != null;
    }

    // scores, indices and R from one transform of g; a gradient holding NaN or ±Inf makes some score non-finite
    @Override
    protected boolean refresh(Matrix g, Matrix r) {
        int[] chosen = group == null ? backend.dctSelect(g, axis, norm, scores, rank, r) : selectAcrossRanks(g, r);
        if (chosen == null) {
            return false;
        }
        previous = indices;
        indices = chosen;
        return true;
    }

    // the local scores summed over the ranks (float64, rank order: the same bits everywhere), the same top-r chosen on
    // every rank, and this rank's lines gathered; null on every rank when any rank's gradient holds NaN or ±Inf
    private int[] selectAcrossRanks(Matrix g, Matrix r) {
        backend.dctScores(g, axis, norm, scores);
        Matrix local = backend.toHost(scores);
        double[] sums = new double[local.cols()];
        for (int k = 0; k < sums.length; k++) {
            double score = local.get(0, k);
            sums[k] = norm == ScoreNorm.L1 ? score : score * score;
        }
        group.allReduceSum(sums);
        Matrix total = Matrix.wrap(new float[sums.length], 1, sums.length);
        for (int k = 0; k < sums.length; k++) {
            float score = (float) (norm == ScoreNorm.L1 ? sums[k] : Math.sqrt(sums[k]));
            if (!Float.isFinite(score)) {
                return null;
            }
            total.set(0, k, score);
        }
        backend.copyFromHost(total, scores);
        int[] chosen = backend.topK(scores, rank);
        backend.dctGather(g, axis, chosen, r);
        return chosen;
    }

    @Override
    protected void writeSubspace(DataOutputStream out) throws IOException {
        writeIndices(out, indices);
        writeIndices(out, previous);
    }

    @Override
    PendingState readSubspace(StateReader in, long savedStep) throws IOException {
        int[] savedIndices = readIndices(in, "DctProjector indices");
        if ((savedIndices != null) != savedStep > 0) {
            throw in.refused("DctProjector indices", savedStep > 0 ? rank + " indices after step " + savedStep
                    : "none before the first step", savedIndices == null ? "none" : savedIndices.length + " indices");
        }
        int[] savedPrevious = readIndices(in, "DctProjector previous indices");
        return () -> {
            indices = savedIndices;
            previous = savedPrevious;
        };
    }

    private void writeIndices(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            for (int v : values) {
                out.writeInt(v);
            }
        }
    }

    // null (count −1), or rank distinct frequencies in ascending order
    private int[] readIndices(StateReader in, String part) throws IOException {
        int length = in.readInt(part + " count");
        if (length == -1) {
            return null;
        }
        if (length != rank) {
            throw in.refused(part + " count", rank + " (the rank) or -1", Integer.toString(length));
        }
        int[] values = new int[length];
        int limit = scores.cols();
        for (int t = 0; t < length; t++) {
            values[t] = in.readInt(part);
            int low = t == 0 ? 0 : values[t - 1] + 1;
            if (values[t] < low || values[t] >= limit) {
                throw in.refused(part + "[" + t + "]", "an ascending frequency in [" + low + ", " + (limit - 1) + "]",
                        Integer.toString(values[t]));
            }
        }
        return values;
    }

    private void requireSubspace(String op) {
        if (indices == null) {
            throw new IllegalStateException("DctProjector." + op + ": no subspace yet; call project first");
        }
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
