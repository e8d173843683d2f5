package org.slimgrad.cpu;

import java.lang.ref.SoftReference;

import org.slimgrad.Axis;
import org.slimgrad.FixedSupport;
import org.slimgrad.HostBackend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.simd.VectorWidth;

/**
 * The Vector API backend: hand-written SIMD kernels for the vector width chosen by {@link VectorWidth}, run on
 * up to {@link #threads()} threads for large problems and on the caller's thread alone for small ones.
 *
 * <p>Worker threads belong to this instance's own pool (daemon threads, started on first use and retired when
 * idle), so the backend never touches the common pool and needs no closing.
 */
public final class CpuBackend extends HostBackend {

    /** Per calling thread: the coefficients {@link #dctSelectKernel} keeps between scoring and gathering. */
    private static final ThreadLocal<SoftReference<float[]>> KEPT =
            ThreadLocal.withInitial(() -> new SoftReference<>(null));

    /** A thread never started: memory not accessible by it is confined to one thread, so no worker may touch it. */
    private static final Thread ANY_OTHER_THREAD = new Thread(() -> { });

    private final Workers workers;
    private final Sgemm sgemm;
    private final Workers callerOnly = new Workers(1);
    private final Sgemm callerOnlySgemm = new Sgemm(callerOnly);

    private CpuBackend(int threads) {
        super("cpu");
        this.workers = new Workers(threads);
        this.sgemm = new Sgemm(workers);
    }

    // the caller's thread alone where an operand lives in a confined arena (validation ensured it is the caller's)
    private Workers workersFor(Matrix a, Matrix b) {
        return shared(a) && shared(b) ? workers : callerOnly;
    }

    private static boolean shared(Matrix m) {
        return m.segment().isAccessibleBy(ANY_OTHER_THREAD);
    }

