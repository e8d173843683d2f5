package org.slimgrad.cpu;

import java.lang.ref.SoftReference;

import org.slimgrad.AbstractDctOps;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.linalg.TopK;
import org.slimgrad.simd.ArrayAlignment;

/**
 * The cpu backend's DCT operations: batched lane-parallel FFT-based transforms ({@link BatchedDct}) on the
 * backend's workers. Every kernel goes through {@link DctGuard}: a non-finite line never reaches another's output,
 * and finite lines near float32's limit do not overflow (see DctGuard for the cheap checks and the rare path).
 */
final class CpuDct extends AbstractDctOps {

    /** Per calling thread: the coefficients {@link #dctSelectKernel} keeps between scoring and gathering. */
    private static final ThreadLocal<SoftReference<float[]>> KEPT =
            ThreadLocal.withInitial(() -> new SoftReference<>(null));

    private final CpuThreads threads;

    CpuDct(Backend owner, CpuThreads threads) {
        super(owner);
        this.threads = threads;
    }

    // Each thread checks the lines it transforms, just before: a check of all of x on the calling thread first
    // pulled every line into that core's caches, from where the other thread fetched its lines again (1024×2736
    // rows in place on 2 threads: 3.4 ms, against 1.9 checked part by part). The parts split at whole blocks of
    // lines, so a part's rare path gives its lines the bits the whole matrix's would.
    @Override
    protected void dctKernel(Matrix x, Matrix y, Axis axis, boolean inverse) {
        boolean rowLines = axis == Axis.ROWS;
        BatchedDct.inParts(threads.forOperands(x, y), x, y, rowLines, (lines, out) -> {
            if (DctGuard.safe(lines)) {
                BatchedDct.transform(lines, out, rowLines, inverse);
            } else {
                DctGuard.transformLines(lines, out, rowLines, 1f, 0f,
                        (in, transformed) -> BatchedDct.transform(in, transformed, rowLines, inverse));
            }
        });
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

    @Override
    protected int[] topKKernel(Matrix scores, int k) {
        return TopK.select(scores.toArray(), k);
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
        if (!Double.isFinite(Elementwise.sumOfSquares(scores))) {
            return null;
        }
        int[] indices = topKKernel(scores, k);
        BatchedDct.gatherKept(threads.forOperands(r), kept, keptAt, n, rowLines, indices, r);
        return indices;
    }

    private void scores(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, float[] kept, int keptAt) {
        float[] values = new float[scores.cols()];
        BatchedDct.scores(threads.forOperands(g), g, axis == Axis.ROWS, norm == ScoreNorm.L2, values, kept, keptAt);
        for (int k = 0; k < values.length; k++) {
            scores.set(0, k, values[k]);
        }
    }

    // checked on R, k/n of g's size: a partner's NaN or an overflow shows there as a non-finite value
    @Override
    protected void dctGatherKernel(Matrix g, Axis axis, int[] indices, Matrix r) {
        boolean rowLines = axis == Axis.ROWS;
        BatchedDct.gather(threads.forOperands(g, r), g, rowLines, indices, r);
        if (!DctGuard.finite(r)) {
            DctGuard.transformLines(g, r, rowLines, 1f, 0f,
                    (in, out) -> BatchedDct.gather(threads.forOperands(in, out), in, rowLines, indices, out));
        }
    }

    // checked part by part, as dctKernel
    @Override
    protected void idctScatterKernel(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        boolean rowLines = axis == Axis.ROWS;
        BatchedDct.inParts(threads.forOperands(r, out), r, out, rowLines, (coefficients, lines) -> {
            if (DctGuard.safe(coefficients)) {
                BatchedDct.scatter(coefficients, rowLines, indices, alpha, beta, lines);
            } else {
                DctGuard.transformLines(coefficients, lines, rowLines, alpha, beta,
                        (in, transformed) -> BatchedDct.scatter(in, rowLines, indices, 1f, 0f, transformed));
            }
        });
    }
}
