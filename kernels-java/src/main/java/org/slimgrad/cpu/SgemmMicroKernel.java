package org.slimgrad.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked heart of SGEMM: a {@value #MR} × (2 vectors) tile of C, {@code C_tile += Ã·B̃} over one
 * packed k-block. Twelve named accumulators, two vector loads of B̃ and six broadcasts of Ã per k step: on a
 * 256-bit machine 6×16 floats fill 12 of the 16 ymm registers, on AVX-512 6×32 floats use 12 of 32 zmm
 * registers, so nothing spills.
 *
 * <p>Packed layouts (see {@link SgemmPacking}): Ã holds {@code MR} values per k step, B̃ holds {@code NR} values
 * per k step, both zero-padded, so the loop has no edge cases; only the write to C is masked at the edges.
 */
final class SgemmMicroKernel {

    static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    static final int L = S.length();
    /** Rows of C per tile. */
    static final int MR = 6;
    /** Columns of C per tile: two vectors. */
    static final int NR = 2 * L;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private SgemmMicroKernel() {
    }

    /**
     * C[0:mr, 0:nr] += Σ_p Ã[p, 0:MR]ᵀ·B̃[p, 0:NR] for p in [0, kc), where C's element (i, j) is the float at byte
     * {@code c0 + i·ldcBytes + 4j} of {@code c}.
     */
    static void multiplyAdd(int kc, float[] a, int a0, float[] b, int b0,
                            MemorySegment c, long c0, long ldcBytes, int mr, int nr) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int ai = a0;
        int bi = b0;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0v = FloatVector.fromArray(S, b, bi);
            FloatVector b1v = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0v, c00);
            c01 = av.fma(b1v, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = av.fma(b0v, c10);
            c11 = av.fma(b1v, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = av.fma(b0v, c20);
            c21 = av.fma(b1v, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = av.fma(b0v, c30);
            c31 = av.fma(b1v, c31);
            av = FloatVector.broadcast(S, a[ai + 4]);
            c40 = av.fma(b0v, c40);
            c41 = av.fma(b1v, c41);
            av = FloatVector.broadcast(S, a[ai + 5]);
            c50 = av.fma(b0v, c50);
            c51 = av.fma(b1v, c51);
        }
        if (mr == MR && nr == NR) {
            addRow(c00, c01, c, c0);
            addRow(c10, c11, c, c0 + ldcBytes);
            addRow(c20, c21, c, c0 + 2 * ldcBytes);
            addRow(c30, c31, c, c0 + 3 * ldcBytes);
            addRow(c40, c41, c, c0 + 4 * ldcBytes);
            addRow(c50, c51, c, c0 + 5 * ldcBytes);
            return;
        }
        VectorMask<Float> m0 = S.indexInRange(0, nr);
        VectorMask<Float> m1 = S.indexInRange(L, nr);
        addRowMasked(c00, c01, c, c0, m0, m1);
        if (mr > 1) {
            addRowMasked(c10, c11, c, c0 + ldcBytes, m0, m1);
        }
        if (mr > 2) {
            addRowMasked(c20, c21, c, c0 + 2 * ldcBytes, m0, m1);
        }
        if (mr > 3) {
            addRowMasked(c30, c31, c, c0 + 3 * ldcBytes, m0, m1);
        }
        if (mr > 4) {
            addRowMasked(c40, c41, c, c0 + 4 * ldcBytes, m0, m1);
        }
        if (mr > 5) {
            addRowMasked(c50, c51, c, c0 + 5 * ldcBytes, m0, m1);
        }
    }

    private static void addRow(FloatVector lo, FloatVector hi, MemorySegment c, long at) {
        FloatVector.fromMemorySegment(S, c, at, ORDER).add(lo).intoMemorySegment(c, at, ORDER);
        long atHi = at + (long) L * Float.BYTES;
        FloatVector.fromMemorySegment(S, c, atHi, ORDER).add(hi).intoMemorySegment(c, atHi, ORDER);
    }

    private static void addRowMasked(FloatVector lo, FloatVector hi, MemorySegment c, long at,
                                     VectorMask<Float> m0, VectorMask<Float> m1) {
        FloatVector.fromMemorySegment(S, c, at, ORDER, m0).add(lo).intoMemorySegment(c, at, ORDER, m0);
        if (m1.anyTrue()) {
            long atHi = at + (long) L * Float.BYTES;
            FloatVector.fromMemorySegment(S, c, atHi, ORDER, m1).add(hi).intoMemorySegment(c, atHi, ORDER, m1);
        }
    }
}
