package org.slimgrad.nativelib;

import org.slimgrad.Capabilities;
import org.slimgrad.HostBackend;
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

    private NativeBackend(OpenBlas blas, int threads, CpuBackend singleThreadedCpu) {
        super("native", owner -> new Capabilities(new NativeDense(owner, blas, threads),
                new NativeFactorizations(owner, blas), singleThreadedCpu.dctOps(), singleThreadedCpu.sparse(),
                singleThreadedCpu.optimizer()));
        this.blas = blas;
        this.threads = threads;
    }

    /** A backend running OpenBLAS on {@code threads} threads. */
    public static NativeBackend withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("NativeBackend.withThreads: threads = " + threads + ", need >= 1");
        }
        return new NativeBackend(OpenBlas.get(), threads, CpuBackend.withThreads(1));
    }

    public int threads() {
        return threads;
    }

    /** OpenBLAS's kernel family for this processor. */
    public String coreName() {
        return blas.coreName();
    }

    @Override
    public String toString() {
        return "native(OpenBLAS " + blas.coreName() + ", " + threads + " threads)";
    }
}
