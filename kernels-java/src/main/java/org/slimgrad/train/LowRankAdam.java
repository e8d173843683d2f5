package org.slimgrad.train;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/**
 * Adam (AdamW with weight decay) in a projector's rank-r subspace, GaLore's optimizer (Zhao et al. 2024): per step
 * <pre>
 *   R = project(G)                    (refreshing the subspace on the projector's schedule)
 *   m, v ← Adam moments of R; N = m̂/(√v̂ + ε)     written over R: no extra projected buffer
 *   W ← (1 − lr·λ)·W − lr·α·back(N)   one pass over W: the back-projection's own epilogue (GEMM β or idctScatter β)
 * </pre>
 * so the step holds two projected-shape moments and needs one projected-shape workspace, and never an m×n
 * temporary. The workspace can be shared by every optimizer of a model (pass one matrix at least as large as the
 * biggest projected gradient); it is then not counted in {@link #bytesHeld}.
 *
 * <p>When a refresh replaces the subspace the moments are, by {@link OnRefresh}: kept as they are (GaLore), reset to
 * zero (with the bias correction restarted), or rotated into the new basis — m by C = P_oldᵀ·P_new, v by C∘C
 * (exact for the DCT projector, whose C is a partial permutation; for an SVD basis an approximation that keeps v
 * non-negative). Rotation costs two r×r-by-projected products at refresh, nothing on other steps. The default is
 * rotate.
 *
 * <p>Gradient accumulation: {@link #accumulate} each micro-batch gradient, then {@link #step(Matrix)}. On a step
 * that does not refresh, each micro-batch is projected and summed in the projected workspace (no m×n buffer); on a
 * refresh step the projector needs the whole gradient, so the micro-batches are summed in an m×n buffer that is
 * released after the step.
 *
 * <p>Non-finite gradients: before the moments or W are touched, the projected gradient R is checked (a pass over the
 * projected shape only). If it holds NaN or ±Inf (a non-finite G, or a finite G too large for its projection), or
 * is so large that its squares could overflow the fp32 second moment ((1 − β₂)·‖R‖² above FLT_MAX/2), the
 * step throws {@link IllegalStateException} under the projector's {@link NonFinitePolicy#THROW}, or is skipped and
 * counted ({@link #skippedSteps}) under {@link NonFinitePolicy#KEEP_PREVIOUS}; either way W and the moments keep
 * their values (a refresh that did happen still rotates or resets the moments, so they stay in the projector's
 * basis).
 *
 * <p>{@link #save}/{@link #load} write and read the whole state (settings, step, moments, the projector's schedule
 * and subspace) in a versioned binary layout: the 8 bytes "SGLRADAM", format version (int), then the payload — rows,
 * cols, projected rows and cols (ints), lr, β₁, β₂, ε, λ (floats), the refresh policy (int), the state precision
 * (int), the step (long), the skipped steps (long), the projector's state ({@link GradientProjector#saveState}),
 * then m and v (rows, cols, then each 32-bit element's bits row by row) — and the CRC32C of the payload (int), all
 * big-endian. {@link #load} reads and checks all of it (shapes, settings, ranges, the checksum) into fresh objects
 * before it changes anything, so a refused state leaves the optimizer exactly as it was; it also reads the layouts
 * of versions 1 and 2 (no checksum, no skipped steps; version 1 had fp32 moments only). Training resumed from a
 * saved state is bit-identical to training that never stopped (the CPU kernels are deterministic).
 *
 * <p>Not thread-safe: one thread steps an optimizer at a time. A call that overlaps another thread's call on the same
 * instance fails with {@link IllegalStateException} instead of computing a wrong W.
 */
public final class LowRankAdam implements ParameterOptimizer {

    /** What happens to the moments when the subspace changes. */
    public enum OnRefresh { KEEP, RESET, ROTATE }

    /** How the moments are stored: fp32, or bfloat16 packed two to a word ({@link Backend#adamBf16}). */
    public enum State { FP32, BF16 }

