package org.slimgrad.cpu;

import static org.slimgrad.cpu.SgemmMicroKernel.L;
import static org.slimgrad.cpu.SgemmMicroKernel.MR;
import static org.slimgrad.cpu.SgemmMicroKernel.NR;
import static org.slimgrad.cpu.SgemmMicroKernel.ROW;
import static org.slimgrad.cpu.SgemmMicroKernel.S;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import org.slimgrad.Matrix;

/**
 * Copies blocks of op(A) and op(B) into the contiguous, zero-padded layouts the micro-kernel streams through:
 * <ul>
 *   <li>Ã: row i of the block at {@code i·ROW}: {@code Ã[i·ROW + p] = op(A)[i0 + i, p0 + p]}, rows up to a whole
 *       number of strips ({@code MR} rows), the missing ones zero. Row-major A is copied row by row, with no
 *       interleaving: for (1024×2736)·(2736×256) that packing took 0.55 ms where the interleaved layout's gather took
 *       1.8 of the product's 9.1 ms. Transposed A goes through {@link TileTranspose} in L×L tiles.</li>
 *   <li>B̃: for each strip of {@code NR} columns, k-major: {@code B̃[strip·NR·kc + p·NR + c] = op(B)[p0 + p, j0 + strip·NR + c]}.
 *       Transposed B goes through {@link TileTranspose} too, in L×L tiles of a full strip.</li>
 * </ul>
 * Packing makes every transpose variant one kernel and turns strided reads into unit stride ones the hardware
 * prefetcher follows; α is applied to the finished tile, not here.
 */
final class SgemmPacking {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private SgemmPacking() {
    }

    /**
     * Packs the mc×kc block of op(A) at (i0, p0) into {@code dst} from index {@code d0} (⌈mc/MR⌉·MR·ROW floats,
     * kc ≤ ROW). {@code tile} and {@code spare} are scratch of L·L floats each, for the edge tiles of a transposed A.
     */
    static void packA(boolean transA, Matrix a, int i0, int p0, int mc, int kc, float[] dst, int d0, float[] tile,
                      float[] spare) {
        MemorySegment src = a.segment();
        int rows = Sgemm.ceilDiv(mc, MR) * MR;
        if (!transA) {
            for (int i = 0; i < mc; i++) {
                MemorySegment.copy(src, F, a.index(i0 + i, p0) * Float.BYTES, dst, d0 + i * ROW, kc);
            }
            for (int i = mc; i < rows; i++) {
                Arrays.fill(dst, d0 + i * ROW, d0 + i * ROW + kc, 0f);
            }
            return;
        }
        // op(A)[i, p] = A[p, i]: an L×L tile of A (L steps of k, L rows of op(A)) becomes, transposed, L runs of L
        // steps, one per row of Ã. A tile at an edge is assembled in `tile` first: lanes past mc load as zero, which
        // pads the last strip. L rows of Ã at a time, across all of k, so that each row of Ã is written in one run:
        // with k outermost, every L steps wrote a line into each of up to MC rows 2 KB apart (Gᵀ·Y, 2736×1024 by
        // 1024×266, and the Gram product 266×2736 by 2736×266 were 6% and 8% slower that way).
        MemorySegment edgeTile = MemorySegment.ofArray(tile);
        for (int i = 0; i < rows; i += L) {
            for (int p = 0; p < kc; p += L) {
                int steps = Math.min(L, kc - p);
                if (steps == L && i + L <= mc) {
                    TileTranspose.transpose(src, a.index(p0 + p, i0 + i), a.ld(), dst, d0 + i * ROW + p, ROW);
                    continue;
                }
                VectorMask<Float> rowMask = S.indexInRange(i, mc);
                for (int q = 0; q < L; q++) {
                    FloatVector run = q < steps
                            ? FloatVector.fromMemorySegment(S, src, a.index(p0 + p + q, i0 + i) * Float.BYTES, ORDER,
                                    rowMask)
                            : FloatVector.zero(S);
                    run.intoArray(tile, q * L);
                }
                TileTranspose.transpose(edgeTile, 0, L, spare, 0, L);
                VectorMask<Float> stepMask = S.indexInRange(0, steps);
                for (int r = 0, last = Math.min(L, rows - i); r < last; r++) {
                    FloatVector.fromArray(S, spare, r * L).intoArray(dst, d0 + (i + r) * ROW + p, stepMask);
                }
            }
        }
    }

    /**
     * Packs the kc×nc block of op(B) at (p0, j0) into {@code dst} from index {@code d0} (⌈nc/NR⌉·NR·kc floats);
     * {@code line} is scratch of at least kc floats.
     */
    static void packB(boolean transB, Matrix b, int p0, int j0, int kc, int nc, float[] dst, int d0, float[] line) {
        MemorySegment src = b.segment();
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = d0 + jr * kc;
            if (transB) {
                // op(B)[p, j] = B[j, p]: row j of B is one column of a strip. In a full strip, L rows of B by L
                // steps of k are a tile that TileTranspose turns into L steps of L columns; the steps past the last
                // whole tile (and a partial strip) go one row at a time through `line`.
                // The tiles read the strip's NR rows a line each in turn, more streams than the prefetcher follows:
                // the strip is read into cache in NR sequential runs first (LRU shape, B̃ 0.48 → 0.21 ms).
                int tiled = nr == NR ? kc - kc % L : 0;
                if (tiled > 0) {
                    SgemmMicroKernel.warmRows(src, b.index(j0 + jr, p0) * Float.BYTES, (long) b.ld() * Float.BYTES,
                            NR, tiled, line);
                }
                for (int p = 0; p < tiled; p += L) {
                    for (int half = 0; half < NR; half += L) {
                        TileTranspose.transpose(src, b.index(j0 + jr + half, p0 + p), b.ld(), dst,
                                base + p * NR + half, NR);
                    }
                }
                for (int col = 0; col < nr && tiled < kc; col++) {
                    MemorySegment.copy(src, F, b.index(j0 + jr + col, p0 + tiled) * Float.BYTES, line, 0, kc - tiled);
                    for (int p = tiled; p < kc; p++) {
                        dst[base + p * NR + col] = line[p - tiled];
                    }
                }
                if (nr < NR) {
                    for (int p = 0; p < kc; p++) {
                        Arrays.fill(dst, base + p * NR + nr, base + (p + 1) * NR, 0f);
                    }
                }
            } else if (nr == NR) {
                // op(B)[p, j] = B[p, j]: each k step is two contiguous vectors.
                for (int p = 0; p < kc; p++) {
                    long from = b.index(p0 + p, j0 + jr) * Float.BYTES;
                    int to = base + p * NR;
                    FloatVector.fromMemorySegment(S, src, from, ORDER).intoArray(dst, to);
                    FloatVector.fromMemorySegment(S, src, from + (long) L * Float.BYTES, ORDER).intoArray(dst, to + L);
                }
            } else {
                VectorMask<Float> m0 = S.indexInRange(0, nr);
                VectorMask<Float> m1 = S.indexInRange(L, nr);
                for (int p = 0; p < kc; p++) {
                    long from = b.index(p0 + p, j0 + jr) * Float.BYTES;
                    int to = base + p * NR;
                    // Masked-off lanes load as zero, which is the padding the kernel needs.
                    FloatVector.fromMemorySegment(S, src, from, ORDER, m0).intoArray(dst, to);
                    FloatVector.fromMemorySegment(S, src, from + (long) L * Float.BYTES, ORDER, m1).intoArray(dst, to + L);
                }
            }
        }
    }
}
