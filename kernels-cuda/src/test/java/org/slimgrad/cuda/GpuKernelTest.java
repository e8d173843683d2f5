package org.slimgrad.cuda;

import org.junit.jupiter.api.Tag;
import org.slimgrad.Backend;
import org.slimgrad.KernelContract;

/** kernels-java's kernel contract on a real GPU (run with -Dgroups=gpu). */
@Tag("gpu")
class GpuKernelTest extends KernelContract {

    @Override
    protected Backend backend() {
        return new StagedCudaBackend(GpuCuda.shared());
    }
}
