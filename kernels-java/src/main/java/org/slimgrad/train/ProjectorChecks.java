package org.slimgrad.train;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/** Argument checks the projectors share, with messages naming the projector, the call and the shapes. */
final class ProjectorChecks {

    private ProjectorChecks() {
    }

    static void layer(String owner, Backend backend, int rows, int cols, int rank, int updateGap) {
        if (backend == null) {
            throw new IllegalArgumentException(owner + ": backend is null");
        }
        if (rows < 1 || cols < 1 || rank < 1 || updateGap < 1) {
            throw new IllegalArgumentException(owner + ": layer " + rows + "x" + cols + ", rank " + rank
                    + ", updateGap " + updateGap + "; all must be positive");
        }
    }

    static void shape(String owner, String op, String role, Matrix m, int rows, int cols) {
        if (m == null || m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(owner + "." + op + ": " + role + " is "
                    + (m == null ? "null" : m.shape()) + "; need " + rows + "x" + cols);
        }
    }
}