    /**
     * Adam's hyper-parameters; weight decay λ is decoupled (AdamW) and applies to the full W. BF16 state halves the
     * moments' bytes; it keeps or resets the moments on a refresh but does not rotate them.
     */
    public record Settings(float learningRate, float beta1, float beta2, float epsilon, float weightDecay,
                           OnRefresh onRefresh, State state) {

        public Settings {
            if (!(learningRate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)
                    || !(weightDecay >= 0) || onRefresh == null || state == null) {
                throw new IllegalArgumentException("LowRankAdam.Settings: lr " + learningRate + ", betas " + beta1
                        + "/" + beta2 + ", epsilon " + epsilon + ", weight decay " + weightDecay + ", onRefresh "
                        + onRefresh + ", state " + state + "; need lr > 0, betas in [0, 1), epsilon > 0, decay >= 0");
            }
            if (state == State.BF16 && onRefresh == OnRefresh.ROTATE) {
                throw new IllegalArgumentException("LowRankAdam.Settings: BF16 moments are kept or reset on a refresh;"
                        + " rotating them needs FP32 state");
            }
        }

        /** Settings with fp32 moments. */
        public Settings(float learningRate, float beta1, float beta2, float epsilon, float weightDecay,
                        OnRefresh onRefresh) {
            this(learningRate, beta1, beta2, epsilon, weightDecay, onRefresh, State.FP32);
        }

        /** β = (0.9, 0.999), ε = 1e-8, no weight decay, rotate on refresh. */
        public static Settings defaults(float learningRate) {
            return new Settings(learningRate, 0.9f, 0.999f, 1e-8f, 0f, OnRefresh.ROTATE);
        }
    }

    private final Backend backend;
    private final GradientProjector projector;
    private final Settings settings;
    private final Matrix m;
    private final Matrix v;
    private final Matrix projected;
    private final boolean ownsWorkspace;
    private final ExclusiveUse use = new ExclusiveUse("LowRankAdam");
    private long step;
    private long skippedSteps;
    private int accumulated;
    private Matrix fullGradient;

    /** The first bytes of a saved state. */
    private static final String MAGIC = "SGLRADAM";
    /** Versions 1 and 2 had no checksum. */
    private static final int FIRST_CHECKED_VERSION = 3;
    /** The layout version {@link #save} writes. */
    public static final int FORMAT_VERSION = 3;

    /** An optimizer with a projected-gradient workspace of its own. */
    public LowRankAdam(Backend backend, GradientProjector projector, Settings settings) {
        this(backend, projector, settings, null);
    }

    /**
     * An optimizer whose projected gradient lives in the first projectedRows·projectedCols elements of
     * {@code sharedWorkspace} (a contiguous matrix that other optimizers may use too, one step at a time); null
     * allocates a workspace of its own.
     */
    public LowRankAdam(Backend backend, GradientProjector projector, Settings settings, Matrix sharedWorkspace) {
        if (backend == null || projector == null || settings == null) {
            throw new IllegalArgumentException("LowRankAdam: backend, projector and settings must not be null");
        }
        int rows = projector.projectedRows();
        int cols = projector.projectedCols();
        if (sharedWorkspace != null && (!sharedWorkspace.isContiguous() || sharedWorkspace.size() < (long) rows * cols
                || sharedWorkspace.domain() != backend.domain())) {
            throw new IllegalArgumentException("LowRankAdam: shared workspace " + sharedWorkspace.shape() + " must be a"
                    + " contiguous " + backend.domain() + " matrix of at least " + rows + "x" + cols + " elements");
        }
        this.backend = backend;
        this.projector = projector;
        this.settings = settings;
        int stateCols = settings.state() == State.BF16 ? org.slimgrad.Bf16.packedCols(cols) : cols;
        this.m = backend.allocate(rows, stateCols);
        this.v = backend.allocate(rows, stateCols);
        this.ownsWorkspace = sharedWorkspace == null;
        this.projected = ownsWorkspace ? backend.allocate(rows, cols)
                : Matrix.inDomain(sharedWorkspace.domain(), sharedWorkspace.segment(), sharedWorkspace.offset(), rows,
                        cols, Math.max(cols, 1));
    }

    public GradientProjector projector() {
        return projector;
    }

    /** Adam steps taken since the start (or since the last reset of the moments). */
    public long steps() {
        return step;
    }

    /** Steps skipped because the projected gradient held NaN or ±Inf, under {@link NonFinitePolicy#KEEP_PREVIOUS}. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The first moment, live (projected shape; with BF16 state packed as {@link org.slimgrad.Bf16} describes). */
    public Matrix firstMoment() {
        return m;
    }

    /** The second moment, live (projected shape; with BF16 state packed as {@link org.slimgrad.Bf16} describes). */
    public Matrix secondMoment() {
        return v;
    }

    /** One optimizer step of W (m×n) with its gradient G. Modifies W and the optimizer's state; G is only read. */
    public void step(Matrix w, Matrix g) {
        step(w, g, settings.learningRate());
    }

    /**
     * {@link #step(Matrix, Matrix)} with this step's learning rate (a schedule's value) in place of the settings'
     * one; weight decay stays λ, applied as (1 − lr·λ)·W.
     */
    @Override
    public void step(Matrix w, Matrix g, float learningRate) {
        requireLearningRate("step", learningRate);
        ProjectorChecks.shape("LowRankAdam", "step", "W", w, projector.rows(), projector.cols());
        ProjectorChecks.shape("LowRankAdam", "step", "G", g, projector.rows(), projector.cols());
        if (accumulated != 0) {
            throw new IllegalStateException("LowRankAdam.step(W, G): " + accumulated + " accumulated gradients are"
                    + " pending; finish them with step(W)");
        }
        use.enter("step");
        try {
            projectAndUpdate(w, g, learningRate);
        } finally {
            use.exit();
        }
    }

