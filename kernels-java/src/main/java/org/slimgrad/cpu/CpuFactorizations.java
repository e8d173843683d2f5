package org.slimgrad.cpu;

import org.slimgrad.AbstractFactorizations;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;
import org.slimgrad.linalg.CholeskyQr;
import org.slimgrad.linalg.Parallel;
import org.slimgrad.linalg.RandomizedSvd;
import org.slimgrad.linalg.SmallSvd;

/**
 * The host factorisations: Cholesky QR and randomized SVD on the owner's GEMM (the heavy part), float64 host code
 * for the small k×k steps and the exact small SVD and eigendecomposition. Open for the native backend, which
 * replaces the orthonormalisation, SVD and eigendecomposition with LAPACK's and keeps the randomized SVD (on
 * OpenBLAS's GEMM).
 */
public class CpuFactorizations extends AbstractFactorizations {

    private final Backend owner;
    private final Parallel parallel;

    /** Factorisations on {@code owner}'s dense operations, the small float64 steps on the caller's thread. */
    protected CpuFactorizations(Backend owner) {
        this(owner, Parallel.SEQUENTIAL);
    }

    /** The cpu backend's: the eigendecompositions (the exact SVD's too) on its workers. */
    CpuFactorizations(Backend owner, Parallel parallel) {
        super(owner);
        this.owner = owner;
        this.parallel = parallel;
    }

    @Override
    protected OrthoMethod orthonormalizeKernel(Matrix a) {
        return new CholeskyQr(owner, a.rows(), a.cols()).orthonormalize(a, null);
    }

    @Override
    protected SymmetricEigen symmetricEigenKernel(Matrix s) {
        return SmallSvd.symmetricEigen(s, parallel);
    }

    @Override
    protected Svd svdKernel(Matrix a) {
        return SmallSvd.svd(a, parallel);
    }

    @Override
    protected final float[] randomizedSvdKernel(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                                Svd warmStart, Matrix u, Matrix vt) {
        return new RandomizedSvd(owner, a.rows(), a.cols(), rank, oversample, parallel)
                .compute(a, powerIterations, seed, warmStart, u, vt);
    }
}
