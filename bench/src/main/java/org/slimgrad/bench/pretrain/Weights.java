package org.slimgrad.bench.pretrain;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Matrix;

/** (De)serialisation of parameter matrices. */
final class Weights {

    private Weights() {
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
