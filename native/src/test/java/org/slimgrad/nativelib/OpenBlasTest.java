package org.slimgrad.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backends;
import org.slimgrad.nativelib.loader.NativeLibraries;

class OpenBlasTest {

    @Test
    void loadsFromTheMavenArtifactAndReportsItsKernel() {
        OpenBlas blas = OpenBlas.get();
        assertFalse(blas.coreName().isBlank());
        blas.setThreads(1);
        assertEquals(1, blas.threads());
        assertTrue(Backends.available().contains("native"));
        assertEquals("cpu", Backends.best().name(), "native is a peer, never the default");
    }

    @Test
    void lapackInfoCodesBecomeExceptions() {
        OpenBlas blas = OpenBlas.get();
        float[] a = new float[6];
        float[] s = new float[2];
        // lda = 1 < n = 3 is illegal for a row-major 2x3 matrix: LAPACKE reports argument 6
        IllegalArgumentException illegal = assertThrows(IllegalArgumentException.class,
                () -> blas.sgesdd(2, 3, MemorySegment.ofArray(a), 1, MemorySegment.ofArray(s),
                        MemorySegment.ofArray(new float[4]), 2, MemorySegment.ofArray(new float[6]), 3));
        assertTrue(illegal.getMessage().contains("LAPACKE_sgesdd") && illegal.getMessage().contains("argument"),
                illegal.getMessage());
        // not positive definite: spotrf reports the failing step
        float[] indefinite = {1, 2, 2, 1};
        ArithmeticException failed = assertThrows(ArithmeticException.class,
                () -> blas.spotrf(2, MemorySegment.ofArray(indefinite), 2));
        assertTrue(failed.getMessage().contains("LAPACKE_spotrf") && failed.getMessage().contains("step 2"),
                failed.getMessage());
    }

    @Test
    void aMissingLibraryNamesEveryPlaceTried() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NativeLibraries.load("libnothing",
                new NativeLibraries.Bundled("org/slimgrad/absent", "libnothing.so.1", List.of()),
                List.of("libnothing.so.1", "libnothing.so")));
        String message = e.getMessage();
        assertTrue(message.contains("libnothing") && message.contains("org/slimgrad/absent/libnothing.so.1")
                && message.contains("system library libnothing.so.1") && message.contains("system library libnothing.so"),
                message);
    }
}
