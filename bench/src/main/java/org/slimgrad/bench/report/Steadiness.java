package org.slimgrad.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a case's measurement iterations describe a steady state: not still trending (the mean of the first two
 * iterations within 20% of the mean of the last two, either way: a JIT still compiling, or a neighbour arriving),
 * and an interval at most half the mean. The report job measures an unsteady case again with a longer warm-up;
 * the report marks a row that stayed unsteady.
 */
public final class Steadiness {

    /** How far apart the first and last iterations may be, as a ratio of their means. */
    static final double TREND = 1.2;

    private Steadiness() {
    }

    /**
     * Why these iterations (and the score's 99.9% half-interval) are not steady; empty when they are. An error of NaN
     * (JMH had too few samples for an interval) leaves the trend as the only test.
     */
    public static Optional<String> problem(List<Double> iterations, double score, double error) {
        if (iterations.size() >= 4) {
            int n = iterations.size();
            double first = (iterations.get(0) + iterations.get(1)) / 2;
            double last = (iterations.get(n - 2) + iterations.get(n - 1)) / 2;
            if (first > TREND * last || last > TREND * first) {
                return Optional.of("iterations still trend: " + iterations.stream()
                        .map(v -> String.format(Locale.ROOT, "%.3g", v)).collect(Collectors.joining(", ")));
            }
        }
        if (error > score / 2) {
            return Optional.of(String.format(Locale.ROOT, "interval ± %.2g is more than half the mean %.3g", error,
                    score));
        }
        return Optional.empty();
    }
}
