package org.slimgrad.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.slimgrad.bench.report.Case;
import org.slimgrad.bench.report.JmhResults;
import org.slimgrad.bench.report.Report;
import org.slimgrad.bench.report.Rounds;
import org.slimgrad.bench.report.Steadiness;
import org.slimgrad.bench.report.Suite;

/**
 * The {@code report} job (the main job): runs every {@link Suite} case through JMH, one case per run so that a
 * progress line can say which one and how many are left, measures each kernel's error ({@link AccuracyChecks}),
 * and writes {@code report/}: index.md, results.json, the charts, and the raw jmh.json and accuracy.json.
 *
 * <pre>
 * Main report                       quick suite: 3×0.5 s warm-up, 5×0.5 s measurement, two forks per case in
 *                                   mirrored rounds (Rounds); an unsteady fork (Steadiness) again with 6, then 12
 *                                   warm-ups
 * Main report --full                full suite: the benchmarks' own iterations, the same two forks, the 1B shapes too
 * Main report --from DIR/jmh.json   rebuild the report from recorded results (accuracy.json beside it is used)
 * </pre>
 */
final class ReportJob {

    private ReportJob() {
    }

    static void run(String[] args) throws RunnerException {
        boolean full = List.of(args).contains("--full");
        Path from = null;
        Path out = Path.of("report");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--from") && i + 1 < args.length) {
                from = Path.of(args[++i]);
            } else if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else if (!args[i].equals("--full")) {
                throw new IllegalArgumentException("report: unknown argument '" + args[i]
                        + "'; use --full, --from FILE, --out DIR");
            }
        }
        List<Case> suite = Suite.cases(full);
        String mode = full ? "full" : "quick";
        Path jmhJson;
        List<Report.Accuracy> accuracy;
        long start = System.nanoTime();
        if (from == null) {
            jmhJson = out.resolve("jmh.json");
            System.out.println("slimgrad report (" + mode + "): " + suite.size() + " cases on " + Machine.current());
            writeJmh(jmhJson, time(suite, full, start));
            System.out.println("measuring errors against the references (elapsed " + GemmComparison.elapsed(start) + ")");
            accuracy = AccuracyChecks.measure(suite);
            write(out.resolve("accuracy.json"), new Gson().toJson(accuracy));
        } else {
            jmhJson = from;
            Path beside = from.resolveSibling("accuracy.json");
            accuracy = Files.exists(beside) ? readAccuracy(beside) : List.of();
        }
        Report report = Report.build(suite, JmhResults.read(jmhJson), accuracy, jmhJson.toString());
        report.write(out, Machine.current(), mode);
        System.out.println("wrote " + out.resolve("index.md") + " (elapsed " + GemmComparison.elapsed(start) + ")");
    }

    private static List<RunResult> time(List<Case> suite, boolean full, long start) throws RunnerException {
        List<Case> runs = Rounds.order(suite);
        Map<Case, List<RunResult>> forks = new HashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            Case c = runs.get(i);
            System.out.printf(Locale.ROOT, "[%d/%d] %s: %s (elapsed %s)%n", i + 1, runs.size(), c.group(),
                    c.implementation(), GemmComparison.elapsed(start));
            Collection<RunResult> measured = measure(c, full, 1);
            // an unsteady fork (iterations still trending, or an interval over half the mean) runs again with
            // two, then four times the warm-up; the report marks a case that stays unsteady
            for (int longer = 2; longer <= 4; longer *= 2) {
                Optional<String> problem = unsteady(measured);
                if (problem.isEmpty()) {
                    break;
                }
                System.out.printf(Locale.ROOT, "    %s; again with %d× the warm-up%n", problem.get(), longer);
                measured = measure(c, full, longer);
            }
            forks.computeIfAbsent(c, k -> new ArrayList<>()).addAll(measured);
        }
        List<RunResult> results = new ArrayList<>();
        for (Case c : suite) {
            results.addAll(merge(forks.get(c)));
        }
        return results;
    }

    // one result per parameter set, holding the forks of every run of it
    private static Collection<RunResult> merge(List<RunResult> runs) {
        Map<String, RunResult> byParams = new LinkedHashMap<>();
        for (RunResult run : runs) {
            byParams.merge(run.getParams().id(), run, (earlier, later) -> {
                List<BenchmarkResult> forks = new ArrayList<>(earlier.getBenchmarkResults());
                forks.addAll(later.getBenchmarkResults());
                return new RunResult(earlier.getParams(), forks);
            });
        }
        return byParams.values();
    }

    private static Collection<RunResult> measure(Case c, boolean full, int warmupFactor) throws RunnerException {
        // the GC profiler's bytes per operation show a kernel whose vectors the JIT left boxed (see Report)
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(c.benchmark()) + "$")
                .addProfiler(GCProfiler.class)
                .forks(1)
                .verbosity(VerboseMode.SILENT);
        c.params().forEach((k, v) -> options.param(k, v));
        if (full) { // the benchmarks' own iterations (1 to 3 warm-ups of 1 s); longer: 3 per factor
            if (warmupFactor > 1) {
                options.warmupIterations(3 * warmupFactor);
            }
        } else {
            options.warmupIterations(3 * warmupFactor).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(5).measurementTime(TimeValue.milliseconds(500));
        }
        return new Runner(options.build()).run();
    }

    private static Optional<String> unsteady(Collection<RunResult> measured) {
        for (RunResult run : measured) {
            List<List<Double>> forks = new ArrayList<>();
            for (BenchmarkResult fork : run.getBenchmarkResults()) {
                forks.add(fork.getIterationResults().stream().map(it -> it.getPrimaryResult().getScore()).toList());
            }
            Result<?> score = run.getPrimaryResult();
            Optional<String> problem = Steadiness.problem(forks, score.getScore(), score.getScoreError());
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static void writeJmh(Path file, List<RunResult> results) {
        try {
            Files.createDirectories(file.getParent());
            try (PrintStream ps = new PrintStream(Files.newOutputStream(file), true, "UTF-8")) {
                ResultFormatFactory.getInstance(ResultFormatType.JSON, ps).writeOut(results);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot write " + file, e);
        }
    }

    private static List<Report.Accuracy> readAccuracy(Path file) {
        try {
            return new Gson().fromJson(Files.readString(file), new TypeToken<List<Report.Accuracy>>() { }.getType());
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot read " + file, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot write " + file, e);
        }
    }
}
