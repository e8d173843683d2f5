package org.slimgrad.nativelib;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;
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
                    float[][] mine = run(mpi);
                    List<Collective> group = InProcessCollective.create(mpi.size(), Duration.ofSeconds(60));
                    List<CompletableFuture<float[][]>> threads = new ArrayList<>();
                    for (Collective c : group) {
                        threads.add(CompletableFuture.supplyAsync(() -> run(c), r -> new Thread(r).start()));
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
    private static float[][] run(Collective c) {
        int size = c.size();
        SplittableRandom rng = new SplittableRandom(1000 + c.rank());
        List<float[]> results = new ArrayList<>();
        Matrix sum = random(rng, 7, 5);
        c.allReduceSum(sum);
        results.add(sum.toArray());
        double[] scores = rng.doubles(13).toArray();
        c.allReduceSum(scores);
        float[] scoreBits = new float[2 * scores.length];
        for (int e = 0; e < scores.length; e++) {
            long b = Double.doubleToRawLongBits(scores[e]);
            scoreBits[2 * e] = Float.intBitsToFloat((int) b);
            scoreBits[2 * e + 1] = Float.intBitsToFloat((int) (b >>> 32));
        }
        results.add(scoreBits);
        Matrix rooted = random(rng, 4, 6);
        c.broadcast(rooted, size - 1);
        results.add(rooted.toArray());
        int[] indices = rng.ints(9, 0, 1000).toArray();
        c.broadcast(indices, 0);
        float[] indexBits = new float[indices.length];
        for (int e = 0; e < indices.length; e++) {
            indexBits[e] = Float.intBitsToFloat(indices[e]);
        }
        results.add(indexBits);
        Matrix all = Matrix.wrap(new float[size * 3 * 4], size * 3, 4);
        c.allGather(random(rng, 3, 4), all);
        results.add(all.toArray());
        Matrix part = Matrix.wrap(new float[2 * 3], 2, 3);
        c.reduceScatter(random(rng, size * 2, 3), part);
        results.add(part.toArray());
        c.barrier();
        return results.toArray(new float[0][]);
    }

    private static Matrix random(SplittableRandom rng, int rows, int cols) {
        float[] values = new float[rows * cols];
        for (int e = 0; e < values.length; e++) {
            values[e] = (float) (rng.nextDouble() * 2 - 1) * (1 + rng.nextInt(1000));
        }
        return Matrix.wrap(values, rows, cols);
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int e = 0; e < values.length; e++) {
            bits[e] = Float.floatToRawIntBits(values[e]);
        }
        return bits;
    }
}
