package org.slimgrad.cuda;

import org.junit.jupiter.api.Tag;
import org.slimgrad.Backend;
import org.slimgrad.SparseContract;

/** kernels-java's sparse fixed-support contract on a real GPU (run with -Dgroups=gpu). */
@Tag("gpu")
class GpuSparseTest extends SparseContract {

    @Override
    protected Backend backend() {
        return new StagedCudaBackend(GpuCuda.shared());
    }
}
