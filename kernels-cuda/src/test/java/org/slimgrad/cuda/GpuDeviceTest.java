package org.slimgrad.cuda;

import org.junit.jupiter.api.Tag;

/** The device contract on a real GPU (run with -Dgroups=gpu). */
@Tag("gpu")
class GpuDeviceTest extends DeviceContract {

    @Override
    protected CudaBackend cuda() {
        return GpuCuda.shared();
    }

    @Override
    protected CudaBackend newBackend() {
        return GpuCuda.create();
    }
}
