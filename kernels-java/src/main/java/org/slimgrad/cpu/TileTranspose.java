package org.slimgrad.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.simd.VectorWidth;

/**
 * Transposes a LANES×LANES float tile in registers with two-vector lane selections: log₂(LANES) rounds, each swapping
 * the off-diagonal blocks of one size s between pairs of rows i and i + s (the recursive block transpose, all blocks
 * of one size at once), one selection per output row a round. The rounds commute, so they run from s = 1 up: the
 * first half of the rows goes through every round but the last before the second half is loaded, and the last round
 * stores as it goes, which keeps about LANES vectors live, not 2·LANES (C2 spilled the other order to the stack). The
 * rows are loaded once and the columns stored once; each width has its own straight-line code because LANES vectors
 * must live in named locals (an array of vectors would go through memory, or be boxed).
 */
final class TileTranspose {

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int LANES = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /**
     * For blocks of size s = 2^k (k = 0 … log₂(LANES) − 1), two rows of LANES selection indices into (row i ‖ row
     * i+s) from {@code 2k·LANES} on: the new row i, then the new row i + s.
     */
    private static final float[] SELECT;

    static {
        int rounds = Integer.numberOfTrailingZeros(LANES);
        SELECT = new float[rounds * 2 * LANES];
        for (int k = 0; k < rounds; k++) {
            int s = 1 << k;
            for (int lane = 0; lane < LANES; lane++) {
                boolean left = (lane & s) == 0;
                SELECT[2 * k * LANES + lane] = left ? lane : LANES + lane - s;
                SELECT[(2 * k + 1) * LANES + lane] = left ? lane + s : LANES + lane;
            }
        }
    }

    private TileTranspose() {
    }

    /**
     * dst[dstAt + c·dstStride + q] = element c of row q, for q, c &lt; LANES, where row q is the LANES floats of src
     * from float {@code srcAt + q·srcStride} on (offsets and strides in floats). A tile in an array goes through
     * {@code MemorySegment.ofArray}.
     */
    static void transpose(MemorySegment src, long srcAt, long srcStride, float[] dst, int dstAt, int dstStride) {
        switch (LANES) {
            case 16 -> sixteen(src, srcAt * Float.BYTES, srcStride * Float.BYTES, dst, dstAt, dstStride);
            case 8 -> eight(src, srcAt * Float.BYTES, srcStride * Float.BYTES, dst, dstAt, dstStride);
            case 4 -> four(src, srcAt * Float.BYTES, srcStride * Float.BYTES, dst, dstAt, dstStride);
            default -> throw new IllegalStateException("no tile transpose for " + LANES + " float lanes");
        }
    }

