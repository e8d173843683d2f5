package org.slimgrad.cuda;

import org.junit.jupiter.api.Tag;
import org.slimgrad.Backend;
import org.slimgrad.FactorizationContract;

/** kernels-java's factorisation contract on a real GPU (run with -Dgroups=gpu). */
@Tag("gpu")
class GpuFactorizationTest extends FactorizationContract {

    @Override
    protected Backend backend() {
        return new StagedCudaBackend(GpuCuda.shared());
    }
}
