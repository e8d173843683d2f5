package org.slimgrad.bench.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.cuda.CudaBackend;
import org.slimgrad.cuda.EmulatedCuda;

/** A few dozen steps of every method on a small model: learning, memory as predicted, bit-identical resume. */
class PretrainTest {

    private static final PretrainRun.Config SMALL = new PretrainRun.Config(16, 32, 86, 8, 10, 64, 40, 3e-3f, 0f,
            PretrainRun.Config.PROJECTION_SCALE, PretrainRun.Config.SPARSE_LOW_RANK_SCALE, 20_000, 1024, 10, 7);
    private final Backend cpu = CpuBackend.withThreads(2);

    @Test
    void everyMethodReducesTheLoss() {
        PretrainRun run = new PretrainRun(SMALL);
        assertTrue(run.source().entropyRate() > 0 && run.source().entropyRate() < Math.log(16));
        for (Linear.Method method : Linear.Method.values()) {
            PretrainRun.Result result = run.run(method, cpu);
            double first = result.validationCurve().get(0)[1];
            assertTrue(result.validationLoss() < first - 0.05,
                    method + ": validation loss " + result.validationLoss() + " from " + first);
        }
    }

    /**
     * The optimizer bytes of the four block matrices (86×32 up, 32×86 down, rank 8) against the formulas: SVD
     * moments + own workspace (3·projected) + P + C (r², present once the subspace has changed); DCT 3·projected +
     * two index lists + one score per column of the scored side + C (r², once a moment was rotated); SLTrain AdamW on
     * B, A and round(0.03·m·n) values.
     */
    @Test
    void lowRankRunsHoldTheMemoryTheReportPredicts() {
        PretrainRun run = new PretrainRun(SMALL);
        long m = 86, n = 32, r = 8;
        long svd = 2 * ((3 * m * r + n * r + r * r) + (3 * r * m + n * r + r * r)) * 4;
        long dct = 2 * ((3 * m * r + 2 * r + n + r * r) + (3 * r * m + 2 * r + n + r * r)) * 4;
        long nnz = Math.round(0.03 * m * n);
        long sltrain = 4 * 2 * (m * r + r * n + nnz) * 4;
        assertEquals(svd, run.run(Linear.Method.GALORE_SVD, cpu).blockMemory().heldBytes(), "SVD");
        assertEquals(dct, run.run(Linear.Method.DCT, cpu).blockMemory().heldBytes(), "DCT");
        assertEquals(sltrain, run.run(Linear.Method.SLTRAIN, cpu).blockMemory().heldBytes(), "SLTrain");
        assertEquals(4 * 2 * m * n * 4, run.run(Linear.Method.FULL_ADAMW, cpu).blockMemory().heldBytes(), "AdamW");
    }

    /**
     * The CUDA mode (weights, layers and optimizers on the device, the element-wise loops on host mirrors) through
     * the emulated device: 12 steps, across the refresh at step 10, follow the CPU run's losses.
     */
    @Test
    void theCudaModeTrainsLikeTheCpuOnTheEmulatedDevice() {
        String library = System.getProperty("slimgrad.cuda.emulation");
        assumeTrue(library != null && Files.isRegularFile(Path.of(library)), "no CUDA emulation library");
        PretrainRun run = new PretrainRun(SMALL);
        try (CudaBackend cuda = EmulatedCuda.create()) {
            for (Linear.Method method : Linear.Method.values()) {
                double[] onCpu = run.train(run.model(method, cpu), 0, 12);
                double[] onCuda = run.train(run.model(method, cuda), 0, 12);
                for (int step = 0; step < onCpu.length; step++) {
                    assertEquals(onCpu[step], onCuda[step], 1e-4 * onCpu[step], method + " step " + step);
                }
            }
        }
    }

    @Test
    void aSavedAndRestoredRunContinuesBitIdentically() throws Exception {
        PretrainRun run = new PretrainRun(SMALL);
        for (Linear.Method method : Linear.Method.values()) {
            MlpLanguageModel straight = run.model(method, cpu);
            run.train(straight, 0, 25); // crosses refreshes at steps 0, 10, 20
            byte[] saved = straight.stateBytes();
            MlpLanguageModel resumed = run.model(method, cpu);
            resumed.load(new DataInputStream(new ByteArrayInputStream(saved)));
            run.train(straight, 25, 35);
            run.train(resumed, 25, 35);
            assertArrayEquals(straight.stateBytes(), resumed.stateBytes(), method + ": resumed run");
        }
    }
}
