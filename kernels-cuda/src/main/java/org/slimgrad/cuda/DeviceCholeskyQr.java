package org.slimgrad.cuda;

import org.slimgrad.DenseOps;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;

/**
 * Orthonormalisation of tall m×k device matrices with its workspace, the device twin of
 * {@link org.slimgrad.linalg.CholeskyQr} and the same policy: CholeskyQR2 (G = AᵀA by cuBLAS, G = RᵀR by cuSOLVER
 * potrf, A := A·R⁻¹ by a triangular solve, twice); on a breakdown (a pivot below 10⁻⁶ of the largest Gram diagonal)
 * a shifted first pass and two plain ones; when that fails too, or the last pass does not start within 0.1 (max-abs)
 * of orthonormal, Householder QR (geqrf, orgqr). Only k diagonal values per pass come back to the host.
 */
final class DeviceCholeskyQr {

    private static final double PIVOT_TOLERANCE = 1e-6;
    private static final double LAST_PASS_DEVIATION = 0.1;
    private static final double U32 = 0x1p-24;

    private final CudaContext context;
    private final DenseOps dense;
    private final DeviceKernels kernels;
    private final int m;
    private final int k;
    private final Matrix gram;
    private final Matrix factor;
    private final Matrix product;
    private final Matrix diagonal;

    DeviceCholeskyQr(CudaContext context, DenseOps dense, int m, int k) {
        this.context = context;
        this.dense = dense;
        this.kernels = context.kernels();
        this.m = m;
        this.k = k;
        this.gram = context.allocateUninitialised(k, k);
        this.factor = context.allocateUninitialised(k, k);
        this.product = context.allocateUninitialised(k, k);
        this.diagonal = context.allocateUninitialised(1, k);
    }

    /** Bytes of device workspace an instance for m×k holds (the Householder fallback borrows m·k more). */
    static long workspaceBytes(int k) {
        return (3L * k * k + k) * Float.BYTES;
    }

    /**
     * Orthonormalises the columns of the m×k device matrix {@code a} in place; if {@code r} (k×k, device) is not null
     * it receives the upper triangular R with A_before = A_after·R.
     */
    OrthoMethod orthonormalize(Matrix a, Matrix r) {
        if (r != null) {
            dense.scale(0f, r);
            kernels.addDiagonal(r, 1f);
        }
        int passes = 2;
        OrthoMethod method = OrthoMethod.CHOLESKY_QR2;
        for (int pass = 0; pass < passes; pass++) {
            dense.gemm(true, false, 1f, a, a, 0f, gram);
            if (pass == passes - 1 && context.deviationFromIdentity(gram) > LAST_PASS_DEVIATION) {
                return householder(a, r);
            }
            if (!factorize()) {
                if (pass > 0) {
                    return householder(a, r);
                }
                dense.gemm(true, false, 1f, a, a, 0f, gram); // potrf overwrote it
                double trace = 0;
                for (float d : diagonalValues()) {
                    trace += d;
                }
                kernels.addDiagonal(gram, (float) (11.0 * ((double) m * k + (double) k * (k + 1)) * U32 * trace));
                if (context.device().potrf(k, DeviceKernels.address(gram), gram.ld()) != 0) {
                    return householder(a, r);
                }
                passes = 3;
                method = OrthoMethod.SHIFTED_CHOLESKY_QR3;
            }
            kernels.upperFromColumnMajor(k, DeviceKernels.address(gram), gram.ld(), factor);
            accumulate(r);
            context.device().solveUpperRight(m, k, DeviceKernels.address(factor), factor.ld(),
                    DeviceKernels.address(a), a.ld());
        }
        return method;
    }

    /**
     * One Cholesky QR pass, for subspace iteration: the same span, condition number about 1 + κ(A)²·u. Falls back
     * to {@link #orthonormalize} on a breakdown.
     */
    void condition(Matrix a) {
        dense.gemm(true, false, 1f, a, a, 0f, gram);
        if (!factorize()) {
            orthonormalize(a, null);
            return;
        }
        kernels.upperFromColumnMajor(k, DeviceKernels.address(gram), gram.ld(), factor);
        context.device().solveUpperRight(m, k, DeviceKernels.address(factor), factor.ld(), DeviceKernels.address(a),
                a.ld());
    }

    // G = UᵀU in place (cuSOLVER, column-major upper = G's layout, G being symmetric); false on a breakdown
    private boolean factorize() {
        double largest = 0;
        for (float d : diagonalValues()) {
            largest = Math.max(largest, d);
        }
        if (!(largest > 0) || context.device().potrf(k, DeviceKernels.address(gram), gram.ld()) != 0) {
            return false;
        }
        for (float pivot : diagonalValues()) { // the factor's diagonal: pivot = U(j, j)²
            if (!((double) pivot * pivot > PIVOT_TOLERANCE * largest)) {
                return false;
            }
        }
        return true;
    }

    private float[] diagonalValues() {
        kernels.diagonal(gram, diagonal);
        return context.floats(diagonal);
    }

    // R := factor·R (both upper triangular, zeros below the diagonal)
    private void accumulate(Matrix r) {
        if (r != null) {
            dense.gemm(false, false, 1f, factor, r, 0f, product);
            dense.copy(product, r);
        }
    }

    // A = Q·R by Householder: A goes column-major through a transpose, R is read between geqrf and orgqr
    private OrthoMethod householder(Matrix a, Matrix r) {
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
}
