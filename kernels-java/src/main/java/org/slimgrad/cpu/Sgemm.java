package org.slimgrad.cpu;

import static org.slimgrad.cpu.SgemmMicroKernel.MR;
import static org.slimgrad.cpu.SgemmMicroKernel.NR;

import org.slimgrad.Matrix;
import org.slimgrad.simd.VectorWidth;

/**
 * Blocked SGEMM, {@code C = α·op(A)·op(B) + β·C}, in the BLIS loop order written for row-major C:
 * <pre>
 * for ic in M by MC:            Ã panel (MC×KC, ≤ 2.3 MB) stays in L3; B̃ is packed once per panel
 *   for pc in K by ≤ KC:        pack op(A)[ic.., pc..] into Ã (k split into equal blocks)
 *     for jc in N by ≤ NC:      pack op(B)[pc.., jc..] into B̃ (KC×NC, ≤ 384 KB): stays in L2 (equal blocks)
 *       for ir in MC by MR:     one Ã strip (MR×KC: 9 KB at MR = 6, 18 KB at 12) stays in L1
 *         for jr in NC by NR:   micro-kernel on a MR×NR tile, B̃ strip streamed from L2
 * </pre>
 * The block sizes were tuned on Zen 4 (AVX-512, 1 MB L2) across the cube and GaLore projection shapes; a larger KC
 * means fewer passes over C, which matters most when C is large and k small ((256×1024)·(1024×2736): 80 GFLOP/s
 * at KC = 256, 93 at 384); a larger MC packs B̃ fewer times, which matters when n is small ((1024×2736)·(2736×256):
 * 84 GFLOP/s at MC = 960, 88 at 1536).
 * Large problems are split into independent column (or row) blocks of C, one per thread, or, when k dominates
 * (Gram products), into slices of k whose partial products are added; each thread packs into its own reusable
 * buffers, so a warm call allocates no buffer.
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
        boolean splitColumns = n >= m;
        int tiles = splitColumns ? ceilDiv(n, NR) : ceilDiv(m, MR);
        int parts = macs < PARALLEL_MIN_MACS ? 1 : Math.min(workers.threads(), tiles);
        if (macs >= PARALLEL_MIN_MACS && workers.threads() > 1 && k >= DEPTH_SPLIT_RATIO * Math.max(m, n)) {
            depthSplit(transA, transB, alpha, a, b, beta, c, Math.min(workers.threads(), ceilDiv(k, KC)));
            return;
        }
        if (parts == 1) {
            blocked(transA, transB, alpha, a, b, beta, c);
            return;
        }
        workers.run(parts, part -> {
            int from = (int) ((long) tiles * part / parts);
            int to = (int) ((long) tiles * (part + 1) / parts);
            if (splitColumns) {
                columnBlock(transA, transB, alpha, a, b, beta, c, from * NR, Math.min(n, to * NR)).run();
            } else {
                rowBlock(transA, transB, alpha, a, b, beta, c, from * MR, Math.min(m, to * MR)).run();
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
            int k0 = (int) ((long) k * part / parts);
            int k1 = (int) ((long) k * (part + 1) / parts);
            Matrix aPart = transA ? a.view(k0, 0, k1 - k0, m) : a.view(0, k0, m, k1 - k0);
            Matrix bPart = transB ? b.view(0, k0, n, k1 - k0) : b.view(k0, 0, k1 - k0, n);
            if (part == 0) {
                blocked(transA, transB, alpha, aPart, bPart, beta, c);
            } else {
                Matrix sum = Matrix.wrap(workspaces.get().partial(m * n), 0, m, n, n);
                blocked(transA, transB, alpha, aPart, bPart, 0f, sum);
                partial[part] = sum;
            }
        });
        for (int part = 1; part < parts; part++) {
            Elementwise.axpy(1f, partial[part], c);
        }
    }

    private Runnable columnBlock(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                                 Matrix c, int j0, int j1) {
        int k = transA ? a.rows() : a.cols();
        Matrix bPart = transB ? b.view(j0, 0, j1 - j0, k) : b.view(0, j0, k, j1 - j0);
        Matrix cPart = c.view(0, j0, c.rows(), j1 - j0);
        return () -> blocked(transA, transB, alpha, a, bPart, beta, cPart);
    }

    private Runnable rowBlock(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c, int i0, int i1) {
        int k = transA ? a.rows() : a.cols();
        Matrix aPart = transA ? a.view(0, i0, k, i1 - i0) : a.view(i0, 0, i1 - i0, k);
        Matrix cPart = c.view(i0, 0, i1 - i0, c.cols());
        return () -> blocked(transA, transB, alpha, aPart, b, beta, cPart);
    }

    private void blocked(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        int kBlock = ceilDiv(k, ceilDiv(k, KC)); // equal k-blocks: no thin last block paying a full C update
        // equal column blocks of whole strips: n = 266 is one block of 9 strips, not 8 strips and a lone tail strip
        // that streams every Ã strip again for 1/9 of the work
        int nBlock = ceilDiv(ceilDiv(n, ceilDiv(n, NC)), NR) * NR;
        Workspace ws = workspaces.get();
        float[] packedA = ws.a(ceilDiv(Math.min(m, MC), MR) * MR * SgemmMicroKernel.ROW);
        float[] packedB = ws.b(nBlock * kBlock);
        float[] line = ws.line(kBlock);
        long ldcBytes = (long) c.ld() * Float.BYTES;
        for (int ic = 0; ic < m; ic += MC) {
            int mc = Math.min(MC, m - ic);
            for (int pc = 0; pc < k; pc += kBlock) {
                int kc = Math.min(kBlock, k - pc);
                float betaHere = pc == 0 ? beta : 1f; // β applies once, with the first k-block
                SgemmPacking.packA(transA, a, ic, pc, mc, kc, packedA, ws.transposeTile, ws.transposeSpare);
                for (int jc = 0; jc < n; jc += nBlock) {
                    int nc = Math.min(nBlock, n - jc);
                    SgemmPacking.packB(transB, b, pc, jc, kc, nc, packedB, line);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        for (int jr = 0; jr < nc; jr += NR) {
                            SgemmMicroKernel.multiplyAdd(kc, packedA, ir * SgemmMicroKernel.ROW, packedB, jr * kc,
                                    ws.tile, c.segment(), c.index(ic + ir, jc + jr) * Float.BYTES, ldcBytes,
                                    mr, Math.min(NR, nc - jr), alpha, betaHere);
                        }
                    }
                }
            }
        }
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
