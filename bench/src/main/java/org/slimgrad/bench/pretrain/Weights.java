package org.slimgrad.bench.pretrain;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;

/** Initialisation and (de)serialisation of parameter matrices. */
final class Weights {

    private Weights() {
    }

    /** Uniform in ±bound from the counter-based generator (the same on every machine). */
    static void uniform(Matrix m, float bound, long seed) {
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                float unit = (CounterRandom.bits(seed, (long) i * m.cols() + j) >>> 40) * 0x1p-24f;
                m.set(i, j, (2 * unit - 1) * bound);
            }
        }
    }

    static void write(DataOutputStream out, Matrix m) throws IOException {
        out.writeInt(m.rows());
        out.writeInt(m.cols());
        for (float value : m.toArray()) {
            out.writeFloat(value);
        }
    }

    static void read(DataInputStream in, Matrix m) throws IOException {
        int rows = in.readInt();
        int cols = in.readInt();
        if (rows != m.rows() || cols != m.cols()) {
            throw new IllegalArgumentException("pretrain state: a " + rows + "x" + cols + " matrix where "
                    + m.shape() + " was expected");
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.set(i, j, in.readFloat());
            }
        }
    }
}
