package org.slimgrad.bench.pretrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.slimgrad.Backend;
import org.slimgrad.bench.Machine;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.cuda.CudaBackend;

/**
 * The {@code pretrain} job: the same small language model trained on the same Markov source with full-rank AdamW,
 * SVD- and DCT-projected low-rank Adam and SLTrain's sparse-plus-low-rank layers; writes report/pretrain.md,
 * pretrain.json and pretrain-loss.png (loss curves against the source's entropy).
 *
 * <pre>
 * Main pretrain [--full] [--steps N] [--lr LR] [--backend cpu|cuda] [--out DIR]
 *     default: d 256, 2000 steps on the cpu backend; --full: d 512, h 1376, rank 128, 8000 steps (not timed yet);
 *     lr 2e-3; report/. With --backend cuda every weight, layer and optimizer lives on the GPU and the model's
 *     element-wise loops run on host mirrors of one batch's activations (never run on a GPU yet).
 * </pre>
 */
public final class PretrainJob {

    private PretrainJob() {
    }

    public static void run(String[] args) {
        boolean full = java.util.Arrays.asList(args).contains("--full");
        int steps = full ? 8000 : 2000;
        float lr = 2e-3f;
        Path out = Path.of("report");
        String backendName = "cpu";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--full")) {
                continue;
            }
            if (args[i].equals("--steps") && i + 1 < args.length) {
                steps = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else if (args[i].equals("--lr") && i + 1 < args.length) {
                lr = Float.parseFloat(args[++i]);
            } else if (args[i].equals("--backend") && i + 1 < args.length) {
                backendName = args[++i];
            } else {
                throw new IllegalArgumentException("pretrain: unknown argument '" + args[i]
                        + "'; use --full, --steps N, --lr LR, --backend cpu|cuda, --out DIR");
            }
        }
        PretrainRun.Config config = full ? PretrainRun.Config.full(steps, lr) : PretrainRun.Config.standard(steps, lr);
        PretrainRun run = new PretrainRun(config);
        Backend backend = switch (backendName) {
            case "cpu" -> CpuBackend.withThreads(Runtime.getRuntime().availableProcessors());
            case "cuda" -> CudaBackend.open(0);
            default -> throw new IllegalArgumentException("pretrain: --backend " + backendName
                    + "; use cpu or cuda");
        };
        System.out.printf(Locale.ROOT, "slimgrad pretrain: order-2 Markov source, V %d, entropy rate %.4f nats;"
                        + " model d %d, h %d, rank %d, %d steps of %d on %s, backend %s%n", config.symbols(),
                run.source().entropyRate(), config.width(), config.hidden(), config.rank(), steps, config.batch(),
                Machine.current(), backend.name());
        List<PretrainRun.Result> results = new ArrayList<>();
        long start = System.nanoTime();
        for (Linear.Method method : Linear.Method.values()) {
            System.out.printf(Locale.ROOT, "[%d/%d] %s (elapsed %.0f s)%n", results.size() + 1,
                    Linear.Method.values().length, method.label, (System.nanoTime() - start) / 1e9);
            results.add(run.run(method, backend));
        }
        write(out, config, run.source().entropyRate(), results);
        System.out.print(table(config, run.source().entropyRate(), results));
    }

    static String table(PretrainRun.Config config, double entropy, List<PretrainRun.Result> results) {
        double full = results.get(0).validationLoss();
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "| method | validation loss (nats) |"
                + " perplexity | vs full AdamW | block optimizer state | peak step transient | ms per step |%n"
                + "|---|---|---|---|---|---|---|%n"));
        for (PretrainRun.Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.3f | %+.1f%% | %.2f MiB (%.0f%% of full Adam) |"
                            + " %.2f MiB | %.1f |%n", r.method().label, r.validationLoss(), Math.exp(r.validationLoss()),
                    100 * (r.validationLoss() / full - 1), r.blockMemory().heldBytes() / 1048576.0,
                    100 * r.blockMemory().fractionOfFullRankAdam(), r.blockMemory().peakStepBytes() / 1048576.0,
                    r.msPerStep()));
        }
        md.append(String.format(Locale.ROOT, "| source entropy rate (the floor) | %.4f | %.3f | | | | |%n", entropy,
                Math.exp(entropy)));
        return md.toString();
    }

    private static void write(Path dir, PretrainRun.Config config, double entropy, List<PretrainRun.Result> results) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("pretrain.md"), "# Pretraining through slimgrad\n\n" + String.format(
                    Locale.ROOT, "Order-2 Markov source over %d symbols (entropy rate %.4f nats), residual MLP language"
                            + " model d = %d, h = %d (two blocks: four %dx%d / %dx%d matrices), rank %d, refresh every %d,"
                            + " %d steps of %d positions, lr %.0e for every method (GaLore scale α = %.2f for the SVD and DCT"
                            + " projectors, SLTrain's α/r = %.2f), the same seed and data order for every method."
                            + " Machine: %s.%n%n", config.symbols(), entropy, config.width(), config.hidden(),
                    config.hidden(), config.width(), config.width(), config.hidden(), config.rank(), config.updateGap(),
                    config.steps(), config.batch(), config.lr(), config.projectionScale(),
                    config.sparseLowRankScale(), Machine.current()) + table(config, entropy, results)
                    + "\nBlock optimizer state: the optimizer bytes of the four block matrices (embeddings and head use"
                    + " full AdamW in every run, " + String.format(Locale.ROOT, "%.2f MiB",
                    results.get(0).otherOptimizerBytes() / 1048576.0) + ").\n\n![loss curves](pretrain-loss.png)\n");
            JsonObject root = new JsonObject();
            root.addProperty("entropyRate", entropy);
            root.addProperty("steps", config.steps());
            root.addProperty("machine", Machine.current().toString());
            JsonArray runs = new JsonArray();
            for (PretrainRun.Result r : results) {
                JsonObject o = new JsonObject();
                o.addProperty("method", r.method().label);
                o.addProperty("validationLoss", r.validationLoss());
                o.addProperty("perplexity", Math.exp(r.validationLoss()));
                o.addProperty("blockOptimizerBytes", r.blockMemory().heldBytes());
                o.addProperty("fullAdamBytes", r.blockMemory().fullRankAdamBytes());
                o.addProperty("peakStepBytes", r.blockMemory().peakStepBytes());
                o.addProperty("otherOptimizerBytes", r.otherOptimizerBytes());
                o.addProperty("msPerStep", r.msPerStep());
                JsonArray curve = new JsonArray();
                for (double[] point : r.trainCurve()) {
                    JsonArray p = new JsonArray();
                    p.add(point[0]);
                    p.add(point[1]);
                    curve.add(p);
                }
                o.add("trainCurve", curve);
                runs.add(o);
            }
            root.add("runs", runs);
            Files.writeString(dir.resolve("pretrain.json"), new GsonBuilder().setPrettyPrinting().create().toJson(root));
            chart(dir.resolve("pretrain-loss.png"), entropy, results);
        } catch (IOException e) {
            throw new UncheckedIOException("pretrain: cannot write into " + dir, e);
        }
    }

    private static void chart(Path file, double entropy, List<PretrainRun.Result> results) throws IOException {
        java.util.Map<String, double[][]> curves = new java.util.LinkedHashMap<>();
        for (PretrainRun.Result r : results) {
            curves.put(r.method().label, r.trainCurve().toArray(new double[0][]));
        }
        LossChart.save(file, "Training loss (mean over each 20 steps)", curves, entropy);
    }
}
