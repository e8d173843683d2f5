package org.slimgrad.cpu;

import java.util.Arrays;
import java.util.function.BiConsumer;

import org.slimgrad.Matrix;
import org.slimgrad.simd.ArrayAlignment;

/**
 * The DCT kernels of the CPU backend over whole matrices: lines (rows or columns) are taken 2·LANES at a time into
 * the lane layout, transformed by {@link LaneDct}, and consumed: stored, scored, or gathered at chosen indices.
 * Large matrices are split into contiguous runs of whole line blocks, one per thread of the backend. Each thread keeps
 * its own work buffers, grown to the largest length it has seen.
 */
final class BatchedDct {

    private static final int LINES = 2 * LaneFft.LANES;
    private static final int W = 2 * LaneFft.LANES;

    /** Below this many line elements a second thread costs more than it saves. */
    private static final long PARALLEL_MIN_ELEMENTS = 1L << 18;

    private static final ThreadLocal<Workspace> WORKSPACES = ThreadLocal.withInitial(Workspace::new);

    private BatchedDct() {
    }

    /**
     * Runs {@code body} on the lines of x and y split as the kernels split y's (whole blocks of lines, one part per
     * thread), with each part's lines of both as views; x has as many lines as y, of any length.
     */
    static void inParts(Workers workers, Matrix x, Matrix y, boolean rowLines, BiConsumer<Matrix, Matrix> body) {
        int n = rowLines ? y.cols() : y.rows();
        forParts(workers, LaneTransfer.lines(y, rowLines), n,
                (part, first, end) -> body.accept(lines(x, rowLines, first, end), lines(y, rowLines, first, end)));
    }

    private static Matrix lines(Matrix m, boolean rowLines, int first, int end) {
        return rowLines ? m.view(first, 0, end - first, m.cols()) : m.view(0, first, m.rows(), end - first);
    }

    /**
     * y = orthonormal DCT-II (or, with {@code inverse}, DCT-III) of every line of x, on the calling thread (threads
     * split the lines with {@link #inParts}); y may be x itself.
     */
    static void transform(Matrix x, Matrix y, boolean rowLines, boolean inverse) {
        int n = rowLines ? x.cols() : x.rows();
        DctPlan plan = DctPlan.of(n);
        int lines = LaneTransfer.lines(x, rowLines);
        Workspace ws = WORKSPACES.get().ensure(plan);
        int[] identity = ws.identity(n);
        for (int first = 0; first < lines; first += LINES) {
            int count = Math.min(LINES, lines - first);
            if (inverse) {
                ws.transfer.load(x, rowLines, first, count, identity, ws.work, ws.a);
                int out = LaneDct.inverse(plan, ws.work, ws.a, ws.b);
                ws.transfer.store(ws.work, out, plan.position, 1f, 0f, y, rowLines, first, count);
            } else {
                int stagesDone = loadForward(ws, plan, x, rowLines, first, count);
                int out = LaneDct.forward(plan, ws.work, ws.a, ws.b, stagesDone);
                ws.transfer.store(ws.work, out, identity, 1f, 0f, y, rowLines, first, count);
            }
        }
    }

