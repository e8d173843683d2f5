package org.slimgrad.nativelib;

import org.slimgrad.Backend;
import org.slimgrad.KernelContract;

/** OpenBLAS held to the same contract as slimgrad's own kernels. */
class NativeKernelsTest extends KernelContract {

    private static final Backend NATIVE = NativeBackend.withThreads(2);

    @Override
    protected Backend backend() {
        return NATIVE;
    }

    @Override
    protected boolean axpyFused() {
        return false;
    }
}
