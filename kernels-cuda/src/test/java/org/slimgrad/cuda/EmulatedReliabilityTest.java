package org.slimgrad.cuda;

import org.slimgrad.Backend;
import org.slimgrad.ReliabilityContract;

/**
 * kernels-java's reliability contract on the CUDA backend, through the host emulation: among it the thread-safety
 * rule, which the CUDA backend keeps by running concurrent callers one after another.
 */
class EmulatedReliabilityTest extends ReliabilityContract {

    @Override
    protected Backend backend() {
        return new StagedCudaBackend(EmulatedCuda.shared());
    }
}
