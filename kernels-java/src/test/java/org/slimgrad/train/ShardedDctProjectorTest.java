package org.slimgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.TestData;
import org.slimgrad.collective.Collective;
import org.slimgrad.collective.InProcessCollective;

/** A DCT refresh of a matrix split across ranks by its lines, against the unsharded projector on the whole. */
class ShardedDctProjectorTest {

    private static final Backend CPU = Backends.cpu();
    private static final int RANKS = 3;
    private static final int RANK = 8;

    /**
     * Rows split (a tall 90×40 gradient, 30 rows a rank) and columns split (a wide 40×90 one, 30 columns a rank), L1
     * and L2 scores: every rank chooses the whole matrix's frequencies, and its R is its lines of the whole R (to
     * fp32 rounding: a line's transform may round differently in another batch of lines, so within 1e-5 of R's
     * largest element).
     */
    @Test
    void everyRankChoosesTheWholeMatrixsFrequenciesAndProjectsItsLines() throws Exception {
        for (Axis lines : Axis.values()) {
            for (ScoreNorm norm : ScoreNorm.values()) {
                int m = lines == Axis.ROWS ? 90 : 40;
                int n = lines == Axis.ROWS ? 40 : 90;
                Matrix whole = TestData.random(new SplittableRandom(5), m, n, false);
                DctProjector alone = new DctProjector(CPU, m, n, RANK, 10, 1f, norm, NonFinitePolicy.THROW);
                Matrix wholeR = CPU.allocate(alone.projectedRows(), alone.projectedCols());
                alone.project(whole, wholeR);
                List<CompletableFuture<Matrix>> projected = onEveryRank(c -> {
                    Matrix block = block(whole, lines, c.rank());
                    DctProjector mine = DctProjector.sharded(CPU, block.rows(), block.cols(), lines, RANK, 10, 1f,
                            norm, NonFinitePolicy.THROW, c);
                    Matrix r = CPU.allocate(mine.projectedRows(), mine.projectedCols());
                    mine.project(block, r);
                    assertArrayEquals(alone.indices(), mine.indices(), lines + " " + norm + " rank " + c.rank());
                    return r;
                });
                double largest = 0;
                for (float v : wholeR.toArray()) {
                    largest = Math.max(largest, Math.abs(v));
                }
                for (int rank = 0; rank < RANKS; rank++) {
                    float[] expected = block(wholeR, lines, rank).toArray();
                    float[] actual = projected.get(rank).get().toArray();
                    for (int e = 0; e < expected.length; e++) {
                        assertTrue(Math.abs(expected[e] - actual[e]) <= 1e-5 * largest, lines + " " + norm + ": rank "
                                + rank + ", element " + e + ": " + actual[e] + " against the whole R's " + expected[e]);
                    }
                }
            }
        }
    }

    /** A NaN in one rank's block makes every rank refuse the refresh (THROW), not only that one. */
    @Test
    void aNonFiniteBlockOnOneRankFailsTheRefreshOnEveryRank() {
        Matrix whole = TestData.random(new SplittableRandom(6), 90, 40, false);
        whole.set(70, 3, Float.NaN); // rank 2's block
        List<CompletableFuture<Matrix>> projected = onEveryRank(c -> {
            Matrix block = block(whole, Axis.ROWS, c.rank());
            DctProjector mine = DctProjector.sharded(CPU, 30, 40, Axis.ROWS, RANK, 10, 1f, ScoreNorm.L1,
                    NonFinitePolicy.THROW, c);
            Matrix r = CPU.allocate(30, RANK);
            mine.project(block, r);
            return r;
        });
        for (CompletableFuture<Matrix> result : projected) {
            ExecutionException e = assertThrows(ExecutionException.class, result::get);
            assertTrue(e.getCause() instanceof ArithmeticException || e.getCause() instanceof IllegalStateException
                    || e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
        }
        Collective alone = InProcessCollective.create(1, Duration.ofSeconds(1)).get(0);
        assertThrows(IllegalArgumentException.class, () -> DctProjector.sharded(CPU, 4, 40, Axis.ROWS, RANK, 10, 1f,
                ScoreNorm.L1, NonFinitePolicy.THROW, alone));
    }

    // rank's 30 rows (ROWS) or 30 columns (COLUMNS) of the whole
    private static Matrix block(Matrix whole, Axis lines, int rank) {
        return lines == Axis.ROWS ? whole.view(30 * rank, 0, 30, whole.cols())
                : whole.view(0, 30 * rank, whole.rows(), 30);
    }

    private static <T> List<CompletableFuture<T>> onEveryRank(java.util.function.Function<Collective, T> work) {
        List<CompletableFuture<T>> results = new ArrayList<>();
        for (Collective rank : InProcessCollective.create(RANKS, Duration.ofSeconds(30))) {
            results.add(CompletableFuture.supplyAsync(() -> work.apply(rank), r -> new Thread(r).start()));
        }
        return results;
    }
}
