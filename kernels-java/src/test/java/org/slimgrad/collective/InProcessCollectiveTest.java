package org.slimgrad.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.slimgrad.Matrix;
import org.slimgrad.TestData;

class InProcessCollectiveTest {

    private static final int RANKS = 3;

    /** Runs {@code work} on every rank, one thread each, and returns each rank's result or failure. */
    private static <T> List<CompletableFuture<T>> onEveryRank(Duration timeout, Function<Collective, T> work) {
        List<CompletableFuture<T>> results = new ArrayList<>();
        for (Collective rank : InProcessCollective.create(RANKS, timeout)) {
            results.add(CompletableFuture.supplyAsync(() -> work.apply(rank), r -> new Thread(r).start()));
        }
        return results;
    }

    /** The sum is the ranks' contributions added in rank order, bit for bit, on every rank (padded views too). */
    @Test
    void allReduceSumsInRankOrderOnEveryRank() throws Exception {
        float[][] parts = new float[RANKS][];
        for (int r = 0; r < RANKS; r++) {
            parts[r] = TestData.random(new SplittableRandom(r), 5, 7, false).toArray();
        }
        float[] expected = new float[35];
        for (float[] part : parts) {
            for (int e = 0; e < expected.length; e++) {
                expected[e] += part[e];
            }
        }
        List<CompletableFuture<float[]>> results = onEveryRank(Duration.ofSeconds(10), c -> {
            Matrix padded = TestData.random(new SplittableRandom(99), 5, 7, true);
            for (int e = 0; e < 35; e++) {
                padded.set(e / 7, e % 7, parts[c.rank()][e]);
            }
            c.allReduceSum(padded);
            double[] scores = {c.rank(), 0.5, 1e-300};
            c.allReduceSum(scores);
            assertArrayEquals(new double[]{3, 1.5, 3e-300}, scores);
            return padded.toArray();
        });
        for (CompletableFuture<float[]> result : results) {
            assertArrayEquals(expected, result.get());
        }
    }

    @Test
    void broadcastHandsTheRootsValuesToEveryRank() throws Exception {
        List<CompletableFuture<int[]>> results = onEveryRank(Duration.ofSeconds(10), c -> {
            int[] indices = c.rank() == 1 ? new int[]{4, 8, 15} : new int[3];
            c.broadcast(indices, 1);
            Matrix m = Matrix.wrap(new float[]{c.rank(), c.rank()}, 1, 2);
            c.broadcast(m, 2);
            assertArrayEquals(new float[]{2, 2}, m.toArray());
            c.barrier();
            return indices;
        });
        for (CompletableFuture<int[]> result : results) {
            assertArrayEquals(new int[]{4, 8, 15}, result.get());
        }
    }

    /**
     * allGather stacks the parts in rank order; reduceScatter hands each rank the rank-order sum of its own block,
     * the same bits as the matching rows of an allReduceSum.
     */
    @Test
    void allGatherStacksAndReduceScatterSumsEachRanksBlock() throws Exception {
        List<CompletableFuture<Matrix[]>> results = onEveryRank(Duration.ofSeconds(10), c -> {
            Matrix part = Matrix.wrap(new float[]{c.rank(), 10 + c.rank()}, 1, 2);
            Matrix all = Matrix.wrap(new float[RANKS * 2], RANKS, 2);
            c.allGather(part, all);
            Matrix full = TestData.random(new SplittableRandom(50 + c.rank()), RANKS * 2, 3, false);
            Matrix reduced = TestData.copy(full);
            c.allReduceSum(reduced);
            Matrix mine = Matrix.wrap(new float[6], 2, 3);
            c.reduceScatter(full, mine);
            return new Matrix[]{all, mine, reduced.view(2 * c.rank(), 0, 2, 3)};
        });
        for (CompletableFuture<Matrix[]> result : results) {
            assertArrayEquals(new float[]{0, 10, 1, 11, 2, 12}, result.get()[0].toArray());
            TestData.assertSameBits(result.get()[2], result.get()[1], "reduceScatter against allReduceSum's rows");
        }
        Collective alone = InProcessCollective.create(1, Duration.ofSeconds(1)).get(0);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> alone.allGather(Matrix.wrap(new float[2], 1, 2), Matrix.wrap(new float[4], 2, 2)));
        assertTrue(e.getMessage().contains("allGather") && e.getMessage().contains("2x2"), e.getMessage());
    }

    /** Ranks calling with different shapes all fail, each naming every rank's call. */
    @Test
    void aShapeMismatchFailsOnEveryRank() {
        List<CompletableFuture<Object>> results = onEveryRank(Duration.ofSeconds(10), c -> {
            c.allReduceSum(Matrix.wrap(new float[2 + c.rank()], 1, 2 + c.rank()));
            return null;
        });
        for (CompletableFuture<Object> result : results) {
            Throwable cause = assertInstanceOf(ExecutionException.class, fail(result)).getCause();
            assertInstanceOf(IllegalArgumentException.class, cause);
            assertTrue(cause.getMessage().contains("1x2") && cause.getMessage().contains("1x4"), cause.getMessage());
        }
    }

    /** A rank that never arrives ends the call on the others with a clear error after the timeout, not a hang. */
    @Test
    void aMissingRankEndsTheCallOnTheOthers() {
        List<CompletableFuture<Object>> results = onEveryRank(Duration.ofMillis(300), c -> {
            if (c.rank() != 2) {
                c.barrier();
            }
            return null;
        });
        for (int r = 0; r < 2; r++) {
            Throwable cause = assertInstanceOf(ExecutionException.class, fail(results.get(r))).getCause();
            assertInstanceOf(IllegalStateException.class, cause);
            assertTrue(cause.getMessage().contains("not every rank arrived within 300 ms"), cause.getMessage());
        }
    }

    private static Throwable fail(CompletableFuture<?> result) {
        try {
            result.get();
            return null;
        } catch (Exception e) {
            return e;
        }
    }
}
