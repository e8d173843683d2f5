package org.slimgrad.cuda;

import org.junit.jupiter.api.Tag;
import org.slimgrad.Backend;
import org.slimgrad.DctContract;

/** kernels-java's DCT contract on a real GPU (run with -Dgroups=gpu). */
@Tag("gpu")
class GpuDctTest extends DctContract {

    @Override
    protected Backend backend() {
        return new StagedCudaBackend(GpuCuda.shared());
    }
}
