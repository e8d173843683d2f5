package org.slimgrad.bench.pretrain;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

import org.slimgrad.Backend;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.nativelib.MpiCollective;

/**
 * One rank of the data-parallel pretraining demo, started by {@code mpirun} (the {@code pretrain-mpi} job does it):
 * each step's batch in {@value #MICRO_BATCHES} micro-batches, this rank's share of them computed here, gradients
 * exchanged in a fixed order ({@link GradientExchange}), optimizer state sharded over the ranks (ZeRO-1). Every
 * rank trains on one thread, so the only thing that changes with the number of ranks is who computes what: on 1, 2,
 * 3 or 6 ranks the weights end bit for bit the same (the digest printed at the end).
 *
 * <pre>
 * MpiPretrain METHOD STEPS [small]    METHOD: full | svd | dct | sltrain; small: the test's d 32 model
 * </pre>
 * Prints, rank 0: the train loss every logEvery steps, the final validation loss and the weights' SHA-256; every
 * rank: the optimizer bytes it holds and its milliseconds per step (after the first quarter of the steps).
 */
public final class MpiPretrain {

    /** Micro-batches per step: 1, 2, 3 and 6 ranks divide it. */
    static final int MICRO_BATCHES = 6;

    private MpiPretrain() {
    }

    /** The standard model (d 256) with a batch of 240 (six micro-batches of 40), or the tests' small one. */
    static PretrainRun.Config config(int steps, boolean small) {
        return small
                ? new PretrainRun.Config(16, 32, 86, 8, 5, 60, steps, 3e-3f, 0f, PretrainRun.Config.PROJECTION_SCALE,
                        PretrainRun.Config.SPARSE_LOW_RANK_SCALE, 20_000, 1020, 4, 7)
                : new PretrainRun.Config(64, 256, 688, 64, 50, 240, steps, 2e-3f, 0f,
                        PretrainRun.Config.PROJECTION_SCALE, PretrainRun.Config.SPARSE_LOW_RANK_SCALE, 400_000, 8160,
                        20, 2026);
    }

    static Linear.Method method(String name) {
        return switch (name) {
            case "full" -> Linear.Method.FULL_ADAMW;
            case "svd" -> Linear.Method.GALORE_SVD;
            case "dct" -> Linear.Method.DCT;
            case "sltrain" -> Linear.Method.SLTRAIN;
            default -> throw new IllegalArgumentException("MpiPretrain: method '" + name
                    + "'; one of full, svd, dct, sltrain");
        };
    }

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        if (args.length < 2) {
            throw new IllegalArgumentException("MpiPretrain METHOD STEPS [small]");
        }
        Linear.Method method = method(args[0]);
        PretrainRun.Config config = config(Integer.parseInt(args[1]), args.length > 2 && args[2].equals("small"));
        Backend backend = CpuBackend.withThreads(1);
        try (MpiCollective group = MpiCollective.world(Duration.ofMinutes(2))) {
            PretrainRun run = new PretrainRun(config);
            MlpLanguageModel model = new MlpLanguageModel(backend, method, config, config.seed() + 100, group,
                    config.batch() / MICRO_BATCHES);
            GradientExchange exchange = new GradientExchange(group, backend, model.gradients(), MICRO_BATCHES);
            // time per step over the steps after the first quarter: before, the JIT is still compiling the kernels
            int timedFrom = config.steps() / 4 / config.logEvery() * config.logEvery();
            long nanos = 0;
            for (int step = 0; step < config.steps(); step += config.logEvery()) {
                int to = Math.min(config.steps(), step + config.logEvery());
                long start = System.nanoTime();
                double[] losses = run.train(model, exchange, step, to);
                nanos += step >= timedFrom ? System.nanoTime() - start : 0;
                if (group.rank() == 0) {
                    System.out.printf(Locale.ROOT, "step %d: rank 0's train loss %.4f%n", to,
                            java.util.Arrays.stream(losses).average().orElse(Double.NaN));
                }
            }
            double validation = run.validate(model);
            // every rank's figures, gathered to print them in rank order (each rank fills its own two slots)
            double[] figures = new double[2 * group.size()];
            figures[2 * group.rank()] = model.optimizerBytes();
            figures[2 * group.rank() + 1] = nanos / 1e6 / (config.steps() - timedFrom);
            group.allReduceSum(figures);
            if (group.rank() == 0) {
                for (int r = 0; r < group.size(); r++) {
                    System.out.printf(Locale.ROOT, "rank %d of %d: optimizer bytes %d, %.2f ms per step%n", r,
                            group.size(), (long) figures[2 * r], figures[2 * r + 1]);
                }
                System.out.printf(Locale.ROOT, "%s on %d ranks: validation loss %.4f, weights sha256 %s%n",
                        method.label, group.size(), validation, digest(model));
            }
        }
    }

    private static String digest(MlpLanguageModel model) throws IOException, NoSuchAlgorithmException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.saveWeights(new DataOutputStream(bytes));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    }
}
