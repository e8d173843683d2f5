package org.slimgrad.cpu;

import org.slimgrad.Backend;
import org.slimgrad.KernelContract;

/**
 * The CPU kernels split over three threads: more than this machine's cores, so the uneven partitions and the
 * waiting on busy workers are exercised too.
 */
class CpuKernelsParallelTest extends KernelContract {

    private static final Backend THREADED = CpuBackend.withThreads(3);

    @Override
    protected Backend backend() {
        return THREADED;
    }
}