    /** A backend using up to {@code threads} threads (the caller's included) per operation. */
    public static CpuBackend withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("CpuBackend.withThreads: threads = " + threads + ", need >= 1");
        }
        VectorWidth.requireValid("CpuBackend.withThreads");
        return new CpuBackend(threads);
    }

    /** Threads one operation may use, the caller's included. */
    public int threads() {
        return workers.threads();
    }

    /** Vector width in bits of this JVM's CPU kernels. */
    public int vectorBits() {
        return VectorWidth.bits();
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c) {
        (shared(a) && shared(b) && shared(c) ? sgemm : callerOnlySgemm).multiply(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        Elementwise.axpy(alpha, x, y);
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        Elementwise.scale(alpha, x);
    }

    // checked on every LowRankAdam step (the projected gradient) and every SVD refresh: vectorised
    @Override
    protected double sumOfSquaresKernel(Matrix x) {
        return Elementwise.sumOfSquares(x);
    }

    @Override
    protected void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                              float alpha, float beta, Matrix out) {
        Elementwise.adam(g, m, v, beta1, beta2, epsilon, step, alpha, beta, out);
    }

    @Override
    protected void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                  long step, float alpha, float beta, Matrix out) {
        Elementwise.adamBf16(g, m16, v16, beta1, beta2, epsilon, step, alpha, beta, out);
    }

    // The DCT kernels go through DctGuard: a non-finite line never reaches another's output, and finite lines
    // near float32's limit do not overflow (see DctGuard for the cheap checks and the rare path).

    @Override
    protected void dctKernel(Matrix x, Matrix y, Axis axis, boolean inverse) {
        boolean rowLines = axis == Axis.ROWS;
        if (DctGuard.safe(x)) {
            BatchedDct.transform(workersFor(x, y), x, y, rowLines, inverse);
        } else {
            DctGuard.transformLines(x, y, rowLines, 1f, 0f,
                    (in, out) -> BatchedDct.transform(workersFor(x, y), in, out, rowLines, inverse));
        }
    }

    // scores sum over every line: a non-finite line rightly makes them non-finite; finite g whose sums overflow is
    // scored again at 2^−e scale and the scores scaled back (infinite only where the exact score exceeds float32)
    @Override
    protected void dctScoresKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        scores(g, axis, norm, scores, null, 0);
        float max;
        if (!DctGuard.finite(scores) && Float.isFinite(max = Elementwise.maxAbs(g))) {
            int exponent = DctGuard.scoreExponent(max);
            scores(DctGuard.scaledCopy(g, exponent), axis, norm, scores, null, 0);
            for (int k = 0; k < scores.cols(); k++) {
                scores.set(0, k, Math.scalb(scores.get(0, k), exponent));
            }
        }
    }

    /**
     * One transform of g, not two: the coefficients are kept while the scores are summed and gathered once the
     * indices are known, in a scratch of g's size that the calling thread holds softly (the collector may take it
     * back between refreshes; the next one allocates it again). It holds the transform in the lane layout, block
     * after block of lines (g's size rounded up to whole blocks), from a cache-line boundary on.
     */
    @Override
    protected int[] dctSelectKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r) {
        int[] indices = selectOnce(g, axis, norm, scores, k, r);
        float max;
        if (indices != null || !Float.isFinite(max = Elementwise.maxAbs(g))) {
            return indices;
        }
        // finite g whose scores overflowed: select on 2^−e·g, then scores and R back to g's scale
        int exponent = DctGuard.scoreExponent(max);
        indices = selectOnce(DctGuard.scaledCopy(g, exponent), axis, norm, scores, k, r);
        for (int c = 0; c < scores.cols(); c++) {
            float score = Math.scalb(scores.get(0, c), exponent);
            if (Float.isInfinite(score)) {
                throw new IllegalArgumentException("dctSelect (G " + g.shape() + "): the " + norm + " score of"
                        + " frequency " + c + " of this finite G is " + Math.scalb((double) scores.get(0, c), exponent)
                        + ", beyond float32's range; scale the gradient down");
            }
            scores.set(0, c, score);
        }
        Elementwise.scale(Math.scalb(1f, exponent), r);
        return indices;
    }

    private int[] selectOnce(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r) {
        boolean rowLines = axis == Axis.ROWS;
        int n = rowLines ? g.cols() : g.rows();
        long floats = BatchedDct.keptElements(LaneTransfer.lines(g, rowLines), n) + ArrayAlignment.SLACK;
        if (floats > Integer.MAX_VALUE - 8) {
            return super.dctSelectKernel(g, axis, norm, scores, k, r);
        }
        float[] kept = KEPT.get().get();
        if (kept == null || kept.length < floats) {
            kept = new float[(int) floats];
            KEPT.set(new SoftReference<>(kept));
        }
        int keptAt = ArrayAlignment.offset(kept);
        scores(g, axis, norm, scores, kept, keptAt);
        if (!Double.isFinite(sumOfSquaresKernel(scores))) {
            return null;
        }
        int[] indices = topKKernel(scores, k);
        BatchedDct.gatherKept(workersFor(r, r), kept, keptAt, n, rowLines, indices, r);
        return indices;
    }

    private void scores(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, float[] kept, int keptAt) {
        float[] values = new float[scores.cols()];
        BatchedDct.scores(workersFor(g, g), g, axis == Axis.ROWS, norm == ScoreNorm.L2, values, kept, keptAt);
        for (int k = 0; k < values.length; k++) {
            scores.set(0, k, values[k]);
        }
    }

    // checked on R, k/n of g's size: a partner's NaN or an overflow shows there as a non-finite value
    @Override
    protected void dctGatherKernel(Matrix g, Axis axis, int[] indices, Matrix r) {
        boolean rowLines = axis == Axis.ROWS;
        BatchedDct.gather(workersFor(g, r), g, rowLines, indices, r);
        if (!DctGuard.finite(r)) {
            DctGuard.transformLines(g, r, rowLines, 1f, 0f,
                    (in, out) -> BatchedDct.gather(workersFor(in, out), in, rowLines, indices, out));
        }
    }

    @Override
    protected void idctScatterKernel(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        boolean rowLines = axis == Axis.ROWS;
        if (DctGuard.safe(r)) {
            BatchedDct.scatter(workersFor(r, out), r, rowLines, indices, alpha, beta, out);
        } else {
            DctGuard.transformLines(r, out, rowLines, alpha, beta,
                    (in, lines) -> BatchedDct.scatter(workersFor(in, lines), in, rowLines, indices, 1f, 0f, lines));
        }
    }

    @Override
    protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                              float beta, Matrix y) {
        SparseKernels.spmm(transposeS, alpha, x, support, values, beta, y);
    }

    @Override
    protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        SparseKernels.sddmm(alpha, a, b, support, beta, values);
    }

    @Override
    protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        SparseKernels.addTo(support, values, alpha, dense);
    }

    @Override
    public String toString() {
        return "cpu(" + workers.threads() + " threads, " + vectorBits() + "-bit vectors)";
    }
}
