package org.slimgrad.cuda;

import org.slimgrad.DenseOps;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;
import org.slimgrad.linalg.CholeskyQrPolicy;

/**
 * {@link CholeskyQrPolicy}'s steps on the device for one shape, with their workspace: G = AᵀA by cuBLAS, G = RᵀR by
 * cuSOLVER potrf on a copy of G, A := A·R⁻¹ by a triangular solve, Householder QR by geqrf and orgqr; the
 * accumulated factor R is a k×k device matrix. The breakdown test and the last pass's deviation test run on the
 * device ({@link DeviceStatus}): deferred, they cost no wait until the operation reads its status once
 * ({@link #orthonormalizeOnce}); read as they are made, one wait each (the fallback path, and the shift's trace).
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
    /** A's columns before {@link #orthonormalizeOnce}, for its rerun; made on first use. */
    private Matrix backup;

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

    @Override
    protected void gram(Matrix a) {
        dense.gemm(true, false, 1f, a, a, 0f, gram);
    }

    /**
     * Orthonormalises {@code a} in place waiting for the GPU once: the passes run with their checks deferred; when a
     * check failed, A is restored from a copy and orthonormalised again with the checks made as they come (the
     * policy's shift and Householder fallbacks).
     */
    OrthoMethod orthonormalizeOnce(Matrix a) {
        if (backup == null) {
            backup = context.allocateUninitialised(m, k);
        }
        dense.copy(a, backup);
        return context.status().deferred(() -> orthonormalize(a, null)).orElseGet(() -> {
            dense.copy(backup, a);
            return orthonormalize(a, null);
        });
    }

    @Override
    protected boolean lastPassMayStart() {
        if (context.status().deferring()) {
            context.recordDeviationAbove(gram, LAST_PASS_DEVIATION);
            return true;
        }
        return context.deviationFromIdentity(gram) <= LAST_PASS_DEVIATION;
    }

    @Override
    protected double gramTrace() {
        double trace = 0;
        for (float d : diagonalOf(gram)) {
            trace += d;
        }
        return trace;
    }

    // potrf on a copy of G (column-major upper = G's layout, G being symmetric), the breakdown test on the device,
    // then R row-major into factor
    @Override
    protected boolean factor(double shift, double pivotTolerance) {
        DeviceStatus status = context.status();
        boolean deferred = status.deferring();
        if (!deferred) {
            status.reset();
        }
        dense.copy(gram, product);
        if (shift != 0) {
            kernels.addDiagonal(product, (float) shift);
        }
        long r = DeviceKernels.address(product);
        context.device().potrf(k, r, product.ld(), status.info());
        status.recordCholesky(k, gram, r, product.ld(), pivotTolerance);
        if (!deferred && status.read().isPresent()) {
            return false;
        }
        kernels.upperFromColumnMajor(k, r, product.ld(), factor);
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
            long t = DeviceKernels.address(tau);
            DeviceStatus status = context.status();
            status.solve("geqrf", info -> context.device().geqrf(m, k, q, m, t, info));
            if (r != null) {
                kernels.upperFromColumnMajor(k, q, m, factor);
                accumulate(r);
            }
            status.solve("orgqr", info -> context.device().orgqr(m, k, q, m, t, info));
            dense.transpose(columns, a);
        }
        return OrthoMethod.HOUSEHOLDER_QR;
    }

    private float[] diagonalOf(Matrix square) {
        kernels.diagonal(square, diagonal);
        return context.floats(diagonal);
    }
}
