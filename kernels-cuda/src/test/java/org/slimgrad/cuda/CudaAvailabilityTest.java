package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.nativelib.cuda.Cuda;

/** Where there is no GPU (every CI machine), asking for "cuda" says why; and "cuda" is never picked unasked. */
class CudaAvailabilityTest {

    @Test
    void namedCudaExplainsWhyItCannotRunHere() {
        assumeTrue(Cuda.unavailableReason().isPresent(), "a CUDA device is present");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.named("cuda"));
        assertTrue(e.getMessage().contains("cuda") && e.getMessage().contains(Cuda.unavailableReason().get()),
                e.getMessage());
    }

    @Test
    void bestDoesNotPickCudaUnasked() {
        assumeTrue(System.getProperty("slimgrad.backend") == null);
        Backend best = Backends.best();
        assertTrue(best instanceof CpuBackend, "best() gave " + best);
    }
}