    /**
     * scores[k] = L1 (or, with {@code l2}, L2) norm of coefficient k over all lines of the DCT-II of g. Each part of
     * the lines sums into its own float64 row; the rows are added in part order, so a given thread count gives the
     * same bits every time. A non-null {@code kept} receives the transform itself from {@code keptAt} on, for
     * {@link #gatherKept}: block after block of 2·LANES lines in the lane layout ({@link #keptElements} floats).
     */
    static void scores(Workers workers, Matrix g, boolean rowLines, boolean l2, float[] scores, float[] kept,
                       int keptAt) {
        int n = rowLines ? g.cols() : g.rows();
        DctPlan plan = DctPlan.of(n);
        int lines = LaneTransfer.lines(g, rowLines);
        double[][] partial = new double[parts(workers, lines, n)][n];
        forParts(workers, lines, n, (part, first, end) -> {
            Workspace ws = WORKSPACES.get().ensure(plan);
            float[] acc = ws.accumulator(n);
            for (; first < end; first += LINES) {
                int count = Math.min(LINES, end - first);
                int stagesDone = loadForward(ws, plan, g, rowLines, first, count);
                LaneDct.forward(plan, ws.work, ws.a, ws.b, stagesDone, l2, acc, kept, keptAt + first * n);
            }
            for (int k = 0; k < n; k++) {
                double sum = 0;
                for (int l = 0; l < LaneFft.LANES; l++) {
                    sum += acc[k * LaneFft.LANES + l];
                }
                partial[part][k] = sum;
            }
        });
        for (int k = 0; k < n; k++) {
            double sum = 0;
            for (double[] row : partial) {
                sum += row[k];
            }
            scores[k] = (float) (l2 ? Math.sqrt(sum) : sum);
        }
    }

    /**
     * Complex elements of the first FFT stage's input that {@link #loadForward} stages at once: 4 KB at 512 bits, so
     * that they stay in L1 beside the rows coming in (refresh 768×2048 in separate JMH runs: 1.84–1.93 ms; 2 KB
     * 1.92–2.10, 16 KB 1.82–2.00, 64 KB 2.02–2.13).
     */
    private static final int STAGED_ELEMENTS = 32;

    // Loads lines [first, first + count) of g for a forward transform into ws.work from ws.a on and returns the
    // number of FFT stages done on the way. A full block of columns goes through the first stage as it loads, so
    // the stage's pass over the whole 2·LANES-line buffer (an L2-resident 128 KB for 1024 points) is saved: radix 2
    // in registers (LaneTransfer.loadHalved); radix 8 and 3 straight from g's rows where g is a float[] (refresh
    // 512×1376 and 768×2048 13–20% faster than staging them); otherwise, for a few of the stage's butterflies at a
    // time, their inputs (rows of g, in Makhoul's order) are staged in the second work region, still free.
    private static int loadForward(Workspace ws, DctPlan plan, Matrix g, boolean rowLines, int first, int count) {
        FftPlan fft = plan.fft;
        if (rowLines || count < W || fft.bluestein != null || fft.radices.length == 0) {
            ws.transfer.load(g, rowLines, first, count, plan.position, ws.work, ws.a);
            return 0;
        }
        int p = fft.radices[0];
        if (p == 2) {
            ws.transfer.loadHalved(g, first, plan.source, ws.work, ws.a);
            return 1;
        }
        int r = plan.n / p;
        if ((p == 8 || p == 3) && g.segment().heapBase().orElse(null) instanceof float[] array) {
            // a host array is read in place, without staging; the rows come in Makhoul's order
            int ld = g.ld();
            int column = Math.toIntExact(g.segment().address() / Float.BYTES + g.index(0, first));
            if (p == 8) {
                // butterfly b reads positions j·r + b: rows 2(j·r + b) for j < 4 and 2n − 1 − 2(j·r + b) after
                for (int b = 0; b < r; b++) {
                    LaneFft.firstButterfly8(array, column + 2 * b * ld, 2 * r * ld,
                            column + (plan.n - 1 - 2 * b) * ld, -2 * r * ld, ws.work, ws.a + b * W, r * W);
                }
            } else {
                int[] at = ws.rowStarts(plan.n);
                for (int i = 0; i < plan.n; i++) {
                    at[i] = column + plan.source[i] * ld;
                }
                LaneFft.firstStage3(fft, array, at, ws.work, ws.a);
            }
            return 1;
        }
        int chunk = Math.max(1, Math.min(r, STAGED_ELEMENTS / p));
        for (int b = 0; b < r; b += chunk) {
            int butterflies = Math.min(chunk, r - b);
            for (int j = 0; j < p; j++) {
                ws.transfer.loadColumnElements(g, first, plan.source, j * r + b, butterflies, ws.work,
                        ws.b + j * butterflies * W);
            }
            LaneFft.firstStage(fft, ws.work, ws.b, ws.a + b * W, butterflies);
        }
        return 1;
    }

