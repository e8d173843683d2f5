package org.slimgrad.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The {@code gemm} job: runs {@link GemmBench} for every shape and implementation in one go, then prints GFLOP/s
 * side by side with the speed-up of slimgrad over each peer, and each implementation's measured error, so a
 * speed-up never hides a worse answer.
 */
final class GemmComparison {

    /** The naive loop is timed only up to this many multiply-adds; beyond, one call takes tens of seconds. */
    private static final double NAIVE_MAX_MACS = 1024.0 * 1024 * 1024;
    private static final int ERROR_SAMPLES = 64;

    private GemmComparison() {
    }

    static void run(String[] shapeArgs) throws RunnerException {
        List<GemmShape> shapes = new ArrayList<>();
        for (String s : shapeArgs.length > 0 ? shapeArgs : defaultShapes()) {
            shapes.add(GemmShape.parse(s));
        }
        System.out.println("slimgrad gemm: C = A·B, fp32, GFLOP/s = 2mnk / time (JMH average, ± 99.9% interval);"
                + " 2-thread ratios are against each peer's best (netlib has no threads: its 1-thread figure)");
        System.out.println("machine: " + Machine.current());
        long start = System.nanoTime();
        Map<GemmShape, Map<String, double[]>> gflops = new LinkedHashMap<>();
        Map<GemmShape, Map<String, Double>> errors = new LinkedHashMap<>();
        for (int s = 0; s < shapes.size(); s++) {
            GemmShape shape = shapes.get(s);
            List<String> impls = implsFor(shape);
            System.out.printf(Locale.ROOT, "[%d/%d] %s: %s (elapsed %s)%n", s + 1, shapes.size(), shape.label(),
                    String.join(", ", impls), elapsed(start));
            errors.put(shape, measureErrors(shape, impls));
            gflops.put(shape, time(shape, impls));
        }
        print(gflops, errors);
        System.out.println("total " + elapsed(start));
    }

    private static String[] defaultShapes() {
        try {
            return GemmBench.class.getField("shape").getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("GemmBench has no 'shape' parameter", e);
        }
    }

    private static List<String> implsFor(GemmShape shape) {
        List<String> impls = new ArrayList<>();
        for (String name : GemmImpl.NAMES) {
            if (!name.equals("naive") || shape.flops() / 2 <= NAIVE_MAX_MACS) {
                impls.add(name);
            }
        }
        return impls;
    }

    private static Map<String, double[]> time(GemmShape shape, List<String> impls) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(GemmBench.class.getName() + ".multiply")
                .param("shape", shape.key())
                .param("impl", impls.toArray(String[]::new))
                .verbosity(VerboseMode.SILENT)
                .build();
        Map<String, double[]> byImpl = new LinkedHashMap<>();
        for (RunResult run : new Runner(options).run()) {
            Result<?> r = run.getPrimaryResult();
            double ms = r.getScore();
            double gf = shape.flops() / (ms * 1e6);
            double err = Double.isNaN(r.getScoreError()) ? 0 : gf * r.getScoreError() / ms;
            byImpl.put(run.getParams().getParam("impl"), new double[]{gf, err});
        }
        return byImpl;
    }

    /**
     * Largest error over sampled entries, in units of u·Σ|aₖ||bₖ| (u = 2⁻²⁴), against a float64 dot product of
     * the same fp32 inputs: about 1 for a well-ordered fp32 sum, √k-ish at worst.
     */
    static Map<String, Double> measureErrors(GemmShape shape, List<String> impls) {
        Map<String, Double> worst = new LinkedHashMap<>();
        for (String name : impls) {
            GemmImpl gemm = GemmImpl.create(name, shape, GemmBench.SEED);
            gemm.multiply();
            SplittableRandom rng = new SplittableRandom(7);
            double max = 0;
            for (int sample = 0; sample < ERROR_SAMPLES; sample++) {
                int i = rng.nextInt(shape.m());
                int j = rng.nextInt(shape.n());
                double exact = 0;
                double abs = 0;
                for (int p = 0; p < shape.k(); p++) {
                    double prod = (double) gemm.a(i, p) * gemm.b(p, j);
                    exact += prod;
                    abs += Math.abs(prod);
                }
                max = Math.max(max, Math.abs(gemm.result(i, j) - exact) / (abs * 0x1p-24));
            }
            worst.put(name, max);
            if (name.equals("netlib") || name.endsWith("-1t")) {
                System.out.println("    " + name + " runs " + gemm.implementation());
            }
        }
        return worst;
    }

    private static void print(Map<GemmShape, Map<String, double[]>> gflops, Map<GemmShape, Map<String, Double>> errors) {
        StringBuilder out = new StringBuilder("\nGFLOP/s\n");
        out.append(String.format(Locale.ROOT, "%-24s", "shape"));
        for (String name : GemmImpl.NAMES) {
            out.append(String.format(Locale.ROOT, "%16s", name));
        }
        out.append(String.format(Locale.ROOT, "   %-34s %-34s%n", "1 thread: x OpenBLAS, netlib, EJML",
                "2 threads: x OpenBLAS, netlib, EJML"));
        for (var entry : gflops.entrySet()) {
            Map<String, double[]> row = entry.getValue();
            out.append(String.format(Locale.ROOT, "%-24s", entry.getKey().label()));
            for (String name : GemmImpl.NAMES) {
                double[] v = row.get(name);
                out.append(v == null ? String.format(Locale.ROOT, "%16s", "-")
                        : String.format(Locale.ROOT, "%16s", String.format(Locale.ROOT, "%.1f ± %.1f", v[0], v[1])));
            }
            out.append(String.format(Locale.ROOT, "   %-34s %-34s%n",
                    ratio(row, "slimgrad-1t", "openblas-1t") + "  " + ratio(row, "slimgrad-1t", "netlib") + "  "
                            + ratio(row, "slimgrad-1t", "ejml"),
                    ratio(row, "slimgrad-2t", "openblas-2t") + "  " + ratio(row, "slimgrad-2t", "netlib") + "  "
                            + ratio(row, "slimgrad-2t", "ejml-2t")));
        }
        out.append("\nmax error over ").append(ERROR_SAMPLES).append(" sampled entries, in units of u·Σ|a||b| (u = 2^-24)\n");
        for (var entry : errors.entrySet()) {
            out.append(String.format(Locale.ROOT, "%-24s", entry.getKey().label()));
            for (String name : GemmImpl.NAMES) {
                Double e = entry.getValue().get(name);
                out.append(String.format(Locale.ROOT, "%16s", e == null ? "-" : String.format(Locale.ROOT, "%.3f", e)));
            }
            out.append('\n');
        }
        System.out.print(out);
    }

    private static String ratio(Map<String, double[]> row, String ours, String peer) {
        double[] a = row.get(ours);
        double[] b = row.get(peer);
        return a == null || b == null ? "-" : String.format(Locale.ROOT, "%.2fx", a[0] / b[0]);
    }

    /** Minutes and seconds since {@code startNanos}, for progress lines. */
    static String elapsed(long startNanos) {
        long s = (System.nanoTime() - startNanos) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
