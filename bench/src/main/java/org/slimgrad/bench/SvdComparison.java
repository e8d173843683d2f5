package org.slimgrad.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The {@code svd} job: the GaLore refresh of a 350M layer (1024×2736, rank 256, two power iterations) with
 * slimgrad's randomized SVD on our kernels and on OpenBLAS's GEMM, beside LAPACK's sgesdd and EJML's full SVD, in
 * one JMH run; then the accuracy of the randomized result ({@link SvdAccuracy}).
 */
final class SvdComparison {

    private SvdComparison() {
    }

    static void run() throws RunnerException {
        System.out.println("slimgrad svd: 1024x2736, ms per call (JMH average, ± 99.9% interval); machine: " + Machine.current());
        Options options = new OptionsBuilder()
                .include(SvdBench.class.getName() + ".(randomizedSvd|lapackSgesdd|ejmlFullSvd)$")
                .param("shape", "1024x2736")
                .param("powerIterations", "2")
                .warmupIterations(4)
                .measurementIterations(5)
                .verbosity(VerboseMode.SILENT)
                .build();
        Map<String, double[]> ms = new LinkedHashMap<>();
        for (RunResult run : new Runner(options).run()) {
            String method = run.getParams().getBenchmark().substring(SvdBench.class.getName().length() + 1);
            String backend = run.getParams().getParam("backend");
            String label = switch (method) {
                case "randomizedSvd" -> "slimgrad rSVD r=256 q=2 on " + ("native".equals(backend) ? "OpenBLAS GEMM" : "slimgrad cpu");
                case "lapackSgesdd" -> "LAPACK sgesdd (OpenBLAS, 2 threads)";
                default -> "EJML full SVD (1 thread)";
            };
            Result<?> r = run.getPrimaryResult();
            ms.put(label, new double[]{r.getScore(), r.getScoreError()});
        }
        double ours = ms.entrySet().stream().filter(e -> e.getKey().endsWith("slimgrad cpu"))
                .mapToDouble(e -> e.getValue()[0]).findFirst().orElse(Double.NaN);
        for (var e : ms.entrySet()) {
            double[] v = e.getValue();
            System.out.printf(Locale.ROOT, "  %-44s %10.1f ± %-8.1f  = %.2f x slimgrad's time%n", e.getKey(), v[0],
                    Double.isNaN(v[1]) ? 0 : v[1], v[0] / ours);
        }
        SvdAccuracy.run();
    }
}
