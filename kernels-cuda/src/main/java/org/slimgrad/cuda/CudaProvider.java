package org.slimgrad.cuda;

import java.util.Optional;

import org.slimgrad.Backend;
import org.slimgrad.BackendProvider;
import org.slimgrad.nativelib.cuda.Cuda;

/**
 * Registers the "cuda" backend (device 0). It ranks below "cpu" for now: until it has run on a GPU,
 * {@link org.slimgrad.Backends#best()} must not hand it out unasked; ask for it by name.
 */
public final class CudaProvider implements BackendProvider {

    /** For {@link java.util.ServiceLoader}; callers get the backend from {@link org.slimgrad.Backends}. */
    public CudaProvider() {
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int rank() {
        return 20;
    }

    @Override
    public Optional<String> unavailableReason() {
        if (GpuDevice.ptx().isEmpty()) {
            return Optional.of("kernels not compiled: " + GpuDevice.MODULES_RESOURCE + " is missing (nvcc was not"
                    + " found when kernels-cuda was built)");
        }
        try {
            return Cuda.unavailableReason();
        } catch (IllegalStateException | ExceptionInInitializerError | NoClassDefFoundError e) {
            return Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    @Override
    public Backend create() {
        return CudaBackend.openShared(0);
    }
}
