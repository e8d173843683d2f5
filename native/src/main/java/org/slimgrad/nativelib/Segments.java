package org.slimgrad.nativelib;

import java.lang.foreign.MemorySegment;

import org.slimgrad.Matrix;

/** The memory a BLAS or LAPACK routine receives for a host matrix: from its first element, or one row of it. */
final class Segments {

    private Segments() {
    }

    static MemorySegment start(Matrix m) {
        return m.segment().asSlice(m.offset() * Float.BYTES);
    }

    static MemorySegment row(Matrix m, int i) {
        return m.segment().asSlice(m.index(i, 0) * Float.BYTES, (long) m.cols() * Float.BYTES);
    }
}
