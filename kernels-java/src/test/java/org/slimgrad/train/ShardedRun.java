package org.slimgrad.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.TestData;
import org.slimgrad.collective.Collective;

/**
 * A small sharded training run for the tests of {@link ShardedOptimizer}, in-process and over MPI (module native):
 * five parameters (DCT and SVD low-rank Adam, full AdamW) with seeded weights and gradients, the same on every rank.
 */
public final class ShardedRun {

    private static final Backend CPU = Backends.cpu();
    static final int[][] SHAPES = {{48, 40}, {40, 96}, {24, 24}, {64, 32}, {16, 80}};
    static final int STEPS = 6;

    /** The parameters of one rank: the same seeded weights everywhere; low-rank DCT/SVD Adam and full AdamW. */
    public static List<ShardedOptimizer.Parameter> parameters() {
        List<ShardedOptimizer.Parameter> parameters = new ArrayList<>();
        for (int p = 0; p < SHAPES.length; p++) {
            int m = SHAPES[p][0];
            int n = SHAPES[p][1];
            Matrix w = TestData.random(new SplittableRandom(10 + p), m, n, false);
            int kind = p % 3;
            ShardedOptimizer.Parameter parameter = new ShardedOptimizer.Parameter("w" + p, w,
                    kind == 2 ? 2L * m * n * Float.BYTES : 2L * 8 * Math.max(m, n) * Float.BYTES, () -> switch (kind) {
                        case 0 -> new LowRankAdam(CPU, new DctProjector(CPU, m, n, 8, 3, 1f, ScoreNorm.L1,
                                NonFinitePolicy.THROW), LowRankAdam.Settings.defaults(1e-2f));
                        case 1 -> new LowRankAdam(CPU, new SvdProjector(CPU, m, n, 8, 3, 1f,
                                SvdProjector.Refresh.randomized(4, 1), NonFinitePolicy.THROW, 7),
                                LowRankAdam.Settings.defaults(1e-2f));
                        default -> new FullAdam(CPU, m, n, 0.9f, 0.999f, 1e-8f, 0.01f);
                    });
            parameters.add(parameter);
        }
        return parameters;
    }

    /** Gradient of parameter p at step t: the same on every rank (as after an all-reduce). */
    public static Matrix gradient(int p, int t) {
        return TestData.random(new SplittableRandom(1000 * t + p), SHAPES[p][0], SHAPES[p][1], false);
    }

    /** The weights after the steps with every optimizer on this one rank, and each optimizer's bytes then. */
    public record Unsharded(List<float[]> weights, long[] bytes) {
    }

    public static Unsharded unsharded() {
        List<ShardedOptimizer.Parameter> parameters = parameters();
        List<ParameterOptimizer> optimizers = new ArrayList<>();
        for (ShardedOptimizer.Parameter p : parameters) {
            optimizers.add(p.optimizer().get());
        }
        for (int t = 0; t < STEPS; t++) {
            for (int p = 0; p < parameters.size(); p++) {
                optimizers.get(p).step(parameters.get(p).weight(), gradient(p, t), 1e-2f);
            }
        }
        List<float[]> weights = new ArrayList<>();
        long[] bytes = new long[parameters.size()];
        for (int p = 0; p < parameters.size(); p++) {
            weights.add(parameters.get(p).weight().toArray());
            bytes[p] = optimizers.get(p).bytesHeld();
        }
        return new Unsharded(weights, bytes);
    }

    /**
     * This rank's weights (as arrays) after the steps through a {@link ShardedOptimizer}, its state bytes, and the
     * bytes its {@link MemoryReport} entries hold.
     */
    public record Sharded(List<float[]> weights, long bytesHeld, long reportedBytes) {
    }

    public static Sharded sharded(Collective rank) {
        List<ShardedOptimizer.Parameter> parameters = parameters();
        ShardedOptimizer sharded = new ShardedOptimizer(rank, parameters);
        steps(sharded, parameters.size(), 0, STEPS);
        return new Sharded(weights(parameters), sharded.bytesHeld(), sharded.addTo(new MemoryReport()).heldBytes());
    }

    /** Steps [from, to) of the run through {@code sharded}, whose parameters are {@code count} of {@link #SHAPES}. */
    static void steps(ShardedOptimizer sharded, int count, int from, int to) {
        for (int t = from; t < to; t++) {
            List<Matrix> gradients = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                gradients.add(gradient(p, t));
            }
            sharded.step(gradients, 1e-2f);
        }
    }

    /** The parameters' weights, as arrays. */
    static List<float[]> weights(List<ShardedOptimizer.Parameter> parameters) {
        List<float[]> weights = new ArrayList<>();
        for (ShardedOptimizer.Parameter p : parameters) {
            weights.add(p.weight().toArray());
        }
        return weights;
    }

    private ShardedRun() {
    }
}
