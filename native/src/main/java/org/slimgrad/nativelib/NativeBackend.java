package org.slimgrad.nativelib;

import org.slimgrad.DctOps;
import org.slimgrad.DenseOps;
import org.slimgrad.Factorizations;
import org.slimgrad.HostBackend;
import org.slimgrad.OptimizerOps;
import org.slimgrad.SparseOps;
import org.slimgrad.cpu.CpuBackend;

/**
 * The {@code native} backend: OpenBLAS for GEMM and the vector kernels, LAPACK for orthonormalisation (sgeqrf +
 * sorgqr), the small SVD (sgesdd) and the eigendecomposition (ssyevd). Randomized SVD runs slimgrad's algorithm on
 * OpenBLAS's GEMM, so benchmarks can hold our kernels against the vendor's with the algorithm fixed. OpenBLAS and
 * LAPACK have no DCT, no fixed-support sparse kernels and no Adam step: this backend uses the {@code cpu}
 * backend's, on one thread.
 *
 * <p>OpenBLAS's thread count is process-global; this backend sets it to {@link #threads()} before every call, so
 * two native backends with different counts must not run at the same time.
 */
public final class NativeBackend extends HostBackend {

    private final OpenBlas blas;
    private final int threads;
    private final DenseOps dense;
    private final Factorizations factorizations;
    private final CpuBackend singleThreadedCpu = CpuBackend.withThreads(1);

    private NativeBackend(int threads) {
        super("native");
        this.blas = OpenBlas.get();
        this.threads = threads;
        this.dense = new NativeDense(this, blas, threads);
        this.factorizations = new NativeFactorizations(this, blas);
    }

    /** A backend running OpenBLAS on {@code threads} threads. */
    public static NativeBackend withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("NativeBackend.withThreads: threads = " + threads + ", need >= 1");
        }
        return new NativeBackend(threads);
    }

    public int threads() {
        return threads;
    }

    /** OpenBLAS's kernel family for this processor. */
    public String coreName() {
        return blas.coreName();
    }

    @Override
    public DenseOps dense() {
        return dense;
    }

    @Override
    public Factorizations factorizations() {
        return factorizations;
    }

    @Override
    public DctOps dctOps() {
        return singleThreadedCpu.dctOps();
    }

    @Override
    public SparseOps sparse() {
        return singleThreadedCpu.sparse();
    }

    @Override
    public OptimizerOps optimizer() {
        return singleThreadedCpu.optimizer();
    }

    @Override
    public String toString() {
        return "native(OpenBLAS " + blas.coreName() + ", " + threads + " threads)";
    }
}
