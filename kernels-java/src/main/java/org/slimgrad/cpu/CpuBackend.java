package org.slimgrad.cpu;

import org.slimgrad.DctOps;
import org.slimgrad.DenseOps;
import org.slimgrad.Factorizations;
import org.slimgrad.HostBackend;
import org.slimgrad.OptimizerOps;
import org.slimgrad.SparseOps;
import org.slimgrad.simd.VectorWidth;

/**
 * The Vector API backend: hand-written SIMD kernels for the vector width chosen by {@link VectorWidth}, run on
 * up to {@link #threads()} threads for large problems and on the caller's thread alone for small ones.
 *
 * <p>Worker threads belong to this instance's own pool (daemon threads, started on first use and retired when
 * idle), so the backend never touches the common pool and needs no closing.
 */
public final class CpuBackend extends HostBackend {

    private final CpuThreads threads;
    private final CpuDense dense;
    private final CpuFactorizations factorizations;
    private final CpuDct dct;
    private final CpuSparse sparse;
    private final CpuOptimizer optimizer;

    private CpuBackend(int threads) {
        super("cpu");
        this.threads = new CpuThreads(threads);
        this.dense = new CpuDense(this, this.threads);
        this.factorizations = new CpuFactorizations(this);
        this.dct = new CpuDct(this, this.threads);
        this.sparse = new CpuSparse(this);
        this.optimizer = new CpuOptimizer(this);
    }

    /** A backend using up to {@code threads} threads (the caller's included) per operation. */
    public static CpuBackend withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("CpuBackend.withThreads: threads = " + threads + ", need >= 1");
        }
        VectorWidth.requireValid("CpuBackend.withThreads");
        return new CpuBackend(threads);
    }

    /** Threads one operation may use, the caller's included. */
    public int threads() {
        return threads.threads();
    }

    /** Vector width in bits of this JVM's CPU kernels. */
    public int vectorBits() {
        return VectorWidth.bits();
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
        return dct;
    }

    @Override
    public SparseOps sparse() {
        return sparse;
    }

    @Override
    public OptimizerOps optimizer() {
        return optimizer;
    }

    @Override
    public String toString() {
        return "cpu(" + threads() + " threads, " + vectorBits() + "-bit vectors)";
    }
}
