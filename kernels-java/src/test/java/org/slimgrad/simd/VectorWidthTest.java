package org.slimgrad.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slimgrad.cpu.CpuBackend;

@Tag("kernels")
class VectorWidthTest {

    @Test
    void widthFollowsThePropertyOrTheProcessor() {
        String forced = System.getProperty(VectorWidth.PROPERTY);
        int expected = forced == null ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : Integer.parseInt(forced);
        assertEquals(expected, VectorWidth.bits());
        assertEquals(expected, CpuBackend.withThreads(1).vectorBits());
        assertEquals(expected, VectorWidth.DOUBLES.vectorBitSize(), "the factorisations' float64 loops follow it");
    }

    @Test
    void rejectsUnsupportedWidths() {
        assertThrows(IllegalArgumentException.class, () -> VectorWidth.choose("300"));
        assertThrows(IllegalArgumentException.class, () -> VectorWidth.choose("wide"));
        assertThrows(IllegalArgumentException.class, () -> VectorWidth.choose("1024"));
        assertEquals(128, VectorWidth.choose("128").vectorBitSize());
    }

    /**
     * A JVM started with an unusable width gets a clear IllegalArgumentException from every use of the cpu backend,
     * the first and the next (not an ExceptionInInitializerError, then NoClassDefFoundError). The species is fixed
     * once per JVM, so this runs in a child JVM.
     */
    @Test
    void anUnusableWidthFailsWithTheSameClearExceptionEachTime() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "--add-modules", "jdk.incubator.vector",
                "-D" + VectorWidth.PROPERTY + "=1024", "-cp", System.getProperty("java.class.path"),
                UnusableWidthProbe.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertEquals(0, child.waitFor(), output);
        assertTrue(output.contains("first: IllegalArgumentException") && output.contains("second:"
                + " IllegalArgumentException") && output.contains("1024"), output);
    }

    /** The child JVM's main: asks for the cpu backend twice and prints what each attempt threw. */
    static final class UnusableWidthProbe {
        public static void main(String[] args) {
            for (String attempt : new String[]{"first", "second"}) {
                try {
                    org.slimgrad.Backends.cpu();
                    System.out.println(attempt + ": no exception");
                } catch (Throwable e) {
                    System.out.println(attempt + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        }
    }
}
