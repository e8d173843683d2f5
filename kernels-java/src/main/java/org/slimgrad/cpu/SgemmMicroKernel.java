package org.slimgrad.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.simd.VectorWidth;

/**
 * The register-blocked heart of SGEMM: an {@code MR} × (2 vectors) tile of C, {@code C_tile += Ã·B̃} over one
 * packed k-block, with named accumulators, two vector loads of B̃ and MR broadcasts of Ã per k step.
 * <ul>
 *   <li>512-bit vectors (AVX-512, 32 vector registers): MR = 12, so 24 accumulators + 2 B̃ vectors + a broadcast
 *       fill 27 registers. Per FMA this loads half as much of B̃ (streamed from L2) as a 6-row tile: on Sapphire
 *       Rapids, one core, (1024×2736)·(2736×266) went from 91 to 108 GFLOP/s and 1024³ from 113 to 128 (with the
 *       vectorised packing of {@link SgemmPacking}).</li>
 *   <li>narrower vectors (AVX2, 16 registers): MR = 6, 12 accumulators, nothing spills.</li>
 * </ul>
 *
 * <p>Packed layouts (see {@link SgemmPacking}): an Ã strip holds its {@code MR} rows one after another, {@link #ROW}
 * floats apart, so the MR broadcasts of a k step read at constant offsets from one index; B̃ holds {@code NR} values
 * per k step. Both are zero-padded, so the loop has no edge cases; only the write to C is masked at the edges.
 */
final class SgemmMicroKernel {

    static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    static final int L = S.length();
    /** Rows of C per tile. */
    static final int MR = L >= 16 ? 12 : 6;
    /** Columns of C per tile: two vectors. */
    static final int NR = 2 * L;

    /**
     * Floats from one row of a packed Ã strip to the next: the largest k-block, a constant so that each broadcast's
     * offset is an addressing-mode displacement and the loop keeps a single index into Ã.
     */
    static final int ROW = Sgemm.KC;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private SgemmMicroKernel() {
    }

    /**
     * C[0:mr, 0:nr] = β·C[0:mr, 0:nr] + α·Σ_p Ã[0:MR, p]·B̃[p, 0:NR] for p in [0, kc), where C's element (i, j) is
     * the float at byte {@code c0 + i·ldcBytes + 4j} of {@code c}; β = 0 writes C without reading it.
     * {@code tile} is scratch space of at least MR·NR floats.
     */
    static void multiplyAdd(int kc, float[] a, int a0, float[] b, int b0, float[] tile,
                            MemorySegment c, long c0, long ldcBytes, int mr, int nr, float alpha, float beta) {
        if (MR == 12) {
            accumulate12(kc, a, a0, b, b0, tile);
        } else {
            accumulate6(kc, a, a0, b, b0, tile);
        }
        addTile(tile, c, c0, ldcBytes, mr, nr, alpha, beta);
    }

