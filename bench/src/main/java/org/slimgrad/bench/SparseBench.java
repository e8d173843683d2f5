package org.slimgrad.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.train.SparsePlusLowRankLinear;

/**
 * SLTrain's sparse-plus-low-rank layer (W = s·B·A + S, δ = 0.03) against the dense formulation of its reference
 * implementation (form W, then dense GEMMs), both on slimgrad's CPU kernels on one thread (or {@code threads}), 4096 tokens: forward,
 * backward, the S-value gradient by {@code sddmm} against dense-product-then-gather, and {@code spmm} alone.
 * Shapes: the 350M (W 2736×1024, r = 256) and 60M (W 1376×512, r = 128) LLaMA MLP layers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SparseBench {

    @State(Scope.Benchmark)
    public static class Layer {
        /** "350M" (2736×1024, r 256) or "60M" (1376×512, r 128). */
        @Param({"350M", "60M"})
        public String model;

        /** The backend's threads (the report's thread-scaling cases set 2 and every core). */
        @Param({"1"})
        public int threads;

        final int tokens = 4096;
        Backend cpu;
        SparsePlusLowRankLinear layer;
        Matrix x;
        Matrix y;
        Matrix dy;
        Matrix dx;
        Matrix w;
        Matrix dw;
        Matrix db;
        Matrix da;
        Matrix ds;
        Matrix sDense;

        @Setup
        public void setUp() {
            boolean large = model.equals("350M");
            int m = large ? 2736 : 1376;
            int n = large ? 1024 : 512;
            int r = large ? 256 : 128;
            cpu = CpuBackend.withThreads(threads);
            layer = new SparsePlusLowRankLinear(cpu, m, n, r, 2f * r, 0.03, 17);
            CounterRandom.fillSketch(layer.b(), 18); // B = 0 at initialisation would make the benchmark trivial
            x = cpu.allocate(tokens, n);
            dy = cpu.allocate(tokens, m);
            CounterRandom.fillSketch(x, 19);
            CounterRandom.fillSketch(dy, 20);
            y = cpu.allocate(tokens, m);
            dx = cpu.allocate(tokens, n);
            w = cpu.allocate(m, n);
            dw = cpu.allocate(m, n);
            db = cpu.allocate(m, r);
            da = cpu.allocate(r, n);
            ds = cpu.allocate(1, layer.support().nnz());
            sDense = cpu.allocate(m, n);
            cpu.sparseScatter(layer.support(), layer.values(), sDense);
            layer.forward(x, y);
        }
    }

    @Benchmark
    public Object layerForward(Layer s) {
        s.layer.forward(s.x, s.y);
        return s.y;
    }

    /** The reference implementation's forward: W = s·B·A + S materialised, then Y = X·Wᵀ. */
    @Benchmark
    public Object denseForward(Layer s) {
        s.layer.mergeInto(s.w);
        s.cpu.gemm(false, true, 1f, s.x, s.w, 0f, s.y);
        return s.y;
    }

    @Benchmark
    public Object layerBackward(Layer s) {
        s.layer.backward(s.x, s.dy, s.dx);
        return s.dx;
    }

    /** Dense backward: W formed, dW = dYᵀ·X, dX = dY·W, dB = s·dW·Aᵀ, dA = s·Bᵀ·dW, dS = dW on the support. */
    @Benchmark
    public Object denseBackward(Layer s) {
        SparsePlusLowRankLinear l = s.layer;
        l.mergeInto(s.w);
        s.cpu.gemm(true, false, 1f, s.dy, s.x, 0f, s.dw);
        s.cpu.gemm(false, false, 1f, s.dy, s.w, 0f, s.dx);
        s.cpu.gemm(false, true, l.scaling(), s.dw, l.a(), 0f, s.db);
        s.cpu.gemm(true, false, l.scaling(), l.b(), s.dw, 0f, s.da);
        s.cpu.sparseGather(s.dw, l.support(), s.ds);
        return s.ds;
    }

    @Benchmark
    public Object sddmmValueGradient(Layer s) {
        s.cpu.sddmm(1f, s.dy, s.x, s.layer.support(), 0f, s.ds);
        return s.ds;
    }

    @Benchmark
    public Object denseProductThenGather(Layer s) {
        s.cpu.gemm(true, false, 1f, s.dy, s.x, 0f, s.dw);
        s.cpu.sparseGather(s.dw, s.layer.support(), s.ds);
        return s.ds;
    }

    /** Y = X·Sᵀ alone: 2·nnz·tokens useful flops. */
    @Benchmark
    public Object spmmForward(Layer s) {
        s.cpu.spmm(true, 1f, s.x, s.layer.support(), s.layer.values(), 0f, s.y);
        return s.y;
    }

    /** Y = X·Sᵀ with S stored dense (zeros included): what a dense library does with the same sparse matrix. */
    @Benchmark
    public Object denseSpmmForward(Layer s) {
        s.cpu.gemm(false, true, 1f, s.x, s.sDense, 0f, s.y);
        return s.y;
    }

    /** dX = dY·S alone. */
    @Benchmark
    public Object spmmBackward(Layer s) {
        s.cpu.spmm(false, 1f, s.dy, s.layer.support(), s.layer.values(), 0f, s.dx);
        return s.dx;
    }
}
