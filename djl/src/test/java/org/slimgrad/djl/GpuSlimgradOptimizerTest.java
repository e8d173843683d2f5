package org.slimgrad.djl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slimgrad.cuda.CudaBackend;
import org.slimgrad.nativelib.cuda.Cuda;

/**
 * The adapter on CUDA tensors of a real GPU: libtorch's device pointers wrapped by the CUDA backend, checked against
 * the CPU path. Needs DJL's CUDA libtorch on the class path (pytorch-native-cu128 instead of the CPU natives; about
 * 1 GB, beyond what this project's GPU visits can carry) and a GPU; skips, saying which is missing, elsewhere.
 */
@Tag("gpu")
class GpuSlimgradOptimizerTest {

    @Test
    void theCudaPathStepsAsTheCpuPath() throws java.io.IOException {
        assumeTrue(Cuda.unavailableReason().isEmpty(), () -> "no CUDA device: " + Cuda.unavailableReason().get());
        DjlSetup.offline();
        assumeTrue(Engine.getInstance().getGpuCount() > 0, "DJL's PyTorch engine sees no GPU (CPU natives)");
        try (CudaBackend cuda = CudaBackend.open(0)) {
            SlimgradOptimizerTest.assertDevicePathStepsAsTheCpuPath(cuda, Device.gpu(0), true);
        }
    }
}
