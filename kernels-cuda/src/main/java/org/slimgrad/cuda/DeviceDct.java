package org.slimgrad.cuda;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.slimgrad.Axis;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.linalg.FftRadices;

/**
 * The DCT on the device (src/main/cuda/dct.cu): Makhoul's reordering into a complex workspace of lines × N, a
 * Stockham FFT of length N with one launch per stage ({@link FftRadices}' order, powers of two in radix-8 stages,
 * each stage a direct butterfly), and a last kernel that forms the coefficients it needs: all of them
 * ({@code dct}), the chosen ones ({@code dctGather}), or only their column norms ({@code dctScores}, the
 * coefficients never stored). Per-length tables (the N roots of unity and Makhoul's N shifts, computed in float64)
 * are uploaded once and kept. A prime factor p costs O(p) per point: lengths with a large prime factor are correct
 * but slow (no Bluestein stage on the device yet).
 */
final class DeviceDct {

    /** The tables of one length: roots e^{−2πi·t/N}, shifts e^{−iπk/2N}, and the stage radices. */
    private record Plan(Matrix roots, Matrix shifts, int[] radices) {
    }

    /**
     * The last index list gathered with (or selected, followed by top-k's report), and the last slot table (length
     * n) scattered with, kept on the device in buffers that only grow: a DCT projector uses the same indices every
     * step between refreshes, so such a step uploads (and waits for) nothing, and new indices reuse the buffer.
     * Keyed by content, so a caller may reuse or change its array freely.
     */
    private int[] gatherIndices;
    private Matrix gatherDevice;
    private int[] scatterIndices;
    private int scatterLength;
    private Matrix scatterDevice;

    private final CudaContext context;
    private final DeviceKernels kernels;
    private final Map<Integer, Plan> plans = new HashMap<>();

    DeviceDct(CudaContext context) {
        this.context = context;
        this.kernels = context.kernels();
    }

    /** y = the DCT-II (or, inverse, the DCT-III) of every line of x; y may be x. */
    void transform(Matrix x, Matrix y, Axis axis, boolean inverse) {
        int lines = axis.lineCount(x);
        int n = axis.lineLength(x);
        if (inverse) {
            run(lines, n, axis, (plan, work) -> kernels.idctLoad(lines, n, x, axis, 0L, plan.shifts(), work),
                    (plan, v) -> kernels.idctStore(lines, n, v, 1f, 0f, y, axis));
        } else {
            run(lines, n, axis, (plan, work) -> kernels.dctLoad(lines, n, x, axis, work),
                    (plan, v) -> kernels.dctStore(lines, n, n, v, plan.shifts(), 0L, 0L, y, axis));
        }
    }

    /** scores[k] = the L1 or L2 norm of coefficient k over every line of g. */
    void scores(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        int lines = axis.lineCount(g);
        int n = axis.lineLength(g);
        run(lines, n, axis, (plan, work) -> kernels.dctLoad(lines, n, g, axis, work),
                (plan, v) -> kernels.dctScores(lines, n, norm == ScoreNorm.L1, v, plan.shifts(), scores, axis));
    }

    /** r = the coefficients {@code indices} of every line of g (lines × k for rows, k × lines for columns). */
    void gather(Matrix g, Axis axis, int[] indices, Matrix r) {
        int lines = axis.lineCount(g);
        int n = axis.lineLength(g);
        long index = DeviceKernels.address(deviceIndices(indices));
        run(lines, n, axis, (plan, work) -> kernels.dctLoad(lines, n, g, axis, work),
                (plan, v) -> kernels.dctStore(lines, n, indices.length, v, plan.shifts(), index, 0L, r, axis));
    }

    /**
     * {@code dctSelect} from one transform of g, waiting for the GPU once: the scores, top-k on the device, r gathered
     * at the device-resident indices (unless a score is not finite), then the indices and top-k's report in one copy.
     * Null, r untouched, when a score is NaN or ±∞.
     */
    int[] select(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r) {
        int lines = axis.lineCount(g);
        int n = axis.lineLength(g);
        gatherIndices = null; // the buffer's content changes here
        gatherDevice = buffer(gatherDevice, k + 2);
        long chosen = DeviceKernels.address(gatherDevice);
        long report = chosen + (long) k * Integer.BYTES;
        run(lines, n, axis, (plan, work) -> kernels.dctLoad(lines, n, g, axis, work), (plan, v) -> {
            kernels.dctScores(lines, n, norm == ScoreNorm.L1, v, plan.shifts(), scores, axis);
            kernels.topK(n, k, scores, chosen, report);
            kernels.dctStore(lines, n, k, v, plan.shifts(), chosen, report + Integer.BYTES, r, axis);
        });
        int[] read = context.ints(gatherDevice, k + 2);
        if (read[k + 1] < n) {
            return null;
        }
        gatherIndices = Arrays.copyOf(read, k);
        return gatherIndices.clone();
    }