    private static void requireLearningRate(String op, float learningRate) {
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("LowRankAdam." + op + ": learning rate " + learningRate
                    + "; need a finite rate > 0");
        }
    }

    /** Adds a micro-batch gradient (m×n) to the step being accumulated. G is only read. */
    public void accumulate(Matrix g) {
        ProjectorChecks.shape("LowRankAdam", "accumulate", "G", g, projector.rows(), projector.cols());
        use.enter("accumulate");
        try {
            if (projector.refreshDue()) {
                if (fullGradient == null) {
                    fullGradient = backend.allocate(projector.rows(), projector.cols());
                }
                backend.axpy(1f, g, fullGradient);
            } else {
                projector.projectCurrent(g, accumulated == 0 ? 0f : 1f, projected);
            }
            accumulated++;
        } finally {
            use.exit();
        }
    }

    /** One optimizer step of W with the sum of the gradients accumulated since the last step. Modifies W. */
    public void step(Matrix w) {
        step(w, settings.learningRate());
    }

    /** {@link #step(Matrix)} with this step's learning rate in place of the settings' one. */
    public void step(Matrix w, float learningRate) {
        requireLearningRate("step", learningRate);
        ProjectorChecks.shape("LowRankAdam", "step", "W", w, projector.rows(), projector.cols());
        if (accumulated == 0) {
            throw new IllegalStateException("LowRankAdam.step(W): nothing accumulated; call accumulate(G) first");
        }
        use.enter("step");
        try {
            if (fullGradient != null) {
                Matrix sum = fullGradient;
                fullGradient = null;
                accumulated = 0;
                projectAndUpdate(w, sum, learningRate);
            } else {
                accumulated = 0;
                projector.advance();
                update(w, learningRate);
            }
        } finally {
            use.exit();
        }
    }

    private void projectAndUpdate(Matrix w, Matrix g, float learningRate) {
        projector.project(g, projected);
        update(w, learningRate);
    }

    // the moments (rotated or reset after a change of subspace), N over R, and W in the back-projection's epilogue
    private void update(Matrix w, float lr) {
        if (projector.changedSubspace()) {
            switch (settings.onRefresh()) {
                case KEEP -> { }
                case RESET -> {
                    backend.scale(0f, m);
                    backend.scale(0f, v);
                    step = 0;
                }
                case ROTATE -> {
                    projector.rotate(m);
                    projector.rotateSquares(v);
                }
            }
        }
        double squares = backend.sumOfSquares(projected);
        if (!((1 - settings.beta2()) * squares <= Float.MAX_VALUE / 2)) { // also false for NaN
            if (projector.nonFinitePolicy() == NonFinitePolicy.KEEP_PREVIOUS) {
                skippedSteps++;
                return;
            }
            throw new IllegalStateException("LowRankAdam.step: the projected gradient (" + projected.shape()
                    + ") of the " + projector.rows() + "x" + projector.cols() + " layer " + (Double.isFinite(squares)
                    ? "is too large for fp32 moments (sum of squares " + squares + ")" : "holds NaN or Inf")
                    + " after " + step + " steps; W and the moments were not changed");
        }
        step++;
        if (settings.state() == State.BF16) {
            backend.adamBf16(projected, m, v, settings.beta1(), settings.beta2(), settings.epsilon(), step, 1f, 0f,
                    projected);
        } else {
            backend.adam(projected, m, v, settings.beta1(), settings.beta2(), settings.epsilon(), step, 1f, 0f,
                    projected);
        }
        projector.projectBack(projected, -lr, 1f - lr * settings.weightDecay(), w);
    }

    /** Writes the whole optimizer state to {@code out} (see the class comment for the layout). */
    @Override
    public void save(OutputStream out) throws IOException {
        if (accumulated != 0) {
            throw new IllegalStateException("LowRankAdam.save: " + accumulated + " accumulated gradients are pending");
        }
        use.enter("save");
        try {
            StateWriter.writeChecked(out, MAGIC, FORMAT_VERSION, data -> {
                data.writeInt(projector.rows());
                data.writeInt(projector.cols());
                data.writeInt(m.rows());
                data.writeInt(m.cols());
                data.writeFloat(settings.learningRate());
                data.writeFloat(settings.beta1());
                data.writeFloat(settings.beta2());
                data.writeFloat(settings.epsilon());
                data.writeFloat(settings.weightDecay());
                data.writeInt(settings.onRefresh().ordinal());
                data.writeInt(settings.state().ordinal());
                data.writeLong(step);
                data.writeLong(skippedSteps);
                projector.saveState(data);
                StateWriter.writeMatrix(data, backend, m);
                StateWriter.writeMatrix(data, backend, v);
            });
        } finally {
            use.exit();
        }
    }

    /**
     * Restores a state written by {@link #save} into this optimizer, which must have the same shapes, settings and
     * kind of projector. Everything is read and checked before anything changes: on any refusal (another shape,
     * setting or projector, a value out of range, a truncated or corrupted stream) an {@link IllegalArgumentException}
     * names the part of the state and what was expected and found, and the optimizer and its projector are exactly as
     * they were. Refused while accumulated gradients are pending.
     */
    @Override
    public void load(InputStream in) throws IOException {
        if (accumulated != 0) {
            throw new IllegalStateException("LowRankAdam.load: " + accumulated + " accumulated gradients are pending;"
                    + " finish them with step(W) before loading a state");
        }
        use.enter("load");
        try {
            Runnable install = StateReader.readChecked(in, "LowRankAdam", MAGIC, 1, FORMAT_VERSION,
                    FIRST_CHECKED_VERSION, this::readPayload);
            install.run();
        } finally {
            use.exit();
        }
    }

    // reads and checks everything after the version into fresh objects; the result installs them
    private Runnable readPayload(StateReader data, int version) throws IOException {
        int[] mine = {projector.rows(), projector.cols(), m.rows(), m.cols()};
        int[] saved = new int[mine.length];
        for (int t = 0; t < mine.length; t++) {
            saved[t] = data.readInt("shape");
        }
        if (!Arrays.equals(saved, mine)) {
            throw data.refused("shape", "a " + mine[0] + "x" + mine[1] + " layer projected to " + mine[2] + "x"
                    + mine[3], "a " + saved[0] + "x" + saved[1] + " layer projected to " + saved[2] + "x" + saved[3]);
        }
        float[] hyper = new float[5];
        String[] names = {"learning rate", "beta1", "beta2", "epsilon", "weight decay"};
        float[] expected = {settings.learningRate(), settings.beta1(), settings.beta2(), settings.epsilon(),
                settings.weightDecay()};
        for (int t = 0; t < hyper.length; t++) {
            hyper[t] = data.readFloat(names[t]);
            if (Float.floatToRawIntBits(hyper[t]) != Float.floatToRawIntBits(expected[t])) {
                throw data.refused(names[t] + " (settings must match)", Float.toString(expected[t]),
                        Float.toString(hyper[t]));
            }
        }
        data.expectInt("refresh policy (" + settings.onRefresh() + ")", settings.onRefresh().ordinal());
        if (version >= 2) {
            data.expectInt("state precision (" + settings.state() + ")", settings.state().ordinal());
        } else if (settings.state() != State.FP32) {
            throw data.refused("state precision", settings.state().toString(), "FP32 (a version 1 state)");
        }
        long savedStep = data.readLong("step", 0, Long.MAX_VALUE);
        long savedSkipped = version >= 3 ? data.readLong("skipped steps", 0, Long.MAX_VALUE) : 0;
        GradientProjector.PendingState projectorState = projector.readState(new DataInputStream(data.stream()));
        boolean fp32 = settings.state() == State.FP32;
        int[] first = data.readMatrixBits("first moment", m.rows(), m.cols(), fp32);
        int[] second = data.readMatrixBits("second moment", v.rows(), v.cols(), fp32);
        return () -> {
            step = savedStep;
            skippedSteps = savedSkipped;
            projectorState.install();
            StateReader.install(first, backend, m);
            StateReader.install(second, backend, v);
        };
    }

    /** Bytes held between steps: the two moments, the workspace unless shared, and the projector's state. */
    @Override
    public long bytesHeld() {
        return (2 * m.size() + (ownsWorkspace ? projected.size() : 0)) * Float.BYTES + projector.bytesHeld();
    }

    /**
     * Peak bytes a step allocates and drops: a refresh step's projector transients (workspace, new basis, rotation
     * temporaries) plus, when gradients are being accumulated on a refresh step, the m×n sum.
     */
    public long peakStepBytes() {
        long accumulation = (long) projector.rows() * projector.cols() * Float.BYTES;
        return projector.refreshTransientBytes() + (accumulated > 0 || fullGradient != null ? accumulation : 0);
    }

    /** Bytes full-rank Adam holds for the same W: two m×n moments. */
    public long fullRankAdamBytes() {
        return 2L * projector.rows() * projector.cols() * Float.BYTES;
    }
}