    private static void sixteen(MemorySegment src, long at, long stride, float[] dst, int to, int step) {
        FloatVector lo;
        FloatVector hi;
        FloatVector r0 = FloatVector.fromMemorySegment(S, src, at, ORDER);
        FloatVector r1 = FloatVector.fromMemorySegment(S, src, at + stride, ORDER);
        FloatVector r2 = FloatVector.fromMemorySegment(S, src, at + 2 * stride, ORDER);
        FloatVector r3 = FloatVector.fromMemorySegment(S, src, at + 3 * stride, ORDER);
        FloatVector r4 = FloatVector.fromMemorySegment(S, src, at + 4 * stride, ORDER);
        FloatVector r5 = FloatVector.fromMemorySegment(S, src, at + 5 * stride, ORDER);
        FloatVector r6 = FloatVector.fromMemorySegment(S, src, at + 6 * stride, ORDER);
        FloatVector r7 = FloatVector.fromMemorySegment(S, src, at + 7 * stride, ORDER);
        lo = FloatVector.fromArray(S, SELECT, 0);
        hi = FloatVector.fromArray(S, SELECT, LANES);
        FloatVector t0 = lo.selectFrom(r0, r1);
        FloatVector t1 = hi.selectFrom(r0, r1);
        FloatVector t2 = lo.selectFrom(r2, r3);
        FloatVector t3 = hi.selectFrom(r2, r3);
        FloatVector t4 = lo.selectFrom(r4, r5);
        FloatVector t5 = hi.selectFrom(r4, r5);
        FloatVector t6 = lo.selectFrom(r6, r7);
        FloatVector t7 = hi.selectFrom(r6, r7);
        lo = FloatVector.fromArray(S, SELECT, 2 * LANES);
        hi = FloatVector.fromArray(S, SELECT, 3 * LANES);
        r0 = lo.selectFrom(t0, t2);
        r2 = hi.selectFrom(t0, t2);
        r1 = lo.selectFrom(t1, t3);
        r3 = hi.selectFrom(t1, t3);
        r4 = lo.selectFrom(t4, t6);
        r6 = hi.selectFrom(t4, t6);
        r5 = lo.selectFrom(t5, t7);
        r7 = hi.selectFrom(t5, t7);
        lo = FloatVector.fromArray(S, SELECT, 4 * LANES);
        hi = FloatVector.fromArray(S, SELECT, 5 * LANES);
        t0 = lo.selectFrom(r0, r4);
        t4 = hi.selectFrom(r0, r4);
        t1 = lo.selectFrom(r1, r5);
        t5 = hi.selectFrom(r1, r5);
        t2 = lo.selectFrom(r2, r6);
        t6 = hi.selectFrom(r2, r6);
        t3 = lo.selectFrom(r3, r7);
        t7 = hi.selectFrom(r3, r7);
        FloatVector r8 = FloatVector.fromMemorySegment(S, src, at + 8 * stride, ORDER);
        FloatVector r9 = FloatVector.fromMemorySegment(S, src, at + 9 * stride, ORDER);
        FloatVector r10 = FloatVector.fromMemorySegment(S, src, at + 10 * stride, ORDER);
        FloatVector r11 = FloatVector.fromMemorySegment(S, src, at + 11 * stride, ORDER);
        FloatVector r12 = FloatVector.fromMemorySegment(S, src, at + 12 * stride, ORDER);
        FloatVector r13 = FloatVector.fromMemorySegment(S, src, at + 13 * stride, ORDER);
        FloatVector r14 = FloatVector.fromMemorySegment(S, src, at + 14 * stride, ORDER);
        FloatVector r15 = FloatVector.fromMemorySegment(S, src, at + 15 * stride, ORDER);
        lo = FloatVector.fromArray(S, SELECT, 0);
        hi = FloatVector.fromArray(S, SELECT, LANES);
        FloatVector t8 = lo.selectFrom(r8, r9);
        FloatVector t9 = hi.selectFrom(r8, r9);
        FloatVector t10 = lo.selectFrom(r10, r11);
        FloatVector t11 = hi.selectFrom(r10, r11);
        FloatVector t12 = lo.selectFrom(r12, r13);
        FloatVector t13 = hi.selectFrom(r12, r13);
        FloatVector t14 = lo.selectFrom(r14, r15);
        FloatVector t15 = hi.selectFrom(r14, r15);
        lo = FloatVector.fromArray(S, SELECT, 2 * LANES);
        hi = FloatVector.fromArray(S, SELECT, 3 * LANES);
        r8 = lo.selectFrom(t8, t10);
        r10 = hi.selectFrom(t8, t10);
        r9 = lo.selectFrom(t9, t11);
        r11 = hi.selectFrom(t9, t11);
        r12 = lo.selectFrom(t12, t14);
        r14 = hi.selectFrom(t12, t14);
        r13 = lo.selectFrom(t13, t15);
        r15 = hi.selectFrom(t13, t15);
        lo = FloatVector.fromArray(S, SELECT, 4 * LANES);
        hi = FloatVector.fromArray(S, SELECT, 5 * LANES);
        t8 = lo.selectFrom(r8, r12);
        t12 = hi.selectFrom(r8, r12);
        t9 = lo.selectFrom(r9, r13);
        t13 = hi.selectFrom(r9, r13);
        t10 = lo.selectFrom(r10, r14);
        t14 = hi.selectFrom(r10, r14);
        t11 = lo.selectFrom(r11, r15);
        t15 = hi.selectFrom(r11, r15);
        lo = FloatVector.fromArray(S, SELECT, 6 * LANES);
        hi = FloatVector.fromArray(S, SELECT, 7 * LANES);
        lo.selectFrom(t0, t8).intoArray(dst, to);
        hi.selectFrom(t0, t8).intoArray(dst, to + 8 * step);
        lo.selectFrom(t1, t9).intoArray(dst, to + step);
        hi.selectFrom(t1, t9).intoArray(dst, to + 9 * step);
        lo.selectFrom(t2, t10).intoArray(dst, to + 2 * step);
        hi.selectFrom(t2, t10).intoArray(dst, to + 10 * step);
        lo.selectFrom(t3, t11).intoArray(dst, to + 3 * step);
        hi.selectFrom(t3, t11).intoArray(dst, to + 11 * step);
        lo.selectFrom(t4, t12).intoArray(dst, to + 4 * step);
        hi.selectFrom(t4, t12).intoArray(dst, to + 12 * step);
        lo.selectFrom(t5, t13).intoArray(dst, to + 5 * step);
        hi.selectFrom(t5, t13).intoArray(dst, to + 13 * step);
        lo.selectFrom(t6, t14).intoArray(dst, to + 6 * step);
        hi.selectFrom(t6, t14).intoArray(dst, to + 14 * step);
        lo.selectFrom(t7, t15).intoArray(dst, to + 7 * step);
        hi.selectFrom(t7, t15).intoArray(dst, to + 15 * step);
    }

