package org.slimgrad.djl.pretrain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import org.slimgrad.djl.DjlSetup;
import org.slimgrad.djl.SlimgradOptimizer;

/**
 * Pretraining {@link TinyGpt} on the JDK's sources ({@link JdkCorpus}) through DJL's own Trainer, with the same seed,
 * initial weights, data order and token budget under four optimizers: DJL's AdamW (the anchor users know), and
 * slimgrad through {@link SlimgradOptimizer} as full AdamW, GaLore-style SVD projection and DCT projection. Reports
 * the validation loss, the optimizer's state bytes and the step time of each.
 */
public final class DjlPretrain {

    /** The four ways of training. */
    public enum Run {
        DJL_ADAMW("DJL AdamW"), SLIMGRAD_ADAMW("slimgrad AdamW"), SLIMGRAD_SVD("slimgrad GaLore (SVD)"),
        SLIMGRAD_DCT("slimgrad DCT");

        private final String label;

        Run(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Model, data and optimizer settings shared by every run. */
    public record Config(int width, int layers, int heads, int context, int batch, int steps, float learningRate,
                         float weightDecay, int rank, int updateGap, float scale, long seed, int validationBatches,
                         int logEvery) {

        /** The default budget: d 256, 2 blocks, 4 heads, 64 bytes of context, 16 sequences a step. */
        public static Config defaults(int steps) {
            return new Config(256, 2, 4, 64, 16, steps, 2e-3f, 0.01f, 64, 100, 1f, 7, 16, 10);
        }

        /** Bytes of training text the run reads: 8 MB (about 700 files), or every step's windows if more. */
        public int trainBytes() {
            return Math.max(8 << 20, steps * batch * (context + 1));
        }
    }

    /** What one run measured; trainLoss holds the mean training loss of each logEvery steps. */
    public record Result(Run run, double validationLoss, double[] trainLoss, double msPerStep, long optimizerBytes,
                         long lowRankBytes, long lowRankFullAdamBytes, long parameters) {

        /** exp(loss): the per-byte perplexity. */
        public double validationPerplexity() {
            return Math.exp(validationLoss);
        }
    }

    private DjlPretrain() {
    }

    /** Trains one way and evaluates; the corpus and config are the same for every run of a comparison. */
    public static Result train(Run run, Config config, JdkCorpus corpus) {
        DjlSetup.offline();
        Engine.getInstance().setRandomSeed((int) config.seed());
        Block block = TinyGpt.build(config.width(), config.layers(), config.heads());
        try (Model model = Model.newInstance("tiny-gpt-" + run.name().toLowerCase())) {
            model.setBlock(block);
            Loss loss = Loss.softmaxCrossEntropyLoss("bytes", 1f, -1, true, true);
            SlimgradOptimizer slimgrad = null;
            Optimizer optimizer;
            if (run == Run.DJL_ADAMW) {
                optimizer = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(config.learningRate()))
                        .optWeightDecays(config.weightDecay()).build();
            } else {
                SlimgradOptimizer.Method method = switch (run) {
                    case SLIMGRAD_SVD -> SlimgradOptimizer.Method.SVD;
                    case SLIMGRAD_DCT -> SlimgradOptimizer.Method.DCT;
                    default -> SlimgradOptimizer.Method.FULL;
                };
                slimgrad = SlimgradOptimizer.builder().method(method).rank(config.rank())
                        .updateGap(config.updateGap()).scale(config.scale()).forBlock(block)
                        .lowRankWhen(DjlPretrain::isBlockMatrix)
                        .optLearningRateTracker(Tracker.fixed(config.learningRate()))
                        .optWeightDecays(config.weightDecay()).build();
                optimizer = slimgrad;
            }
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(optimizer))) {
                trainer.initialize(new Shape(config.batch(), config.context()));
                long parameters = 0;
                for (Pair<String, Parameter> p : block.getParameters()) {
                    parameters += p.getValue().getArray().getShape().size();
                }
                SplittableRandom order = new SplittableRandom(config.seed());
                int points = config.steps() / config.logEvery();
                double[] trainLoss = new double[points];
                long timed = 0;
                int timedSteps = 0;
                for (int step = 0; step < config.steps(); step++) {
                    try (NDManager scratch = trainer.getManager().newSubManager()) {
                        NDList[] batch = batch(scratch, corpus.train(), order, config);
                        long start = System.nanoTime();
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray predictions = flat(trainer.forward(batch[0]).singletonOrThrow());
                            NDArray value = loss.evaluate(batch[1], new NDList(predictions));
                            collector.backward(value);
                            if (step / config.logEvery() < points) {
                                trainLoss[step / config.logEvery()] += value.getFloat() / config.logEvery();
                            }
                        }
                        trainer.step();
                        if (step >= 5) {
                            timed += System.nanoTime() - start;
                            timedSteps++;
                        }
                    }
                }
                double validation = validationLoss(trainer, loss, corpus.validation(), config);
                long optimizerBytes = slimgrad != null ? slimgrad.stateBytes() : 2 * parameters * Float.BYTES;
                return new Result(run, validation, trainLoss, timed / 1e6 / Math.max(1, timedSteps), optimizerBytes,
                        slimgrad != null ? slimgrad.lowRankStateBytes() : 0,
                        slimgrad != null ? slimgrad.lowRankMatricesFullAdamBytes() : 0, parameters);
            }
        }
    }

    // the mean loss over fixed validation windows (the same for every run)
    private static double validationLoss(Trainer trainer, Loss loss, byte[] text, Config config) {
        SplittableRandom order = new SplittableRandom(config.seed() + 1);
        double sum = 0;
        for (int b = 0; b < config.validationBatches(); b++) {
            try (NDManager scratch = trainer.getManager().newSubManager()) {
                NDList[] batch = batch(scratch, text, order, config);
                NDArray predictions = flat(trainer.evaluate(batch[0]).singletonOrThrow());
                sum += loss.evaluate(batch[1], new NDList(predictions)).getFloat();
            }
        }
        return sum / config.validationBatches();
    }

    // batch windows of context + 1 bytes at random offsets: inputs are the first context bytes, labels the next ones
    private static NDList[] batch(NDManager manager, byte[] text, SplittableRandom order, Config config) {
        int t = config.context();
        long[] inputs = new long[config.batch() * t];
        long[] labels = new long[config.batch() * t];
        for (int b = 0; b < config.batch(); b++) {
            int start = order.nextInt(text.length - t - 1);
            for (int i = 0; i < t; i++) {
                inputs[b * t + i] = text[start + i] & 0xff;
                labels[b * t + i] = text[start + i + 1] & 0xff;
            }
        }
        return new NDList[]{new NDList(manager.create(inputs, new Shape(config.batch(), t))),
                new NDList(manager.create(labels, new Shape((long) config.batch() * t)))};
    }

    // logits (batch × T × 256) as (batch·T) × 256 rows, one per predicted byte, for the loss
    private static NDArray flat(NDArray logits) {
        return logits.reshape(-1, TinyGpt.VOCABULARY);
    }

    /**
     * The low-rank candidates: the attention and MLP weights inside the residual blocks, as GaLore and the DCT method
     * project them; the byte embedding and the output head train full-rank.
     */
    static boolean isBlockMatrix(String name) {
        return name.contains("ParallelBlock");
    }

    /** Runs all four ways on the same corpus and config. */
    public static List<Result> compare(Config config, JdkCorpus corpus) {
        List<Result> results = new ArrayList<>();
        for (Run run : Run.values()) {
            results.add(train(run, config, corpus));
        }
        return results;
    }
}
