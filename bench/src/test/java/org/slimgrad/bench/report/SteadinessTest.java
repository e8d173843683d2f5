package org.slimgrad.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which measurement iterations the report job measures again, and the report marks when they stay unsteady. */
class SteadinessTest {

    private static List<List<Double>> oneFork(Double... iterations) {
        return List.of(List.of(iterations));
    }

    @Test
    void aWarmUpStillUnderWayIsATrend() {
        // the randomized-SVD row issue 28 quotes: reported as 103 ± 200
        Optional<String> problem = Steadiness.problem(oneFork(189.0, 170.0, 84.0, 90.0, 91.0), 103, 200);
        assertEquals(Optional.of("iterations still trend: 189, 170, 84.0, 90.0, 91.0"), problem);
        assertTrue(Steadiness.problem(oneFork(5.0, 5.1, 6.2, 6.4), 5.7, 0.5).isPresent(), "rising is a trend too");
    }

    @Test
    void flatIterationsWithANarrowIntervalAreSteady() {
        assertEquals(Optional.empty(), Steadiness.problem(oneFork(12.0, 12.1, 11.9, 12.0, 12.1), 12.02, 0.3));
        // within 20% either way: not a trend
        assertEquals(Optional.empty(), Steadiness.problem(oneFork(10.0, 10.0, 11.5, 11.9, 11.9), 11.06, 2.0));
    }

    @Test
    void anIntervalOverHalfTheMeanIsUnsteadyWhateverTheOrder() {
        assertEquals(Optional.of("interval ± 4.6 is more than half the mean 7.10"),
                Steadiness.problem(oneFork(5.8, 8.1, 8.0, 7.8, 5.8), 7.1, 4.6));
        assertTrue(Steadiness.problem(oneFork(), 7.1, 4.6).isPresent(), "without iterations, the interval alone");
        assertEquals(Optional.empty(), Steadiness.problem(oneFork(3.0, 2.0), 2.5, 1.0), "too few to see a trend");
        assertEquals(Optional.empty(), Steadiness.problem(oneFork(3.0, 2.0), 2.5, Double.NaN),
                "no interval (too few samples) and too few iterations for a trend");
        assertTrue(Steadiness.problem(oneFork(9.0, 8.0, 4.0, 4.0), 6.25, Double.NaN).isPresent(),
                "no interval, but a trend");
    }

    @Test
    void forksAreJudgedOneByOne() {
        // two flat forks at levels 30% apart: the host's drift between them, not a warm-up still under way
        assertEquals(Optional.empty(), Steadiness.problem(
                List.of(List.of(1.0, 1.0, 1.0, 1.0), List.of(1.3, 1.3, 1.3, 1.3)), 1.15, 0.2));
        assertEquals(Optional.of("iterations still trend: 2.00, 1.90, 1.00, 1.00"), Steadiness.problem(
                List.of(List.of(1.0, 1.0, 1.0, 1.0), List.of(2.0, 1.9, 1.0, 1.0)), 1.2, 0.3),
                "a trend within the second fork");
    }
}