    // tile = Σ_p Ã[0:6, p]·B̃[p, 0:NR]. The tile is spilled to an array before C is touched: handing vectors to a
    // method C2 does not inline would box them, and a box that flows through the loop's phis is allocated on every
    // iteration.
    private static void accumulate6(int kc, float[] a, int a0, float[] b, int b0, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int ai = a0;
        int bi = b0;
        for (int p = 0; p < kc; p++, ai++, bi += NR) {
            FloatVector b0v = FloatVector.fromArray(S, b, bi);
            FloatVector b1v = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0v, c00);
            c01 = av.fma(b1v, c01);
            av = FloatVector.broadcast(S, a[ai + ROW]);
            c10 = av.fma(b0v, c10);
            c11 = av.fma(b1v, c11);
            av = FloatVector.broadcast(S, a[ai + 2 * ROW]);
            c20 = av.fma(b0v, c20);
            c21 = av.fma(b1v, c21);
            av = FloatVector.broadcast(S, a[ai + 3 * ROW]);
            c30 = av.fma(b0v, c30);
            c31 = av.fma(b1v, c31);
            av = FloatVector.broadcast(S, a[ai + 4 * ROW]);
            c40 = av.fma(b0v, c40);
            c41 = av.fma(b1v, c41);
            av = FloatVector.broadcast(S, a[ai + 5 * ROW]);
            c50 = av.fma(b0v, c50);
            c51 = av.fma(b1v, c51);
        }
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
    }

    // tile = Σ_p Ã[0:12, p]·B̃[p, 0:NR], for 32 vector registers only.
    private static void accumulate12(int kc, float[] a, int a0, float[] b, int b0, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector ca0 = FloatVector.zero(S), ca1 = FloatVector.zero(S);
        FloatVector cb0 = FloatVector.zero(S), cb1 = FloatVector.zero(S);
        int ai = a0;
        int bi = b0;
        for (int p = 0; p < kc; p++, ai++, bi += NR) {
            FloatVector b0v = FloatVector.fromArray(S, b, bi);
            FloatVector b1v = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0v, c00);
            c01 = av.fma(b1v, c01);
            av = FloatVector.broadcast(S, a[ai + ROW]);
            c10 = av.fma(b0v, c10);
            c11 = av.fma(b1v, c11);
            av = FloatVector.broadcast(S, a[ai + 2 * ROW]);
            c20 = av.fma(b0v, c20);
            c21 = av.fma(b1v, c21);
            av = FloatVector.broadcast(S, a[ai + 3 * ROW]);
            c30 = av.fma(b0v, c30);
            c31 = av.fma(b1v, c31);
            av = FloatVector.broadcast(S, a[ai + 4 * ROW]);
            c40 = av.fma(b0v, c40);
            c41 = av.fma(b1v, c41);
            av = FloatVector.broadcast(S, a[ai + 5 * ROW]);
            c50 = av.fma(b0v, c50);
            c51 = av.fma(b1v, c51);
            av = FloatVector.broadcast(S, a[ai + 6 * ROW]);
            c60 = av.fma(b0v, c60);
            c61 = av.fma(b1v, c61);
            av = FloatVector.broadcast(S, a[ai + 7 * ROW]);
            c70 = av.fma(b0v, c70);
            c71 = av.fma(b1v, c71);
            av = FloatVector.broadcast(S, a[ai + 8 * ROW]);
            c80 = av.fma(b0v, c80);
            c81 = av.fma(b1v, c81);
            av = FloatVector.broadcast(S, a[ai + 9 * ROW]);
            c90 = av.fma(b0v, c90);
            c91 = av.fma(b1v, c91);
            av = FloatVector.broadcast(S, a[ai + 10 * ROW]);
            ca0 = av.fma(b0v, ca0);
            ca1 = av.fma(b1v, ca1);
            av = FloatVector.broadcast(S, a[ai + 11 * ROW]);
            cb0 = av.fma(b0v, cb0);
            cb1 = av.fma(b1v, cb1);
        }
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
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + L);
        ca0.intoArray(tile, 10 * NR);
        ca1.intoArray(tile, 10 * NR + L);
        cb0.intoArray(tile, 11 * NR);
        cb1.intoArray(tile, 11 * NR + L);
    }

    /**
     * Reads the {@code rows × cols} block of floats at byte {@code start} of {@code memory} (rows {@code rowBytes}
     * apart) into cache, row after row. Java has no prefetch instruction; what is read here comes in a few sequential
     * runs, at the memory's bandwidth, where the kernels' own access (a tile's C lines after its k loop, a transpose
     * taking a line from each of many rows in turn) would wait out each line's latency. {@code sink} (at least L
     * floats) receives the sum, so that the loads are kept.
     */
    static void warmRows(MemorySegment memory, long start, long rowBytes, int rows, int cols, float[] sink) {
        FloatVector sum = FloatVector.zero(S);
        int full = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            long at = start + r * rowBytes;
            for (int j = 0; j < full; j += L) {
                sum = sum.add(FloatVector.fromMemorySegment(S, memory, at + (long) j * Float.BYTES, ORDER));
            }
        }
        sum.intoArray(sink, 0);
    }

    /**
     * C[0:mr, 0:nr] = β·C[0:mr, 0:nr] + α·tile[0:mr, 0:nr], the tile being MR×NR row-major. No vector crosses a call
     * boundary here either: each value is loaded, combined and stored within this method.
     */
    private static void addTile(float[] tile, MemorySegment c, long c0, long ldcBytes, int mr, int nr, float alpha,
                                float beta) {
        FloatVector vb = FloatVector.broadcast(S, beta);
        if (nr == NR) {
            for (int r = 0; r < mr; r++) {
                for (int half = 0; half < 2; half++) {
                    long at = c0 + r * ldcBytes + (long) half * L * Float.BYTES;
                    FloatVector t = FloatVector.fromArray(S, tile, r * NR + half * L);
                    if (alpha != 1f) {
                        t = t.mul(alpha);
                    }
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
                if (alpha != 1f) {
                    t = t.mul(alpha);
                }
                if (beta != 0f) {
                    FloatVector old = FloatVector.fromMemorySegment(S, c, at, ORDER, mask);
                    t = beta == 1f ? old.add(t) : old.fma(vb, t);
                }
                t.intoMemorySegment(c, at, ORDER, mask);
            }
        }
    }
}
