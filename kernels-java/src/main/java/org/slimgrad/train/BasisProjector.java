package org.slimgrad.train;

import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.Scratch;

/**
 * A projector with an explicit orthonormal basis P (n×r on the right side, m×r on the left): projection and
 * back-projection are GEMMs, and a refresh that replaces P keeps C = P_oldᵀ·P_new (r×r) for rotating optimizer
 * moments. Subclasses say how a new P is found ({@link #computeBasis}).
 */
abstract class BasisProjector extends AbstractProjector {

    private Matrix basis;
    /** C = P_oldᵀ·P_new from the last refresh that replaced a subspace; null before. */
    private Matrix change;

    BasisProjector(String name, Backend backend, int rows, int cols, int rank, int updateGap, float scale,
                   NonFinitePolicy nonFinite) {
        super(name, backend, rows, cols, rank, updateGap, scale, nonFinite);
    }

    /** The current basis P (n×r on the right side, m×r on the left); null before the first step. */
    public final Matrix basis() {
        return basis;
    }

    /**
     * Writes a new orthonormal basis into {@code into} (the basis shape), reading the gradient g and, when it exists,
     * the current basis (not yet overwritten); returns false, writing nothing, when g holds NaN or ±Inf.
     */
    protected abstract boolean computeBasis(Matrix g, Matrix current, Matrix into);

    @Override
    protected final boolean hasSubspace() {
        return basis != null;
    }

    // the new basis is computed into scratch and copied over the old one, so a warm refresh allocates nothing where
    // the backend pools its scratch (CUDA); the host backends' scratch is ordinary arrays the collector reclaims
    @Override
    protected final boolean refresh(Matrix g, Matrix r) {
        try (Scratch scratch = backend.scratch()) {
            Matrix next = scratch.allocate(projectsRight() ? cols : rows, rank);
            if (!computeBasis(g, basis, next)) {
                return false;
            }
            if (basis == null) {
                basis = backend.allocate(next.rows(), next.cols());
            } else {
                change = change != null ? change : backend.allocate(rank, rank);
                backend.gemm(true, false, 1f, basis, next, 0f, change);
            }
            backend.copy(next, basis);
        }
        projectCurrent(g, 0f, r);
        return true;
    }

    @Override
    public final void projectCurrent(Matrix g, float beta, Matrix r) {
        requireSubspace("projectCurrent");
        if (projectsRight()) {
            backend.gemm(false, false, 1f, g, basis, beta, r);
        } else {
            backend.gemm(true, false, 1f, basis, g, beta, r);
        }
    }

    @Override
    public final void projectBack(Matrix r, float c, float beta, Matrix out) {
        requireSubspace("projectBack");
        ProjectorChecks.shape(name, "projectBack", "R", r, projectedRows(), projectedCols());
        ProjectorChecks.shape(name, "projectBack", "out", out, rows, cols);
        if (projectsRight()) {
            backend.gemm(false, true, c * scale, r, basis, beta, out);
        } else {
            backend.gemm(false, false, c * scale, basis, r, beta, out);
        }
    }

    @Override
    public final void rotate(Matrix state) {
        rotateWith(state, change);
    }

    @Override
    public final void rotateSquares(Matrix v) {
        if (change == null) {
            return;
        }
        try (Scratch scratch = backend.scratch()) {
            Matrix squares = scratch.allocate(rank, rank);
            backend.hadamard(change, change, squares);
            rotateWith(v, squares);
        }
    }

    // M·C on the right side, Cᵀ·M on the left, through one projected-shape temporary
    private void rotateWith(Matrix state, Matrix c) {
        ProjectorChecks.shape(name, "rotate", "state", state, projectedRows(), projectedCols());
        if (c == null) {
            return;
        }
        try (Scratch scratch = backend.scratch()) {
            Matrix rotated = scratch.allocate(state.rows(), state.cols());
            if (projectsRight()) {
                backend.gemm(false, false, 1f, state, c, 0f, rotated);
            } else {
                backend.gemm(true, false, 1f, c, state, 0f, rotated);
            }
            backend.copy(rotated, state);
        }
    }

    /** The basis P and, after the first change of subspace, the r×r rotation C. */
    @Override
    public long bytesHeld() {
        long basisBytes = (long) (projectsRight() ? cols : rows) * rank * Float.BYTES;
        long rotation = change == null ? 0 : (long) rank * rank * Float.BYTES;
        return basisBytes + rotation;
    }

    /**
     * Bytes a refresh allocates and drops besides {@link #computeBasis}'s own: the new basis before it replaces the
     * old, and, when rotating, C∘C and one projected-shape temporary.
     */
    @Override
    public long refreshTransientBytes() {
        long basisBytes = (long) (projectsRight() ? cols : rows) * rank * Float.BYTES;
        long rotation = (long) rank * rank * Float.BYTES + (long) projectedRows() * projectedCols() * Float.BYTES;
        return basisBytes + rotation;
    }

    @Override
    protected final void writeSubspace(DataOutputStream out) throws IOException {
        out.writeBoolean(basis != null);
        if (basis != null) {
            StateWriter.writeMatrix(out, backend, basis);
        }
        out.writeBoolean(change != null);
        if (change != null) {
            StateWriter.writeMatrix(out, backend, change);
        }
    }

    // the basis exists from the first step on; both are finite, as every refresh leaves them
    @Override
    final PendingState readSubspace(StateReader in, long savedStep) throws IOException {
        int basisRows = projectsRight() ? cols : rows;
        boolean hasBasis = in.readBoolean(name + " basis flag");
        if (hasBasis != savedStep > 0) {
            throw in.refused(name + " basis flag", savedStep > 0 ? "a basis after step " + savedStep
                    : "no basis before the first step", hasBasis ? "a basis" : "none");
        }
        Matrix savedBasis = hasBasis ? readFinite(in, name + " basis", basisRows, rank) : null;
        Matrix savedChange = in.readBoolean(name + " rotation flag")
                ? readFinite(in, name + " rotation", rank, rank) : null;
        return () -> {
            basis = savedBasis;
            change = savedChange;
        };
    }

    private Matrix readFinite(StateReader in, String part, int r, int c) throws IOException {
        int[] bits = in.readMatrixBits(part, r, c, true);
        Matrix m = backend.allocate(r, c);
        StateReader.install(bits, backend, m);
        return m;
    }

    private void requireSubspace(String op) {
        if (basis == null) {
            throw new IllegalStateException(name + "." + op + ": no subspace yet; call project first");
        }
    }
}
