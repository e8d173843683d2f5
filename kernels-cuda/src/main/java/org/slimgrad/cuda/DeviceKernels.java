package org.slimgrad.cuda;

import java.lang.foreign.Arena;

import org.slimgrad.Axis;
import org.slimgrad.Matrix;

/**
 * The hand-written kernels of src/main/cuda/dense.cu, one method each: launch shape and parameter packing live
 * here and nowhere else. Element-wise kernels run 32×8 blocks (a warp along a row, coalesced) over a grid capped at
 * the device's {@link Device#maxGrid()}; reductions run 256-thread blocks. Matrices are device views; their
 * addresses include the view's offset.
 */
final class DeviceKernels {

    private static final int TILE = 32;
    private static final int TILE_ROWS = 8;
    static final int REDUCTION_THREADS = 256;

    private final Device device;

    DeviceKernels(Device device) {
        this.device = device;
    }

    /** The device address of element (0, 0) of a device matrix. */
    static long address(Matrix m) {
        return m.segment().address() + m.offset() * Float.BYTES;
    }

    void scale(float alpha, Matrix x) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_scale", x.rows(), x.cols(), new KernelArgs(arena).i32(x.rows()).i32(x.cols()).f32(alpha)
                    .ptr(address(x)).i32(x.ld()));
        }
    }

    void fill(Matrix x, float value) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_fill", x.rows(), x.cols(), new KernelArgs(arena).i32(x.rows()).i32(x.cols()).f32(value)
                    .ptr(address(x)).i32(x.ld()));
        }
    }

    void hadamard(Matrix x, Matrix y, Matrix out) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_hadamard", out.rows(), out.cols(), new KernelArgs(arena).i32(out.rows()).i32(out.cols())
                    .ptr(address(x)).i32(x.ld()).ptr(address(y)).i32(y.ld()).ptr(address(out)).i32(out.ld()));
        }
    }

    void axpy(float alpha, Matrix x, Matrix y) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_axpy", y.rows(), y.cols(), new KernelArgs(arena).i32(y.rows()).i32(y.cols()).f32(alpha)
                    .ptr(address(x)).i32(x.ld()).ptr(address(y)).i32(y.ld()));
        }
    }

    void copy(Matrix x, Matrix y) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_copy", y.rows(), y.cols(), new KernelArgs(arena).i32(y.rows()).i32(y.cols())
                    .ptr(address(x)).i32(x.ld()).ptr(address(y)).i32(y.ld()));
        }
    }

    /** One Adam step with the scaled epilogue of {@link org.slimgrad.Backend#adam}. */
    void adam(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step, float alpha,
              float beta, Matrix out) {
        float inverseBias1 = (float) (1 / (1 - Math.pow(beta1, step)));
        float inverseBias2 = (float) (1 / (1 - Math.pow(beta2, step)));
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_adam", g.rows(), g.cols(), new KernelArgs(arena).i32(g.rows()).i32(g.cols()).f32(beta1)
                    .f32(beta2).f32(epsilon).f32(inverseBias1).f32(inverseBias2).f32(alpha).f32(beta)
                    .ptr(address(g)).i32(g.ld()).ptr(address(m)).i32(m.ld()).ptr(address(v)).i32(v.ld())
                    .ptr(address(out)).i32(out.ld()));
        }
    }

    /**
     * Y = α·X·Sᵀ + β·Y (forward: over CSR rows) or α·X·S + β·Y (over CSC columns, values through their CSR
     * positions).
     */
    void spmm(boolean transposeS, float alpha, Matrix x, DeviceSupports.OnDevice s, Matrix values, float beta,
              Matrix y) {
        try (Arena arena = Arena.ofConfined()) {
            KernelArgs args = new KernelArgs(arena).i32(y.rows()).i32(y.cols()).f32(alpha).ptr(address(x)).i32(x.ld());
            if (transposeS) {
                args.ptr(address(s.rowPointers())).ptr(address(s.columns())).ptr(0L);
            } else {
                args.ptr(address(s.columnPointers())).ptr(address(s.rowsByColumn()))
                        .ptr(address(s.positionByColumn()));
            }
            elementwise("sg_spmm", y.rows(), y.cols(), args.ptr(address(values)).f32(beta).ptr(address(y)).i32(y.ld()));
        }
    }

    /** values[p] = α·(Aᵀ·B)[i_p, j_p] + β·values[p]. */
    void sddmm(float alpha, Matrix a, Matrix b, DeviceSupports.OnDevice s, int nnz, float beta, Matrix values) {
        try (Arena arena = Arena.ofConfined()) {
            linear("sg_sddmm", nnz, new KernelArgs(arena).i32(nnz).i32(a.rows()).f32(alpha).ptr(address(a))
                    .i32(a.ld()).ptr(address(b)).i32(b.ld()).ptr(address(s.rowOf())).ptr(address(s.columns()))
                    .f32(beta).ptr(address(values)));
        }
    }

    /** Between a support's values and a dense matrix: {@link SparseTransfer} says which way. */
    void sparseDense(SparseTransfer mode, float alpha, DeviceSupports.OnDevice s, int nnz, Matrix values,
                     Matrix dense) {
        try (Arena arena = Arena.ofConfined()) {
            linear("sg_sparse_dense", nnz, new KernelArgs(arena).i32(mode.ordinal()).i32(nnz).f32(alpha)
                    .ptr(address(s.rowOf())).ptr(address(s.columns())).ptr(address(values)).ptr(address(dense))
                    .i32(dense.ld()));
        }
    }

    /** work(l, k) = Makhoul's reordering of line l of x (real parts; imaginary zero). */
    void dctLoad(int lines, int n, Matrix x, Axis axis, Matrix work) {
        try (Arena arena = Arena.ofConfined()) {
            lineIndexed("sg_dct_load", lines, n, axis, new KernelArgs(arena).i32(lines).i32(n).i32(linesInner(axis))
                    .ptr(address(x)).i32(lineStride(x, axis)).i32(elementStride(x, axis)).ptr(address(work)));
        }
    }

    /** work = the conjugated, pre-twiddled coefficients of y (through slots, or all of them when slots is 0). */
    void idctLoad(int lines, int n, Matrix y, Axis axis, long slots, Matrix shifts, Matrix work) {
        try (Arena arena = Arena.ofConfined()) {
            lineIndexed("sg_idct_load", lines, n, axis, new KernelArgs(arena).i32(lines).i32(n).i32(linesInner(axis))
                    .ptr(address(y)).i32(lineStride(y, axis)).i32(elementStride(y, axis)).ptr(slots)
                    .ptr(address(shifts)).ptr(address(work)));
        }
    }

    /** One radix-p Stockham stage over every line: transforms of length span become length span·p. */
    void fftStage(int lines, int n, int p, int span, Axis axis, Matrix roots, Matrix in, Matrix out) {
        try (Arena arena = Arena.ofConfined()) {
            lineIndexed("sg_fft_stage", lines, n / p, axis, new KernelArgs(arena).i32(lines).i32(n).i32(p)
                    .i32(span).i32(linesInner(axis)).ptr(address(roots)).ptr(address(in)).ptr(address(out)));
        }
    }

    /**
     * out(l, o) = coefficient index[o] (or o, when index is 0) of line l, for o &lt; count; nothing when
     * firstNonFinite (0: not checked) holds an index below n.
     */
    void dctStore(int lines, int n, int count, Matrix work, Matrix shifts, long index, long firstNonFinite,
                  Matrix out, Axis axis) {
        try (Arena arena = Arena.ofConfined()) {
            lineIndexed("sg_dct_store", lines, count, axis, new KernelArgs(arena).i32(lines).i32(n).i32(count)
                    .i32(linesInner(axis)).ptr(address(work)).ptr(address(shifts)).ptr(index).ptr(firstNonFinite)
                    .ptr(address(out)).i32(lineStride(out, axis)).i32(elementStride(out, axis)));
        }
    }

    /** out = α·(the inverse transform, unpermuted) + β·out. */
    void idctStore(int lines, int n, Matrix work, float alpha, float beta, Matrix out, Axis axis) {
        try (Arena arena = Arena.ofConfined()) {
            lineIndexed("sg_idct_store", lines, n, axis, new KernelArgs(arena).i32(lines).i32(n)
                    .i32(linesInner(axis)).ptr(address(work)).f32(alpha).f32(beta).ptr(address(out))
                    .i32(lineStride(out, axis)).i32(elementStride(out, axis)));
        }
    }

    /**
     * scores(0, k) = the L1 (or L2) norm of coefficient k over the lines: a thread per coefficient for rows, a block
     * per coefficient (threads across the adjacent lines) for columns.
     */
    void dctScores(int lines, int n, boolean l1, Matrix work, Matrix shifts, Matrix scores, Axis axis) {
        try (Arena arena = Arena.ofConfined()) {
            int grid = axis == Axis.COLUMNS ? Math.min(n, device.maxGrid())
                    : Math.min(blocks(n, REDUCTION_THREADS), device.maxGrid());
            device.launch("sg_dct_scores", grid, 1, REDUCTION_THREADS, 1, new KernelArgs(arena).i32(lines).i32(n)
                    .i32(l1 ? 1 : 0).i32(linesInner(axis)).ptr(address(work)).ptr(address(shifts))
                    .ptr(address(scores)));
        }
    }

    /**
     * The int32s at out = the indices of the k largest of the n scores, ascending; the two at report = the first
     * NaN's index and the first NaN's or infinity's, each n when there is none.
     */
    void topK(int n, int k, Matrix scores, long out, long report) {
        try (Arena arena = Arena.ofConfined()) {
            device.launch("sg_top_k", 1, 1, REDUCTION_THREADS, 1, new KernelArgs(arena).i32(n).i32(k)
                    .ptr(address(scores)).ptr(out).ptr(report));
        }
    }

    // (line, index) kernels: the adjacent dimension on the grid's x (indices along a row; lines across columns)
    private void lineIndexed(String kernel, int lines, int count, Axis axis, KernelArgs args) {
        if (axis == Axis.COLUMNS) {
            elementwise(kernel, count, lines, args);
        } else {
            elementwise(kernel, lines, count, args);
        }
    }

    private static int linesInner(Axis axis) {
        return axis == Axis.COLUMNS ? 1 : 0;
    }

    // a line of m: a row (stride ld between lines, 1 between elements) or a column (the other way round)
    private static int lineStride(Matrix m, Axis axis) {
        return axis == Axis.ROWS ? m.ld() : 1;
    }

    private static int elementStride(Matrix m, Axis axis) {
        return axis == Axis.ROWS ? 1 : m.ld();
    }

    /** histogram[b] += the positions whose key lies in bucket b (SupportDraw's rule). */
    void supportHistogram(long total, long seed, Matrix histogram) {
        try (Arena arena = Arena.ofConfined()) {
            linear("sg_support_histogram", (int) Math.min(total, Integer.MAX_VALUE), new KernelArgs(arena).i64(total)
                    .i64(seed).ptr(address(histogram)));
        }
    }

    /** Appends the (key, position) pairs of bucket {@code bucket} through count. */
    void supportMembers(long total, long seed, int bucket, Matrix count, Matrix keys, Matrix positions) {
        try (Arena arena = Arena.ofConfined()) {
            linear("sg_support_members", (int) Math.min(total, Integer.MAX_VALUE), new KernelArgs(arena).i64(total)
                    .i64(seed).i32(bucket).ptr(address(count)).ptr(address(keys)).ptr(address(positions)));
        }
    }

    /** counts[i] = row i's positions in buckets below {@code bucket}. */
    void supportRowCounts(int rows, int cols, long seed, int bucket, Matrix counts) {
        try (Arena arena = Arena.ofConfined()) {
            linear("sg_support_row_counts", rows, new KernelArgs(arena).i32(rows).i32(cols).i64(seed).i32(bucket)
                    .ptr(address(counts)));
        }
    }

    /** The CSR columns of the drawn support, row by row. */
    void supportColumns(int rows, int cols, long seed, int bucket, Matrix pointers, Matrix chosen,
                        Matrix chosenStart, Matrix columns) {
        try (Arena arena = Arena.ofConfined()) {
            linear("sg_support_columns", rows, new KernelArgs(arena).i32(rows).i32(cols).i64(seed).i32(bucket)
                    .ptr(address(pointers)).ptr(address(chosen)).ptr(address(chosenStart)).ptr(address(columns)));
        }
    }

    /** The modes of sg_sparse_dense, in its order. */
    enum SparseTransfer {
        /** dense += α·S */
        ADD_TO_DENSE,
        /** values = dense on the support */
        GATHER,
        /** dense = values on the support */
        SCATTER
    }

    /** Adam with moments packed as bf16 pairs (one thread per 32-bit word). */
    void adamBf16(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon, long step, float alpha,
                  float beta, Matrix out) {
        float inverseBias1 = (float) (1 / (1 - Math.pow(beta1, step)));
        float inverseBias2 = (float) (1 / (1 - Math.pow(beta2, step)));
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_adam_bf16", g.rows(), m16.cols(), new KernelArgs(arena).i32(g.rows()).i32(g.cols())
                    .f32(beta1).f32(beta2).f32(epsilon).f32(inverseBias1).f32(inverseBias2).f32(alpha).f32(beta)
                    .ptr(address(g)).i32(g.ld()).ptr(address(m16)).i32(m16.ld()).ptr(address(v16)).i32(v16.ld())
                    .ptr(address(out)).i32(out.ld()));
        }
    }

    /** y = xᵀ through shared-memory tiles. */
    void transpose(Matrix x, Matrix y) {
        try (Arena arena = Arena.ofConfined()) {
            int gridX = Math.min(tiles(x.cols()), device.maxGrid());
            int gridY = Math.min(tiles(x.rows()), device.maxGrid());
            device.launch("sg_transpose", gridX, gridY, TILE, TILE_ROWS, new KernelArgs(arena).i32(x.rows())
                    .i32(x.cols()).ptr(address(x)).i32(x.ld()).ptr(address(y)).i32(y.ld()));
        }
    }

    /** z(i, j) = CounterRandom.sketch(seed, i·cols + j) for firstCol ≤ j &lt; cols. */
    void fillSketch(Matrix z, int firstCol, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_fill_sketch", z.rows(), z.cols() - firstCol, new KernelArgs(arena).i32(z.rows())
                    .i32(z.cols()).i32(firstCol).i64(seed).ptr(address(z)).i32(z.ld()));
        }
    }

    /** x(i, j) = CounterRandom.fillUniform's value for (seed, i·cols + j). */
    void fillUniform(Matrix x, float bound, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_fill_uniform", x.rows(), x.cols(), new KernelArgs(arena).i32(x.rows()).i32(x.cols())
                    .f32(bound).i64(seed).ptr(address(x)).i32(x.ld()));
        }
    }

    /** r (n×n, row-major) = the upper triangle of the column-major factor at {@code a}, zeros below. */
    void upperFromColumnMajor(int n, long a, int lda, Matrix r) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_upper_from_column_major", n, n, new KernelArgs(arena).i32(n).ptr(a).i32(lda)
                    .ptr(address(r)).i32(r.ld()));
        }
    }

    /** g (l×l float64, row-major, as a float matrix of l × 2l) = RᵀR for the upper-triangular l×l r. */
    void gramUpper64(int l, Matrix r, Matrix g) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_gram_upper64", l, l, new KernelArgs(arena).i32(l).ptr(address(r)).i32(r.ld())
                    .ptr(address(g)));
        }
    }

    /**
     * The leading {@code rank} singular triplets of the upper-triangular l×l r from dsyevd's ascending eigenpairs of
     * RᵀR (float64 {@code vectors} l×l, {@code values} l): V_R into right (l×rank), U_R into left (l×rank), σ into
     * sigma (1×rank), R·V_R in float64 through wide (l×rank doubles); a failure in {@code status} for a triplet too
     * small to normalise (see dense.cu).
     */
    void smallSingular(int l, int rank, Matrix r, Matrix vectors, Matrix values, Matrix wide, Matrix right,
                       Matrix left, Matrix sigma, long status) {
        try (Arena arena = Arena.ofConfined()) {
            device.launch("sg_small_singular", Math.min(rank, device.maxGrid()), 1, REDUCTION_THREADS, 1,
                    new KernelArgs(arena).i32(l).i32(rank).ptr(address(r)).i32(r.ld()).ptr(address(vectors))
                            .ptr(address(values)).ptr(address(wide)).ptr(address(right)).ptr(address(left))
                            .ptr(address(sigma)).ptr(status));
        }
    }

    /** a(i, i) += shift. */
    void addDiagonal(Matrix a, float shift) {
        try (Arena arena = Arena.ofConfined()) {
            int n = a.rows();
            device.launch("sg_add_diagonal", Math.min(blocks(n, REDUCTION_THREADS), device.maxGrid()), 1,
                    REDUCTION_THREADS, 1, new KernelArgs(arena).i32(n).f32(shift).ptr(address(a)).i32(a.ld()));
        }
    }

    /** out(0, j) = a(j, j). */
    void diagonal(Matrix a, Matrix out) {
        try (Arena arena = Arena.ofConfined()) {
            int n = a.rows();
            device.launch("sg_diagonal", Math.min(blocks(n, REDUCTION_THREADS), device.maxGrid()), 1,
                    REDUCTION_THREADS, 1, new KernelArgs(arena).i32(n).ptr(address(a)).i32(a.ld()).ptr(address(out)));
        }
    }

    /** y(i, j) = x(n − 1 − j, i): eigenvectors from syevd's rows (ascending) to columns in descending order. */
    void transposeReversed(Matrix x, Matrix y) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_transpose_reversed", y.rows(), y.cols(), new KernelArgs(arena).i32(y.rows())
                    .ptr(address(x)).i32(x.ld()).ptr(address(y)).i32(y.ld()));
        }
    }

    /**
     * Σ x² in float64, or max |g − I| for {@code deviation}: per-block partial results into {@code partials} (at
     * least {@link #partialCount} doubles), then one block combines them into {@code out}, in a fixed order.
     */
    void reduce(Matrix x, boolean deviation, long partials, long out) {
        try (Arena arena = Arena.ofConfined()) {
            int blocks = partialCount(x.rows());
            device.launch(deviation ? "sg_max_deviation_from_identity" : "sg_sum_squares", blocks, 1,
                    REDUCTION_THREADS, 1, new KernelArgs(arena).i32(x.rows()).i32(x.cols()).ptr(address(x))
                            .i32(x.ld()).ptr(partials));
            device.launch(deviation ? "sg_max_partials" : "sg_sum_partials", 1, 1, REDUCTION_THREADS, 1,
                    new KernelArgs(arena).i32(blocks).ptr(partials).ptr(out));
        }
    }

    /** The number of partial results {@link #reduce} writes for a matrix of {@code rows} rows. */
    int partialCount(int rows) {
        return Math.max(1, Math.min(rows, Math.min(device.maxGrid(), 1024)));
    }

    private void elementwise(String kernel, int rows, int cols, KernelArgs args) {
        int gridX = Math.min(blocks(cols, TILE), device.maxGrid());
        int gridY = Math.min(blocks(rows, TILE_ROWS), device.maxGrid());
        device.launch(kernel, gridX, gridY, TILE, TILE_ROWS, args);
    }

    // one thread per item along x, 256-thread blocks
    private void linear(String kernel, int count, KernelArgs args) {
        device.launch(kernel, Math.min(blocks(count, REDUCTION_THREADS), device.maxGrid()), 1, REDUCTION_THREADS, 1,
                args);
    }

    private static int tiles(int n) {
        return Math.max(1, (n + TILE - 1) / TILE);
    }

    private static int blocks(int n, int per) {
        return Math.max(1, (n + per - 1) / per);
    }
}
