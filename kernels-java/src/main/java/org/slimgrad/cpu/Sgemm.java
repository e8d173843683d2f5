package org.slimgrad.cpu;

import static org.slimgrad.cpu.SgemmMicroKernel.MR;
import static org.slimgrad.cpu.SgemmMicroKernel.NR;

import org.slimgrad.Matrix;
import org.slimgrad.simd.VectorWidth;

/**
 * Blocked SGEMM, {@code C = α·op(A)·op(B) + β·C}, in the BLIS loop order written for row-major C:
 * <pre>
 * for ic in M by MC:            Ã panel (MC×KC, ≤ 3 MB) stays in L3; B̃ is packed once per panel
 *   for pc in K by ≤ KC:        pack op(A)[ic.., pc..] into Ã (k split into equal blocks)
 *     for jc in N by ≤ NC:      pack op(B)[pc.., jc..] into B̃ (KC×NC, ≤ 512 KB): stays in L2 (equal blocks)
 *       for ir in MC by MR:     one Ã strip (MR×KC: 9 KB at MR = 6, 24 KB at 12) stays in L1
 *         for jr in NC by NR:   micro-kernel on a MR×NR tile, B̃ strip streamed from L2
 * </pre>
 * The block sizes were tuned on Zen 4 (AVX-512, 1 MB L2) across the cube and GaLore projection shapes; a larger KC
 * means fewer passes over C, which matters most when C is large and k small ((256×1024)·(1024×2736): 80 GFLOP/s
 * at KC = 256, 93 at 384); a larger MC packs B̃ fewer times, which matters when n is small ((1024×2736)·(2736×256):
 * 84 GFLOP/s at MC = 960, 88 at 1536).
 * On several threads the larger dimension of C is split into whole strips, a share per thread, and the operand
 * along the other dimension is packed once for all of them: each thread packs a share of that panel's strips, all
 * meet at a barrier before computing and again before it is packed anew. Split into independent blocks of C
 * instead, each thread packed the whole of the other operand again, which cost 2 threads 10% on
 * (1024×2736)·(2736×256). When k dominates (Gram products) the product is split into slices of k whose partial
 * products are added. Packing buffers are reused, so a warm call allocates no buffer.
 */
final class Sgemm {

    /**
     * The largest k-block: 512 with 512-bit vectors (two passes over C for k = 1024, and B̃ at 512 KB still in a
     * 1 MB L2: Zen 5, 1024³ against OpenBLAS's Cooperlake kernel 0.94× at 384, 0.99× at 512), 384 with narrower
     * ones, whose processors (Zen 3) have 512 KB of L2.
     */
    static final int KC = VectorWidth.FLOATS.length() >= 16 ? 512 : 384;
    static final int MC = 1536;
    static final int NC = 256;
    /** Below this many multiply-adds a second thread costs more than it saves. */
    static final long PARALLEL_MIN_MACS = 1L << 21;
    /**
     * A product whose k is at least this many times max(m, n) is split along k: every thread packs only its own
     * slice of both operands and the partial results are added at the end. Split by columns instead, each thread
     * of a Gram product AᵀA (266×266 from k = 2736 in a randomized SVD) packed the whole of op(A) again.
     */
    static final int DEPTH_SPLIT_RATIO = 4;

    private final Workers workers;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    Sgemm(Workers workers) {
        this.workers = workers;
    }

