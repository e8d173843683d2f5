package org.slimgrad.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A kernel's parameter array as cuLaunchKernel reads it: {@code void*[]}, entry i pointing at the value of parameter
 * i. Device pointers and 64-bit integers are 8-byte values, int and float 4-byte ones, in the order the kernel
 * declares them. The emulation library reads the same array, so the packing is checked without a GPU.
 */
final class KernelArgs {

    private static final int MAX = 24;

    private final Arena arena;
    private final MemorySegment pointers;
    private int count;

    KernelArgs(Arena arena) {
        this.arena = arena;
        this.pointers = arena.allocate(ADDRESS, MAX);
    }

    KernelArgs i32(int value) {
        return add(arena.allocateFrom(JAVA_INT, value));
    }

    KernelArgs f32(float value) {
        return add(arena.allocateFrom(JAVA_FLOAT, value));
    }

    /** A 64-bit integer, or a device pointer. */
    KernelArgs i64(long value) {
        return add(arena.allocateFrom(JAVA_LONG, value));
    }

    MemorySegment array() {
        return pointers;
    }

    private KernelArgs add(MemorySegment value) {
        if (count == MAX) {
            throw new IllegalStateException("KernelArgs: more than " + MAX + " kernel parameters");
        }
        pointers.setAtIndex(ADDRESS, count++, value);
        return this;
    }
}
