package org.slimgrad.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * MpiCollective on real Open MPI processes: {@code mpirun -np 2} and {@code -np 3} of {@link MpiCheck}. Skipped, with
 * the reason, where mpirun is not installed; CI installs Open MPI and fails if these were skipped.
 */
class MpiCollectiveTest {

    @Test
    void everyCollectiveOnTwoAndThreeRanksEqualsTheInProcessGroupBitForBit() throws Exception {
        for (int ranks : new int[]{2, 3}) {
            Run run = mpirun(ranks, "contract", 120);
            assertEquals(0, run.status, run.output);
            for (int r = 0; r < ranks; r++) {
                assertTrue(run.output.contains("rank " + r + " of " + ranks
                        + ": every collective equals the in-process group's bits"), run.output);
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
            Run run = mpirun(ranks, "sharded", 120);
            assertEquals(0, run.status, run.output);
            for (int r = 0; r < ranks; r++) {
                assertTrue(run.output.contains("rank " + r + " of " + ranks
                        + ": sharded weights equal the unsharded run's bits"), run.output);
            }
        }
    }

    @Test
    void aMismatchedCallFailsOnEveryRankNamingEachRanksCall() throws Exception {
        Run run = mpirun(2, "mismatch", 120);
        assertEquals(0, run.status, run.output);
        for (int r = 0; r < 2; r++) {
            assertTrue(run.output.contains("rank " + r + " refused: collective on rank " + r
                    + ": the ranks' calls differ: [allReduceSum 3x4, allReduceSum 3x5]"), run.output);
        }
    }

    @Test
    void aStuckRankEndsTheJobAfterTheTimeoutInsteadOfHanging() throws Exception {
        Run run = mpirun(2, "stuck", 90);
        assertNotEquals(0, run.status, run.output);
        assertTrue(run.output.contains("rank 0 of 2 waited 3000 ms in barrier"), run.output);
        assertTrue(!run.output.contains("passed a barrier"), run.output);
    }

    @Test
    void aRankThatDiesEndsTheJobInsteadOfHanging() throws Exception {
        Run run = mpirun(2, "dies", 90);
        assertNotEquals(0, run.status, run.output);
        assertTrue(!run.output.contains("passed a barrier"), run.output);
    }

    private record Run(int status, String output) {
    }

    // mpirun -np N java MpiCheck scenario, as root where CI runs, on however few cores this machine has
    private static Run mpirun(int ranks, String scenario, int seconds) throws IOException, InterruptedException {
        Path mpirun = onPath("mpirun");
        assumeTrue(mpirun != null, "mpirun is not installed (Debian: apt-get install openmpi-bin libopenmpi-dev)");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(mpirun.toString(), "-np", Integer.toString(ranks),
                "--oversubscribe", "--bind-to", "none"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("--allow-run-as-root");
        }
        command.addAll(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                MpiCheck.class.getName(), scenario));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMPI_MCA_btl_vader_single_copy_mechanism", "none"); // containers forbid CMA
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes()));
            } catch (IOException e) {
                output.append("(reading mpirun's output failed: ").append(e).append(')');
            }
        });
        reader.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            reader.join(5000);
            throw new AssertionError("mpirun -np " + ranks + " " + scenario + " still running after " + seconds
                    + " s (a hang):\n" + output);
        }
        reader.join(5000);
        return new Run(process.exitValue(), output.toString());
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
