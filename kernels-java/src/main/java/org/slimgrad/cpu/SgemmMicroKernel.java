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
     * C[0:mr, 0:nr] = β·C[0:mr, 0:nr] + Σ_p Ã[p, 0:MR]ᵀ·B̃[p, 0:NR] for p in [0, kc), where C's element (i, j) is the
     * float at byte {@code c0 + i·ldcBytes + 4j} of {@code c}; β = 0 writes C without reading it.
     * {@code tile} is scratch space of at least MR·NR floats.
     */
    static void multiplyAdd(int kc, float[] a, int a0, float[] b, int b0, float[] tile,
                            MemorySegment c, long c0, long ldcBytes, int mr, int nr, float beta) {
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
        // Spill the tile to a scratch array before touching C: handing vectors to a method C2 does not inline
        // would box them, and a box that flows through the loop's phis is allocated on every iteration.
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        addTile(tile, c, c0, ldcBytes, mr, nr, beta);
    }

    /**
     * C[0:mr, 0:nr] = β·C[0:mr, 0:nr] + tile[0:mr, 0:nr], the tile being MR×NR row-major. No vector crosses a call
     * boundary here either: each value is loaded, combined and stored within this method.
     */
    private static void addTile(float[] tile, MemorySegment c, long c0, long ldcBytes, int mr, int nr, float beta) {
        FloatVector vb = FloatVector.broadcast(S, beta);
        if (nr == NR) {
            for (int r = 0; r < mr; r++) {
                for (int half = 0; half < 2; half++) {
                    long at = c0 + r * ldcBytes + (long) half * L * Float.BYTES;
                    FloatVector t = FloatVector.fromArray(S, tile, r * NR + half * L);
                    if (beta != 0f) {
                        FloatVector old = FloatVector.fromMemorySegment(S, c, at, ORDER);
                        t = beta == 1f ? old.add(t) : old.fma(vb, t);
                    }
                    t.intoMemorySegment(c, at, ORDER);
                }
            }
            return;
        }
        for (int r = 0; r < mr; r++) {
            for (int half = 0; half < 2; half++) {
                VectorMask<Float> mask = S.indexInRange(half * L, nr);
                long at = c0 + r * ldcBytes + (long) half * L * Float.BYTES;
                FloatVector t = FloatVector.fromArray(S, tile, r * NR + half * L);
                if (beta != 0f) {
                    FloatVector old = FloatVector.fromMemorySegment(S, c, at, ORDER, mask);
                    t = beta == 1f ? old.add(t) : old.fma(vb, t);
                }
                t.intoMemorySegment(c, at, ORDER, mask);
            }
        }
    }
}
