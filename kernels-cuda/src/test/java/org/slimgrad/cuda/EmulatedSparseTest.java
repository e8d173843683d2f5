package org.slimgrad.cuda;

import org.slimgrad.Backend;
import org.slimgrad.SparseContract;

/** kernels-java's sparse fixed-support contract on the CUDA backend, through the host emulation. */
class EmulatedSparseTest extends SparseContract {

    @Override
    protected Backend backend() {
        return new StagedCudaBackend(EmulatedCuda.shared());
    }
}
