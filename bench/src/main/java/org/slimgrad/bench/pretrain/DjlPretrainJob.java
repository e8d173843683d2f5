package org.slimgrad.bench.pretrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.slimgrad.bench.Machine;
import org.slimgrad.djl.pretrain.DjlPretrain;
import org.slimgrad.djl.pretrain.DjlPretrain.Config;
import org.slimgrad.djl.pretrain.DjlPretrain.Result;
import org.slimgrad.djl.pretrain.DjlPretrain.Run;
import org.slimgrad.djl.pretrain.JdkCorpus;

/**
 * The {@code djl-pretrain} job: a small GPT trained by DJL's own Trainer (PyTorch engine, CPU) on the JDK's
 * src.zip, four ways with the same seed, weights, data and token budget (DJL's AdamW; slimgrad's AdamW, GaLore SVD
 * and DCT projection through {@code SlimgradOptimizer}); writes report/djl-pretrain.md, .json and
 * djl-pretrain-loss.png.
 *
 * <pre>
 * Main djl-pretrain [--steps N] [--out DIR]     default 400 steps of 16 × 64 bytes (about 4 minutes on 2 cores)
 * </pre>
 */
public final class DjlPretrainJob {

    /** Steps of the main job's run. */
    static final int DEFAULT_STEPS = 400;

    private DjlPretrainJob() {
    }

    public static void run(String[] args) throws IOException {
        StepsAndOut options = StepsAndOut.parse("djl-pretrain", args, DEFAULT_STEPS);
        int steps = options.steps();
        Path out = options.out();
        Config config = Config.defaults(steps);
        JdkCorpus corpus = JdkCorpus.load(JdkCorpus.jdkSources(), config.trainBytes(), 1 << 19);
        System.out.printf(Locale.ROOT, "slimgrad djl-pretrain: %s (%d files, %d training and %d validation bytes);"
                        + " GPT d %d, %d blocks, %d heads, context %d, %d steps of %d on %s%n", corpus.source(),
                corpus.files(), corpus.train().length, corpus.validation().length, config.width(), config.layers(),
                config.heads(), config.context(), steps, config.batch(), Machine.current());
        List<Result> results = new ArrayList<>();
        long start = System.nanoTime();
        for (Run run : Run.values()) {
            System.out.printf(Locale.ROOT, "[%d/%d] %s (elapsed %.0f s)%n", results.size() + 1, Run.values().length,
                    run.label(), (System.nanoTime() - start) / 1e9);
            results.add(DjlPretrain.train(run, config, corpus));
        }
        write(out, config, corpus, results);
        System.out.print(table(results));
    }

    static String table(List<Result> results) {
        Result anchor = results.get(0);
        StringBuilder md = new StringBuilder("| optimizer | validation loss (nats/byte) | perplexity | vs DJL AdamW"
                + " | optimizer state | low-rank matrices' state (of full Adam's) | ms per step (vs DJL AdamW) |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            String lowRank = r.lowRankFullAdamBytes() == 0 ? "—" : String.format(Locale.ROOT, "%.2f of %.2f MiB (%.0f%%)",
                    r.lowRankBytes() / 1048576.0, r.lowRankFullAdamBytes() / 1048576.0,
                    100.0 * r.lowRankBytes() / r.lowRankFullAdamBytes());
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.3f | %+.1f%% | %.2f MiB | %s | %.1f (%.2fx) |%n",
                    r.run().label(), r.validationLoss(), r.validationPerplexity(),
                    100 * (r.validationLoss() / anchor.validationLoss() - 1), r.optimizerBytes() / 1048576.0, lowRank,
                    r.msPerStep(), r.msPerStep() / anchor.msPerStep()));
        }
        return md.toString();
    }

    private static void write(Path dir, Config config, JdkCorpus corpus, List<Result> results) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("djl-pretrain.md"), "# Pretraining through DJL\n\n" + String.format(
                    Locale.ROOT, "A GPT-style byte-level decoder built from DJL blocks (d = %d, %d blocks of causal"
                            + " %d-head attention and a 4·d GELU MLP, %d parameters) trained by DJL's Trainer on the"
                            + " PyTorch engine (CPU) on the JDK's own sources (%s: %d files, %d training bytes, %d"
                            + " validation bytes, split by file). %d steps of %d windows of %d bytes, lr %.0e, weight"
                            + " decay %.2g, the same seed, initial weights and data order for every optimizer. Low rank:"
                            + " the attention and MLP weights at rank %d, refreshed every %d steps, scale %.2f; the"
                            + " byte embedding, head, biases and norms use full AdamW. Optimizer state of DJL's AdamW"
                            + " is its two moments per parameter (2 × 4 bytes × %d). Machine: %s.%n%n",
                    config.width(), config.layers(), config.heads(), results.get(0).parameters(), corpus.source(),
                    corpus.files(), corpus.train().length, corpus.validation().length, config.steps(), config.batch(),
                    config.context(), config.learningRate(), config.weightDecay(), config.rank(), config.updateGap(),
                    config.scale(), results.get(0).parameters(), Machine.current()) + table(results)
                    + "\n![loss curves](djl-pretrain-loss.png)\n");
            JsonObject root = new JsonObject();
            root.addProperty("steps", config.steps());
            root.addProperty("corpus", corpus.source().toString());
            root.addProperty("machine", Machine.current().toString());
            JsonArray runs = new JsonArray();
            Map<String, double[][]> curves = new LinkedHashMap<>();
            for (Result r : results) {
                JsonObject o = new JsonObject();
                o.addProperty("optimizer", r.run().label());
                o.addProperty("validationLoss", r.validationLoss());
                o.addProperty("perplexity", r.validationPerplexity());
                o.addProperty("optimizerBytes", r.optimizerBytes());
                o.addProperty("lowRankBytes", r.lowRankBytes());
                o.addProperty("lowRankFullAdamBytes", r.lowRankFullAdamBytes());
                o.addProperty("msPerStep", r.msPerStep());
                double[][] curve = new double[r.trainLoss().length][];
                JsonArray points = new JsonArray();
                for (int p = 0; p < curve.length; p++) {
                    curve[p] = new double[]{(p + 1) * config.logEvery(), r.trainLoss()[p]};
                    points.add(r.trainLoss()[p]);
                }
                o.add("trainLossEvery" + config.logEvery() + "Steps", points);
                curves.put(r.run().label(), curve);
                runs.add(o);
            }
            root.add("runs", runs);
            Files.writeString(dir.resolve("djl-pretrain.json"),
                    new GsonBuilder().setPrettyPrinting().create().toJson(root));
            LossChart.save(dir.resolve("djl-pretrain-loss.png"), "Training loss through DJL (mean over each "
                    + config.logEvery() + " steps)", curves, Double.NaN);
        } catch (IOException e) {
            throw new UncheckedIOException("djl-pretrain: cannot write into " + dir, e);
        }
    }
}
