package org.slimgrad.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Backend;
import org.slimgrad.Bf16;
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
        changed = false;
        step++;
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
    public final void loadState(DataInputStream in) throws IOException {
        String savedName = in.readUTF();
        int version = in.readInt();
        if (!savedName.equals(name) || version != STATE_VERSION) {
            throw new IllegalArgumentException(name + ".loadState: the stream holds a " + savedName + " state of"
                    + " version " + version + "; this projector reads " + name + " version " + STATE_VERSION);
        }
        int savedRows = in.readInt();
        int savedCols = in.readInt();
        int savedRank = in.readInt();
        int savedGap = in.readInt();
        if (savedRows != rows || savedCols != cols || savedRank != rank || savedGap != updateGap) {
            throw new IllegalArgumentException(name + ".loadState: saved for a " + savedRows + "x" + savedCols
                    + " layer, rank " + savedRank + ", updateGap " + savedGap + "; this projector is " + rows + "x"
                    + cols + ", rank " + rank + ", updateGap " + updateGap);
        }
        phase = in.readInt();
        step = in.readLong();
        skippedRefreshes = in.readLong();
        changed = in.readBoolean();
        readSubspace(in);
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

    /** Reads what {@link #writeSubspace} wrote. */
    protected abstract void readSubspace(DataInputStream in) throws IOException;

    /** Writes a matrix's shape and values. */
    static void writeMatrix(DataOutputStream out, Matrix m) throws IOException {
        out.writeInt(m.rows());
        out.writeInt(m.cols());
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                out.writeInt(Bf16.word(m, i, j)); // the raw bits: a word of packed bf16 pairs may look like a NaN
            }
        }
    }

    /** Reads a matrix written by {@link #writeMatrix} into {@code into}, which must have its shape. */
    static void readMatrix(DataInputStream in, Matrix into, String what) throws IOException {
        int r = in.readInt();
        int c = in.readInt();
        if (r != into.rows() || c != into.cols()) {
            throw new IllegalArgumentException("loadState: " + what + " was saved as " + r + "x" + c + ", expected "
                    + into.shape());
        }
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                Bf16.setWord(into, i, j, in.readInt());
            }
        }
    }
}
