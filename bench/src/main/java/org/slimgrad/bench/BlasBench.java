package org.slimgrad.bench;

import java.util.concurrent.TimeUnit;

import dev.ludovic.netlib.blas.JavaBLAS;
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
import org.slimgrad.nativelib.NativeBackend;

/**
 * The level-1 kernels and the low-rank update on a 350M layer (1024×2736): {@code axpy}, {@code scale} and
 * {@code copy} on one thread beside OpenBLAS's saxpy, sscal and the JDK's array copy (netlib's Java saxpy too), and
 * {@code lowRankUpdate} W += α·U·Vᵀ (rank 256) on both cores beside
 * the same update as one OpenBLAS sgemm.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BlasBench {

    @State(Scope.Benchmark)
    public static class Layer {
        /** "cpu" (slimgrad) or "native" (OpenBLAS). */
        @Param({"cpu", "native"})
        public String backend;

        final int m = 1024;
        final int n = 2736;
        final int rank = 256;
        Backend single;
        Backend both;
        Matrix x;
        Matrix y;
        Matrix u;
        Matrix v;
        float[] xs;
        float[] ys;

        @Setup
        public void setUp() {
            boolean ours = backend.equals("cpu");
            single = ours ? CpuBackend.withThreads(1) : NativeBackend.withThreads(1);
            both = ours ? CpuBackend.withThreads(2) : NativeBackend.withThreads(2);
            x = single.allocate(m, n);
            y = single.allocate(m, n);
            u = single.allocate(m, rank);
            v = single.allocate(n, rank);
            CounterRandom.fillSketch(x, 1);
            CounterRandom.fillSketch(y, 2);
            CounterRandom.fillSketch(u, 3);
            CounterRandom.fillSketch(v, 4);
            xs = x.toArray();
            ys = y.toArray();
        }
    }

    @Benchmark
    public Object axpy(Layer s) {
        s.single.axpy(1e-3f, s.x, s.y);
        return s.y;
    }

    @Benchmark
    public Object scale(Layer s) {
        s.single.scale(0.999f, s.y);
        return s.y;
    }

    @Benchmark
    public Object copy(Layer s) {
        s.single.copy(s.x, s.y);
        return s.y;
    }

    @Benchmark
    public Object arraycopy(Layer s) {
        System.arraycopy(s.xs, 0, s.ys, 0, s.xs.length);
        return s.ys;
    }

    @Benchmark
    public Object netlibSaxpy(Layer s) {
        JavaBLAS.getInstance().saxpy(s.xs.length, 1e-3f, s.xs, 1, s.ys, 1);
        return s.ys;
    }

    @Benchmark
    public Object lowRankUpdate(Layer s) {
        s.both.lowRankUpdate(s.y, -1e-3f, s.u, s.v);
        return s.y;
    }
}
