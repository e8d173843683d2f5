package org.slimgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;
import org.slimgrad.collective.InProcessCollective;

class ShardedOptimizerTest {

    /**
     * On 1, 2 and 3 ranks every rank ends with the unsharded run's weights bit for bit, and the ranks' state bytes add
     * up to the unsharded total with none holding more than its share plus the largest parameter's.
     */
    @Test
    void everyRankEndsWithTheUnshardedWeightsAndAShareOfTheState() throws Exception {
        ShardedRun.Unsharded alone = ShardedRun.unsharded();
        List<float[]> expected = alone.weights();
        long total = 0;
        long largest = 0;
        for (long bytes : alone.bytes()) {
            total += bytes;
            largest = Math.max(largest, bytes);
        }
        for (int ranks = 1; ranks <= 3; ranks++) {
            List<CompletableFuture<ShardedRun.Sharded>> results = new ArrayList<>();
            for (Collective rank : InProcessCollective.create(ranks, Duration.ofSeconds(60))) {
                results.add(CompletableFuture.supplyAsync(() -> ShardedRun.sharded(rank), r -> new Thread(r).start()));
            }
            long sum = 0;
            for (CompletableFuture<ShardedRun.Sharded> result : results) {
                List<float[]> weights = result.get().weights();
                for (int p = 0; p < weights.size(); p++) {
                    assertArrayEquals(expected.get(p), weights.get(p), ranks + " ranks, parameter " + p);
                }
                long held = result.get().bytesHeld();
                assertEquals(held, result.get().reportedBytes(), ranks + " ranks: the memory report shows the share");
                assertTrue(held <= total / ranks + largest, ranks + " ranks: a rank holds " + held + " of " + total);
                sum += held;
            }
            assertEquals(total, sum, ranks + " ranks: the shards add up to the whole state");
        }
    }

    /**
     * Each rank checkpoints its share halfway; fresh optimizers on fresh parameters (weights restored) load the shares
     * and finish with the uninterrupted run's weights, bit for bit. A truncated share is refused and leaves the
     * loaded state as it was.
     */
    @Test
    void eachRankResumesFromItsOwnShareBitIdentically() throws Exception {
        List<float[]> expected = ShardedRun.unsharded().weights();
        int half = ShardedRun.STEPS / 2;
        List<CompletableFuture<List<float[]>>> results = new ArrayList<>();
        List<Collective> first = InProcessCollective.create(2, Duration.ofSeconds(60));
        List<Collective> second = InProcessCollective.create(2, Duration.ofSeconds(60));
        for (int r = 0; r < 2; r++) {
            Collective before = first.get(r);
            Collective after = second.get(r);
            results.add(CompletableFuture.supplyAsync(() -> {
                try {
                    List<ShardedOptimizer.Parameter> parameters = ShardedRun.parameters();
                    ShardedOptimizer sharded = new ShardedOptimizer(before, parameters);
                    ShardedRun.steps(sharded, parameters.size(), 0, half);
                    ByteArrayOutputStream share = new ByteArrayOutputStream();
                    sharded.save(share);
                    List<float[]> weights = ShardedRun.weights(parameters);

                    List<ShardedOptimizer.Parameter> fresh = ShardedRun.parameters();
                    for (int p = 0; p < fresh.size(); p++) {
                        Matrix w = fresh.get(p).weight();
                        Backends.cpu().copy(Matrix.wrap(weights.get(p), w.rows(), w.cols()), w);
                    }
                    ShardedOptimizer resumed = new ShardedOptimizer(after, fresh);
                    resumed.load(new ByteArrayInputStream(share.toByteArray()));
                    byte[] truncated = Arrays.copyOf(share.toByteArray(), share.size() / 2);
                    assertThrows(IllegalArgumentException.class,
                            () -> resumed.load(new ByteArrayInputStream(truncated)));
                    ShardedRun.steps(resumed, fresh.size(), half, ShardedRun.STEPS);
                    return ShardedRun.weights(fresh);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, r2 -> new Thread(r2).start()));
        }
        for (int r = 0; r < 2; r++) {
            List<float[]> weights = results.get(r).get();
            for (int p = 0; p < weights.size(); p++) {
                assertArrayEquals(expected.get(p), weights.get(p), "rank " + r + ", parameter " + p);
            }
        }
    }

    @Test
    void ownershipBalancesTheDeclaredBytesTheSameWayOnEveryRank() {
        List<Collective> group = InProcessCollective.create(2, Duration.ofSeconds(1));
        List<ShardedOptimizer.Parameter> parameters = List.of(
                new ShardedOptimizer.Parameter("a", Matrix.wrap(new float[1], 1, 1), 10, () -> null),
                new ShardedOptimizer.Parameter("b", Matrix.wrap(new float[1], 1, 1), 30, () -> null),
                new ShardedOptimizer.Parameter("c", Matrix.wrap(new float[1], 1, 1), 20, () -> null),
                new ShardedOptimizer.Parameter("d", Matrix.wrap(new float[1], 1, 1), 15, () -> null));
        for (Collective rank : group) {
            ShardedOptimizer sharded = new ShardedOptimizer(rank, parameters);
            // b (30) → rank 0; c (20) → rank 1; d (15) → rank 1 (20 < 30); a (10) → rank 0 (30 < 35)
            assertEquals(List.of(0, 0, 1, 1), List.of(sharded.owner(0), sharded.owner(1), sharded.owner(2),
                    sharded.owner(3)));
        }
        assertThrows(IllegalArgumentException.class, () -> new ShardedOptimizer(group.get(0), List.of()));
    }
}
