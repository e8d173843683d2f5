package org.slimgrad.bench.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.slimgrad.nativelib.MpiJob;

/**
 * The data-parallel pretraining demo on real Open MPI ranks ({@code mpirun -np 1, 2, 3}): the same weights bit for
 * bit on every number of ranks, across two refreshes, and each rank holding its share of the optimizer state.
 * Skipped, with the reason, where mpirun is not installed; CI installs Open MPI and fails if these were skipped.
 */
class MpiPretrainTest {

    private static final Pattern DIGEST = Pattern.compile("on (\\d) ranks: validation loss \\S+, weights sha256 (\\w+)");
    private static final Pattern BYTES = Pattern.compile("rank (\\d) of (\\d): optimizer bytes (\\d+)");

    @Test
    void svdAndDctRunsOnOneTwoAndThreeRanksEndWithTheSameWeightsAndShardedState() throws Exception {
        assumeTrue(MpiJob.mpirun().isPresent(), "mpirun is not installed (Debian: apt-get install openmpi-bin"
                + " libopenmpi-dev)");
        for (String method : new String[]{"svd", "dct"}) {
            String digest = null;
            long whole = 0;
            for (int ranks = 1; ranks <= 3; ranks++) {
                // 12 steps of the small model: refreshes at steps 0, 5 and 10
                MpiJob.Result run = MpiJob.run(ranks, Duration.ofMinutes(3), MpiPretrain.class, method, "12", "small");
                assertEquals(0, run.status(), run.output());
                Matcher result = DIGEST.matcher(run.output());
                assertTrue(result.find(), run.output());
                assertEquals(ranks, Integer.parseInt(result.group(1)), run.output());
                if (digest == null) {
                    digest = result.group(2);
                } else {
                    assertEquals(digest, result.group(2), method + " on " + ranks + " ranks:\n" + run.output());
                }
                List<Long> held = new ArrayList<>();
                Matcher bytes = BYTES.matcher(run.output());
                while (bytes.find()) {
                    held.add(Long.parseLong(bytes.group(3)));
                }
                assertEquals(ranks, held.size(), run.output());
                long sum = held.stream().mapToLong(Long::longValue).sum();
                if (ranks == 1) {
                    whole = sum;
                }
                // every optimizer on exactly one rank, whole matrices to the least loaded: on this model each rank
                // holds within a quarter of an even share
                assertEquals(whole, sum, method + ": the ranks' shares add up to the one-rank state\n" + run.output());
                for (long share : held) {
                    assertTrue(share <= 1.25 * whole / ranks, method + " on " + ranks + " ranks: a rank holds " + share
                            + " of " + whole + " bytes\n" + run.output());
                }
            }
        }
    }
}
