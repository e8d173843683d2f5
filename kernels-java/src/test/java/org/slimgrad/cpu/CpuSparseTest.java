package org.slimgrad.cpu;

import org.slimgrad.Backend;
import org.slimgrad.SparseContract;

/** The CPU backend's fixed-support kernels. */
class CpuSparseTest extends SparseContract {

    private static final Backend SINGLE = CpuBackend.withThreads(1);

    @Override
    protected Backend backend() {
        return SINGLE;
    }
}
