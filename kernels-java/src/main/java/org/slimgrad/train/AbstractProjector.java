package org.slimgrad.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/**
 * What every projector shares: the layer shape and clamped rank, the refresh schedule, the non-finite policy and the
 * versioned state layout. A refresh happens at step 0 and whenever (step + phase) is a multiple of updateGap; the
 * phase (0 by default) staggers the refreshes of many layers across the gap, see {@link #setRefreshPhase}.
 */
abstract class AbstractProjector implements GradientProjector {

    /** Version of the state layout {@link #saveState} writes. */
    static final int STATE_VERSION = 1;

    protected final Backend backend;
    protected final int rows;
    protected final int cols;
    protected final int rank;
    protected final int updateGap;
    protected final float scale;
    /** The projector's class name, for messages. */
    protected final String name;
    private final NonFinitePolicy nonFinite;
    private final ExclusiveUse use;
    private int phase;
    private long step;
    private long skippedRefreshes;
    private boolean changed;

    AbstractProjector(String name, Backend backend, int rows, int cols, int rank, int updateGap, float scale,
                      NonFinitePolicy nonFinite) {
        ProjectorChecks.layer(name, backend, rows, cols, rank, updateGap);
        if (nonFinite == null) {
            throw new IllegalArgumentException(name + ": nonFinite must not be null");
        }
        this.name = name;
        this.backend = backend;
        this.rows = rows;
        this.cols = cols;
        this.rank = Math.min(rank, Math.min(rows, cols));
        this.updateGap = updateGap;
        this.scale = scale;
        this.nonFinite = nonFinite;
        this.use = new ExclusiveUse(name);
    }

    @Override
    public final NonFinitePolicy nonFinitePolicy() {
        return nonFinite;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final int rank() {
        return rank;
    }

    /** Steps counted so far. */
    public final long steps() {
        return step;
    }

    /** Refreshes skipped so far under {@link NonFinitePolicy#KEEP_PREVIOUS}. */
    public final long skippedRefreshes() {
        return skippedRefreshes;
    }

    /**
     * Offsets the schedule: after step 0, refreshes fall on steps where (step + phase) is a multiple of updateGap.
     * Giving layer i of L the phase i·updateGap/L spreads their refreshes evenly. Only before the first step.
     */
    public final void setRefreshPhase(int phase) {
        if (step != 0 || phase < 0 || phase >= updateGap) {
            throw new IllegalStateException(name + ".setRefreshPhase(" + phase + "): need 0 <= phase < updateGap "
                    + updateGap + " before the first step (now at step " + step + ")");
        }
        this.phase = phase;
    }

    @Override
    public final boolean refreshDue() {
        return step == 0 || (step + phase) % updateGap == 0;
    }

    @Override
    public final void project(Matrix g, Matrix r) {
        ProjectorChecks.shape(name, "project", "G", g, rows, cols);
        ProjectorChecks.shape(name, "project", "R", r, projectedRows(), projectedCols());
        use.enter("project");
        try {
            projectAndCount(g, r);
        } finally {
            use.exit();
        }
    }

    private void projectAndCount(Matrix g, Matrix r) {
        changed = false;
        if (refreshDue()) {
            boolean replacing = hasSubspace();
            if (refresh(g, r)) {
                changed = replacing;
                step++;
                return;
            }
            if (nonFinite == NonFinitePolicy.KEEP_PREVIOUS && replacing) {
                skippedRefreshes++;
            } else {
                throw new IllegalStateException(name + ": gradient of layer " + rows + "x" + cols
                        + " holds NaN or Inf at step " + step + (replacing ? "" : " (no previous subspace to keep)"));
            }
        }
        step++;
        projectCurrent(g, 0f, r);
    }

    @Override
    public final void advance() {
        if (refreshDue()) {
            throw new IllegalStateException(name + ".advance: step " + step + " is a refresh step; it needs the whole"
                    + " gradient through project");
        }
        use.enter("advance");
        changed = false;
        step++;
        use.exit();
    }

    @Override
    public final boolean changedSubspace() {
        return changed;
    }

    @Override
    public final void saveState(DataOutputStream out) throws IOException {
        out.writeUTF(name);
        out.writeInt(STATE_VERSION);
        out.writeInt(rows);
        out.writeInt(cols);
        out.writeInt(rank);
        out.writeInt(updateGap);
        out.writeInt(phase);
        out.writeLong(step);
        out.writeLong(skippedRefreshes);
        out.writeBoolean(changed);
        writeSubspace(out);
    }

    @Override
    public final PendingState readState(DataInputStream in) throws IOException {
        StateReader state = new StateReader(in, name);
        String savedName = state.readUTF("projector kind");
        if (!savedName.equals(name)) {
            throw state.refused("projector kind", name, savedName);
        }
        state.expectInt(name + " state version", STATE_VERSION);
        state.expectInt(name + " rows", rows);
        state.expectInt(name + " cols", cols);
        state.expectInt(name + " rank", rank);
        state.expectInt(name + " updateGap", updateGap);
        int savedPhase = state.readInt(name + " refresh phase", 0, updateGap - 1);
        long savedStep = state.readLong(name + " step", 0, Long.MAX_VALUE);
        long savedSkipped = state.readLong(name + " skipped refreshes", 0, savedStep);
        boolean savedChanged = state.readBoolean(name + " changed flag");
        PendingState subspace = readSubspace(state, savedStep);
        return () -> {
            phase = savedPhase;
            step = savedStep;
            skippedRefreshes = savedSkipped;
            changed = savedChanged;
            subspace.install();
        };
    }

    /** Whether a subspace exists (after the first successful refresh). */
    protected abstract boolean hasSubspace();

    /**
     * Recomputes the subspace from g and writes g's projection onto the new subspace into r (as projectCurrent with
     * β = 0, but free to reuse what the refresh computed); returns false, leaving the subspace and r as they were,
     * when g holds NaN or ±Inf.
     */
    protected abstract boolean refresh(Matrix g, Matrix r);

    /** Writes the subspace (basis, indices, rotation) after the schedule fields. */
    protected abstract void writeSubspace(DataOutputStream out) throws IOException;

    /**
     * Reads and checks what {@link #writeSubspace} wrote for a projector at {@code savedStep} (a subspace exists
     * after step 0 only), into fresh objects that the result installs.
     */
    abstract PendingState readSubspace(StateReader in, long savedStep) throws IOException;
}
