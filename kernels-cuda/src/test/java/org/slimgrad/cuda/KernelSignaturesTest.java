package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Parameter lists against the kernels' declarations: every emulated launch is checked (EmulatedDevice). */
class KernelSignaturesTest {

    @Test
    void readsEveryKernelsDeclaration() throws IOException {
        long declared = 0;
        try (Stream<Path> files = Files.list(Path.of("src/main/cuda"))) { // the module's own sources
            for (Path file : files.filter(f -> f.toString().endsWith(".cu")).toList()) {
                declared += Files.readString(file).split("extern \"C\" __global__", -1).length - 1;
            }
        }
        assertEquals(declared, KernelSignatures.all().size(), "kernels read beside the emulation library: "
                + KernelSignatures.all().keySet());
        assertEquals("iifpi", KernelSignatures.of("sg_scale"));               // rows, cols, alpha, x, ldx
        assertEquals("llp", KernelSignatures.of("sg_support_histogram"));     // total, seed, histogram
        assertEquals("iiilpi", KernelSignatures.of("sg_fill_sketch"));
    }

    @Test
    void aLaunchWhoseParametersDriftFromTheKernelIsRefused() {
        CudaBackend cuda = EmulatedCuda.shared();
        try (Arena arena = Arena.ofConfined()) {
            // sg_scale with the leading dimension missing and a seed-like 64-bit value where the pointer goes
            KernelArgs args = new KernelArgs(arena).i32(1).i32(1).f32(2f).i64(0L);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> cuda.context().device().launch("sg_scale", 1, 1, 32, 8, args));
            assertTrue(e.getMessage().contains("iifl") && e.getMessage().contains("iifpi"), e.getMessage());
        }
    }
}
