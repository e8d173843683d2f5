package org.slimgrad.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * MpiCollective on real Open MPI processes: {@code mpirun -np 2} and {@code -np 3} of {@link MpiCheck}, started by
 * {@link MpiJob}. Skipped, with the reason, where mpirun is not installed; CI installs Open MPI and fails if these
 * were skipped.
 */
class MpiCollectiveTest {

    @Test
    void everyCollectiveOnTwoAndThreeRanksEqualsTheInProcessGroupBitForBit() throws Exception {
        for (int ranks : new int[]{2, 3}) {
            MpiJob.Result run = mpirun(ranks, "contract", 120);
            assertEquals(0, run.status(), run.output());
            for (int r = 0; r < ranks; r++) {
                assertTrue(run.output().contains("rank " + r + " of " + ranks
                        + ": every collective equals the in-process group's bits"), run.output());
            }
        }
    }

    /**
     * ZeRO-1 over MPI: every rank ends with the unsharded run's weights, bit for bit, holding part of the state (the
     * shares' sum against the whole is checked in-process, ShardedOptimizerTest).
     */
    @Test
    void shardedOptimizerStateOnTwoAndThreeRanksGivesTheUnshardedWeights() throws Exception {
        for (int ranks : new int[]{2, 3}) {
            MpiJob.Result run = mpirun(ranks, "sharded", 120);
            assertEquals(0, run.status(), run.output());
            for (int r = 0; r < ranks; r++) {
                assertTrue(run.output().contains("rank " + r + " of " + ranks
                        + ": sharded weights equal the unsharded run's bits"), run.output());
            }
        }
    }

    @Test
    void aMismatchedCallFailsOnEveryRankNamingEachRanksCall() throws Exception {
        MpiJob.Result run = mpirun(2, "mismatch", 120);
        assertEquals(0, run.status(), run.output());
        for (int r = 0; r < 2; r++) {
            assertTrue(run.output().contains("rank " + r + " refused: collective on rank " + r
                    + ": the ranks' calls differ: [allReduceSum 3x4, allReduceSum 3x5]"), run.output());
        }
    }

    @Test
    void aStuckRankEndsTheJobAfterTheTimeoutInsteadOfHanging() throws Exception {
        MpiJob.Result run = mpirun(2, "stuck", 90);
        assertNotEquals(0, run.status(), run.output());
        assertTrue(run.output().contains("rank 0 of 2 waited 3000 ms in barrier"), run.output());
        assertTrue(!run.output().contains("passed a barrier"), run.output());
    }

    @Test
    void aRankThatDiesEndsTheJobInsteadOfHanging() throws Exception {
        MpiJob.Result run = mpirun(2, "dies", 90);
        assertNotEquals(0, run.status(), run.output());
        assertTrue(!run.output().contains("passed a barrier"), run.output());
    }

    private static MpiJob.Result mpirun(int ranks, String scenario, int seconds) throws Exception {
        assumeTrue(MpiJob.mpirun().isPresent(), "mpirun is not installed (Debian: apt-get install openmpi-bin"
                + " libopenmpi-dev)");
        return MpiJob.run(ranks, Duration.ofSeconds(seconds), MpiCheck.class, scenario);
    }
}
