package org.slimgrad.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a case's measurement iterations describe a steady state: no fork still trending (the mean of its first two
 * iterations within 20% of the mean of its last two, either way: a JIT still compiling, or a neighbour arriving),
 * and an interval at most half the mean. Forks are judged one by one: two forks at different levels are the host's
 * drift between them, which the interval carries, not a warm-up too short. The report job measures an unsteady
 * fork again with a longer warm-up; the report marks a row that stayed unsteady.
 */
public final class Steadiness {

    /** How far apart the first and last iterations may be, as a ratio of their means. */
    static final double TREND = 1.2;

    private Steadiness() {
    }

    /**
     * Why these iterations, fork by fork (and the score's 99.9% half-interval), are not steady; empty when they are.
     * An error of NaN (JMH had too few samples for an interval) leaves the trend as the only test.
     */
    public static Optional<String> problem(List<List<Double>> forks, double score, double error) {
        for (List<Double> iterations : forks) {
            Optional<String> trend = trend(iterations);
            if (trend.isPresent()) {
                return trend;
            }
        }
        if (error > score / 2) {
            return Optional.of(String.format(Locale.ROOT, "interval ± %.2g is more than half the mean %.3g", error,
                    score));
        }
        return Optional.empty();
    }

    private static Optional<String> trend(List<Double> iterations) {
        if (iterations.size() >= 4) {
            int n = iterations.size();
            double first = (iterations.get(0) + iterations.get(1)) / 2;
            double last = (iterations.get(n - 2) + iterations.get(n - 1)) / 2;
            if (first > TREND * last || last > TREND * first) {
                return Optional.of("iterations still trend: " + iterations.stream()
                        .map(v -> String.format(Locale.ROOT, "%.3g", v)).collect(Collectors.joining(", ")));
            }
        }
        return Optional.empty();
    }
}
