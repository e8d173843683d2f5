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

/**
 * SGEMM C = A·B: slimgrad's CPU backend beside OpenBLAS (through the native backend), netlib VectorBLAS, EJML and a
 * naive loop, on the same seeded data.
 * Shapes are "MxKxN"; the defaults are the cube sizes and the GaLore projection shapes of the 350M and 1B layers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBench {

    public static final long SEED = 42;

    @Param({"512x512x512", "1024x1024x1024", "2048x2048x2048", "1024x2736x256", "256x1024x2736",
            "4096x1024x2736"})
    public String shape;

    @Param({"slimgrad-1t", "slimgrad-2t", "openblas-1t", "openblas-2t", "netlib", "ejml", "ejml-2t", "naive"})
    public String impl;

    private GemmImpl gemm;

    @Setup
    public void setUp() {
        gemm = GemmImpl.create(impl, GemmShape.parse(shape), SEED);
    }

    @Benchmark
    public GemmImpl multiply() {
        gemm.multiply();
        return gemm;
    }
}