    /** out = α·(the inverse DCT of each line's coefficients, r's values at {@code indices}, zero elsewhere) + β·out. */
    void scatter(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        int lines = axis.lineCount(out);
        int n = axis.lineLength(out);
        long slots = DeviceKernels.address(deviceSlots(indices, n));
        run(lines, n, axis, (plan, work) -> kernels.idctLoad(lines, n, r, axis, slots, plan.shifts(), work),
                (plan, v) -> kernels.idctStore(lines, n, v, alpha, beta, out, axis));
    }

    /** A kernel at one end of the pipeline, given the length's plan and a complex lines × n buffer. */
    @FunctionalInterface
    private interface Stage {
        void run(Plan plan, Matrix buffer);
    }

    // every DCT operation: load (into the first buffer), the FFT of every line, store (from the buffer holding it)
    private void run(int lines, int n, Axis axis, Stage load, Stage store) {
        if ((long) lines * n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cuda dct: " + lines + " lines of length " + n + " need a workspace of "
                    + (long) lines * n + " complex values; the device FFT indexes it with 32-bit ints (at most 2^31 - 1)");
        }
        Plan plan = plan(n);
        try (DeviceArena scratch = context.arena()) {
            Matrix[] work = workspace(scratch, lines, n);
            load.run(plan, work[0]);
            store.run(plan, fft(plan, lines, n, axis, work));
        }
    }

    private Matrix deviceIndices(int[] indices) {
        if (!Arrays.equals(indices, gatherIndices)) {
            gatherDevice = buffer(gatherDevice, indices.length);
            context.upload(indices, gatherDevice);
            gatherIndices = indices.clone();
        }
        return gatherDevice;
    }

    // slot[j] = t where indices[t] = j, else −1: where each of a line's n coefficients comes from in r
    private Matrix deviceSlots(int[] indices, int n) {
        if (n != scatterLength || !Arrays.equals(indices, scatterIndices)) {
            int[] slot = new int[n];
            Arrays.fill(slot, -1);
            for (int t = 0; t < indices.length; t++) {
                slot[indices[t]] = t;
            }
            scatterDevice = buffer(scatterDevice, n);
            context.upload(slot, scatterDevice);
            scatterIndices = indices.clone();
            scatterLength = n;
        }
        return scatterDevice;
    }

    // a device buffer of at least `ints` int32s: `current` when it is large enough
    private Matrix buffer(Matrix current, int ints) {
        return current != null && current.cols() >= ints ? current
                : context.allocateUninitialised(1, Math.max(ints, current == null ? 0 : 2 * current.cols()));
    }

    // the FFT of every line of work[0], ping-ponging between the two buffers; returns the one holding the result.
    // The workspace keeps the matrix's adjacent dimension adjacent: row lines element-major, column lines line-major.
    private Matrix fft(Plan plan, int lines, int n, Axis axis, Matrix[] work) {
        int span = 1;
        int from = 0;
        for (int p : plan.radices()) {
            kernels.fftStage(lines, n, p, span, axis, plan.roots(), work[from], work[1 - from]);
            from = 1 - from;
            span *= p;
        }
        return work[from];
    }

    // two complex buffers of lines × n, as float matrices of lines × 2n
    private static Matrix[] workspace(DeviceArena scratch, int lines, int n) {
        return new Matrix[]{scratch.allocate(lines, 2 * n), scratch.allocate(lines, 2 * n)};
    }

    private synchronized Plan plan(int n) {
        return plans.computeIfAbsent(n, this::newPlan);
    }

    private Plan newPlan(int n) {
        float[] roots = new float[2 * n];
        float[] shifts = new float[2 * n];
        for (int t = 0; t < n; t++) {
            double angle = -2 * Math.PI * t / n;
            roots[2 * t] = (float) Math.cos(angle);
            roots[2 * t + 1] = (float) Math.sin(angle);
            double half = -Math.PI * t / (2.0 * n);
            shifts[2 * t] = (float) Math.cos(half);
            shifts[2 * t + 1] = (float) Math.sin(half);
        }
        return new Plan(context.fromHost(Matrix.wrap(roots, 1, 2 * n)), context.fromHost(Matrix.wrap(shifts, 1, 2 * n)),
                FftRadices.stageOrder(FftRadices.primeFactors(n)));
    }
}
