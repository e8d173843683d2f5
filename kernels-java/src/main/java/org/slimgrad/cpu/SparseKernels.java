package org.slimgrad.cpu;

import static org.slimgrad.cpu.TokenChunks.LANES;
import static org.slimgrad.cpu.TokenChunks.TOKENS;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;
import org.slimgrad.simd.ArrayAlignment;
import org.slimgrad.simd.LaneSums;
import org.slimgrad.simd.VectorWidth;

/**
 * The sparse fixed-support kernels of the CPU backend, vectorised over tokens: the dense operands are taken
 * {@link TokenChunks#TOKENS} tokens at a time into token-major buffers, where every support position (i, j) becomes
 * a handful of contiguous vector operations between row i's and column j's token vectors. Positions are visited in
 * CSR order, so no transposed index of the support is ever needed. Each thread keeps its own buffers.
 *
 * <p>Threads: spmm splits the tokens (whole chunks), the others the support's rows (balanced by positions); every
 * output element is computed by one thread in the one-thread order, so the results are bit for bit the same for any
 * number of threads. Work below {@value #PARALLEL_MIN_WORK} multiply-adds stays on the caller's thread.
 */
final class SparseKernels {

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;

    private static final ThreadLocal<Workspace> WORKSPACES = ThreadLocal.withInitial(Workspace::new);

    /** Multiply-adds (or moved elements) below which a second thread costs more than it saves. */
    private static final long PARALLEL_MIN_WORK = 1L << 18;

    private SparseKernels() {
    }

    /** Y = α·X·Sᵀ + β·Y (transposeS) or α·X·S + β·Y, on validated arguments; the token chunks split over threads. */
    static void spmm(Workers workers, boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                     float beta, Matrix y) {
        float[] v = values.toArray();
        int chunks = (x.rows() + TOKENS - 1) / TOKENS;
        int parts = workers.parts(chunks, (long) x.rows() * support.nnz(), PARALLEL_MIN_WORK);
        if (parts == 1) {
            spmmChunks(transposeS, alpha, x, support, v, beta, y, 0, chunks);
            return;
        }
        workers.run(parts, part -> spmmChunks(transposeS, alpha, x, support, v, beta, y,
                (int) ((long) chunks * part / parts), (int) ((long) chunks * (part + 1) / parts)));
    }

    // token chunks [first, end) of spmm
    private static void spmmChunks(boolean transposeS, float alpha, Matrix x, FixedSupport support, float[] v,
                                   float beta, Matrix y, int first, int end) {
        Workspace ws = WORKSPACES.get();
        float[] in = ws.in(x.cols());
        float[] out = ws.out(y.cols());
        int inAt = ArrayAlignment.offset(in);
        int outAt = ArrayAlignment.offset(out);
        for (int t0 = first * TOKENS; t0 < Math.min(x.rows(), end * TOKENS); t0 += TOKENS) {
            int tokens = Math.min(TOKENS, x.rows() - t0);
            ws.chunks.load(x, t0, tokens, in, inAt);
            if (transposeS) {
                rowsTimesChunk(support, v, in, inAt, out, outAt);
            } else {
                Arrays.fill(out, outAt, outAt + y.cols() * TOKENS, 0f);
                scatterRowsOfChunk(support, v, in, inAt, out, outAt);
            }
            ws.chunks.store(out, outAt, alpha, beta, y, t0, tokens);
        }
    }

