package org.slimgrad.cpu;

import static org.slimgrad.cpu.SgemmMicroKernel.L;
import static org.slimgrad.cpu.SgemmMicroKernel.MR;
import static org.slimgrad.cpu.SgemmMicroKernel.NR;
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
 *   <li>Ã: for each strip of {@code MR} rows, k-major: {@code Ã[strip·MR·kc + p·MR + r] = α·op(A)[i0 + strip·MR + r, p0 + p]};</li>
 *   <li>B̃: for each strip of {@code NR} columns, k-major: {@code B̃[strip·NR·kc + p·NR + c] = op(B)[p0 + p, j0 + strip·NR + c]}.</li>
 * </ul>
 * Packing makes every transpose variant one kernel, folds α into Ã for free, and turns strided reads into unit
 * stride ones the hardware prefetcher follows.
 */
final class SgemmPacking {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** The lanes of one k step of an Ã strip: MR of them. */
    private static final VectorMask<Float> STRIP = S.indexInRange(0, MR);

    private SgemmPacking() {
    }

    /**
     * Packs the mc×kc block of α·op(A) at (i0, p0) into {@code dst}. {@code line} is scratch of at least
     * max(mc + MR, MR·kc) floats: rows are copied out in bulk first so the interleaving runs on an array.
     */
    static void packA(boolean transA, float alpha, Matrix a, int i0, int p0, int mc, int kc, float[] dst,
                      float[] line) {
        MemorySegment src = a.segment();
        if (transA) {
            // op(A)[i, p] = A[p, i]: row p of A holds one k step of every strip, MR contiguous values per strip.
            Arrays.fill(line, mc, mc + MR, 0f); // the last strip's missing rows read as zero
            FloatVector va = FloatVector.broadcast(S, alpha);
            for (int p = 0; p < kc; p++) {
                MemorySegment.copy(src, F, a.index(p0 + p, i0) * Float.BYTES, line, 0, mc);
                for (int ir = 0; ir < mc; ir += MR) {
                    FloatVector.fromArray(S, line, ir, STRIP).mul(va).intoArray(dst, ir * kc + p * MR, STRIP);
                }
            }
            return;
        }
        // op(A)[i, p] = A[i, p]: copy the strip's MR rows out side by side, then gather each k step's MR values (one
        // per row, kc apart) into one contiguous run.
        int[] rowStarts = new int[L];
        for (int r = 0; r < MR; r++) {
            rowStarts[r] = r * kc;
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            for (int r = 0; r < MR; r++) {
                if (r < mr) {
                    MemorySegment.copy(src, F, a.index(i0 + ir + r, p0) * Float.BYTES, line, r * kc, kc);
                } else {
                    Arrays.fill(line, r * kc, (r + 1) * kc, 0f);
                }
            }
            for (int p = 0, to = ir * kc; p < kc; p++, to += MR) {
                FloatVector.fromArray(S, line, p, rowStarts, 0, STRIP).mul(va).intoArray(dst, to, STRIP);
            }
        }
    }

    /** Packs the kc×nc block of op(B) at (p0, j0) into {@code dst}; {@code line} as for {@link #packA}. */
    static void packB(boolean transB, Matrix b, int p0, int j0, int kc, int nc, float[] dst, float[] line) {
        MemorySegment src = b.segment();
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (transB) {
                // op(B)[p, j] = B[j, p]: row j of B is one column of a strip.
                for (int col = 0; col < nr; col++) {
                    MemorySegment.copy(src, F, b.index(j0 + jr + col, p0) * Float.BYTES, line, 0, kc);
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * NR + col] = line[p];
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
