package org.slimgrad.nativelib;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;
import org.slimgrad.collective.CollectiveScript;
import org.slimgrad.collective.InProcessCollective;
import org.slimgrad.train.ShardedRun;

/**
 * One MPI rank of {@link MpiCollectiveTest}'s scenarios, started by mpirun: {@code contract} runs every collective on
 * MPI and on an in-process group of as many threads (the same per-rank inputs) and prints whether this rank's results
 * are the same bits; {@code sharded} trains {@link ShardedRun}'s parameters with sharded optimizer state and compares
 * them with the unsharded run; {@code mismatch} has rank 0 call with another shape; {@code stuck} and {@code dies}
 * leave rank 1 out of a barrier (asleep, or exited).
 */
final class MpiCheck {

    private MpiCheck() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        try (MpiCollective mpi = MpiCollective.world(Duration.ofSeconds(scenario.equals("stuck") ? 3 : 60))) {
            int rank = mpi.rank();
            switch (scenario) {
                case "contract" -> {
                    float[][] mine = CollectiveScript.run(mpi);
                    List<Collective> group = InProcessCollective.create(mpi.size(), Duration.ofSeconds(60));
                    List<CompletableFuture<float[][]>> threads = new ArrayList<>();
                    for (Collective c : group) {
                        threads.add(CompletableFuture.supplyAsync(() -> CollectiveScript.run(c), r -> new Thread(r).start()));
                    }
                    float[][] expected = threads.get(rank).get();
                    boolean same = expected.length == mine.length;
                    for (int t = 0; same && t < mine.length; t++) {
                        same = Arrays.equals(bits(expected[t]), bits(mine[t]));
                    }
                    System.out.println("rank " + rank + " of " + mpi.size() + ": " + (same
                            ? "every collective equals the in-process group's bits" : "DIFFERS from the in-process group"));
                }
                case "mismatch" -> {
                    Matrix m = Matrix.wrap(new float[rank == 0 ? 12 : 15], 3, rank == 0 ? 4 : 5);
                    try {
                        mpi.allReduceSum(m);
                        System.out.println("rank " + rank + ": accepted a mismatched call");
                    } catch (IllegalArgumentException e) {
                        System.out.println("rank " + rank + " refused: " + e.getMessage());
                    }
                    mpi.barrier(); // the group is still usable after a refused call
                }
                case "stuck", "dies" -> {
                    if (rank == 1) {
                        if (scenario.equals("dies")) {
                            Runtime.getRuntime().halt(5);
                        }
                        Thread.sleep(120_000);
                    }
                    mpi.barrier();
                    System.out.println("rank " + rank + ": passed a barrier rank 1 never reached");
                }
                case "sharded" -> {
                    ShardedRun.Sharded mine = ShardedRun.sharded(mpi);
                    ShardedRun.Unsharded alone = ShardedRun.unsharded();
                    boolean same = true;
                    for (int p = 0; p < mine.weights().size(); p++) {
                        same &= Arrays.equals(bits(alone.weights().get(p)), bits(mine.weights().get(p)));
                    }
                    long total = Arrays.stream(alone.bytes()).sum();
                    System.out.println("rank " + rank + " of " + mpi.size() + ": sharded weights "
                            + (same ? "equal the unsharded run's bits" : "DIFFER from the unsharded run's")
                            + "; optimizer state " + mine.bytesHeld() + " of " + total + " bytes");
                }
                default -> throw new IllegalArgumentException("MpiCheck: no scenario " + scenario);
            }
        }
    }

    // every collective once, on inputs drawn from the rank's own seed; returns every result in call order
    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int e = 0; e < values.length; e++) {
            bits[e] = Float.floatToRawIntBits(values[e]);
        }
        return bits;
    }
}
