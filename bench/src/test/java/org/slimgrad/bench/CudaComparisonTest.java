package org.slimgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.slimgrad.cuda.CudaBackend;
import org.slimgrad.cuda.EmulatedCuda;

/**
 * The GPU benchmark's code runs nowhere else before a GPU session: drive its methods table once on the emulated
 * device at a toy shape, so that a wrong shape or a missing kernel shows up here rather than in scarce GPU minutes.
 */
class CudaComparisonTest {

    @Test
    void theMethodsRowRunsOnTheEmulatedDevice() {
        String library = System.getProperty("slimgrad.cuda.emulation");
        assumeTrue(library != null && Files.isRegularFile(Path.of(library)), "no CUDA emulation library");
        for (int[] shape : new int[][]{{24, 40, 4}, {40, 24, 4}}) {
            try (CudaBackend cuda = EmulatedCuda.create()) {
                String row = CudaComparison.methodsRow(cuda, shape[0], shape[1], shape[2], 16);
                assertEquals(10, row.strip().split("\\|").length, row); // nine cells: every figure was measured
            }
        }
    }

    /** Past the budget no row starts, and the report on disk keeps the rows so far with a note saying why it ends. */
    @Test
    void aSpentBudgetStopsBetweenRowsWithTheRowsSoFarOnDisk() throws java.io.IOException {
        Path file = Files.createTempDirectory("cuda-report").resolve("cuda.md");
        StringBuilder md = new StringBuilder("| 1024x2736 | 256 | 1.0 |\n");
        assertTrue(CudaComparison.withinBudget(System.nanoTime() + 60_000_000_000L, md, file, 60));
        assertFalse(CudaComparison.withinBudget(System.nanoTime() - 1, md, file, 60));
        String written = Files.readString(file);
        assertTrue(written.startsWith("| 1024x2736 | 256 | 1.0 |") && written.contains("Stopped: the 60 s budget"),
                written);
    }
}
