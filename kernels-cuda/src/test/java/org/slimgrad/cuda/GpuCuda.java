package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.slimgrad.nativelib.cuda.Cuda;

/** The real device the gpu-tagged tests share; they skip, saying why, where there is none. */
final class GpuCuda {

    private static CudaBackend shared;

    private GpuCuda() {
    }

    static synchronized CudaBackend shared() {
        if (shared == null) {
            shared = create();
        }
        return shared;
    }

    static CudaBackend create() {
        assumeTrue(Cuda.unavailableReason().isEmpty(), () -> "no CUDA device: " + Cuda.unavailableReason().get());
        assumeTrue(GpuDevice.ptx().isPresent(), "no PTX: nvcc was missing when kernels-cuda was built");
        return CudaBackend.open(0);
    }
}
