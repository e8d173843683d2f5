package org.slimgrad.cpu;

import org.slimgrad.Backend;
import org.slimgrad.DctContract;

/** The CPU backend's DCT kernels. */
class CpuDctTest extends DctContract {

    private static final Backend SINGLE = CpuBackend.withThreads(1);

    @Override
    protected Backend backend() {
        return SINGLE;
    }
}