    private static void eight(MemorySegment src, long at, long stride, float[] dst, int to, int step) {
        FloatVector lo;
        FloatVector hi;
        FloatVector r0 = FloatVector.fromMemorySegment(S, src, at, ORDER);
        FloatVector r1 = FloatVector.fromMemorySegment(S, src, at + stride, ORDER);
        FloatVector r2 = FloatVector.fromMemorySegment(S, src, at + 2 * stride, ORDER);
        FloatVector r3 = FloatVector.fromMemorySegment(S, src, at + 3 * stride, ORDER);
        lo = FloatVector.fromArray(S, SELECT, 0);
        hi = FloatVector.fromArray(S, SELECT, LANES);
        FloatVector t0 = lo.selectFrom(r0, r1);
        FloatVector t1 = hi.selectFrom(r0, r1);
        FloatVector t2 = lo.selectFrom(r2, r3);
        FloatVector t3 = hi.selectFrom(r2, r3);
        lo = FloatVector.fromArray(S, SELECT, 2 * LANES);
        hi = FloatVector.fromArray(S, SELECT, 3 * LANES);
        r0 = lo.selectFrom(t0, t2);
        r2 = hi.selectFrom(t0, t2);
        r1 = lo.selectFrom(t1, t3);
        r3 = hi.selectFrom(t1, t3);
        FloatVector r4 = FloatVector.fromMemorySegment(S, src, at + 4 * stride, ORDER);
        FloatVector r5 = FloatVector.fromMemorySegment(S, src, at + 5 * stride, ORDER);
        FloatVector r6 = FloatVector.fromMemorySegment(S, src, at + 6 * stride, ORDER);
        FloatVector r7 = FloatVector.fromMemorySegment(S, src, at + 7 * stride, ORDER);
        lo = FloatVector.fromArray(S, SELECT, 0);
        hi = FloatVector.fromArray(S, SELECT, LANES);
        FloatVector t4 = lo.selectFrom(r4, r5);
        FloatVector t5 = hi.selectFrom(r4, r5);
        FloatVector t6 = lo.selectFrom(r6, r7);
        FloatVector t7 = hi.selectFrom(r6, r7);
        lo = FloatVector.fromArray(S, SELECT, 2 * LANES);
        hi = FloatVector.fromArray(S, SELECT, 3 * LANES);
        r4 = lo.selectFrom(t4, t6);
        r6 = hi.selectFrom(t4, t6);
        r5 = lo.selectFrom(t5, t7);
        r7 = hi.selectFrom(t5, t7);
        lo = FloatVector.fromArray(S, SELECT, 4 * LANES);
        hi = FloatVector.fromArray(S, SELECT, 5 * LANES);
        lo.selectFrom(r0, r4).intoArray(dst, to);
        hi.selectFrom(r0, r4).intoArray(dst, to + 4 * step);
        lo.selectFrom(r1, r5).intoArray(dst, to + step);
        hi.selectFrom(r1, r5).intoArray(dst, to + 5 * step);
        lo.selectFrom(r2, r6).intoArray(dst, to + 2 * step);
        hi.selectFrom(r2, r6).intoArray(dst, to + 6 * step);
        lo.selectFrom(r3, r7).intoArray(dst, to + 3 * step);
        hi.selectFrom(r3, r7).intoArray(dst, to + 7 * step);
    }

    private static void four(MemorySegment src, long at, long stride, float[] dst, int to, int step) {
        FloatVector lo;
        FloatVector hi;
        FloatVector r0 = FloatVector.fromMemorySegment(S, src, at, ORDER);
        FloatVector r1 = FloatVector.fromMemorySegment(S, src, at + stride, ORDER);
        lo = FloatVector.fromArray(S, SELECT, 0);
        hi = FloatVector.fromArray(S, SELECT, LANES);
        FloatVector t0 = lo.selectFrom(r0, r1);
        FloatVector t1 = hi.selectFrom(r0, r1);
        FloatVector r2 = FloatVector.fromMemorySegment(S, src, at + 2 * stride, ORDER);
        FloatVector r3 = FloatVector.fromMemorySegment(S, src, at + 3 * stride, ORDER);
        lo = FloatVector.fromArray(S, SELECT, 0);
        hi = FloatVector.fromArray(S, SELECT, LANES);
        FloatVector t2 = lo.selectFrom(r2, r3);
        FloatVector t3 = hi.selectFrom(r2, r3);
        lo = FloatVector.fromArray(S, SELECT, 2 * LANES);
        hi = FloatVector.fromArray(S, SELECT, 3 * LANES);
        lo.selectFrom(t0, t2).intoArray(dst, to);
        hi.selectFrom(t0, t2).intoArray(dst, to + 2 * step);
        lo.selectFrom(t1, t3).intoArray(dst, to + step);
        hi.selectFrom(t1, t3).intoArray(dst, to + 3 * step);
    }
}
