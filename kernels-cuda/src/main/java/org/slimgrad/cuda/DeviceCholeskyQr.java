package org.slimgrad.cuda;

import org.slimgrad.DenseOps;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;
import org.slimgrad.linalg.CholeskyQrPolicy;

/**
 * {@link CholeskyQrPolicy}'s steps on the device for one shape, with their workspace: G = AᵀA by cuBLAS, G = RᵀR by
 * cuSOLVER potrf on a copy of G, A := A·R⁻¹ by a triangular solve, Householder QR by geqrf and orgqr. Only k diagonal
 * values per factorisation come back to the host (for the breakdown test and the shift); the accumulated factor R
 * is a k×k device matrix.
 */
final class DeviceCholeskyQr extends CholeskyQrPolicy<Matrix> {

    private final CudaContext context;
    private final DenseOps dense;
    private final DeviceKernels kernels;
    private final Matrix gram;
    /** The current factor R, row-major upper triangular. */
    private final Matrix factor;
    /** potrf's workspace (a copy of G), then R·r before it is copied back. */
    private final Matrix product;
    private final Matrix diagonal;

    DeviceCholeskyQr(CudaContext context, DenseOps dense, int m, int k) {
        super(m, k);
        this.context = context;
        this.dense = dense;
        this.kernels = context.kernels();
        this.gram = context.allocateUninitialised(k, k);
        this.factor = context.allocateUninitialised(k, k);
        this.product = context.allocateUninitialised(k, k);
        this.diagonal = context.allocateUninitialised(1, k);
    }

    /** Bytes of device workspace an instance for m×k holds (the Householder fallback borrows m·k more). */
    static long workspaceBytes(int k) {
        return (3L * k * k + k) * Float.BYTES;
    }

    @Override
    protected void gram(Matrix a) {
        dense.gemm(true, false, 1f, a, a, 0f, gram);
    }

    @Override
    protected double gramDeviationFromIdentity() {
        return context.deviationFromIdentity(gram);
    }

    @Override
    protected double gramTrace() {
        double trace = 0;
        for (float d : diagonalOf(gram)) {
            trace += d;
        }
        return trace;
    }

    // potrf on a copy of G (column-major upper = G's layout, G being symmetric), then R row-major into factor
    @Override
    protected boolean factor(double shift, double pivotTolerance) {
        double largest = 0;
        for (float d : diagonalOf(gram)) {
            largest = Math.max(largest, d);
        }
        dense.copy(gram, product);
        if (shift != 0) {
            kernels.addDiagonal(product, (float) shift);
        }
        if (!(largest > 0) || context.device().potrf(k, DeviceKernels.address(product), product.ld()) != 0) {
            return false;
        }
        for (float pivot : diagonalOf(product)) { // the factor's diagonal: pivot = R(j, j)
            if (!((double) pivot * pivot > pivotTolerance * largest)) {
                return false;
            }
        }
        kernels.upperFromColumnMajor(k, DeviceKernels.address(product), product.ld(), factor);
        return true;
    }

    // r := R·r (both upper triangular, zeros below the diagonal)
    @Override
    protected void accumulate(Matrix r) {
        dense.gemm(false, false, 1f, factor, r, 0f, product);
        dense.copy(product, r);
    }

    @Override
    protected void applyInverseFactor(Matrix x) {
        context.device().solveUpperRight(x.rows(), k, DeviceKernels.address(factor), factor.ld(),
                DeviceKernels.address(x), x.ld());
    }

    @Override
    protected void setIdentity(Matrix r) {
        dense.scale(0f, r);
        kernels.addDiagonal(r, 1f);
    }

    // A = Q·R by Householder: A goes column-major through a transpose, R is read between geqrf and orgqr
    @Override
    protected OrthoMethod householder(Matrix a, Matrix r) {
        try (DeviceArena scratch = context.arena()) {
            Matrix columns = scratch.allocate(k, m); // row-major k×m = column-major m×k, ld m
            Matrix tau = scratch.allocate(1, k);
            dense.transpose(a, columns);
            long q = DeviceKernels.address(columns);
            context.device().geqrf(m, k, q, m, DeviceKernels.address(tau));
            if (r != null) {
                kernels.upperFromColumnMajor(k, q, m, factor);
                accumulate(r);
            }
            context.device().orgqr(m, k, q, m, DeviceKernels.address(tau));
            dense.transpose(columns, a);
        }
        return OrthoMethod.HOUSEHOLDER_QR;
    }

    private float[] diagonalOf(Matrix square) {
        kernels.diagonal(square, diagonal);
        return context.floats(diagonal);
    }
}
