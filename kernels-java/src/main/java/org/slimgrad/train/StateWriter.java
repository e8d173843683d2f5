package org.slimgrad.train;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

import org.slimgrad.Backend;
import org.slimgrad.Bf16;
import org.slimgrad.Matrix;

/** Writes what {@link StateReader} reads: the one matrix layout every saved state uses. */
final class StateWriter {

    private StateWriter() {
    }

    /** Writes a state's payload. */
    @FunctionalInterface
    interface Payload {
        void write(DataOutputStream data) throws IOException;
    }

    /**
     * The framing every saved state has: the 8-byte ASCII magic, the format version (int), the payload, then the
     * CRC32C of the payload (int), big-endian; {@link StateReader#readChecked} reads it.
     */
    static void writeChecked(OutputStream out, String magic, int version, Payload payload) throws IOException {
        DataOutputStream header = new DataOutputStream(out);
        header.write(magic.getBytes(StandardCharsets.US_ASCII));
        header.writeInt(version);
        CheckedOutputStream checked = new CheckedOutputStream(out, new CRC32C());
        DataOutputStream data = new DataOutputStream(checked);
        payload.write(data);
        data.flush();
        header.writeInt((int) checked.getChecksum().getValue());
        header.flush();
    }

    /**
     * The matrix's rows and cols, then each element's 32 bits row by row, big-endian; a device matrix is read through
     * a host copy ({@link Backend#toHost}).
     */
    static void writeMatrix(DataOutputStream out, Backend backend, Matrix matrix) throws IOException {
        Matrix m = backend.toHost(matrix);
        out.writeInt(m.rows());
        out.writeInt(m.cols());
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                out.writeInt(Bf16.word(m, i, j)); // the raw bits: a word of packed bf16 pairs may look like a NaN
            }
        }
    }
}
