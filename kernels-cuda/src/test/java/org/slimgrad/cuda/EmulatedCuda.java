package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CUDA backend on the host emulation of the device ({@link EmulatedDevice}), for GPU-less tests here and in the
 * modules that use kernels-cuda's test-jar: the same kernels compiled for the host, needing the library kernels-cuda's
 * build makes, named by the system property {@value EmulatedDevice#LIBRARY_PROPERTY}.
 */
public final class EmulatedCuda {

    private static CudaBackend shared;

    private EmulatedCuda() {
    }

    /** One backend per test JVM, never closed. */
    public static synchronized CudaBackend shared() {
        if (shared == null) {
            shared = create();
        }
        return shared;
    }

    /** A new backend on the emulated device; skips the test where the build could not make the library (no g++). */
    public static CudaBackend create() {
        String library = System.getProperty(EmulatedDevice.LIBRARY_PROPERTY);
        assumeTrue(library != null && Files.isRegularFile(Path.of(library)),
                "no CUDA emulation library (" + library + "): g++ was missing when kernels-cuda was built");
        return new CudaBackend("cuda-emulated", EmulatedDevice.load(), false);
    }
}