    /** {@code C = α·op(A)·op(B) + β·C} on validated arguments, k ≥ 1, α ≠ 0. */
    void multiply(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        long macs = (long) m * n * k;
        int columnStrips = ceilDiv(n, NR);
        int rowStrips = ceilDiv(m, MR);
        boolean byColumns = columnStrips >= rowStrips;
        boolean parallel = macs >= PARALLEL_MIN_MACS && workers.threads() > 1;
        if (parallel && k >= DEPTH_SPLIT_RATIO * Math.max(m, n)) { // however few strips C has
            depthSplit(transA, transB, alpha, a, b, beta, c, Math.min(workers.threads(), ceilDiv(k, KC)));
            return;
        }
        int parts = parallel ? Math.min(workers.threads(), Math.max(columnStrips, rowStrips)) : 1;
        if (parts == 1) {
            blocked(transA, transB, alpha, a, b, beta, c, packedA(m), packedB(n, k), false, 0, 1, null, rowBlocks(m));
            return;
        }
        // the larger dimension is split; the operand along the other is packed once, in shares, for all parts, which
        // meet as often as each other: the same number of row blocks in every part
        float[] shared = byColumns ? packedA(m) : packedB(n, k);
        SpinBarrier barrier = new SpinBarrier(parts);
        int rowBlocks = rowBlocks(byColumns ? m : ceilDiv(rowStrips, parts) * MR);
        workers.run(parts, part -> {
            int strips = byColumns ? columnStrips : rowStrips;
            int width = byColumns ? NR : MR;
            int from = share(strips, part, parts) * width;
            int to = Math.min(byColumns ? n : m, share(strips, part + 1, parts) * width);
            try {
                if (byColumns) {
                    Matrix bPart = transB ? b.view(from, 0, to - from, k) : b.view(0, from, k, to - from);
                    blocked(transA, transB, alpha, a, bPart, beta, c.view(0, from, m, to - from), shared,
                            packedB(to - from, k), true, part, parts, barrier, rowBlocks);
                } else {
                    Matrix aPart = transA ? a.view(0, from, k, to - from) : a.view(from, 0, to - from, k);
                    blocked(transA, transB, alpha, aPart, b, beta, c.view(from, 0, to - from, n), packedA(to - from),
                            shared, false, part, parts, barrier, rowBlocks);
                }
            } catch (Throwable t) {
                barrier.abandon(t); // the other parts would otherwise wait for this one for ever
                throw t;
            }
        });
    }

