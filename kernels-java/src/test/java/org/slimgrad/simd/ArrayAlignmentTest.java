package org.slimgrad.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;

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

    @Test
    void doubleOffsetsStayInsideTheSlackAndPutTheDataOnALine() {
        for (int length : new int[]{1, 9, 2048, 1 << 19, 2 << 20}) {
            double[] array = new double[length + ArrayAlignment.DOUBLE_SLACK];
            int offset = ArrayAlignment.offset(array);
            assertTrue(offset >= 0 && offset < ArrayAlignment.DOUBLE_SLACK,
                    "offset " + offset + " for length " + length);
            if (length >= 1 << 19) { // humongous, so it stays (see above)
                assertEquals(0, (ArrayAlignment.address(array) + (long) offset * Double.BYTES) % ArrayAlignment.BYTES,
                        "data + offset on a cache line for length " + length);
            }
        }
    }

    @Test
    void hostBackendsAllocateLargeMatricesOnALine() {
        for (Backend backend : new Backend[]{Backends.cpu(), Backends.reference()}) {
            // large enough to stay where it was allocated (see above); 2736 columns keep every row on a line too
            Matrix m = backend.allocate(1024, 2736);
            float[] data = (float[]) m.segment().heapBase().orElseThrow();
            assertTrue(m.index(0, 0) < ArrayAlignment.SLACK, backend.name() + ": offset " + m.index(0, 0));
            assertEquals(0, (ArrayAlignment.address(data) + m.index(0, 0) * Float.BYTES) % ArrayAlignment.BYTES,
                    backend.name() + ": element (0, 0) on a cache line");
        }
    }
}
