package org.slimgrad.simd;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Where to start in a heap {@code float[]} or {@code double[]} so that vector loads and stores fall on cache-line
 * boundaries: the host backends' matrices, the kernels' work buffers, the eigensolver's rows. Java places an array's
 * data 16 bytes into an 8-byte-aligned object, so a 512-bit access of a work buffer mostly spans two cache lines; on
 * Intel cores that halves the speed of an L2-resident FFT stage (an aligned radix-4 pass of a 1024-point lane
 * transform ran 13–16 ns per butterfly, the same pass split across lines 26–30 ns).
 *
 * <p>The address comes from a critical downcall of {@code memset(data, 0, 0)}, which writes nothing and returns its
 * pointer: a critical call may be handed a heap segment, and the collector cannot move the array while it runs. The
 * answer is a hint, not a guarantee — the array may move afterwards, so callers ask again per operation (a query
 * costs about 0.25 µs) — and only speed depends on it. Where the downcall is unavailable (native access not
 * enabled, no such symbol) every offset is 0.
 */
public final class ArrayAlignment {

    /** Bytes the offsets align to: one cache line, one 512-bit vector. */
    public static final int BYTES = 64;
    /** Spare floats a buffer needs to be able to start at an aligned element. */
    public static final int SLACK = BYTES / Float.BYTES;
    /** Spare doubles a buffer needs to be able to start at an aligned element. */
    public static final int DOUBLE_SLACK = BYTES / Double.BYTES;

    private static final MethodHandle ADDRESS_OF = addressOf();

    private ArrayAlignment() {
    }

    /** Whether offsets are known; false (every offset 0) where the downcall is unavailable. */
    public static boolean available() {
        return address(new float[1]) >= 0;
    }

    /** The first element of {@code array} at which its data is {@link #BYTES}-aligned, in 0 … SLACK−1. */
    public static int offset(float[] array) {
        return elementsToLine(address(array), Float.BYTES);
    }

    /** The first element of {@code array} at which its data is {@link #BYTES}-aligned, in 0 … DOUBLE_SLACK−1. */
    public static int offset(double[] array) {
        return elementsToLine(address(array), Double.BYTES);
    }

    // elements of elementBytes each from address to the next line boundary; 0 for an unknown address (−1)
    private static int elementsToLine(long address, int elementBytes) {
        return address < 0 ? 0 : (int) ((BYTES - address % BYTES) % BYTES) / elementBytes;
    }

    /** The address of the array's first element at this moment, or −1. */
    public static long address(float[] array) {
        return address(MemorySegment.ofArray(array));
    }

    /** The address of the array's first element at this moment, or −1. */
    public static long address(double[] array) {
        return address(MemorySegment.ofArray(array));
    }

    private static long address(MemorySegment heapArray) {
        if (ADDRESS_OF == null) {
            return -1;
        }
        try {
            return ((MemorySegment) ADDRESS_OF.invokeExact(heapArray, 0, 0L)).address();
        } catch (Throwable unavailable) {
            return -1;
        }
    }

    private static MethodHandle addressOf() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("memset").map(memset -> linker.downcallHandle(memset,
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG), Linker.Option.critical(true))).orElse(null);
        } catch (RuntimeException unavailable) {
            return null;
        }
    }
}
