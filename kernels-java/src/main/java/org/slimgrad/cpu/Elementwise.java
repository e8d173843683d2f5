package org.slimgrad.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.Matrix;

/**
 * Element-wise kernels over matrix views. A contiguous matrix is treated as one long row; otherwise each row is
 * one vector loop with a masked tail.
 */
final class Elementwise {

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private Elementwise() {
    }

    // Y = α·X + Y
    static void axpy(float alpha, Matrix x, Matrix y) {
        boolean flat = x.isContiguous() && y.isContiguous();
        int rows = flat ? 1 : y.rows();
        long length = flat ? y.size() : y.cols();
        FloatVector va = FloatVector.broadcast(S, alpha);
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        for (int i = 0; i < rows; i++) {
            long xAt = x.index(i, 0) * Float.BYTES;
            long yAt = y.index(i, 0) * Float.BYTES;
            long j = 0;
            for (long bound = length - length % L; j < bound; j += L) {
                long dx = xAt + j * Float.BYTES;
                long dy = yAt + j * Float.BYTES;
                FloatVector.fromMemorySegment(S, xs, dx, ORDER)
                        .fma(va, FloatVector.fromMemorySegment(S, ys, dy, ORDER))
                        .intoMemorySegment(ys, dy, ORDER);
            }
            if (j < length) {
                VectorMask<Float> tail = S.indexInRange(j, length);
                long dx = xAt + j * Float.BYTES;
                long dy = yAt + j * Float.BYTES;
                FloatVector.fromMemorySegment(S, xs, dx, ORDER, tail)
                        .fma(va, FloatVector.fromMemorySegment(S, ys, dy, ORDER, tail))
                        .intoMemorySegment(ys, dy, ORDER, tail);
            }
        }
    }

    // X = α·X, and exactly 0 where α = 0 (so NaN in X does not survive, as BLAS's β = 0 promises)
    static void scale(float alpha, Matrix x) {
        boolean flat = x.isContiguous();
        int rows = flat ? 1 : x.rows();
        long length = flat ? x.size() : x.cols();
        MemorySegment xs = x.segment();
        for (int i = 0; i < rows; i++) {
            long at = x.index(i, 0) * Float.BYTES;
            if (alpha == 0f) {
                xs.asSlice(at, length * Float.BYTES).fill((byte) 0);
                continue;
            }
            long j = 0;
            for (long bound = length - length % L; j < bound; j += L) {
                long d = at + j * Float.BYTES;
                FloatVector.fromMemorySegment(S, xs, d, ORDER).mul(alpha).intoMemorySegment(xs, d, ORDER);
            }
            if (j < length) {
                VectorMask<Float> tail = S.indexInRange(j, length);
                long d = at + j * Float.BYTES;
                FloatVector.fromMemorySegment(S, xs, d, ORDER, tail).mul(alpha).intoMemorySegment(xs, d, ORDER, tail);
            }
        }
    }
}
