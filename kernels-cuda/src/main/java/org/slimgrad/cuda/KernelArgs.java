package org.slimgrad.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A kernel's parameter array as cuLaunchKernel reads it: {@code void*[]}, entry i pointing at the value of parameter
 * i. Device pointers, doubles and 64-bit integers are 8-byte values, int and float 4-byte ones, in the order the kernel
 * declares them. Each value is added with its kind ({@link #kinds()}): the emulated device compares them with the
 * kernel's declaration in src/main/cuda on every launch, so a parameter list that drifts from its kernel fails a
 * test instead of reading garbage on a GPU.
 */
final class KernelArgs {

    private static final int MAX = 24;

    private final Arena arena;
    private final MemorySegment pointers;
    private int count;
    private final StringBuilder kinds = new StringBuilder();

    KernelArgs(Arena arena) {
        this.arena = arena;
        this.pointers = arena.allocate(ADDRESS, MAX);
    }

    /** An {@code int} or {@code unsigned} parameter. */
    KernelArgs i32(int value) {
        return add('i', arena.allocateFrom(JAVA_INT, value));
    }

    /** A {@code float} parameter. */
    KernelArgs f32(float value) {
        return add('f', arena.allocateFrom(JAVA_FLOAT, value));
    }

    /** A {@code double} parameter. */
    KernelArgs f64(double value) {
        return add('d', arena.allocateFrom(JAVA_DOUBLE, value));
    }

    /** A {@code long long} or {@code unsigned long long} parameter. */
    KernelArgs i64(long value) {
        return add('l', arena.allocateFrom(JAVA_LONG, value));
    }

    /** A device pointer parameter (any pointee type), 0 for null. */
    KernelArgs ptr(long address) {
        return add('p', arena.allocateFrom(JAVA_LONG, address));
    }

    /** The parameters' kinds in order, one letter each: i (32-bit int), f (float), d (double), l (64-bit int),
     * p (pointer). */
    String kinds() {
        return kinds.toString();
    }

    MemorySegment array() {
        return pointers;
    }

    private KernelArgs add(char kind, MemorySegment value) {
        if (count == MAX) {
            throw new IllegalStateException("KernelArgs: more than " + MAX + " kernel parameters");
        }
        pointers.setAtIndex(ADDRESS, count++, value);
        kinds.append(kind);
        return this;
    }
}
