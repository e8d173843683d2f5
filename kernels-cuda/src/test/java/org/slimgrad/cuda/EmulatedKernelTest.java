package org.slimgrad.cuda;

import org.slimgrad.Backend;
import org.slimgrad.KernelContract;

/** kernels-java's kernel contract on the CUDA backend, through the host emulation. */
class EmulatedKernelTest extends KernelContract {

    @Override
    protected Backend backend() {
        return new StagedCudaBackend(EmulatedCuda.shared());
    }
}