    // out[i] = Σ_{p in row i} v_p·in[col_p]: eight independent accumulator chains, one per token vector
    private static void rowsTimesChunk(FixedSupport support, float[] v, float[] in, int inAt, float[] out,
                                       int outAt) {
        for (int i = 0; i < support.rows(); i++) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            FloatVector acc2 = FloatVector.zero(S);
            FloatVector acc3 = FloatVector.zero(S);
            FloatVector acc4 = FloatVector.zero(S);
            FloatVector acc5 = FloatVector.zero(S);
            FloatVector acc6 = FloatVector.zero(S);
            FloatVector acc7 = FloatVector.zero(S);
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                FloatVector value = FloatVector.broadcast(S, v[p]);
                int at = inAt + support.column(p) * TOKENS;
                acc0 = FloatVector.fromArray(S, in, at).fma(value, acc0);
                acc1 = FloatVector.fromArray(S, in, at + LANES).fma(value, acc1);
                acc2 = FloatVector.fromArray(S, in, at + 2 * LANES).fma(value, acc2);
                acc3 = FloatVector.fromArray(S, in, at + 3 * LANES).fma(value, acc3);
                acc4 = FloatVector.fromArray(S, in, at + 4 * LANES).fma(value, acc4);
                acc5 = FloatVector.fromArray(S, in, at + 5 * LANES).fma(value, acc5);
                acc6 = FloatVector.fromArray(S, in, at + 6 * LANES).fma(value, acc6);
                acc7 = FloatVector.fromArray(S, in, at + 7 * LANES).fma(value, acc7);
            }
            int to = outAt + i * TOKENS;
            acc0.intoArray(out, to);
            acc1.intoArray(out, to + LANES);
            acc2.intoArray(out, to + 2 * LANES);
            acc3.intoArray(out, to + 3 * LANES);
            acc4.intoArray(out, to + 4 * LANES);
            acc5.intoArray(out, to + 5 * LANES);
            acc6.intoArray(out, to + 6 * LANES);
            acc7.intoArray(out, to + 7 * LANES);
        }
    }

    // out[col_p] += v_p·in[i] for every position p of row i; row i's token vectors stay in registers
    private static void scatterRowsOfChunk(FixedSupport support, float[] v, float[] in, int inAt, float[] out,
                                           int outAt) {
        for (int i = 0; i < support.rows(); i++) {
            int from = inAt + i * TOKENS;
            FloatVector x0 = FloatVector.fromArray(S, in, from);
            FloatVector x1 = FloatVector.fromArray(S, in, from + LANES);
            FloatVector x2 = FloatVector.fromArray(S, in, from + 2 * LANES);
            FloatVector x3 = FloatVector.fromArray(S, in, from + 3 * LANES);
            FloatVector x4 = FloatVector.fromArray(S, in, from + 4 * LANES);
            FloatVector x5 = FloatVector.fromArray(S, in, from + 5 * LANES);
            FloatVector x6 = FloatVector.fromArray(S, in, from + 6 * LANES);
            FloatVector x7 = FloatVector.fromArray(S, in, from + 7 * LANES);
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                FloatVector value = FloatVector.broadcast(S, v[p]);
                int at = outAt + support.column(p) * TOKENS;
                x0.fma(value, FloatVector.fromArray(S, out, at)).intoArray(out, at);
                x1.fma(value, FloatVector.fromArray(S, out, at + LANES)).intoArray(out, at + LANES);
                x2.fma(value, FloatVector.fromArray(S, out, at + 2 * LANES)).intoArray(out, at + 2 * LANES);
                x3.fma(value, FloatVector.fromArray(S, out, at + 3 * LANES)).intoArray(out, at + 3 * LANES);
                x4.fma(value, FloatVector.fromArray(S, out, at + 4 * LANES)).intoArray(out, at + 4 * LANES);
                x5.fma(value, FloatVector.fromArray(S, out, at + 5 * LANES)).intoArray(out, at + 5 * LANES);
                x6.fma(value, FloatVector.fromArray(S, out, at + 6 * LANES)).intoArray(out, at + 6 * LANES);
                x7.fma(value, FloatVector.fromArray(S, out, at + 7 * LANES)).intoArray(out, at + 7 * LANES);
            }
        }
    }

    /**
     * values[p] = α·(Aᵀ·B)[i_p, j_p] + β·values[p], on validated arguments; the support's rows split over threads,
     * each loading its own columns of A and all of B.
     */
    static void sddmm(Workers workers, float alpha, Matrix a, Matrix b, FixedSupport support, float beta,
                      Matrix values) {
        float[] sums = new float[support.nnz()];
        forRows(workers, support, (long) a.rows() * support.nnz(),
                (first, end) -> sddmmRows(alpha, a, b, support, beta, values, sums, first, end));
    }

    // support rows [first, end) of sddmm: A's columns first..end−1 and B in token chunks, the sums in chunk order
    private static void sddmmRows(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values,
                                  float[] sums, int first, int end) {
        Workspace ws = WORKSPACES.get();
        Matrix ownColumns = a.view(0, first, a.rows(), end - first);
        float[] at = ws.in(end - first);
        float[] bt = ws.out(b.cols());
        int atBase = ArrayAlignment.offset(at);
        int btBase = ArrayAlignment.offset(bt);
        for (int t0 = 0; t0 < a.rows(); t0 += TOKENS) {
            int tokens = Math.min(TOKENS, a.rows() - t0);
            ws.chunks.load(ownColumns, t0, tokens, at, atBase);
            ws.chunks.load(b, t0, tokens, bt, btBase);
            for (int i = first; i < end; i++) {
                // row i's eight token vectors stay in registers for all of its positions
                int row = atBase + (i - first) * TOKENS;
                FloatVector a0 = FloatVector.fromArray(S, at, row);
                FloatVector a1 = FloatVector.fromArray(S, at, row + LANES);
                FloatVector a2 = FloatVector.fromArray(S, at, row + 2 * LANES);
                FloatVector a3 = FloatVector.fromArray(S, at, row + 3 * LANES);
                FloatVector a4 = FloatVector.fromArray(S, at, row + 4 * LANES);
                FloatVector a5 = FloatVector.fromArray(S, at, row + 5 * LANES);
                FloatVector a6 = FloatVector.fromArray(S, at, row + 6 * LANES);
                FloatVector a7 = FloatVector.fromArray(S, at, row + 7 * LANES);
                for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                    int col = btBase + support.column(p) * TOKENS;
                    FloatVector acc0 = a0.mul(FloatVector.fromArray(S, bt, col));
                    FloatVector acc1 = a1.mul(FloatVector.fromArray(S, bt, col + LANES));
                    acc0 = a2.fma(FloatVector.fromArray(S, bt, col + 2 * LANES), acc0);
                    acc1 = a3.fma(FloatVector.fromArray(S, bt, col + 3 * LANES), acc1);
                    acc0 = a4.fma(FloatVector.fromArray(S, bt, col + 4 * LANES), acc0);
                    acc1 = a5.fma(FloatVector.fromArray(S, bt, col + 5 * LANES), acc1);
                    acc0 = a6.fma(FloatVector.fromArray(S, bt, col + 6 * LANES), acc0);
                    acc1 = a7.fma(FloatVector.fromArray(S, bt, col + 7 * LANES), acc1);
                    sums[p] += LaneSums.sum(acc0.add(acc1)); // a fixed order in every JIT tier
                }
            }
        }
        for (int p = support.rowStart(first); p < support.rowStart(end); p++) {
            float prior = beta == 0f ? 0f : beta * values.get(0, p);
            values.set(0, p, alpha * sums[p] + prior);
        }
    }

    /** dense += α·S on validated arguments; the rows split over threads. */
    static void addTo(Workers workers, FixedSupport support, Matrix values, float alpha, Matrix dense) {
        forRows(workers, support, support.nnz(), (first, end) -> {
            for (int i = first; i < end; i++) {
                for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                    int j = support.column(p);
                    dense.set(i, j, alpha * values.get(0, p) + dense.get(i, j));
                }
            }
        });
    }

    /** values[p] = dense[i_p, j_p]; the rows split over threads. */
    static void gather(Workers workers, Matrix dense, FixedSupport support, Matrix values) {
        forRows(workers, support, support.nnz(), (first, end) -> support.gather(dense, values, first, end));
    }

    /** dense[i_p, j_p] = values[p], every other element as it was; the rows split over threads. */
    static void scatter(Workers workers, FixedSupport support, Matrix values, Matrix dense) {
        forRows(workers, support, support.nnz(), (first, end) -> support.scatter(values, dense, first, end));
    }

    /** Rows [first, end) of a support. */
    @FunctionalInterface
    private interface Rows {
        void run(int first, int end);
    }

    // the support's rows in parts of about equal positions, one per thread (small work: the caller's alone)
    private static void forRows(Workers workers, FixedSupport support, long work, Rows body) {
        int rows = support.rows();
        int parts = workers.parts(rows, work, PARALLEL_MIN_WORK);
        if (parts == 1) {
            body.run(0, rows);
            return;
        }
        int[] bounds = new int[parts + 1];
        bounds[parts] = rows;
        for (int part = 1, i = 0; part < parts; part++) {
            long target = (long) support.nnz() * part / parts;
            while (i < rows && support.rowStart(i) < target) {
                i++;
            }
            bounds[part] = i;
        }
        workers.run(parts, part -> body.run(bounds[part], bounds[part + 1]));
    }

    // how many threads share `units` independent units of `work` multiply-adds in all
    /** One thread's token-major buffers, grown to the widest operand seen. */
    private static final class Workspace {
        final TokenChunks chunks = new TokenChunks();
        float[] in = new float[0];
        float[] out = new float[0];

        /** The input buffer, room for {@code columns} chunk columns from its cache-line offset on. */
        float[] in(int columns) {
            if (in.length < columns * TOKENS + ArrayAlignment.SLACK) {
                in = new float[columns * TOKENS + ArrayAlignment.SLACK];
            }
            return in;
        }

        /** The output buffer, as {@link #in}. */
        float[] out(int columns) {
            if (out.length < columns * TOKENS + ArrayAlignment.SLACK) {
                out = new float[columns * TOKENS + ArrayAlignment.SLACK];
            }
            return out;
        }
    }
}
