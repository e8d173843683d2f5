package org.slimgrad.cuda;

/** The device contract on the host emulation: runs in every build. */
class EmulatedDeviceTest extends DeviceContract {

    @Override
    protected CudaBackend cuda() {
        return EmulatedCuda.shared();
    }

    @Override
    protected CudaBackend newBackend() {
        return EmulatedCuda.create();
    }
}
