package org.slimgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.TestData;

/**
 * The DCT refresh split over three threads (more than this machine's cores): each part keeps its blocks of
 * coefficients where the gather, split again, reads them, so the single-pass select equals scores, topK and
 * gather on the same backend to the bit.
 */
@Tag("kernels")
class CpuDctThreadsTest {

    private final Backend threaded = CpuBackend.withThreads(3);

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