    /** Floats {@link #scores} keeps of the transform of {@code lines} lines of length n: whole blocks of lines. */
    static long keptElements(int lines, int n) {
        return (long) Sgemm.ceilDiv(lines, LINES) * LINES * n;
    }

    /**
     * r = the coefficients {@code indices} of every line of length n, from the transform {@link #scores} kept in
     * {@code kept} from {@code keptAt} on (r's lines have indices.length elements).
     */
    static void gatherKept(Workers workers, float[] kept, int keptAt, int n, boolean rowLines, int[] indices,
                           Matrix r) {
        int lines = LaneTransfer.lines(r, rowLines);
        forParts(workers, lines, indices.length, (part, first, end) -> {
            LaneTransfer transfer = WORKSPACES.get().transfer;
            if (!rowLines) {
                transfer.storeColumns(kept, keptAt + first * n, n * W, indices, 1f, 0f, r, first, end - first);
                return;
            }
            for (; first < end; first += LINES) {
                int count = Math.min(LINES, end - first);
                transfer.store(kept, keptAt + first * n, indices, 1f, 0f, r, rowLines, first, count);
            }
        });
    }

    /** r = the coefficients {@code indices} of the DCT-II of every line of g (r's lines have indices.length elements). */
    static void gather(Workers workers, Matrix g, boolean rowLines, int[] indices, Matrix r) {
        int n = rowLines ? g.cols() : g.rows();
        DctPlan plan = DctPlan.of(n);
        int lines = LaneTransfer.lines(g, rowLines);
        forParts(workers, lines, n, (part, first, end) -> {
            Workspace ws = WORKSPACES.get().ensure(plan);
            if (!rowLines) {
                gatherColumns(ws, plan, g, indices, r, first, end);
                return;
            }
            for (; first < end; first += LINES) {
                int count = Math.min(LINES, end - first);
                int stagesDone = loadForward(ws, plan, g, true, first, count);
                int out = LaneDct.forward(plan, ws.work, ws.a, ws.b, stagesDone);
                ws.transfer.store(ws.work, out, indices, 1f, 0f, r, true, first, count);
            }
        });
    }

    // gather's column lines [first, end): a few blocks' coefficients are staged side by side, then R's rows are
    // written across all of them in one run each (see LaneTransfer.storeColumns)
    private static void gatherColumns(Workspace ws, DctPlan plan, Matrix g, int[] indices, Matrix r, int first,
                                      int end) {
        int n = plan.n;
        int blocks = Workspace.stagedBlocks(n);
        float[] staged = ws.staged(blocks * n * W);
        int stagedAt = ArrayAlignment.offset(staged);
        for (; first < end; first += blocks * LINES) {
            int count = Math.min(blocks * LINES, end - first);
            for (int q = 0; q * LINES < count; q++) {
                int line = first + q * LINES;
                int stagesDone = loadForward(ws, plan, g, false, line, Math.min(LINES, end - line));
                int out = LaneDct.forward(plan, ws.work, ws.a, ws.b, stagesDone);
                System.arraycopy(ws.work, out, staged, stagedAt + q * n * W, n * W);
            }
            ws.transfer.storeColumns(staged, stagedAt, n * W, indices, 1f, 0f, r, first, count);
        }
    }

