package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

class MatrixTest {

    @Test
    void viewsShareMemory() {
        float[] data = new float[4 * 5];
        Matrix m = Matrix.wrap(data, 4, 5);
        Matrix block = m.view(1, 2, 2, 3);
        block.set(1, 2, 7f);
        assertEquals(7f, data[2 * 5 + 4]);
        assertEquals(7f, m.get(2, 4));
        assertEquals("2x3 (ld 5)", block.shape());
        assertArrayEquals(new float[]{0, 0, 0, 0, 0, 7}, block.toArray());
    }

    @Test
    void wrapsNativeSegmentsWithoutCopy() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(12L * Float.BYTES);
            Matrix m = Matrix.wrap(seg, 2, 2, 5, 5);
            m.set(1, 4, 3f);
            assertEquals(3f, seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 11));
        }
    }

    @Test
    void rejectsBadLayouts() {
        assertThrows(IllegalArgumentException.class, () -> Matrix.wrap(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Matrix.wrap(new float[20], 0, 3, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> Matrix.wrap(new float[10], 1, 2, 5, 5));
        assertThrows(IllegalArgumentException.class, () -> Matrix.wrap(new float[10], 2, 5).view(1, 1, 2, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Matrix.wrap(new float[10], 2, 5).get(2, 0));
    }

    @Test
    void overlapIsExactForBlocksOfOneMatrix() {
        Matrix whole = Matrix.wrap(new float[10 * 10], 10, 10);
        assertFalse(whole.view(0, 0, 10, 5).overlaps(whole.view(0, 5, 10, 5)), "left and right halves");
        assertFalse(whole.view(0, 6, 4, 4).overlaps(whole.view(1, 0, 4, 4)), "interleaved rows, disjoint columns");
        assertTrue(whole.view(0, 0, 3, 3).overlaps(whole.view(2, 2, 3, 3)), "corner shared");
        assertTrue(whole.view(0, 8, 3, 2).overlaps(whole.view(1, 9, 1, 1)), "inside");
        assertFalse(whole.view(0, 0, 3, 3).overlaps(Matrix.wrap(new float[9], 3, 3)), "other array");
        assertTrue(whole.overlaps(whole), "itself");
    }
}
