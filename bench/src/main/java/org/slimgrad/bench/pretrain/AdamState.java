package org.slimgrad.bench.pretrain;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/** Full-rank AdamW moments for one parameter matrix, stepped by the backend's one-pass {@code adam} kernel. */
final class AdamState {

    private final Backend backend;
    private final Matrix m;
    private final Matrix v;
    private long step;

    AdamState(Backend backend, Matrix parameter) {
        this.backend = backend;
        this.m = backend.allocate(parameter.rows(), parameter.cols());
        this.v = backend.allocate(parameter.rows(), parameter.cols());
    }

    /** parameter = (1 − lr·λ)·parameter − lr·m̂/(√v̂ + ε), moments updated from grad. */
    void step(Matrix grad, Matrix parameter, float lr, float decay) {
        backend.adam(grad, m, v, 0.9f, 0.999f, 1e-8f, ++step, -lr, 1f - lr * decay, parameter);
    }

    long bytes() {
        return 2L * m.size() * Float.BYTES;
    }

    void save(DataOutputStream out) throws IOException {
        out.writeLong(step);
        Weights.write(out, m);
        Weights.write(out, v);
    }

    void load(DataInputStream in) throws IOException {
        step = in.readLong();
        Weights.read(in, m);
        Weights.read(in, v);
    }
}
