package org.slimgrad.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The work-buffer placement of the FFT: with native access enabled (as the README's flags and the build's tests
 * have it) the addresses are known, so the DCT kernels do not silently run on lines split across cache lines.
 */
class ArrayAlignmentTest {

    @Test
    void addressesAreKnownUnderTheProjectFlags() {
        assertTrue(ArrayAlignment.available(), "memset downcall unavailable: DCT work buffers stay unaligned");
    }

    @Test
    void offsetsStayInsideTheSlackAndPutTheDataOnALine() {
        for (int length : new int[]{1, 17, 4096, 1 << 20, 4 << 20}) {
            float[] array = new float[length + ArrayAlignment.SLACK];
            int offset = ArrayAlignment.offset(array);
            assertTrue(offset >= 0 && offset < ArrayAlignment.SLACK, "offset " + offset + " for length " + length);
            // the collector may move a small array between the two queries; a large one (humongous under G1)
            // stays, so its answer must be exact
            if (length >= 1 << 20) {
                assertEquals(0, (ArrayAlignment.address(array) + (long) offset * Float.BYTES) % ArrayAlignment.BYTES,
                        "data + offset on a cache line for length " + length);
            }
        }
    }
}
