package org.slimgrad.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Matrix;

/**
 * Projects the m×n gradient of one weight matrix into a rank-r subspace and back, refreshing the subspace on its
 * own schedule (GaLore, Zhao et al. 2024). The side follows the shape: for m ≥ n the projection is on the right,
 * R = G·P with P n×r (R is m×r); for m &lt; n on the left, R = Pᵀ·G with P m×r (R is r×n). Back-projection is
 * ΔW = α·R·Pᵀ or α·P·R.
 *
 * <p>slimgrad's projectors are not thread-safe: one thread uses a projector at a time (as one thread steps its
 * optimizer). Overlapping {@code project} or {@code advance} calls from two threads fail with
 * {@link IllegalStateException} instead of corrupting the schedule.
 */
public interface GradientProjector {

    /** Rows m of the gradient. */
    int rows();

    /** Columns n of the gradient. */
    int cols();

    /** The subspace rank r actually used (the requested rank clamped to min(m, n)). */
    int rank();

    /** Whether the projection is on the right (m ≥ n): R = G·P. */
    default boolean projectsRight() {
        return rows() >= cols();
    }

    /** Rows of the projected gradient: m on the right side, r on the left. */
    default int projectedRows() {
        return projectsRight() ? rows() : rank();
    }

    /** Columns of the projected gradient: r on the right side, n on the left. */
    default int projectedCols() {
        return projectsRight() ? rank() : cols();
    }

    /**
     * Writes the projection of {@code g} (m×n) into {@code r} (projectedRows × projectedCols), first refreshing the
     * subspace from {@code g} when the schedule says so. Counts one step. Modifies r and the projector's state.
     */
    void project(Matrix g, Matrix r);

    /** Whether the next {@link #project} will recompute the subspace (and so needs the whole gradient). */
    boolean refreshDue();

    /**
     * {@code r = P(g) + β·r} on the current subspace, without refreshing or counting a step: for accumulating the
     * projections of micro-batch gradients. β = 0 means r is not read. Modifies r.
     */
    void projectCurrent(Matrix g, float beta, Matrix r);

    /** Counts a step whose projection was made by {@link #projectCurrent}; refused on a refresh step. */
    void advance();

    /** Writes the projector's state (schedule, subspace) to a stream, in a versioned layout. */
    void saveState(DataOutputStream out) throws IOException;

    /**
     * Reads and checks a state written by {@link #saveState} of a projector of the same kind, shape, rank and gap,
     * without changing this projector; anything else fails with an {@link IllegalArgumentException} naming the part
     * of the state and what was expected and found. The result installs the state, and cannot fail.
     */
    PendingState readState(DataInputStream in) throws IOException;

    /** {@link #readState} then install: on any refusal the projector is left exactly as it was. */
    default void loadState(DataInputStream in) throws IOException {
        readState(in).install();
    }

    /** A state that {@link #readState} has read and checked in full, not yet installed. */
    @FunctionalInterface
    interface PendingState {
        /** Replaces the projector's state by the one read. Modifies the projector. */
        void install();
    }

    /** What this projector does with a gradient holding NaN or ±Inf; optimizers follow it too. */
    default NonFinitePolicy nonFinitePolicy() {
        return NonFinitePolicy.THROW;
    }

    /** Writes ΔW = α·(back-projection of {@code r}) into {@code out} (m×n). Modifies out. */
    default void projectBack(Matrix r, Matrix out) {
        projectBack(r, 1f, 0f, out);
    }

    /**
     * {@code out = c·ΔW + β·out} with ΔW = α·(back-projection of r): the fused optimizer epilogue (for AdamW,
     * c = −lr and β = 1 − lr·λ), in one pass over out. β = 0 means out is not read. Modifies out.
     */
    void projectBack(Matrix r, float c, float beta, Matrix out);

    /** Whether the last {@link #project} recomputed the subspace from a previous one (false for the first). */
    boolean changedSubspace();

    /**
     * Carries a projected-shape first moment from the previous subspace into the current one:
     * {@code M·C} on the right side, {@code Cᵀ·M} on the left, with C = P_oldᵀ·P_new (r×r). Modifies state.
     */
    void rotate(Matrix state);

    /**
     * Carries a projected-shape second moment (elementwise squares) into the current subspace with C∘C in place of
     * C, which keeps it non-negative and is exact when C is a permutation (the DCT projector's case). Modifies v.
     */
    void rotateSquares(Matrix v);

    /** Bytes of state this projector holds between steps (basis or indices, rotation). */
    long bytesHeld();

    /** Bytes a refresh step allocates and drops (workspace, temporaries); 0 when a refresh allocates nothing. */
    default long refreshTransientBytes() {
        return 0;
    }
}