    /**
     * out = α·DCT-III of lines whose coefficients are r's elements at {@code indices} and zero elsewhere, plus
     * β·out (out not read when β = 0), on the calling thread (threads split the lines with {@link #inParts}).
     */
    static void scatter(Matrix r, boolean rowLines, int[] indices, float alpha, float beta, Matrix out) {
        int n = rowLines ? out.cols() : out.rows();
        DctPlan plan = DctPlan.of(n);
        int lines = LaneTransfer.lines(out, rowLines);
        Workspace ws = WORKSPACES.get().ensure(plan);
        for (int first = 0; first < lines; first += LINES) {
            int count = Math.min(LINES, lines - first);
            Arrays.fill(ws.work, ws.a, ws.a + n * W, 0f);
            ws.transfer.load(r, rowLines, first, count, indices, ws.work, ws.a);
            int lineValues = LaneDct.inverse(plan, ws.work, ws.a, ws.b);
            ws.transfer.store(ws.work, lineValues, plan.position, alpha, beta, out, rowLines, first, count);
        }
    }

    /** Lines [first, end) of one part; first is a multiple of the block of lines. */
    @FunctionalInterface
    private interface Part {
        void run(int part, int first, int end);
    }

    // How many threads share the lines: whole blocks of LINES each, one part per thread, small transforms alone.
    private static int parts(Workers workers, int lines, int n) {
        int blocks = (lines + LINES - 1) / LINES;
        return (long) lines * n < PARALLEL_MIN_ELEMENTS ? 1 : Math.max(1, Math.min(workers.threads(), blocks));
    }

    private static void forParts(Workers workers, int lines, int n, Part body) {
        int parts = parts(workers, lines, n);
        int blocks = (lines + LINES - 1) / LINES;
        if (parts == 1) {
            body.run(0, 0, lines);
            return;
        }
        workers.run(parts, part -> body.run(part, (int) ((long) blocks * part / parts) * LINES,
                Math.min(lines, (int) ((long) blocks * (part + 1) / parts) * LINES)));
    }

    /**
     * One thread's reusable buffers. The two work regions of a transform share one array, from {@link #a} and
     * {@link #b} on, placed on cache lines each time a kernel starts with it (the array may have moved since).
     */
    private static final class Workspace {
        float[] work = new float[0];
        int a;
        int b;
        final LaneTransfer transfer = new LaneTransfer();
        float[] acc = new float[0];
        int[] identity = new int[0];

        /** Floats {@link #gatherColumns} stages at most (512 KB), so that they stay in a core's L2 cache. */
        private static final int STAGED_FLOATS = 1 << 17;
        /** Floats of each row of R that one staging lets {@code gatherColumns} write in one run: 8 cache lines. */
        private static final int STAGED_ROW_FLOATS = 128;

        float[] staged = new float[0];

        /** Blocks of lines of length n that {@link #gatherColumns} stages at once: at least 1. */
        static int stagedBlocks(int n) {
            return Math.max(1, Math.min(STAGED_ROW_FLOATS / W, STAGED_FLOATS / (n * W)));
        }

        /** The staging array, at least {@code floats} past its cache-line offset. */
        float[] staged(int floats) {
            if (staged.length < floats + ArrayAlignment.SLACK) {
                staged = new float[floats + ArrayAlignment.SLACK];
            }
            return staged;
        }

        Workspace ensure(DctPlan plan) {
            int floats = plan.workspaceElements() * W;
            if (work.length < 2 * floats + ArrayAlignment.SLACK) {
                work = new float[2 * floats + ArrayAlignment.SLACK];
            }
            a = ArrayAlignment.offset(work);
            b = a + floats;
            return this;
        }

        float[] accumulator(int n) {
            if (acc.length < n * LaneFft.LANES) {
                acc = new float[n * LaneFft.LANES];
            }
            Arrays.fill(acc, 0, n * LaneFft.LANES, 0f);
            return acc;
        }

        int[] rowStarts = new int[0];

        /** Room for where each of n positions' row starts in a matrix's array. */
        int[] rowStarts(int n) {
            if (rowStarts.length < n) {
                rowStarts = new int[n];
            }
            return rowStarts;
        }

        int[] identity(int n) {
            if (identity.length != n) {
                identity = new int[n];
                Arrays.setAll(identity, t -> t);
            }
            return identity;
        }
    }
}
