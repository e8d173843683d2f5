package org.slimgrad.cuda;

import org.slimgrad.Backend;
import org.slimgrad.DctContract;

/** kernels-java's DCT contract (every length 1–300 and the model lengths) on the CUDA backend, through the emulation. */
class EmulatedDctTest extends DctContract {

    @Override
    protected Backend backend() {
        return new StagedCudaBackend(EmulatedCuda.shared());
    }
}
