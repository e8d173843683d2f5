package org.slimgrad.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The report job's run order: every case twice, each group in mirrored rounds, groups one after another. */
class RoundsTest {

    private static Case of(String group, String implementation) {
        return new Case(group, "1x1", implementation, implementation.equals("ours"), "B." + implementation,
                Map.of());
    }

    @Test
    void eachGroupRunsForwardThenBackBeforeTheNext() {
        Case a = of("g", "ours");
        Case b = of("g", "peer1");
        Case c = of("g", "peer2");
        Case x = of("h", "ours");
        Case y = of("h", "peer1");
        // a case of group g listed after h's still runs with its own group
        Case d = of("g", "peer3");
        assertEquals(List.of(a, b, c, d, d, c, b, a, x, y, y, x), Rounds.order(List.of(a, b, c, x, y, d)));
        assertEquals(Rounds.FORKS * 6, Rounds.order(List.of(a, b, c, x, y, d)).size());
    }
}
