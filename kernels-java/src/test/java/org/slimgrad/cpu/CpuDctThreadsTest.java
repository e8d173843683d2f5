package org.slimgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.TestData;

/**
 * The DCT kernels split over threads. The refresh on three (more than this machine's cores): each part keeps its
 * blocks of coefficients where the gather, split again, reads them, so the single-pass select equals scores, topK
 * and gather on the same backend to the bit. The transforms, whose threads each check their own lines for NaN, ±Inf
 * and magnitudes that would overflow: the same values on 1, 2 and 3 threads, bad lines' outputs included.
 */
@Tag("kernels")
class CpuDctThreadsTest {

    private final Backend threaded = CpuBackend.withThreads(3);

    @Test
    void transformsGiveTheSameValuesOnOneTwoAndThreeThreads() {
        SplittableRandom rng = new SplittableRandom(300);
        Backend[] backends = {CpuBackend.withThreads(1), CpuBackend.withThreads(2), threaded};
        // 300 lines of 1000 (above the size the lines are split at): 9.4 blocks, in parts of 3 or 4 blocks
        for (Axis axis : Axis.values()) {
            Matrix x = axis == Axis.ROWS ? TestData.random(rng, 300, 1000, true) : TestData.random(rng, 1000, 300, true);
            for (int line = 0; line < 20; line++) { // in the first part, more than a block's real slots
                set(x, axis, line, 17 + line, Float.NaN);
            }
            set(x, axis, 290, 3, Float.POSITIVE_INFINITY); // in the last
            set(x, axis, 291, 999, Float.NaN);
            set(x, axis, 150, 40, 3e30f); // large enough to be scaled, in the middle part
            for (boolean inverse : new boolean[]{false, true}) {
                Matrix want = null;
                for (Backend cpu : backends) {
                    String context = (inverse ? "idct " : "dct ") + axis + " on " + cpu;
                    Matrix out = cpu.allocate(x.rows(), x.cols());
                    Matrix inPlace = TestData.copy(x);
                    if (inverse) {
                        cpu.idct(x, out, axis);
                        cpu.idct(inPlace, inPlace, axis);
                    } else {
                        cpu.dct(x, out, axis);
                        cpu.dct(inPlace, inPlace, axis);
                    }
                    assertSameValues(out, inPlace, context + " in place");
                    if (want == null) {
                        want = out;
                    } else {
                        assertSameValues(want, out, context);
                    }
                }
                assertTrue(Float.isNaN(want.get(axis == Axis.ROWS ? 291 : 0, axis == Axis.ROWS ? 0 : 291)));
                assertTrue(Float.isFinite(want.get(axis == Axis.ROWS ? 150 : 0, axis == Axis.ROWS ? 0 : 150)));
            }
            // the back-projection: coefficients 0, 7, 14, … of every line, the same bad lines among them
            int[] indices = new int[100];
            Arrays.setAll(indices, t -> 7 * t);
            Matrix r = axis == Axis.ROWS ? TestData.random(rng, 300, 100, true) : TestData.random(rng, 100, 300, true);
            set(r, axis, 3, 50, Float.NaN);
            set(r, axis, 299, 0, Float.NEGATIVE_INFINITY);
            set(r, axis, 160, 99, 3e30f);
            Matrix base = TestData.random(rng, x.rows(), x.cols(), false);
            Matrix want = null;
            for (Backend cpu : backends) {
                Matrix out = TestData.copy(base);
                cpu.idctScatter(r, axis, indices, 0.5f, 0.25f, out);
                if (want == null) {
                    want = out;
                } else {
                    assertSameValues(want, out, "idctScatter " + axis + " on " + cpu);
                }
            }
        }
    }

    // the same bits, or NaN in both: a NaN's sign and payload depend on the JIT tier that ran the operation
    private static void assertSameValues(Matrix expected, Matrix actual, String context) {
        for (int i = 0; i < expected.rows(); i++) {
            for (int j = 0; j < expected.cols(); j++) {
                float e = expected.get(i, j);
                float a = actual.get(i, j);
                assertTrue(Float.floatToRawIntBits(e) == Float.floatToRawIntBits(a) || Float.isNaN(e) && Float.isNaN(a),
                        context + ": element (" + i + ", " + j + ") is " + a + ", not " + e);
            }
        }
    }

    private static void set(Matrix m, Axis axis, int line, int t, float value) {
        if (axis == Axis.ROWS) {
            m.set(line, t, value);
        } else {
            m.set(t, line, value);
        }
    }

    @Test
    void selectOnThreeThreadsIsScoresThenTopKThenGather() {
        SplittableRandom rng = new SplittableRandom(2736);
        // both above the size the lines are split at; 2736 lines is 85.5 blocks, so the parts are uneven
        int[][] shapes = {{100, 2736}, {2736, 100}};
        for (int[] shape : shapes) {
            Matrix g = TestData.random(rng, shape[0], shape[1], true);
            Axis axis = shape[0] < shape[1] ? Axis.COLUMNS : Axis.ROWS;
            int k = 37;
            int lines = axis.lineCount(g);
            Matrix wantScores = threaded.allocate(1, 100);
            threaded.dctScores(g, axis, ScoreNorm.L1, wantScores);
            int[] wantIndices = threaded.topK(wantScores, k);
            Matrix want = axis == Axis.ROWS ? threaded.allocate(lines, k) : threaded.allocate(k, lines);
            threaded.dctGather(g, axis, wantIndices, want);

            Matrix scores = threaded.allocate(1, 100);
            Matrix r = axis == Axis.ROWS ? TestData.random(rng, lines, k, true) : TestData.random(rng, k, lines, true);
            String context = "dctSelect on 3 threads " + axis + " " + g.shape();
            assertArrayEquals(wantIndices, threaded.dctSelect(g, axis, ScoreNorm.L1, scores, k, r), context);
            TestData.assertSameBits(wantScores, scores, context + " scores");
            TestData.assertSameBits(want, r, context + " R");
            TestData.assertGuardsIntact(r, context);
        }
    }
}
