package org.slimgrad.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.slimgrad.bench.Machine;

/**
 * The comparison report: each kernel-and-shape group with slimgrad's time beside every peer's, the speed-up over the
 * best peer, and each implementation's measured error against the reference; the optimizer-state memory of the
 * low-rank methods; charts. Built from JMH results matched to the {@link Suite}'s cases.
 */
public final class Report {

    /**
     * Heap bytes per call above which a slimgrad row is listed under the tables: 64 KiB, far above the few KiB of
     * argument checks and results a kernel allocates, far below one boxed vector per 16 elements of a layer.
     */
    static final double ALLOCATION_NOTED = 64 * 1024;

    /** A measured error of one implementation in one group, e.g. "max |error| / (u·Σ|a||b|)". */
    public record Accuracy(String group, String implementation, String metric, double value) {
    }

    /** One implementation's time in a group, with its error figure when one was measured. */
    public record Row(Case kase, JmhResults.Result result, Accuracy accuracy) {
    }

    /** slimgrad's row and its peers' for one kernel and shape. */
    public record Group(String kernel, String shape, Row ours, List<Row> peers) {

        /** The fastest peer's row. */
        public Row bestPeer() {
            return peers.stream().min((a, b) -> Double.compare(a.result.score(), b.result.score())).orElseThrow();
        }

        /** Best peer's time over slimgrad's: above 1 means slimgrad is faster. */
        public double speedup() {
            return bestPeer().result.score() / ours.result.score();
        }
    }

    private final List<Group> groups;
    private final String source;

    private Report(List<Group> groups, String source) {
        this.groups = groups;
        this.source = source;
    }

    public List<Group> groups() {
        return groups;
    }

    /**
     * Matches every case to its JMH result: the first one not taken by an earlier case, so that a benchmark that two
     * groups both time (the one-thread refresh, also in the thread-scaling group) shows in each group the run made
     * with that group's others. A case without a result is an error naming the source and the missing cases, as is a
     * group without slimgrad's row or without a peer.
     */
    public static Report build(List<Case> suite, List<JmhResults.Result> results, List<Accuracy> accuracy,
                               String source) {
        Map<String, List<Row>> byGroup = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        boolean[] taken = new boolean[results.size()];
        for (Case c : suite) {
            JmhResults.Result found = null;
            for (int i = 0; i < results.size() && found == null; i++) {
                JmhResults.Result r = results.get(i);
                if (!taken[i] && c.matches(r.benchmark(), r.params())) {
                    taken[i] = true;
                    found = r;
                }
            }
            if (found == null) {
                missing.add(c.toString());
                continue;
            }
            Accuracy acc = accuracy.stream()
                    .filter(a -> a.group().equals(c.group()) && a.implementation().equals(c.implementation()))
                    .findFirst().orElse(null);
            byGroup.computeIfAbsent(c.group(), g -> new ArrayList<>()).add(new Row(c, found, acc));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("report: " + source + " lacks " + missing.size() + " of " + suite.size()
                    + " benchmark results: " + String.join("; ", missing));
        }
        List<Group> groups = new ArrayList<>();
        for (List<Row> rows : byGroup.values()) {
            List<Row> ours = rows.stream().filter(r -> r.kase.slimgrad()).toList();
            List<Row> peers = rows.stream().filter(r -> !r.kase.slimgrad()).toList();
            Case first = rows.get(0).kase;
            if (ours.size() != 1 || peers.isEmpty()) {
                throw new IllegalArgumentException("report: group " + first.group() + " needs one slimgrad case and at"
                        + " least one peer, has " + ours.size() + " and " + peers.size());
            }
            groups.add(new Group(first.kernel(), first.shape(), ours.get(0), peers));
        }
        return new Report(groups, source);
    }