    // C = α·Σ_parts op(A)[:, ks]·op(B)[ks, :] + β·C: part 0 into C itself, the others into their threads' partial
    // buffers, added into C in part order (the same bits for a given thread count)
    private void depthSplit(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c,
                            int parts) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        Matrix[] partial = new Matrix[parts];
        workers.run(parts, part -> {
            int k0 = share(k, part, parts);
            int k1 = share(k, part + 1, parts);
            Matrix aPart = transA ? a.view(k0, 0, k1 - k0, m) : a.view(0, k0, m, k1 - k0);
            Matrix bPart = transB ? b.view(0, k0, n, k1 - k0) : b.view(k0, 0, k1 - k0, n);
            if (part == 0) {
                blocked(transA, transB, alpha, aPart, bPart, beta, c, packedA(m), packedB(n, k1 - k0), false, 0, 1,
                        null, rowBlocks(m));
            } else {
                Matrix sum = Matrix.wrap(workspaces.get().partial(m * n), 0, m, n, n);
                blocked(transA, transB, alpha, aPart, bPart, 0f, sum, packedA(m), packedB(n, k1 - k0), false, 0, 1,
                        null, rowBlocks(m));
                partial[part] = sum;
            }
        });
        for (int part = 1; part < parts; part++) {
            Elementwise.axpy(1f, partial[part], c);
        }
    }

    /**
     * The loop nest. Run by {@code parts} threads at once ({@code part} is this one), each on its own columns of C
     * (or rows), they share one Ã (or B̃): each packs its share of the shared panel's strips, waits at the barrier
     * until all have, computes, and waits again before that panel is packed anew. {@code sharedA}: Ã is the shared
     * panel, else B̃ is (with several parts). One part needs no barrier.
     */
    private void blocked(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c,
                         float[] packedA, float[] packedB, boolean sharedA, int part, int parts, SpinBarrier barrier,
                         int rowBlocks) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        int kBlock = kBlock(k);
        int nBlock = nBlock(n);
        Workspace ws = workspaces.get();
        float[] line = ws.line(kBlock);
        long ldcBytes = (long) c.ld() * Float.BYTES;
        int rowStrips = ceilDiv(m, MR);
        for (int block = 0; block < rowBlocks; block++) { // of at most MC rows; may be empty in a part with fewer rows
            int ic = share(rowStrips, block, rowBlocks) * MR;
            int mc = Math.min(m, share(rowStrips, block + 1, rowBlocks) * MR) - ic;
            int strips = ceilDiv(mc, MR);
            int s0 = sharedA ? share(strips, part, parts) : 0;
            int s1 = sharedA ? share(strips, part + 1, parts) : strips;
            for (int pc = 0; pc < k; pc += kBlock) {
                int kc = Math.min(kBlock, k - pc);
                float betaHere = pc == 0 ? beta : 1f; // β applies once, with the first k-block
                if (s1 > s0) {
                    SgemmPacking.packA(transA, a, ic + s0 * MR, pc, Math.min(mc, s1 * MR) - s0 * MR, kc, packedA,
                            s0 * MR * SgemmMicroKernel.ROW, ws.transposeTile, ws.transposeSpare);
                }
                meet(sharedA, barrier);
                for (int jc = 0; jc < n; jc += nBlock) {
                    int nc = Math.min(nBlock, n - jc);
                    int columnStrips = ceilDiv(nc, NR);
                    boolean sharedB = barrier != null && !sharedA;
                    int t0 = sharedB ? share(columnStrips, part, parts) : 0;
                    int t1 = sharedB ? share(columnStrips, part + 1, parts) : columnStrips;
                    if (t1 > t0) {
                        SgemmPacking.packB(transB, b, pc, jc + t0 * NR, kc, Math.min(nc, t1 * NR) - t0 * NR, packedB,
                                t0 * NR * kc, line);
                    }
                    meet(sharedB, barrier);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        if (pc == 0 && beta != 0f) { // C as the caller left it, not yet in this core's cache
                            SgemmMicroKernel.warmRows(c.segment(), c.index(ic + ir, jc) * Float.BYTES, ldcBytes, mr,
                                    nc, ws.tile);
                        }
                        for (int jr = 0; jr < nc; jr += NR) {
                            SgemmMicroKernel.multiplyAdd(kc, packedA, ir * SgemmMicroKernel.ROW, packedB, jr * kc,
                                    ws.tile, c.segment(), c.index(ic + ir, jc + jr) * Float.BYTES, ldcBytes,
                                    mr, Math.min(NR, nc - jr), alpha, betaHere);
                        }
                    }
                    meet(sharedB, barrier);
                }
                meet(sharedA, barrier);
            }
        }
    }

    private static void meet(boolean panelShared, SpinBarrier barrier) {
        if (panelShared && barrier != null) {
            barrier.await();
        }
    }

    private static int kBlock(int k) {
        return ceilDiv(k, ceilDiv(k, KC)); // equal k-blocks: no thin last block paying a full C update
    }

    // equal column blocks of whole strips: n = 266 is one block of 9 strips, not 8 strips and a lone tail strip that
    // streams every Ã strip again for 1/9 of the work
    private static int nBlock(int n) {
        return ceilDiv(ceilDiv(n, ceilDiv(n, NC)), NR) * NR;
    }

    // the calling thread's B̃ buffer, for a product with n columns and depth k
    private float[] packedB(int n, int k) {
        return workspaces.get().b(nBlock(n) * kBlock(k));
    }

    // blocks of at most MC rows for m rows (and for fewer: ⌈⌈m'/MR⌉/⌈m/MC⌉⌉ ≤ MC/MR strips for m' ≤ m)
    private static int rowBlocks(int m) {
        return ceilDiv(m, MC);
    }

    // the calling thread's Ã buffer, for a product with m rows
    private float[] packedA(int m) {
        return workspaces.get().a(Math.min(ceilDiv(m, MR), MC / MR) * MR * SgemmMicroKernel.ROW);
    }

    // the first of `count` items that part `part` of `parts` takes (equal shares, the remainder spread)
    private static int share(int count, int part, int parts) {
        return (int) ((long) count * part / parts);
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** Per-thread packing buffers, grown on demand and then reused. */
    private static final class Workspace {
        private float[] a = new float[0];
        private float[] b = new float[0];
        private float[] line = new float[0];
        private float[] partial = new float[0];
        private final float[] tile = new float[MR * NR];
        private final float[] transposeTile = new float[SgemmMicroKernel.L * SgemmMicroKernel.L];
        private final float[] transposeSpare = new float[SgemmMicroKernel.L * SgemmMicroKernel.L];

        float[] a(int floats) {
            a = atLeast(a, floats);
            return a;
        }

        float[] b(int floats) {
            b = atLeast(b, floats);
            return b;
        }

        float[] line(int floats) {
            line = atLeast(line, floats);
            return line;
        }

        float[] partial(int floats) {
            partial = atLeast(partial, floats);
            return partial;
        }

        private static float[] atLeast(float[] buffer, int floats) {
            return buffer.length >= floats ? buffer : new float[floats];
        }
    }
}
