package org.slimgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import java.util.function.Function;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;
import org.slimgrad.TestData;

/**
 * The sparse kernels on 1, 2 and 3 threads (more than this machine's cores) give the same bits: spmm splits the
 * tokens, sddmm and add/gather/scatter the support's rows, and no output element's sum changes order. Shapes are
 * above the size below which a kernel stays on one thread, with a token count that leaves a partial chunk and rows
 * of uneven length.
 */
@Tag("kernels")
class CpuSparseThreadsTest {

    private static final int TOKENS = 1000;
    private static final int ROWS = 300;
    private static final int COLS = 437;

    private final SplittableRandom rng = new SplittableRandom(437);
    private final FixedSupport support = FixedSupport.random(ROWS, COLS, 0.05, 11);
    private final Matrix values = TestData.random(rng, 1, support.nnz(), false);

    @Test
    void spmmBothWaysIsTheSameOnAnyNumberOfThreads() {
        Matrix x = TestData.random(rng, TOKENS, COLS, true);
        Matrix xT = TestData.random(rng, TOKENS, ROWS, true);
        Matrix y0 = TestData.random(rng, TOKENS, ROWS, false);
        Matrix y1 = TestData.random(rng, TOKENS, COLS, false);
        sameOnEveryThreadCount(cpu -> {
            Matrix y = copy(y0);
            cpu.spmm(true, 0.7f, x, support, values, 0.5f, y);
            return y;
        });
        sameOnEveryThreadCount(cpu -> {
            Matrix y = copy(y1);
            cpu.spmm(false, 1.3f, xT, support, values, 0f, y);
            return y;
        });
    }

    @Test
    void sddmmIsTheSameOnAnyNumberOfThreads() {
        Matrix a = TestData.random(rng, TOKENS, ROWS, true);
        Matrix b = TestData.random(rng, TOKENS, COLS, true);
        sameOnEveryThreadCount(cpu -> {
            Matrix out = copy(values);
            cpu.sddmm(0.9f, a, b, support, 0.25f, out);
            return out;
        });
    }

    @Test
    void addGatherAndScatterAreTheSameOnAnyNumberOfThreads() {
        FixedSupport dense = FixedSupport.random(1200, 1100, 0.3, 5); // above the one-thread size for moves
        Matrix v = TestData.random(rng, 1, dense.nnz(), false);
        Matrix w = TestData.random(rng, 1200, 1100, true);
        sameOnEveryThreadCount(cpu -> {
            Matrix out = copy(w);
            cpu.sparseAddTo(dense, v, -0.5f, out);
            return out;
        });
        sameOnEveryThreadCount(cpu -> {
            Matrix out = Matrix.wrap(new float[dense.nnz()], 1, dense.nnz());
            cpu.sparseGather(w, dense, out);
            return out;
        });
        sameOnEveryThreadCount(cpu -> {
            Matrix out = copy(w);
            cpu.sparseScatter(dense, v, out);
            return out;
        });
    }

    private static void sameOnEveryThreadCount(Function<Backend, Matrix> op) {
        float[] one = op.apply(CpuBackend.withThreads(1)).toArray();
        for (int threads = 2; threads <= 3; threads++) {
            assertArrayEquals(one, op.apply(CpuBackend.withThreads(threads)).toArray(), threads + " threads");
        }
    }

    private static Matrix copy(Matrix m) {
        return Matrix.wrap(m.toArray(), m.rows(), m.cols());
    }
}