    /** Writes index.md, results.json and the charts into {@code dir} (created if needed). */
    public void write(Path dir, Machine machine, String mode) {
        try {
            Files.createDirectories(dir);
            List<MemoryModel.Row> memory = MemoryModel.rows();
            Files.writeString(dir.resolve("results.json"), json(machine, mode, memory));
            List<String> charts = Charts.write(dir, this, memory);
            String pretrain = Files.exists(dir.resolve("pretrain.md"))
                    ? "\n## Pretraining\n\nA small language model trained through these kernels with full AdamW, GaLore,"
                    + " DCT projection and SLTrain: [pretrain.md](pretrain.md).\n\n![loss curves](pretrain-loss.png)\n"
                    : "";
            Files.writeString(dir.resolve("index.md"), markdown(machine, mode, memory, charts) + pretrain);
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot write into " + dir, e);
        }
    }

    private String markdown(Machine machine, String mode, List<MemoryModel.Row> memory, List<String> charts) {
        StringBuilder md = new StringBuilder();
        md.append("# slimgrad: hardware comparison\n\n");
        md.append("Machine: ").append(machine).append(". Suite: ").append(mode).append(". Source: ").append(source)
                .append(".\n\nTimes are JMH averages in ms per call ± the 99.9% half-interval, every row measured in the"
                        + " same run: two forks each, a group's implementations run in order and then in reverse, so"
                        + " that the host's drift between speed levels weighs on all of them alike. Speed-up = best"
                        + " peer's time / slimgrad's time (above 1: slimgrad is faster)."
                        + " Error columns are measured against float64 references (see each kernel's metric).\n\n");
        md.append("## Summary\n\n| kernel | shape | slimgrad (ms) | best peer | peer (ms) | speed-up |\n"
                + "|---|---|---|---|---|---|\n");
        for (Group g : groups) {
            Row best = g.bestPeer();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f× |%n", cell(g.kernel()),
                    cell(g.shape()), time(g.ours().result()), cell(best.kase().implementation()), time(best.result()),
                    g.speedup()));
        }
        md.append("\n## Every implementation\n");
        for (Group g : groups) {
            md.append("\n### ").append(cell(g.kernel())).append(", ").append(cell(g.shape())).append("\n\n")
                    .append("| implementation | time (ms) | × slimgrad's time | error vs reference |\n|---|---|---|---|\n");
            List<Row> rows = new ArrayList<>();
            rows.add(g.ours());
            rows.addAll(g.peers());
            for (Row r : rows) {
                String name = cell(r.kase().implementation());
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s |%n",
                        r.kase().slimgrad() ? "**" + name + "**" : name, time(r.result()),
                        r.result().score() / g.ours().result().score(), accuracy(r.accuracy())));
            }
        }
        List<String> unsteady = new ArrayList<>();
        for (Group g : groups) {
            List<Row> rows = new ArrayList<>(g.peers());
            rows.addFirst(g.ours());
            for (Row r : rows) {
                r.result().unsteady().ifPresent(why -> unsteady.add("- " + cell(g.kernel()) + ", " + cell(g.shape())
                        + ", " + cell(r.kase().implementation()) + ": " + why));
            }
        }
        if (!unsteady.isEmpty()) {
            md.append("\n† Still unsteady after the report job's longer warm-ups (").append(unsteady.size())
                    .append("; read those rows as rough):\n\n").append(String.join("\n", unsteady)).append('\n');
        }
        List<String> allocating = new ArrayList<>();
        for (Group g : groups) {
            double bytes = g.ours().result().allocatedBytes();
            if (bytes > ALLOCATION_NOTED) {
                allocating.add(String.format(Locale.ROOT, "- %s, %s: %s per call", cell(g.kernel()), cell(g.shape()),
                        bytes(bytes)));
            }
        }
        if (!allocating.isEmpty()) {
            md.append("\nslimgrad rows that allocate over ").append(bytes(ALLOCATION_NOTED)).append(" of heap per call")
                    .append(" (JMH's GC profiler; workspaces made per call, or vectors the JIT left boxed, which costs")
                    .append(" time and varies from run to run):\n\n").append(String.join("\n", allocating))
                    .append('\n');
        }
        md.append("\n## Optimizer-state memory, one MLP matrix (fp32)\n\n")
                .append("| model | W | rank | full Adam | GaLore (SVD) | DCT | SLTrain |\n|---|---|---|---|---|---|---|\n");
        for (MemoryModel.Row r : memory) {
            MemoryModel.Layer l = r.layer();
            md.append(String.format(Locale.ROOT, "| %s | %dx%d | %d | %s | %s | %s | %s |%n", l.model(), l.m(), l.n(),
                    l.rank(), mib(r.fullAdam()), mib(r.galore()) + percent(r.galore(), r.fullAdam()),
                    mib(r.dct()) + percent(r.dct(), r.fullAdam()), mib(r.sltrain()) + percent(r.sltrain(),
                            r.fullAdam())));
        }
        md.append("\n## Charts\n\n");
        for (String chart : charts) {
            md.append("![").append(chart).append("](").append(chart).append(")\n\n");
        }
        return md.toString();
    }

    private String json(Machine machine, String mode, List<MemoryModel.Row> memory) {
        JsonObject root = new JsonObject();
        JsonObject m = new JsonObject();
        m.addProperty("cpu", machine.cpu());
        m.addProperty("vectorFlags", machine.vectorFlags());
        m.addProperty("cores", machine.cores());
        m.addProperty("jdk", machine.jdk());
        m.addProperty("vectorBits", machine.vectorBits());
        m.addProperty("peers", machine.peers());
        m.add("gpu", null);
        root.add("machine", m);
        root.addProperty("suite", mode);
        root.addProperty("source", source);
        root.addProperty("generated", Instant.now().toString());
        JsonArray kernels = new JsonArray();
        for (Group g : groups) {
            JsonObject k = new JsonObject();
            k.addProperty("kernel", g.kernel());
            k.addProperty("shape", g.shape());
            k.addProperty("bestPeer", g.bestPeer().kase().implementation());
            k.addProperty("speedupVsBestPeer", g.speedup());
            JsonArray rows = new JsonArray();
            List<Row> all = new ArrayList<>();
            all.add(g.ours());
            all.addAll(g.peers());
            for (Row r : all) {
                JsonObject o = new JsonObject();
                o.addProperty("implementation", r.kase().implementation());
                o.addProperty("slimgrad", r.kase().slimgrad());
                o.addProperty("benchmark", r.kase().benchmark());
                o.addProperty("score", r.result().score());
                o.addProperty("error", Double.isNaN(r.result().error()) ? null : r.result().error());
                o.addProperty("unit", r.result().unit());
                double allocated = r.result().allocatedBytes();
                o.addProperty("allocatedBytesPerCall", Double.isNaN(allocated) ? null : allocated);
                if (r.accuracy() != null) {
                    o.addProperty("accuracyMetric", r.accuracy().metric());
                    o.addProperty("accuracy", r.accuracy().value());
                }
                rows.add(o);
            }
            k.add("implementations", rows);
            kernels.add(k);
        }
        root.add("kernels", kernels);
        JsonArray mem = new JsonArray();
        for (MemoryModel.Row r : memory) {
            JsonObject o = new JsonObject();
            o.addProperty("model", r.layer().model());
            o.addProperty("m", r.layer().m());
            o.addProperty("n", r.layer().n());
            o.addProperty("rank", r.layer().rank());
            o.addProperty("fullAdamBytes", r.fullAdam());
            o.addProperty("galoreBytes", r.galore());
            o.addProperty("dctBytes", r.dct());
            o.addProperty("sltrainBytes", r.sltrain());
            mem.add(o);
        }
        root.add("optimizerStateMemory", mem);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root);
    }

    // † marks a measurement that stayed unsteady (listed under the tables)
    private static String time(JmhResults.Result r) {
        String time = Double.isNaN(r.error()) ? String.format(Locale.ROOT, "%.3g", r.score())
                : String.format(Locale.ROOT, "%.3g ± %.2g", r.score(), r.error());
        return r.unsteady().isPresent() ? time + " †" : time;
    }

    private static String accuracy(Accuracy a) {
        return a == null ? "—" : cell(String.format(Locale.ROOT, "%s = %.3g", a.metric(), a.value()));
    }

    // a Markdown table cell: a '|' in the text would end the cell
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    // bytes as KiB or MiB, whichever reads better
    private static String bytes(double bytes) {
        return bytes < 1048576 ? String.format(Locale.ROOT, "%.0f KiB", bytes / 1024)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }

    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, " (%.0f%%)", 100.0 * part / whole);
    }
}
