package org.slimgrad.bench.pretrain;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;
import org.slimgrad.train.MatrixState;
import org.slimgrad.train.MemoryReport;
import org.slimgrad.train.ShardedOptimizer;

/**
 * A small residual MLP language model over the last two symbols: x = E₁[s₋₁] + E₂[s₋₂] (d), then two blocks
 * x ← x + W_down·relu(W_up·x) with W_up h×d and W_down d×h (h ≈ 2.7·d, the LLaMA MLP aspect), then logits
 * W_out·x over V symbols and softmax cross-entropy. The four block matrices are the ones the methods differ on;
 * embeddings and head always use full-rank AdamW. Justification: an order-2 Markov source needs exactly the last
 * two symbols, so this model can reach the source's entropy, and every heavy operation is a library GEMM, layer
 * or optimizer step. On a device backend the element-wise loops run on host mirrors ({@link HostAccess}); saving
 * and loading need a host backend.
 *
 * <p>Every parameter's optimizer sits in one {@link ShardedOptimizer} over the model's group: on a group of one
 * rank it holds them all; on a data-parallel group each rank holds its share (ZeRO stage 1) and the updated
 * weights are broadcast. A forward and backward take {@code rows} positions (a micro-batch); gradients are of the
 * mean loss over {@code config.batch()} positions, so the micro-batches' gradients add up to the batch's.
 */
final class MlpLanguageModel {

    private final Backend backend;
    private final HostAccess host;
    private final int symbols;
    private final int width;
    private final int hidden;
    private final int rows;
    private final int lossDivisor;
    private final Matrix e1;
    private final Matrix e2;
    private final Matrix out;
    private final Linear[] up = new Linear[2];
    private final Linear[] down = new Linear[2];
    private final float lr;
    private final List<Matrix> gradients = new ArrayList<>();
    private final ShardedOptimizer optimizer;
    // where up[b]'s and down[b]'s parameters start in the optimizer's list: up[0], down[0], up[1], down[1]
    private final int[] firstParameter = new int[4];
    // activations of the last forward, kept for backward
    private final Matrix[] x = new Matrix[3];
    private final Matrix[] u = new Matrix[2];
    private final Matrix[] a = new Matrix[2];
    private final Matrix logits;
    private final Matrix scratch;
    private final Matrix dx;
    private final Matrix dxInner;
    private final Matrix da;
    private final Matrix dLogits;
    private final Matrix dE1;
    private final Matrix dE2;
    private final Matrix dOut;

    /** The model of a single process: all the optimizer state here, whole batches per forward. */
    MlpLanguageModel(Backend backend, Linear.Method method, PretrainRun.Config config, long seed) {
        this(backend, method, config, seed, PretrainRun.alone(), config.batch());
    }

    MlpLanguageModel(Backend backend, Linear.Method method, PretrainRun.Config config, long seed, Collective group,
                     int rows) {
        this.backend = backend;
        this.host = HostAccess.of(backend);
        this.symbols = config.symbols();
        this.width = config.width();
        this.hidden = config.hidden();
        this.rows = rows;
        this.lossDivisor = config.batch();
        this.lr = config.lr();
        e1 = backend.allocate(symbols, width);
        e2 = backend.allocate(symbols, width);
        out = backend.allocate(symbols, width);
        backend.fillUniform(e1, 1f, seed);
        backend.fillUniform(e2, 1f, seed + 1);
        backend.fillUniform(out, (float) (1 / Math.sqrt(width)), seed + 2);
        dE1 = backend.allocate(symbols, width);
        dE2 = backend.allocate(symbols, width);
        dOut = backend.allocate(symbols, width);
        List<ShardedOptimizer.Parameter> parameters = new ArrayList<>();
        parameters.add(Linear.fullAdam("E1", backend, e1, config.decay()));
        parameters.add(Linear.fullAdam("E2", backend, e2, config.decay()));
        parameters.add(Linear.fullAdam("W_out", backend, out, config.decay()));
        gradients.addAll(List.of(dE1, dE2, dOut));
        for (int b = 0; b < 2; b++) {
            up[b] = Linear.create(method, backend, hidden, width, config, seed + 10 + 2 * b);
            down[b] = Linear.create(method, backend, width, hidden, config, seed + 11 + 2 * b);
            firstParameter[2 * b] = parameters.size();
            up[b].addParameters(upName(b), parameters, gradients);
            firstParameter[2 * b + 1] = parameters.size();
            down[b].addParameters(downName(b), parameters, gradients);
        }
        optimizer = new ShardedOptimizer(group, parameters);
        for (int i = 0; i < 3; i++) {
            x[i] = backend.allocate(rows, width);
        }
        for (int b = 0; b < 2; b++) {
            u[b] = backend.allocate(rows, hidden);
            a[b] = backend.allocate(rows, hidden);
        }
        logits = backend.allocate(rows, symbols);
        scratch = backend.allocate(rows, width);
        dx = backend.allocate(rows, width);
        dxInner = backend.allocate(rows, width);
        da = backend.allocate(rows, hidden);
        dLogits = backend.allocate(rows, symbols);
    }

    private String upName(int b) {
        return "block " + b + " W_up " + hidden + "x" + width;
    }

    private String downName(int b) {
        return "block " + b + " W_down " + width + "x" + hidden;
    }

    /** Positions per forward. */
    int rows() {
        return rows;
    }

    /** Every parameter's gradient, as the last {@link #backward} wrote them (host or device matrices). */
    List<Matrix> gradients() {
        return gradients;
    }

