package org.slimgrad.bench.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * One timed implementation in the report: a JMH benchmark method with fixed parameters, labelled by the kernel and
 * shape it measures and the implementation it runs. Cases of the same kernel and shape are compared with each
 * other; the one marked {@code slimgrad} is ours, the rest are peers.
 *
 * @param kernel         what is computed, e.g. "gemm"
 * @param shape          the problem size as shown in the report, e.g. "1024x1024x1024"
 * @param implementation who computes it, e.g. "OpenBLAS 2 threads"
 * @param slimgrad       whether this is slimgrad's implementation
 * @param benchmark      fully qualified JMH benchmark name (class.method)
 * @param params         the JMH parameters that select this case (others keep their defaults)
 */
public record Case(String kernel, String shape, String implementation, boolean slimgrad, String benchmark,
                   Map<String, String> params) {

    public Case {
        params = Map.copyOf(params);
    }

    /** Key of the kernel-and-shape group this case is compared within. */
    public String group() {
        return kernel + " " + shape;
    }

    /** Whether a JMH result (benchmark name and its full parameter map) is this case's. */
    public boolean matches(String resultBenchmark, Map<String, String> resultParams) {
        return benchmark.equals(resultBenchmark) && resultParams.entrySet().containsAll(params.entrySet());
    }

    @Override
    public String toString() {
        return group() + " / " + implementation + " (" + benchmark + " " + new TreeMap<>(params) + ")";
    }
}
