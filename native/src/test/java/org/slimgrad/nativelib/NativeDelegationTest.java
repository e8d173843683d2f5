package org.slimgrad.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.TestData;
import org.slimgrad.cpu.CpuBackend;

/**
 * OpenBLAS has no DCT and no fixed-support kernels, so the native backend hands them to the CPU backend: every one
 * must give the CPU backend's bits.
 */
class NativeDelegationTest {

    private final Backend nativeBackend = NativeBackend.withThreads(2);
    private final Backend cpu = CpuBackend.withThreads(1);

    @Test
    void dctKernelsAreTheCpuBackends() {
        SplittableRandom rng = new SplittableRandom(1);
        Matrix g = TestData.random(rng, 40, 57, false);
        for (Axis axis : Axis.values()) {
            int length = axis.lineLength(g);
            int lines = axis.lineCount(g);
            Matrix mine = nativeBackend.allocate(40, 57);
            Matrix theirs = cpu.allocate(40, 57);
            nativeBackend.dct(g, mine, axis);
            cpu.dct(g, theirs, axis);
            assertArrayEquals(theirs.toArray(), mine.toArray(), "dct " + axis);
            nativeBackend.idct(g, mine, axis);
            cpu.idct(g, theirs, axis);
            assertArrayEquals(theirs.toArray(), mine.toArray(), "idct " + axis);
            Matrix s1 = nativeBackend.allocate(1, length);
            Matrix s2 = cpu.allocate(1, length);
            nativeBackend.dctScores(g, axis, ScoreNorm.L2, s1);
            cpu.dctScores(g, axis, ScoreNorm.L2, s2);
            assertArrayEquals(s2.toArray(), s1.toArray(), "dctScores " + axis);
            int[] idx = nativeBackend.topK(s1, 5);
            assertArrayEquals(cpu.topK(s2, 5), idx, "topK");
            Matrix r1 = axis == Axis.ROWS ? nativeBackend.allocate(lines, 5) : nativeBackend.allocate(5, lines);
            Matrix r2 = axis == Axis.ROWS ? cpu.allocate(lines, 5) : cpu.allocate(5, lines);
            nativeBackend.dctGather(g, axis, idx, r1);
            cpu.dctGather(g, axis, idx, r2);
            assertArrayEquals(r2.toArray(), r1.toArray(), "dctGather " + axis);
            nativeBackend.idctScatter(r1, axis, idx, 0.5f, 0f, mine);
            cpu.idctScatter(r2, axis, idx, 0.5f, 0f, theirs);
            assertArrayEquals(theirs.toArray(), mine.toArray(), "idctScatter " + axis);
        }
    }

    @Test
    void sparseKernelsAreTheCpuBackends() {
        SplittableRandom rng = new SplittableRandom(2);
        FixedSupport support = FixedSupport.random(33, 21, 0.2, 3);
        Matrix values = TestData.random(rng, 1, support.nnz(), false);
        Matrix x = TestData.random(rng, 70, 21, false);
        Matrix dy = TestData.random(rng, 70, 33, false);
        for (boolean transposeS : new boolean[]{true, false}) {
            Matrix in = transposeS ? x : dy;
            Matrix y1 = nativeBackend.allocate(70, transposeS ? 33 : 21);
            Matrix y2 = cpu.allocate(70, transposeS ? 33 : 21);
            nativeBackend.spmm(transposeS, 1f, in, support, values, 0f, y1);
            cpu.spmm(transposeS, 1f, in, support, values, 0f, y2);
            assertArrayEquals(y2.toArray(), y1.toArray(), "spmm transposeS=" + transposeS);
        }
        Matrix v1 = nativeBackend.allocate(1, support.nnz());
        Matrix v2 = cpu.allocate(1, support.nnz());
        nativeBackend.sddmm(1f, dy, x, support, 0f, v1);
        cpu.sddmm(1f, dy, x, support, 0f, v2);
        assertArrayEquals(v2.toArray(), v1.toArray(), "sddmm");
        Matrix d1 = nativeBackend.allocate(33, 21);
        Matrix d2 = cpu.allocate(33, 21);
        nativeBackend.sparseAddTo(support, values, 2f, d1);
        cpu.sparseAddTo(support, values, 2f, d2);
        assertArrayEquals(d2.toArray(), d1.toArray(), "sparseAddTo");
    }
}
