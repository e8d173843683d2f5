package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The device contract on the host emulation: runs in every build. */
class EmulatedDeviceTest extends DeviceContract {

    /** The instance Backends shares refuses close() and stays usable; a private one closes. */
    @Test
    void theSharedBackendCannotBeClosedByOneOfItsUsers() {
        EmulatedCuda.create().close(); // skips the test where the emulation library is missing
        CudaBackend shared = new CudaBackend("cuda", EmulatedDevice.load(), true);
        IllegalStateException e = assertThrows(IllegalStateException.class, shared::close);
        assertTrue(e.getMessage().contains("CudaBackend.open"), e.getMessage());
        shared.scale(2f, shared.allocate(3, 3)); // still open
    }

    @Override
    protected CudaBackend cuda() {
        return EmulatedCuda.shared();
    }

    @Override
    protected CudaBackend newBackend() {
        return EmulatedCuda.create();
    }
}
