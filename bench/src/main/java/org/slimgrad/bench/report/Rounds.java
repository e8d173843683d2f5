package org.slimgrad.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which the report job measures the cases: group after group, each group's cases once in suite order
 * and once in reverse (A B C, then C B A), one fork per run. The host this runs on drifts between speed levels
 * over seconds (a 768-point column DCT measured 0.84 ms a call for ten seconds, then 1.3–1.6 ms, in one process
 * with no compilation or collection in between); in mirrored rounds a drift that is steady over a group's runs
 * weighs on every implementation alike, where one run each, one after the other, put all of it into the ratio.
 */
public final class Rounds {

    /** Runs per case: forks, in mirrored order. */
    public static final int FORKS = 2;

    private Rounds() {
    }

    /** Every case {@link #FORKS} times, in the order described above. */
    public static List<Case> order(List<Case> suite) {
        Map<String, List<Case>> groups = new LinkedHashMap<>();
        for (Case c : suite) {
            groups.computeIfAbsent(c.group(), g -> new ArrayList<>()).add(c);
        }
        List<Case> runs = new ArrayList<>();
        for (List<Case> group : groups.values()) {
            for (int round = 0; round < FORKS; round++) {
                runs.addAll(round % 2 == 0 ? group : group.reversed());
            }
        }
        return runs;
    }
}
