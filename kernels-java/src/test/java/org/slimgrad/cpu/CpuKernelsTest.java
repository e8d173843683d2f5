package org.slimgrad.cpu;

import org.slimgrad.Backend;
import org.slimgrad.KernelContract;

/** The CPU kernels on the caller's thread alone. */
class CpuKernelsTest extends KernelContract {

    private static final Backend SINGLE = CpuBackend.withThreads(1);

    @Override
    protected Backend backend() {
        return SINGLE;
    }
}
