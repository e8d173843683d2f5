package org.slimgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.slimgrad.simd.VectorWidth;

/**
 * The in-register tile transpose at this JVM's vector width (the build runs the kernel tests at 512, 256 and 128
 * bits): every element lands at its transposed place, from a native or a heap segment at an odd offset and row
 * stride, and nothing else of the destination is written.
 */
@Tag("kernels")
class TileTransposeTest {

    private static final int LANES = VectorWidth.FLOATS.length();

    @Test
    void everyElementLandsTransposedAndNothingElseIsWritten() {
        long srcAt = 3;
        long srcStride = LANES + 5;
        int dstAt = 7;
        int dstStride = LANES + 2;
        long srcFloats = srcAt + LANES * srcStride;
        float[] heap = new float[(int) srcFloats];
        for (int i = 0; i < heap.length; i++) {
            heap[i] = i + 0.5f;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate(srcFloats * Float.BYTES, 64);
            MemorySegment.copy(heap, 0, offHeap, ValueLayout.JAVA_FLOAT, 0, heap.length);
            for (MemorySegment src : new MemorySegment[]{offHeap, MemorySegment.ofArray(heap)}) {
                float[] dst = new float[dstAt + LANES * dstStride + 3];
                java.util.Arrays.fill(dst, -1f);
                TileTranspose.transpose(src, srcAt, srcStride, dst, dstAt, dstStride);
                for (int at = 0; at < dst.length; at++) {
                    int rel = at - dstAt;
                    int c = Math.floorDiv(rel, dstStride);
                    int q = Math.floorMod(rel, dstStride);
                    float expected = c >= 0 && c < LANES && q < LANES ? heap[(int) (srcAt + q * srcStride + c)] : -1f;
                    assertEquals(expected, dst[at], "dst[" + at + "] (column " + c + ", row " + q + ") at " + LANES
                            + " lanes, " + (src.isNative() ? "native" : "heap") + " source");
                }
            }
        }
    }
}
