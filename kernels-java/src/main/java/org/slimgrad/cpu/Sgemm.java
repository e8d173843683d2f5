package org.slimgrad.cpu;

import static org.slimgrad.cpu.SgemmMicroKernel.MR;
import static org.slimgrad.cpu.SgemmMicroKernel.NR;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

import org.slimgrad.Matrix;

/**
 * Blocked SGEMM, {@code C = α·op(A)·op(B) + β·C}, in the BLIS loop order written for row-major C:
 * <pre>
 * for ic in M by MC:            Ã panel (MC×KC, ≤ 1 MB) stays in L2/L3
 *   for pc in K by KC:          pack α·op(A)[ic.., pc..] into Ã
 *     for jc in N by NC:        pack op(B)[pc.., jc..] into B̃ (KC×NC, 256 KB): stays in L2
 *       for ir in MC by MR:     one Ã strip (MR×KC, 6 KB) stays in L1
 *         for jr in NC by NR:   micro-kernel on a MR×NR tile, B̃ strip streamed from L2
 * </pre>
 * Large problems are split into independent column (or row) blocks of C, one per thread; each thread packs into
 * its own reusable buffers, so a warm call allocates nothing.
 */
final class Sgemm {

    static final int KC = 256;
    static final int MC = 960;
    static final int NC = 256;
    /** Below this many multiply-adds a second thread costs more than it saves. */
    static final long PARALLEL_MIN_MACS = 1L << 21;

    private final int threads;
    private final ForkJoinPool pool;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    Sgemm(int threads, ForkJoinPool pool) {
        this.threads = threads;
        this.pool = pool;
    }

    /** Validated arguments, k ≥ 1, α ≠ 0; β already applied to C by the caller. */
    void multiplyAdd(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, Matrix c) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        long macs = (long) m * n * k;
        boolean splitColumns = n >= m;
        int tiles = splitColumns ? ceilDiv(n, NR) : ceilDiv(m, MR);
        int parts = macs < PARALLEL_MIN_MACS ? 1 : Math.min(threads, tiles);
        if (parts == 1) {
            blocked(transA, transB, alpha, a, b, c);
            return;
        }
        List<Future<?>> running = new ArrayList<>(parts - 1);
        Runnable mine = null;
        for (int part = 0; part < parts; part++) {
            int from = (int) ((long) tiles * part / parts);
            int to = (int) ((long) tiles * (part + 1) / parts);
            Runnable work = splitColumns
                    ? columnBlock(transA, transB, alpha, a, b, c, from * NR, Math.min(n, to * NR))
                    : rowBlock(transA, transB, alpha, a, b, c, from * MR, Math.min(m, to * MR));
            if (part == 0) {
                mine = work;
            } else {
                running.add(pool.submit(work));
            }
        }
        mine.run();
        for (Future<?> f : running) {
            join(f);
        }
    }

    private Runnable columnBlock(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, Matrix c,
                                 int j0, int j1) {
        int k = transA ? a.rows() : a.cols();
        Matrix bPart = transB ? b.view(j0, 0, j1 - j0, k) : b.view(0, j0, k, j1 - j0);
        Matrix cPart = c.view(0, j0, c.rows(), j1 - j0);
        return () -> blocked(transA, transB, alpha, a, bPart, cPart);
    }

    private Runnable rowBlock(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, Matrix c,
                              int i0, int i1) {
        int k = transA ? a.rows() : a.cols();
        Matrix aPart = transA ? a.view(0, i0, k, i1 - i0) : a.view(i0, 0, i1 - i0, k);
        Matrix cPart = c.view(i0, 0, i1 - i0, c.cols());
        return () -> blocked(transA, transB, alpha, aPart, b, cPart);
    }

    private void blocked(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, Matrix c) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        Workspace ws = workspaces.get();
        float[] packedA = ws.a(ceilDiv(Math.min(m, MC), MR) * MR * Math.min(k, KC));
        float[] packedB = ws.b(ceilDiv(Math.min(n, NC), NR) * NR * Math.min(k, KC));
        long ldcBytes = (long) c.ld() * Float.BYTES;
        for (int ic = 0; ic < m; ic += MC) {
            int mc = Math.min(MC, m - ic);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                SgemmPacking.packA(transA, alpha, a, ic, pc, mc, kc, packedA);
                for (int jc = 0; jc < n; jc += NC) {
                    int nc = Math.min(NC, n - jc);
                    SgemmPacking.packB(transB, b, pc, jc, kc, nc, packedB);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        for (int jr = 0; jr < nc; jr += NR) {
                            SgemmMicroKernel.multiplyAdd(kc, packedA, ir * kc, packedB, jr * kc,
                                    c.segment(), c.index(ic + ir, jc + jr) * Float.BYTES, ldcBytes,
                                    mr, Math.min(NR, nc - jr));
                        }
                    }
                }
            }
        }
    }

    private static void join(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("gemm: interrupted while waiting for a worker thread", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("gemm: worker thread failed", e.getCause());
        }
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** Per-thread packing buffers, grown on demand and then reused. */
    private static final class Workspace {
        private float[] a = new float[0];
        private float[] b = new float[0];

        float[] a(int floats) {
            if (a.length < floats) {
                a = new float[floats];
            }
            return a;
        }

        float[] b(int floats) {
            if (b.length < floats) {
                b = new float[floats];
            }
            return b;
        }
    }
}
