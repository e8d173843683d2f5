package org.slimgrad.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/**
 * The one matrix layout of every saved state (rows, cols, then each element's 32 bits row by row, big-endian), for a
 * caller's own matrices — a model's weights saved beside its optimizers' states. Device matrices go through host
 * copies.
 */
public final class MatrixState {

    private MatrixState() {
    }

    /** Writes m, a matrix of {@code backend}. */
    public static void write(DataOutputStream out, Backend backend, Matrix m) throws IOException {
        StateWriter.writeMatrix(out, backend, m);
    }

    /**
     * Reads a matrix of {@code into}'s shape whose every element is finite, and only then writes it into
     * {@code into}: a stream that ends early, holds another shape or a non-finite value leaves {@code into} as it
     * was and raises an {@link IllegalArgumentException} naming {@code owner} and {@code part}.
     */
    public static void read(DataInputStream in, String owner, String part, Backend backend, Matrix into)
            throws IOException {
        int[] bits = new StateReader(in, owner).readMatrixBits(part, into.rows(), into.cols(), true);
        StateReader.install(bits, backend, into);
    }
}
