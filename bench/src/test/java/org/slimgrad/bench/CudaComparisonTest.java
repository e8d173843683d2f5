package org.slimgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
