package org.slimgrad.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

class CoreTypeTest {

    @Test
    void theWidestFamilyTheFlagsSupport() {
        Set<String> avx512 = Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq");
        assertEquals("SkylakeX", CoreType.forFlags(avx512));
        assertEquals("Cooperlake", CoreType.forFlags(union(avx512, "avx512_bf16")));          // Zen 4/5, Cooper Lake
        assertEquals("SapphireRapids", CoreType.forFlags(union(avx512, "avx512_bf16", "avx512_fp16")));
        assertEquals("Haswell", CoreType.forFlags(Set.of("avx2", "fma")));                   // Zen 2/3, Haswell+
        assertNull(CoreType.forFlags(Set.of("sse4_2")));
        assertNull(CoreType.forFlags(Set.of("avx512f", "avx2")));                            // no FMA, partial AVX-512
    }

    /** The process's OpenBLAS reports a kernel family, and how OPENBLAS_CORETYPE was decided. */
    @Test
    void theLoadedLibraryNamesItsVersionAndKernels() {
        OpenBlas blas = OpenBlas.get();
        assertTrue(blas.config().startsWith("OpenBLAS 0.3.31"), blas.config());
        assertTrue(!blas.coreName().isBlank(), "core name");
        boolean slimgradChose = System.getenv("OPENBLAS_CORETYPE") == null
                || "widest".equals(System.getProperty(CoreType.OVERRIDE));
        if (slimgradChose && blas.coreTypeSetting() != null) {
            assertTrue(blas.coreTypeSetting().startsWith(blas.coreName()) || blas.coreTypeSetting()
                    .toLowerCase().startsWith(blas.coreName().toLowerCase()), blas.coreTypeSetting() + " vs "
                    + blas.coreName());
        }
    }

    private static Set<String> union(Set<String> base, String... more) {
        java.util.HashSet<String> all = new java.util.HashSet<>(base);
        all.addAll(Set.of(more));
        return all;
    }
}
