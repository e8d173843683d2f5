package org.slimgrad.cpu;

import org.slimgrad.Capabilities;
import org.slimgrad.HostBackend;
import org.slimgrad.simd.VectorWidth;

/**
 * The Vector API backend: hand-written SIMD kernels for the vector width chosen by {@link VectorWidth}, run on
 * up to {@link #threads()} threads for large problems and on the caller's thread alone for small ones.
 *
 * <p>Worker threads belong to this instance's own pool (daemon threads, started on first use and retired when
 * idle), so the backend never touches the common pool and needs no closing.
 */
public final class CpuBackend extends HostBackend {

    private final int threads;

    private CpuBackend(CpuThreads threads) {
        super("cpu", owner -> new Capabilities(new CpuDense(owner, threads),
                new CpuFactorizations(owner, threads.all()),
                new CpuDct(owner, threads), new CpuSparse(owner, threads), new CpuOptimizer(owner)));
        this.threads = threads.threads();
    }

    /** A backend using up to {@code threads} threads (the caller's included) per operation. */
    public static CpuBackend withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("CpuBackend.withThreads: threads = " + threads + ", need >= 1");
        }
        VectorWidth.requireValid("CpuBackend.withThreads");
        return new CpuBackend(new CpuThreads(threads));
    }

    /** Threads one operation may use, the caller's included. */
    public int threads() {
        return threads;
    }

    /** Vector width in bits of this JVM's CPU kernels. */
    public int vectorBits() {
        return VectorWidth.bits();
    }

    @Override
    public String toString() {
        return "cpu(" + threads() + " threads, " + vectorBits() + "-bit vectors)";
    }
}
