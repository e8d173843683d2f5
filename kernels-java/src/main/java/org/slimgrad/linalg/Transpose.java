package org.slimgrad.linalg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.slimgrad.Matrix;

/** Transposing copies between host matrices, for the few places a factorisation needs the other layout. */
public final class Transpose {

    private static final int BLOCK = 32;

    private Transpose() {
    }

    /** {@code dst = srcᵀ}; dst must be src.cols × src.rows and must not overlap src. */
    public static void into(Matrix src, Matrix dst) {
        if (dst.rows() != src.cols() || dst.cols() != src.rows() || dst.overlaps(src)) {
            throw new IllegalArgumentException("Transpose.into: source " + src.shape() + ", destination "
                    + dst.shape() + "; need the transposed shape and no overlap");
        }
        MemorySegment from = src.segment();
        MemorySegment to = dst.segment();
        // 32×32 blocks, so both sides are walked in cache-sized pieces
        for (int i0 = 0; i0 < src.rows(); i0 += BLOCK) {
            for (int j0 = 0; j0 < src.cols(); j0 += BLOCK) {
                for (int i = i0; i < Math.min(i0 + BLOCK, src.rows()); i++) {
                    for (int j = j0; j < Math.min(j0 + BLOCK, src.cols()); j++) {
                        to.setAtIndex(ValueLayout.JAVA_FLOAT, dst.index(j, i),
                                from.getAtIndex(ValueLayout.JAVA_FLOAT, src.index(i, j)));
                    }
                }
            }
        }
    }
}
