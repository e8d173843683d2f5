package org.slimgrad.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/**
 * Full-rank Adam (AdamW with weight decay) on one parameter matrix, in the backend's one-pass {@code adam} kernel:
 * {@code W = (1 − lr·λ)·W − lr·m̂/(√v̂ + ε)} with fp32 moments of W's shape. For the parameters a low-rank optimizer
 * leaves alone (biases, norms, embeddings) and as the full-rank baseline.
 *
 * <p>{@link #save}/{@link #load}: "SGFULADM", version (int), then the payload — rows, cols (ints), β₁, β₂, ε, λ
 * (floats), the step (long), m and v (rows, cols, then each element's bits row by row) — and its CRC32C (int), all
 * big-endian. {@link #load} checks everything before it installs anything: a refused state leaves this object as
 * it was. Not thread-safe: one thread steps it at a time.
 */
public final class FullAdam implements ParameterOptimizer {

    private static final String MAGIC = "SGFULADM";
    private static final int FORMAT_VERSION = 1;

    private final Backend backend;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final Matrix m;
    private final Matrix v;
    private long step;

    /** Moments for a {@code rows × cols} parameter; β, ε and the decoupled weight decay λ as in {@link LowRankAdam}. */
    public FullAdam(Backend backend, int rows, int cols, float beta1, float beta2, float epsilon, float weightDecay) {
        if (backend == null || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)
                || !(weightDecay >= 0) || rows < 0 || cols < 0) {
            throw new IllegalArgumentException("FullAdam: backend " + backend + ", " + rows + "x" + cols + ", betas "
                    + beta1 + "/" + beta2 + ", epsilon " + epsilon + ", weight decay " + weightDecay
                    + "; need a backend, betas in [0, 1), epsilon > 0, decay >= 0");
        }
        this.backend = backend;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.m = backend.allocate(rows, cols);
        this.v = backend.allocate(rows, cols);
    }

    /** One AdamW step of W with its gradient G at learning rate lr. Modifies W and the moments; G is only read. */
    @Override
    public void step(Matrix w, Matrix g, float learningRate) {
        ProjectorChecks.shape("FullAdam", "step", "W", w, m.rows(), m.cols());
        ProjectorChecks.shape("FullAdam", "step", "G", g, m.rows(), m.cols());
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("FullAdam.step: learning rate " + learningRate + " for W " + w.shape()
                    + "; need a finite rate > 0");
        }
        backend.adam(g, m, v, beta1, beta2, epsilon, step + 1, -learningRate, 1f - learningRate * weightDecay, w);
        step++;
    }

    /** Steps taken. */
    public long steps() {
        return step;
    }

    /** The first moment, live. */
    public Matrix firstMoment() {
        return m;
    }

    /** The second moment, live. */
    public Matrix secondMoment() {
        return v;
    }

    /** Bytes held between steps: the two moments. */
    @Override
    public long bytesHeld() {
        return 2 * m.size() * Float.BYTES;
    }

    /** Writes the state (see the class comment for the layout). */
    @Override
    public void save(OutputStream out) throws IOException {
        StateWriter.writeChecked(out, MAGIC, FORMAT_VERSION, data -> {
            data.writeInt(m.rows());
            data.writeInt(m.cols());
            data.writeFloat(beta1);
            data.writeFloat(beta2);
            data.writeFloat(epsilon);
            data.writeFloat(weightDecay);
            data.writeLong(step);
            StateWriter.writeMatrix(data, backend, m);
            StateWriter.writeMatrix(data, backend, v);
        });
    }

    /**
     * Restores a state written by {@link #save} for the same shape and hyper-parameters. Any refusal is an
     * {@link IllegalArgumentException} naming the part and expected vs found, and leaves this object unchanged.
     */
    @Override
    public void load(InputStream in) throws IOException {
        StateReader.readChecked(in, "FullAdam", MAGIC, FORMAT_VERSION, FORMAT_VERSION, FORMAT_VERSION,
                (data, version) -> {
                    data.expectInt("rows", m.rows());
                    data.expectInt("cols", m.cols());
                    float[] mine = {beta1, beta2, epsilon, weightDecay};
                    String[] names = {"beta1", "beta2", "epsilon", "weight decay"};
                    for (int t = 0; t < mine.length; t++) {
                        float saved = data.readFloat(names[t]);
                        if (Float.floatToRawIntBits(saved) != Float.floatToRawIntBits(mine[t])) {
                            throw data.refused(names[t], Float.toString(mine[t]), Float.toString(saved));
                        }
                    }
                    long savedStep = data.readLong("step", 0, Long.MAX_VALUE);
                    int[] first = data.readMatrixBits("first moment", m.rows(), m.cols(), true);
                    int[] second = data.readMatrixBits("second moment", v.rows(), v.cols(), true);
                    return () -> {
                        step = savedStep;
                        StateReader.install(first, backend, m);
                        StateReader.install(second, backend, v);
                    };
                }).run();
    }
}
