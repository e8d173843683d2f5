package org.slimgrad.nativelib.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without a GPU the bindings say why, and nothing else fails. Runs everywhere (not tagged gpu). */
class CudaAvailabilityTest {

    @Test
    void aMachineWithoutCudaGetsAReasonNotACrash() {
        Assumptions.assumeTrue(Cuda.unavailableReason().isPresent(), "this machine has a usable CUDA device");
        String reason = Cuda.unavailableReason().orElseThrow();
        assertTrue(reason.contains("libcuda.so.1") || reason.contains("no device"), reason);
        IllegalStateException e = assertThrows(IllegalStateException.class, Cuda::get);
        assertTrue(e.getMessage().contains("CUDA is unavailable"), e.getMessage());
    }
}
