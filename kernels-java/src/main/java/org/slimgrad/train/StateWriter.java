package org.slimgrad.train;

import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Bf16;
import org.slimgrad.Matrix;

/** Writes what {@link StateReader} reads: the one matrix layout every saved state uses. */
final class StateWriter {

    private StateWriter() {
    }

    /** The matrix's rows and cols, then each element's 32 bits row by row, big-endian. */
    static void writeMatrix(DataOutputStream out, Matrix m) throws IOException {
        out.writeInt(m.rows());
        out.writeInt(m.cols());
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                out.writeInt(Bf16.word(m, i, j)); // the raw bits: a word of packed bf16 pairs may look like a NaN
            }
        }
    }
}
