package org.slimgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernels")
class VectorWidthTest {

    @Test
    void widthFollowsThePropertyOrTheProcessor() {
        String forced = System.getProperty(VectorWidth.PROPERTY);
        int expected = forced == null ? FloatVector.SPECIES_PREFERRED.vectorBitSize() : Integer.parseInt(forced);
        assertEquals(expected, VectorWidth.bits());
        assertEquals(expected, CpuBackend.withThreads(1).vectorBits());
    }

    @Test
    void rejectsUnsupportedWidths() {
        assertThrows(IllegalArgumentException.class, () -> VectorWidth.choose("300"));
        assertThrows(IllegalArgumentException.class, () -> VectorWidth.choose("wide"));
        assertThrows(IllegalArgumentException.class, () -> VectorWidth.choose("1024"));
        assertEquals(128, VectorWidth.choose("128").vectorBitSize());
    }
}
