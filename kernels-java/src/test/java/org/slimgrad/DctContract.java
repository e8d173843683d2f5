package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The DCT kernels against the reference backend's textbook O(n²) sums: every length 1…300 and the model sizes
 * (1376, 2048, 2736 = 2⁴·3²·19, 5461 = 43·127, 11008 = 2⁸·43), both axes, padded views inside NaN guards, in
 * place, and inverse ∘ forward = identity. Errors are normwise per line against {@link Accuracy#dctBound}.
 */
@Tag("kernels")
public abstract class DctContract {

    private static final long SEED = 5461L;
    private static final int[] MODEL_LENGTHS = {1376, 2048, 2736, 5461, 11008};

    private final Backend reference = Backends.reference();

    protected abstract Backend backend();

    @Test
    void dctMatchesDenseSumForEveryLengthUpTo300() {
        SplittableRandom rng = new SplittableRandom(SEED);
        for (int n = 1; n <= 300; n++) {
            // line counts around the lane block (2·16 lines) so full and partial blocks both run
            int lines = 1 + rng.nextInt(40);
            Axis axis = n % 2 == 0 ? Axis.ROWS : Axis.COLUMNS;
            checkTransform(rng, axis, lines, n, n % 3 == 0);
        }
    }

    @Test
    void dctMatchesDenseSumAtModelLengths() {
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        for (int n : MODEL_LENGTHS) {
            checkTransform(rng, Axis.ROWS, 33, n, true);
            checkTransform(rng, Axis.COLUMNS, 3, n, false);
        }
    }

    /**
     * Column lines in full lane blocks, whose FFT's first stage the CPU backend does while loading: first radix 2
     * (2, 16, 128, 1024), 4 (32), 8 (64), 3 (192), 5 (40), 127, and Bluestein (131), which loads plainly.
     */
    @Test
    void dctMatchesDenseSumOnFullColumnBlocks() {
        SplittableRandom rng = new SplittableRandom(SEED + 1);
        for (int n : new int[]{2, 16, 32, 40, 64, 127, 128, 131, 192, 1024}) {
            // 70 lines: full lane blocks of 16 or 32 and a partial one
            checkTransform(rng, Axis.COLUMNS, 70, n, n % 3 == 1);
        }
    }

    private void checkTransform(SplittableRandom rng, Axis axis, int lines, int n, boolean padded) {
        Matrix x = axis == Axis.ROWS ? TestData.random(rng, lines, n, padded) : TestData.random(rng, n, lines, padded);
        Matrix xCopy = TestData.copy(x);
        Matrix actual = TestData.copy(x);
        Matrix back = TestData.copy(x);
        String context = backend() + " dct " + axis + " " + x.shape() + " (seed " + SEED + ")";
        backend().dct(x, actual, axis);
        TestData.assertGuardsIntact(actual, context);
        TestData.assertSameBits(xCopy, x, context + " (input)");
        compareWithReference(x, actual, axis, false, context);
        backend().idct(actual, back, axis);
        assertLinesClose(x, x, back, axis, 1e-5, context + " then idct");
        backend().idct(x, back, axis);
        compareWithReference(x, back, axis, true, context + " idct");
    }

    // the O(n²) oracle on at most 4 of the lines (first, last and two between), each as a one-line view
    private void compareWithReference(Matrix x, Matrix actual, Axis axis, boolean inverse, String context) {
        int lines = axis.lineCount(x);
        int n = axis.lineLength(x);
        for (int i : IntStream.of(0, lines / 3, 2 * lines / 3, lines - 1).distinct().toArray()) {
            Matrix line = axis == Axis.ROWS ? x.view(i, 0, 1, n) : x.view(0, i, n, 1);
            Matrix got = axis == Axis.ROWS ? actual.view(i, 0, 1, n) : actual.view(0, i, n, 1);
            Matrix want = reference.allocate(line.rows(), line.cols());
            if (inverse) {
                reference.idct(line, want, axis);
            } else {
                reference.dct(line, want, axis);
            }
            assertLinesClose(line, want, got, axis, Accuracy.dctBound(n), context + " line " + i);
        }
    }

    @Test
    void dctInPlaceEqualsOutOfPlace() {
        SplittableRandom rng = new SplittableRandom(SEED + 2);
        for (Axis axis : Axis.values()) {
            Matrix x = TestData.random(rng, 37, 45, true);
            Matrix out = TestData.copy(x);
            backend().dct(x, out, axis);
            backend().dct(x, x, axis);
            TestData.assertSameBits(out, x, backend() + " in-place dct " + axis);
            backend().idct(x, x, axis);
            TestData.assertGuardsIntact(x, "in-place idct");
        }
    }

    @Test
    void dctOfNativeMemoryMatchesHeap() {
        SplittableRandom rng = new SplittableRandom(SEED + 3);
        Matrix heap = TestData.random(rng, 40, 97, false);
        try (Arena arena = Arena.ofConfined()) {
            Matrix off = Matrix.wrap(arena.allocate(40L * 97 * Float.BYTES), 0, 40, 97, 97);
            backend().copy(heap, off);
            Matrix heapOut = backend().allocate(40, 97);
            backend().dct(heap, heapOut, Axis.ROWS);
            backend().dct(off, off, Axis.ROWS);
            assertArrayEquals(heapOut.toArray(), off.toArray(), backend() + " dct of native rows");
        }
    }

    /**
     * Column lines in native memory and in a heap segment that starts inside its array give the bits of the same
     * matrix in a plain array: the CPU backend reads a float[] in place in the first FFT stage (radix 8 at 64 and
     * 512) and stages other memory; radix 3 (192) and 2 (1024) first stages alongside.
     */
    @Test
    void columnKernelsGiveTheSameBitsInEveryKindOfHostMemory() {
        SplittableRandom rng = new SplittableRandom(SEED + 9);
        for (int n : new int[]{64, 192, 512, 1024}) {
            Matrix heap = TestData.random(rng, n, 70, true);
            try (Arena arena = Arena.ofConfined()) {
                Matrix nativeCopy = Matrix.wrap(arena.allocate((long) n * 70 * Float.BYTES), 0, n, 70, 70);
                Matrix sliceCopy = Matrix.wrap(java.lang.foreign.MemorySegment.ofArray(new float[n * 70 + 3])
                        .asSlice(3L * Float.BYTES), 0, n, 70, 70);
                for (Matrix other : new Matrix[]{nativeCopy, sliceCopy}) {
                    backend().copy(heap, other);
                    String context = backend() + " n=" + n + " " + (other == nativeCopy ? "native" : "heap slice");
                    Matrix want = backend().allocate(n, 70);
                    Matrix got = backend().allocate(n, 70);
                    backend().dct(heap, want, Axis.COLUMNS);
                    backend().dct(other, got, Axis.COLUMNS);
                    TestData.assertSameBits(want, got, context + " dct");
                    Matrix wantScores = backend().allocate(1, n);
                    Matrix gotScores = backend().allocate(1, n);
                    Matrix wantR = backend().allocate(n / 4, 70);
                    Matrix gotR = backend().allocate(n / 4, 70);
                    int[] wantIndices = backend().dctSelect(heap, Axis.COLUMNS, ScoreNorm.L1, wantScores, n / 4, wantR);
                    int[] gotIndices = backend().dctSelect(other, Axis.COLUMNS, ScoreNorm.L1, gotScores, n / 4, gotR);
                    assertArrayEquals(wantIndices, gotIndices, context + " dctSelect indices");
                    TestData.assertSameBits(wantScores, gotScores, context + " dctSelect scores");
                    TestData.assertSameBits(wantR, gotR, context + " dctSelect R");
                }
            }
        }
    }

    @Test
    void scoresMatchReference() {
        SplittableRandom rng = new SplittableRandom(SEED + 4);
        int[][] shapes = {{1, 1}, {7, 1}, {1, 9}, {33, 30}, {65, 127}, {40, 2736}, {128, 70}};
        for (int[] shape : shapes) {
            for (Axis axis : Axis.values()) {
                for (ScoreNorm norm : ScoreNorm.values()) {
                    Matrix g = TestData.random(rng, shape[0], shape[1], true);
                    int n = axis.lineLength(g);
                    Matrix expected = reference.allocate(1, n);
                    Matrix actual = TestData.random(rng, 1, n, true);
                    reference.dctScores(g, axis, norm, expected);
                    backend().dctScores(g, axis, norm, actual);
                    String context = backend() + " dctScores " + norm + " " + axis + " " + g.shape();
                    TestData.assertGuardsIntact(actual, context);
                    double lineNorms = 0;
                    for (int i = 0; i < axis.lineCount(g); i++) {
                        lineNorms += lineNorm(g, axis, i);
                    }
                    // each coefficient is within dctBound·‖line‖ (L1 adds them; L2 is below the L1 sum of errors),
                    // plus the fp32 accumulation of the sum over lines
                    for (int k = 0; k < n; k++) {
                        double want = expected.get(0, k);
                        double got = actual.get(0, k);
                        double bound = Accuracy.dctBound(n) * lineNorms
                                + 2 * axis.lineCount(g) * Accuracy.U32 * Math.abs(want);
                        if (!(Math.abs(got - want) <= bound)) {
                            fail(context + ": score " + k + " = " + got + ", reference " + want + ", bound " + bound);
                        }
                    }
                }
            }
        }
    }

    @Test
    void topKMatchesFullSortIncludingTies() {
        SplittableRandom rng = new SplittableRandom(SEED + 5);
        for (int n : new int[]{1, 2, 5, 16, 100, 2736}) {
            float[] values = new float[n];
            for (int j = 0; j < n; j++) {
                values[j] = rng.nextInt(Math.max(2, n / 4)); // many exact ties
            }
            if (n > 3) {
                values[1] = Float.POSITIVE_INFINITY;
                values[2] = -0f;
                values[3] = 0f;
            }
            Matrix scores = Matrix.wrap(values, 1, n);
            for (int k : new int[]{1, Math.max(1, n / 3), n}) {
                assertArrayEquals(reference.topK(scores, k), backend().topK(scores, k),
                        backend() + " topK n=" + n + " k=" + k);
            }
        }
        float[] withNaN = {1, Float.NaN, 3};
        assertThrows(IllegalArgumentException.class, () -> backend().topK(Matrix.wrap(withNaN, 1, 3), 1));
    }

    @Test
    void gatherAndScatterMatchReference() {
        SplittableRandom rng = new SplittableRandom(SEED + 6);
        int[][] shapes = {{1, 1}, {33, 19}, {40, 97}, {17, 2736}, {128, 70}};
        float[][] alphaBeta = {{1f, 0f}, {-0.5f, 2f}};
        for (int[] shape : shapes) {
            for (Axis axis : Axis.values()) {
                Matrix g = TestData.random(rng, shape[0], shape[1], true);
                int n = axis.lineLength(g);
                int lines = axis.lineCount(g);
                int[] indices = randomIndices(rng, n, 1 + rng.nextInt(n));
                int k = indices.length;
                String context = backend() + " " + axis + " " + g.shape() + " k=" + k;

                Matrix expected = axis == Axis.ROWS ? reference.allocate(lines, k) : reference.allocate(k, lines);
                Matrix actual = axis == Axis.ROWS
                        ? TestData.random(rng, lines, k, true) : TestData.random(rng, k, lines, true);
                reference.dctGather(g, axis, indices, expected);
                backend().dctGather(g, axis, indices, actual);
                assertLinesClose(g, expected, actual, axis, Accuracy.dctBound(n), context + " dctGather");
                TestData.assertGuardsIntact(actual, context + " dctGather");

                for (float[] ab : alphaBeta) {
                    Matrix out0 = TestData.random(rng, g.rows(), g.cols(), true);
                    if (ab[1] == 0f) {
                        TestData.fill(out0, Float.NaN); // β = 0 must not read out
                    }
                    Matrix want = TestData.copy(out0);
                    Matrix got = TestData.copy(out0);
                    reference.idctScatter(actual, axis, indices, ab[0], ab[1], want);
                    backend().idctScatter(actual, axis, indices, ab[0], ab[1], got);
                    String ctx = context + " idctScatter alpha=" + ab[0] + " beta=" + ab[1];
                    // error relative to the inputs' size: |α|·‖r line‖ + |β|·‖out line‖ per line
                    assertLinesClose(actual, want, got, axis, Accuracy.dctBound(n) * (Math.abs(ab[0]) + 1)
                            + 4 * Accuracy.U32 * Math.abs(ab[1]), ctx, out0, Math.abs(ab[1]));
                    TestData.assertGuardsIntact(got, ctx);
                }
            }
        }
    }

    /**
     * dctSelect is dctScores, topK and dctGather in one call, to the bit on the same backend (however it shares the
     * transform between them), for line counts below, at and past a block of vector lanes and past the size the
     * CPU splits across threads; a NaN in G returns null and leaves R as it was.
     */
    @Test
    void selectIsScoresThenTopKThenGather() {
        SplittableRandom rng = new SplittableRandom(SEED + 8);
        int[][] shapes = {{1, 1}, {33, 30}, {70, 45}, {40, 2736}, {100, 2736}, {128, 70}};
        for (int[] shape : shapes) {
            for (Axis axis : Axis.values()) {
                for (ScoreNorm norm : ScoreNorm.values()) {
                    Matrix g = TestData.random(rng, shape[0], shape[1], true);
                    int n = axis.lineLength(g);
                    int lines = axis.lineCount(g);
                    for (int k : new int[]{1, Math.max(1, n / 3), n}) {
                        String context = backend() + " dctSelect " + norm + " " + axis + " " + g.shape() + " k=" + k;
                        Matrix wantScores = backend().allocate(1, n);
                        backend().dctScores(g, axis, norm, wantScores);
                        int[] wantIndices = backend().topK(wantScores, k);
                        Matrix want = axis == Axis.ROWS ? backend().allocate(lines, k) : backend().allocate(k, lines);
                        backend().dctGather(g, axis, wantIndices, want);

                        Matrix scores = TestData.random(rng, 1, n, true);
                        Matrix r = axis == Axis.ROWS
                                ? TestData.random(rng, lines, k, true) : TestData.random(rng, k, lines, true);
                        int[] indices = backend().dctSelect(g, axis, norm, scores, k, r);
                        assertArrayEquals(wantIndices, indices, context + " indices");
                        TestData.assertSameBits(wantScores, scores, context + " scores");
                        TestData.assertSameBits(want, r, context + " R");
                        TestData.assertGuardsIntact(r, context);
                    }
                }
            }
        }
        Matrix g = TestData.random(rng, 40, 64, false);
        g.set(37, 5, Float.NaN);
        for (Axis axis : Axis.values()) {
            Matrix scores = backend().allocate(1, axis.lineLength(g));
            Matrix r = axis == Axis.ROWS ? TestData.random(rng, 40, 8, true) : TestData.random(rng, 8, 64, true);
            Matrix before = TestData.copy(r);
            assertNull(backend().dctSelect(g, axis, ScoreNorm.L1, scores, 8, r), backend() + " NaN along " + axis);
            TestData.assertSameBits(before, r, backend() + " R after a NaN gradient along " + axis);
        }
    }

    @Test
    void gatherOfAllIndicesIsTheTransformAndScatterInvertsIt() {
        SplittableRandom rng = new SplittableRandom(SEED + 7);
        Matrix g = TestData.random(rng, 21, 60, false);
        int[] all = IntStream.range(0, 60).toArray();
        Matrix full = backend().allocate(21, 60);
        Matrix gathered = backend().allocate(21, 60);
        backend().dct(g, full, Axis.ROWS);
        backend().dctGather(g, Axis.ROWS, all, gathered);
        assertArrayEquals(full.toArray(), gathered.toArray(), backend() + " gather of every index");
        Matrix back = backend().allocate(21, 60);
        backend().idctScatter(gathered, Axis.ROWS, all, 1f, 0f, back);
        assertLinesClose(g, g, back, Axis.ROWS, 1e-5, backend() + " scatter of every index");
    }

    private static int[] randomIndices(SplittableRandom rng, int n, int k) {
        int[] all = IntStream.range(0, n).toArray();
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, k);
    }

    private static double lineNorm(Matrix m, Axis axis, int line) {
        double sum = 0;
        for (int t = 0; t < axis.lineLength(m); t++) {
            double v = axis == Axis.ROWS ? m.get(line, t) : m.get(t, line);
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    private static void assertLinesClose(Matrix input, Matrix expected, Matrix actual, Axis axis, double tol,
                                         String context) {
        assertLinesClose(input, expected, actual, axis, tol, context, null, 0);
    }

    // per line: ‖actual − expected‖₂ ≤ tol·(‖input line‖₂ + weight·‖extra line‖₂); NaN fails
    private static void assertLinesClose(Matrix input, Matrix expected, Matrix actual, Axis axis, double tol,
                                         String context, Matrix extra, double weight) {
        for (int i = 0; i < axis.lineCount(expected); i++) {
            double diff = 0;
            for (int t = 0; t < axis.lineLength(expected); t++) {
                double want = axis == Axis.ROWS ? expected.get(i, t) : expected.get(t, i);
                double got = axis == Axis.ROWS ? actual.get(i, t) : actual.get(t, i);
                diff += (got - want) * (got - want);
            }
            double scale = lineNorm(input, axis, i) + (weight == 0 ? 0 : weight * lineNorm(extra, axis, i));
            if (!(Math.sqrt(diff) <= tol * scale) && !(diff == 0)) {
                fail(context + ": line " + i + " error " + Math.sqrt(diff) + " > " + tol + " x " + scale);
            }
        }
    }
}
