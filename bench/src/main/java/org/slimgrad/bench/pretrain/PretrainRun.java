package org.slimgrad.bench.pretrain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.collective.Collective;
import org.slimgrad.collective.InProcessCollective;
import org.slimgrad.train.MemoryReport;

/**
 * One training run: the same source, data order, initial seeds and step budget for every method. Batches are
 * positions drawn from the counter-based generator (seed, step), so each method sees the same examples in the same
 * order; validation is a fixed set of positions in a separate stream of the source.
 */
final class PretrainRun {

    /**
     * Sizes and budget of a run. Every method trains with the same lr; each low-rank method has its papers' scale
     * knob: {@code projectionScale} is GaLore's α on the back-projected update (SVD and DCT projectors),
     * {@code sparseLowRankScale} SLTrain's α/r on B·A.
     */
    record Config(int symbols, int width, int hidden, int rank, int updateGap, int batch, int steps, float lr,
                  float decay, float projectionScale, float sparseLowRankScale, int trainLength,
                  int validationPositions, int logEvery, long seed) {

        /** GaLore's published default α. */
        static final float PROJECTION_SCALE = 0.25f;
        /** SLTrain's α/r, the best of 0.5, 1 and 2 at the standard size (README). */
        static final float SPARSE_LOW_RANK_SCALE = 0.5f;

        /** The default: V 64, d 256, h 688 (2.69·d), rank d/4, refresh every 50, batches of 256 positions. */
        static Config standard(int steps, float lr) {
            return new Config(64, 256, 688, 64, 50, 256, steps, lr, 0f, PROJECTION_SCALE, SPARSE_LOW_RANK_SCALE,
                    400_000, 8192, 20, 2026);
        }

        /** The full run: V 64, d 512, h 1376 (the 60M model's MLP), rank 128, refresh every 200, 512 positions. */
        static Config full(int steps, float lr) {
            return new Config(64, 512, 1376, 128, 200, 512, steps, lr, 0f, PROJECTION_SCALE, SPARSE_LOW_RANK_SCALE,
                    2_000_000, 16384, 50, 2026);
        }
    }

    /** What a run measured. */
    record Result(Linear.Method method, List<double[]> trainCurve, List<double[]> validationCurve,
                  double validationLoss, MemoryReport blockMemory, long otherOptimizerBytes, double msPerStep) {
    }

    private final Config config;
    private final MarkovSource source;
    private final int[] train;
    private final int[] validation;
    private final int[] validationPositions;

    PretrainRun(Config config) {
        this.config = config;
        this.source = new MarkovSource(config.symbols(), 4, config.seed());
        this.train = source.sample(config.trainLength(), config.seed() + 1);
        this.validation = source.sample(config.validationPositions() + 2, config.seed() + 2);
        this.validationPositions = new int[config.validationPositions()];
        for (int i = 0; i < validationPositions.length; i++) {
            validationPositions[i] = i + 2;
        }
    }

    MarkovSource source() {
        return source;
    }

    MlpLanguageModel model(Linear.Method method, Backend backend) {
        return new MlpLanguageModel(backend, method, config, config.seed() + 100);
    }

    /** A group of one rank: the runs of a single process. */
    static Collective alone() {
        return InProcessCollective.create(1, Duration.ofMinutes(1)).get(0);
    }

    /** Trains steps [from, to) of {@code model}, a whole batch per forward. Returns the train losses of those steps. */
    double[] train(MlpLanguageModel model, int from, int to) {
        double[] losses = new double[to - from];
        for (int step = from; step < to; step++) {
            int[] positions = batch(step);
            losses[step - from] = model.forward(train, positions);
            model.backward(train, positions);
            model.step();
        }
        return losses;
    }

    /**
     * Trains steps [from, to) data-parallel: each step's batch in the exchange's micro-batches ({@code model.rows()}
     * positions each), this rank's share computed here, the gradients exchanged and added in micro-batch order (see
     * {@link GradientExchange}), then the model's (sharded) optimizer step. Returns the mean train loss of this
     * rank's micro-batches at each step.
     */
    double[] train(MlpLanguageModel model, GradientExchange exchange, int from, int to) {
        double[] losses = new double[to - from];
        int[] micro = new int[model.rows()];
        for (int step = from; step < to; step++) {
            int[] positions = batch(step);
            if (positions.length % micro.length != 0) {
                throw new IllegalArgumentException("PretrainRun.train: a batch of " + positions.length
                        + " positions in micro-batches of " + micro.length);
            }
            for (int local = 0; local < exchange.perRank(); local++) {
                System.arraycopy(positions, exchange.microBatch(local) * micro.length, micro, 0, micro.length);
                losses[step - from] += model.forward(train, micro) / exchange.perRank();
                model.backward(train, micro);
                exchange.keep(local);
            }
            exchange.reduce();
            model.step();
        }
        return losses;
    }

    /** The positions of step {@code step}'s batch: the same for every method and every number of ranks. */
    private int[] batch(int step) {
        int[] positions = new int[config.batch()];
        for (int i = 0; i < positions.length; i++) {
            long word = CounterRandom.bits(config.seed() + 3, (long) step * positions.length + i);
            positions[i] = 2 + (int) Long.remainderUnsigned(word, train.length - 2);
        }
        return positions;
    }

    /** Mean loss over the validation positions (forward only). */
    double validate(MlpLanguageModel model) {
        double sum = 0;
        int[] positions = new int[model.rows()];
        int batches = validationPositions.length / positions.length;
        for (int k = 0; k < batches; k++) {
            System.arraycopy(validationPositions, k * positions.length, positions, 0, positions.length);
            sum += model.forward(validation, positions);
        }
        return sum / batches;
    }

    /** A whole run: the loss curves, the final validation loss, memory and time per step. */
    Result run(Linear.Method method, Backend backend) {
        MlpLanguageModel model = model(method, backend);
        List<double[]> trainCurve = new ArrayList<>();
        List<double[]> validationCurve = new ArrayList<>();
        validationCurve.add(new double[]{0, validate(model)});
        long nanos = 0;
        for (int step = 0; step < config.steps(); step += config.logEvery()) {
            int to = Math.min(config.steps(), step + config.logEvery());
            long start = System.nanoTime();
            double[] losses = train(model, step, to);
            nanos += System.nanoTime() - start;
            double mean = java.util.Arrays.stream(losses).average().orElse(Double.NaN);
            trainCurve.add(new double[]{to, mean});
            if (to % (5 * config.logEvery()) == 0 || to == config.steps()) {
                validationCurve.add(new double[]{to, validate(model)});
            }
        }
        double finalLoss = validationCurve.get(validationCurve.size() - 1)[1];
        return new Result(method, trainCurve, validationCurve, finalLoss, model.blockMemory(),
                model.otherOptimizerBytes(), nanos / 1e6 / config.steps());
    }
}
