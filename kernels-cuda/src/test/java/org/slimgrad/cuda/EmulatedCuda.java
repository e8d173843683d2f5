package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The emulated device the GPU-less tests share: one backend per test JVM. */
final class EmulatedCuda {

    private static CudaBackend shared;

    private EmulatedCuda() {
    }

    static synchronized CudaBackend shared() {
        if (shared == null) {
            shared = create();
        }
        return shared;
    }

    /** A new backend on the emulated device; skips the test where the build could not make the library (no g++). */
    static CudaBackend create() {
        String library = System.getProperty(EmulatedDevice.LIBRARY_PROPERTY);
        assumeTrue(library != null && Files.isRegularFile(Path.of(library)),
                "no CUDA emulation library (" + library + "): g++ was missing when kernels-cuda was built");
        return CudaBackend.emulated();
    }
}
