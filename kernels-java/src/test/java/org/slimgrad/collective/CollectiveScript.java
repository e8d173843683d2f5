package org.slimgrad.collective;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import org.slimgrad.Matrix;

/**
 * One call of every collective operation with seeded per-rank inputs, for comparing an implementation with the
 * in-process group (MPI's and NCCL's tests): the results, as float arrays (float64 and int32 results as their bits),
 * in call order. Matrices reach the collective through {@code place} (a device upload, or the identity) and come
 * back through {@code fetch}.
 */
public final class CollectiveScript {

    private CollectiveScript() {
    }

    /** The script on host matrices. */
    public static float[][] run(Collective c) {
        return run(c, UnaryOperator.identity(), UnaryOperator.identity());
    }

    public static float[][] run(Collective c, UnaryOperator<Matrix> place, UnaryOperator<Matrix> fetch) {
        int size = c.size();
        SplittableRandom rng = new SplittableRandom(1000 + c.rank());
        List<float[]> results = new ArrayList<>();
        Matrix sum = place.apply(random(rng, 7, 5));
        c.allReduceSum(sum);
        results.add(fetch.apply(sum).toArray());
        double[] scores = rng.doubles(13).toArray();
        c.allReduceSum(scores);
        float[] scoreBits = new float[2 * scores.length];
        for (int e = 0; e < scores.length; e++) {
            long b = Double.doubleToRawLongBits(scores[e]);
            scoreBits[2 * e] = Float.intBitsToFloat((int) b);
            scoreBits[2 * e + 1] = Float.intBitsToFloat((int) (b >>> 32));
        }
        results.add(scoreBits);
        Matrix rooted = place.apply(random(rng, 4, 6));
        c.broadcast(rooted, size - 1);
        results.add(fetch.apply(rooted).toArray());
        int[] indices = rng.ints(9, 0, 1000).toArray();
        c.broadcast(indices, 0);
        float[] indexBits = new float[indices.length];
        for (int e = 0; e < indices.length; e++) {
            indexBits[e] = Float.intBitsToFloat(indices[e]);
        }
        results.add(indexBits);
        Matrix all = place.apply(Matrix.wrap(new float[size * 3 * 4], size * 3, 4));
        c.allGather(place.apply(random(rng, 3, 4)), all);
        results.add(fetch.apply(all).toArray());
        Matrix part = place.apply(Matrix.wrap(new float[2 * 3], 2, 3));
        c.reduceScatter(place.apply(random(rng, size * 2, 3)), part);
        results.add(fetch.apply(part).toArray());
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
}
