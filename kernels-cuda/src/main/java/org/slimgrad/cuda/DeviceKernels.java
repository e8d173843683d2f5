package org.slimgrad.cuda;

import java.lang.foreign.Arena;

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
    private static final int REDUCTION_THREADS = 256;

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
                    .i64(address(x)).i32(x.ld()));
        }
    }

    void axpy(float alpha, Matrix x, Matrix y) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_axpy", y.rows(), y.cols(), new KernelArgs(arena).i32(y.rows()).i32(y.cols()).f32(alpha)
                    .i64(address(x)).i32(x.ld()).i64(address(y)).i32(y.ld()));
        }
    }

    void copy(Matrix x, Matrix y) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_copy", y.rows(), y.cols(), new KernelArgs(arena).i32(y.rows()).i32(y.cols())
                    .i64(address(x)).i32(x.ld()).i64(address(y)).i32(y.ld()));
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
                    .i64(address(g)).i32(g.ld()).i64(address(m)).i32(m.ld()).i64(address(v)).i32(v.ld())
                    .i64(address(out)).i32(out.ld()));
        }
    }

    /** y = xᵀ through shared-memory tiles. */
    void transpose(Matrix x, Matrix y) {
        try (Arena arena = Arena.ofConfined()) {
            int gridX = Math.min(tiles(x.cols()), device.maxGrid());
            int gridY = Math.min(tiles(x.rows()), device.maxGrid());
            device.launch("sg_transpose", gridX, gridY, TILE, TILE_ROWS, new KernelArgs(arena).i32(x.rows())
                    .i32(x.cols()).i64(address(x)).i32(x.ld()).i64(address(y)).i32(y.ld()).array());
        }
    }

    /** z(i, j) = CounterRandom.sketch(seed, i·cols + j) for firstCol ≤ j &lt; cols. */
    void fillSketch(Matrix z, int firstCol, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_fill_sketch", z.rows(), z.cols() - firstCol, new KernelArgs(arena).i32(z.rows())
                    .i32(z.cols()).i32(firstCol).i64(seed).i64(address(z)).i32(z.ld()));
        }
    }

    /** r (n×n, row-major) = the upper triangle of the column-major factor at {@code a}, zeros below. */
    void upperFromColumnMajor(int n, long a, int lda, Matrix r) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_upper_from_column_major", n, n, new KernelArgs(arena).i32(n).i64(a).i32(lda)
                    .i64(address(r)).i32(r.ld()));
        }
    }

    /** a(i, i) += shift. */
    void addDiagonal(Matrix a, float shift) {
        try (Arena arena = Arena.ofConfined()) {
            int n = a.rows();
            device.launch("sg_add_diagonal", Math.min(blocks(n, REDUCTION_THREADS), device.maxGrid()), 1,
                    REDUCTION_THREADS, 1, new KernelArgs(arena).i32(n).f32(shift).i64(address(a)).i32(a.ld()).array());
        }
    }

    /** out(0, j) = a(j, j). */
    void diagonal(Matrix a, Matrix out) {
        try (Arena arena = Arena.ofConfined()) {
            int n = a.rows();
            device.launch("sg_diagonal", Math.min(blocks(n, REDUCTION_THREADS), device.maxGrid()), 1,
                    REDUCTION_THREADS, 1, new KernelArgs(arena).i32(n).i64(address(a)).i32(a.ld()).i64(address(out))
                            .array());
        }
    }

    /** y(i, j) = x(n − 1 − j, i): eigenvectors from syevd's rows (ascending) to columns in descending order. */
    void transposeReversed(Matrix x, Matrix y) {
        try (Arena arena = Arena.ofConfined()) {
            elementwise("sg_transpose_reversed", y.rows(), y.cols(), new KernelArgs(arena).i32(y.rows())
                    .i64(address(x)).i32(x.ld()).i64(address(y)).i32(y.ld()));
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
                    REDUCTION_THREADS, 1, new KernelArgs(arena).i32(x.rows()).i32(x.cols()).i64(address(x))
                            .i32(x.ld()).i64(partials).array());
            device.launch(deviation ? "sg_max_partials" : "sg_sum_partials", 1, 1, REDUCTION_THREADS, 1,
                    new KernelArgs(arena).i32(blocks).i64(partials).i64(out).array());
        }
    }

    /** The number of partial results {@link #reduce} writes for a matrix of {@code rows} rows. */
    int partialCount(int rows) {
        return Math.max(1, Math.min(rows, Math.min(device.maxGrid(), 1024)));
    }

    private void elementwise(String kernel, int rows, int cols, KernelArgs args) {
        int gridX = Math.min(blocks(cols, TILE), device.maxGrid());
        int gridY = Math.min(blocks(rows, TILE_ROWS), device.maxGrid());
        device.launch(kernel, gridX, gridY, TILE, TILE_ROWS, args.array());
    }

    private static int tiles(int n) {
        return Math.max(1, (n + TILE - 1) / TILE);
    }

    private static int blocks(int n, int per) {
        return Math.max(1, (n + per - 1) / per);
    }
}
