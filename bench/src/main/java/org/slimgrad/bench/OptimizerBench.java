package org.slimgrad.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.train.DctProjector;
import org.slimgrad.train.LowRankAdam;
import org.slimgrad.train.NonFinitePolicy;
import org.slimgrad.train.SvdProjector;

/**
 * One optimizer step of a 350M layer's W (1024×2736, rank 256, left side: R is 256×2736) without a refresh (the
 * subspace is chosen in setup, the next refresh is far away), AdamW with λ = 0.1, one thread throughout: SVD- and DCT-projected
 * {@link LowRankAdam}, the unfused sequence of our own kernels, the SVD step's two projection GEMMs alone, and
 * full-rank AdamW (one fused pass over W, g and the two m×n moments).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OptimizerBench {

    @State(Scope.Benchmark)
    public static class Layer {
        final int m = 1024;
        final int n = 2736;
        final int rank = 256;
        final float lr = 1e-4f;
        final float decay = 0.1f;
        final LowRankAdam.Settings settings = new LowRankAdam.Settings(lr, 0.9f, 0.999f, 1e-8f, decay,
                LowRankAdam.OnRefresh.ROTATE);
        Backend cpu;
        Matrix w;
        Matrix g;
        LowRankAdam svd;
        LowRankAdam dct;
        SvdProjector basisOnly;
        Matrix r;
        Matrix moment1;
        Matrix moment2;
        Matrix update;
        Matrix delta;
        Matrix fullMoment1;
        Matrix fullMoment2;
        float[] source;
        float[] target;
        long fullStep;
        long unfusedStep;

        @Setup
        public void setUp() {
            cpu = CpuBackend.withThreads(1);
            w = cpu.allocate(m, n);
            g = SvdData.harmonic(cpu, m, n, 3);
            CounterRandom.fillSketch(w, 4);
            svd = new LowRankAdam(cpu, new SvdProjector(cpu, m, n, rank, Integer.MAX_VALUE, 0.25f,
                    SvdProjector.Refresh.randomized(10, 2), NonFinitePolicy.THROW, 5), settings);
            dct = new LowRankAdam(cpu, new DctProjector(cpu, m, n, rank, Integer.MAX_VALUE, 0.25f, ScoreNorm.L1,
                    NonFinitePolicy.THROW), settings);
            svd.step(w, g);
            dct.step(w, g);
            basisOnly = new SvdProjector(cpu, m, n, rank, Integer.MAX_VALUE, 0.25f,
                    SvdProjector.Refresh.randomized(10, 2), NonFinitePolicy.THROW, 5);
            r = cpu.allocate(rank, n);
            basisOnly.project(g, r);
            moment1 = cpu.allocate(rank, n);
            moment2 = cpu.allocate(rank, n);
            update = cpu.allocate(rank, n);
            delta = cpu.allocate(m, n);
            fullMoment1 = cpu.allocate(m, n);
            fullMoment2 = cpu.allocate(m, n);
            source = g.toArray();
            target = new float[source.length];
        }
    }

    @Benchmark
    public Object svdProjectedStep(Layer s) {
        s.svd.step(s.w, s.g);
        return s.w;
    }

    @Benchmark
    public Object dctProjectedStep(Layer s) {
        s.dct.step(s.w, s.g);
        return s.w;
    }

    /**
     * The same SVD step unfused: R = Pᵀ·G, Adam into N, ΔW = α·P·N into an m×n temporary, then W = (1 − lr·λ)·W and
     * W −= lr·ΔW as separate passes.
     */
    @Benchmark
    public Object svdUnfusedStep(Layer s) {
        Matrix p = s.basisOnly.basis();
        s.cpu.gemm(true, false, 1f, p, s.g, 0f, s.r);
        s.cpu.adam(s.r, s.moment1, s.moment2, 0.9f, 0.999f, 1e-8f, ++s.unfusedStep, 1f, 0f, s.update);
        s.cpu.gemm(false, false, 0.25f, p, s.update, 0f, s.delta);
        s.cpu.scale(1f - s.lr * s.decay, s.w);
        s.cpu.axpy(-s.lr, s.delta, s.w);
        return s.w;
    }

    /** The SVD step's two projection GEMMs alone: R = Pᵀ·G and W += P·N. */
    @Benchmark
    public Object projectionGemms(Layer s) {
        Matrix p = s.basisOnly.basis();
        s.cpu.gemm(true, false, 1f, p, s.g, 0f, s.r);
        s.cpu.gemm(false, false, -s.lr, p, s.r, 1f, s.w);
        return s.w;
    }

    /** Full-rank AdamW: one pass reading W, G and both m×n moments, writing W and the moments. */
    @Benchmark
    public Object fullRankAdamW(Layer s) {
        s.cpu.adam(s.g, s.fullMoment1, s.fullMoment2, 0.9f, 0.999f, 1e-8f, ++s.fullStep, -s.lr,
                1f - s.lr * s.decay, s.w);
        return s.w;
    }

    /** The machine's copy bandwidth on the same size: 2·m·n·4 bytes moved by System.arraycopy. */
    @Benchmark
    public Object memoryCopy(Layer s) {
        System.arraycopy(s.source, 0, s.target, 0, s.source.length);
        return s.target;
    }
}
