package org.slimgrad.nativelib;

import static org.slimgrad.nativelib.Segments.start;

import java.lang.foreign.MemorySegment;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;
import org.slimgrad.cpu.CpuFactorizations;

/**
 * The native backend's factorisations: LAPACK's Householder QR (sgeqrf + sorgqr), divide-and-conquer SVD (sgesdd)
 * and eigendecomposition (ssyevd); the randomized SVD is slimgrad's algorithm on OpenBLAS's GEMM.
 */
final class NativeFactorizations extends CpuFactorizations {

    private final OpenBlas blas;
    private final Backend owner;

    NativeFactorizations(Backend owner, OpenBlas blas) {
        super(owner);
        this.blas = blas;
        this.owner = owner;
    }

    @Override
    protected OrthoMethod orthonormalizeKernel(Matrix a) {
        float[] tau = new float[a.cols()];
        blas.sgeqrf(a.rows(), a.cols(), start(a), a.ld(), MemorySegment.ofArray(tau));
        blas.sorgqr(a.rows(), a.cols(), a.cols(), start(a), a.ld(), MemorySegment.ofArray(tau));
        return OrthoMethod.HOUSEHOLDER_QR;
    }

    @Override
    protected Svd svdKernel(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        int p = Math.min(m, n);
        Matrix work = owner.allocate(m, n);
        owner.copy(a, work);
        Matrix u = owner.allocate(m, p);
        Matrix vt = owner.allocate(p, n);
        float[] sigma = new float[p];
        if (p > 0) {
            blas.sgesdd(m, n, start(work), Math.max(n, 1), MemorySegment.ofArray(sigma), start(u), Math.max(p, 1),
                    start(vt), Math.max(n, 1));
        }
        return new Svd(u, sigma, vt);
    }

    @Override
    protected SymmetricEigen symmetricEigenKernel(Matrix s) {
        int n = s.rows();
        Matrix v = owner.allocate(n, n); // the symmetric part (S + Sᵀ)/2, as every backend uses; ssyevd reads one triangle
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                v.set(i, j, 0.5f * s.get(i, j) + 0.5f * s.get(j, i));
            }
        }
        float[] ascending = new float[n];
        if (n > 0) {
            blas.ssyevd(n, start(v), n, MemorySegment.ofArray(ascending));
        }
        // LAPACK sorts ascending; the Backend contract is descending: reverse values and columns.
        float[] values = new float[n];
        Matrix vectors = owner.allocate(n, n);
        for (int j = 0; j < n; j++) {
            values[j] = ascending[n - 1 - j];
            for (int i = 0; i < n; i++) {
                vectors.set(i, j, v.get(i, n - 1 - j));
            }
        }
        return new SymmetricEigen(values, vectors);
    }
}