    /**
     * Mean cross-entropy (nats) of predicting {@code sequence[t]} from the two symbols before it, for the
     * {@link #rows} positions given; keeps the activations and the loss gradient for {@link #backward}.
     */
    double forward(int[] sequence, int[] positions) {
        Matrix embedding1 = host.read(e1);
        Matrix embedding2 = host.read(e2);
        Matrix input = host.blank(x[0]);
        for (int i = 0; i < rows; i++) {
            int t = positions[i];
            for (int j = 0; j < width; j++) {
                input.set(i, j, embedding1.get(sequence[t - 1], j) + embedding2.get(sequence[t - 2], j));
            }
        }
        host.write(input, x[0]);
        for (int b = 0; b < 2; b++) {
            up[b].forward(x[b], u[b]);
            Matrix preActivation = host.read(u[b]);
            Matrix activation = host.blank(a[b]);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < hidden; j++) {
                    activation.set(i, j, Math.max(0f, preActivation.get(i, j)));
                }
            }
            host.write(activation, a[b]);
            down[b].forward(a[b], scratch);
            backend.copy(x[b], x[b + 1]);
            backend.axpy(1f, scratch, x[b + 1]);
        }
        backend.gemm(false, true, 1f, x[2], out, 0f, logits);
        Matrix scores = host.read(logits);
        Matrix gradient = host.blank(dLogits);
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < symbols; s++) {
                max = Math.max(max, scores.get(i, s));
            }
            double sum = 0;
            for (int s = 0; s < symbols; s++) {
                sum += Math.exp(scores.get(i, s) - max);
            }
            int target = sequence[positions[i]];
            loss += Math.log(sum) + max - scores.get(i, target);
            for (int s = 0; s < symbols; s++) {
                double p = Math.exp(scores.get(i, s) - max) / sum;
                gradient.set(i, s, (float) ((p - (s == target ? 1 : 0)) / lossDivisor));
            }
        }
        host.write(gradient, dLogits);
        return loss / rows;
    }

    /** The gradients of the last forward's positions, into {@link #gradients}. */
    void backward(int[] sequence, int[] positions) {
        backend.gemm(true, false, 1f, dLogits, x[2], 0f, dOut);
        backend.gemm(false, false, 1f, dLogits, out, 0f, dx);
        for (int b = 1; b >= 0; b--) {
            down[b].backward(a[b], dx, da);
            Matrix gradient = host.read(da);
            Matrix preActivation = host.read(u[b]);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < hidden; j++) {
                    if (preActivation.get(i, j) <= 0f) {
                        gradient.set(i, j, 0f);
                    }
                }
            }
            host.write(gradient, da);
            up[b].backward(x[b], da, dxInner);
            backend.axpy(1f, dxInner, dx);
        }
        Matrix inputGradient = host.read(dx);
        Matrix gradient1 = host.blank(dE1);
        Matrix gradient2 = host.blank(dE2);
        for (int s = 0; s < symbols; s++) {
            for (int j = 0; j < width; j++) {
                gradient1.set(s, j, 0f);
                gradient2.set(s, j, 0f);
            }
        }
        for (int i = 0; i < rows; i++) {
            int t = positions[i];
            for (int j = 0; j < width; j++) {
                float g = inputGradient.get(i, j);
                gradient1.set(sequence[t - 1], j, gradient1.get(sequence[t - 1], j) + g);
                gradient2.set(sequence[t - 2], j, gradient2.get(sequence[t - 2], j) + g);
            }
        }
        host.write(gradient1, dE1);
        host.write(gradient2, dE2);
    }

    /** One optimizer step of every parameter with {@link #gradients} (on a group, the same on every rank). */
    void step() {
        optimizer.step(gradients, lr);
    }

    /** The optimizer memory this rank holds for the four block matrices (the part the methods differ on). */
    MemoryReport blockMemory() {
        MemoryReport report = new MemoryReport();
        for (int b = 0; b < 2; b++) {
            up[b].addTo(report, upName(b), firstParameter[2 * b], optimizer::optimizer);
            down[b].addTo(report, downName(b), firstParameter[2 * b + 1], optimizer::optimizer);
        }
        return report;
    }

    /** Full-rank Adam bytes this rank holds for the embeddings and the head, the same for every method. */
    long otherOptimizerBytes() {
        long bytes = 0;
        for (int p = 0; p < 3; p++) {
            bytes += optimizer.optimizer(p) == null ? 0 : optimizer.optimizer(p).bytesHeld();
        }
        return bytes;
    }

    /** Bytes of optimizer state this rank holds, every parameter included. */
    long optimizerBytes() {
        return optimizer.bytesHeld();
    }

    /** The weights, then this rank's optimizer state. */
    void save(DataOutputStream stream) throws IOException {
        saveWeights(stream);
        optimizer.save(stream);
    }

    /** The weights alone (the same on every rank of a group). */
    void saveWeights(DataOutputStream stream) throws IOException {
        for (Matrix m : new Matrix[]{e1, e2, out}) {
            MatrixState.write(stream, backend, m);
        }
        for (int b = 0; b < 2; b++) {
            up[b].save(stream);
            down[b].save(stream);
        }
    }

    void load(DataInputStream stream) throws IOException {
        MatrixState.read(stream, "pretrain", "E1", backend, e1);
        MatrixState.read(stream, "pretrain", "E2", backend, e2);
        MatrixState.read(stream, "pretrain", "W_out", backend, out);
        for (int b = 0; b < 2; b++) {
            up[b].load(stream);
            down[b].load(stream);
        }
        optimizer.load(stream);
    }

    /** The whole state (parameters and optimizers) as bytes, for comparing two runs bit for bit. */
    byte[] stateBytes() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        save(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }
}
