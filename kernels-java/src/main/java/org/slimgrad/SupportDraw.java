package org.slimgrad;

import java.util.Arrays;

/**
 * The rule that draws a {@link FixedSupport}, written so that every position is decided on its own and a GPU can
 * draw the same support in parallel: position f = i·cols + j gets the 64-bit key {@code CounterRandom.bits(seed, f)},
 * and the support is the nnz positions with the smallest (key, f), keys compared unsigned. The keys are independent
 * and uniform, so every nnz-subset is equally likely. The nnz-th smallest key is found from a histogram of the keys'
 * top 16 bits: every position of a lower bucket is in, and the threshold bucket (about total/65536 positions) is
 * settled by sorting just its members. Backends share the steps below so that they draw bit-identical supports.
 */
public final class SupportDraw {

    /** Buckets of the key histogram: the top 16 bits. */
    public static final int BUCKETS = 1 << 16;

    private SupportDraw() {
    }

    /** The key of flat position f. */
    public static long key(long seed, long f) {
        return CounterRandom.bits(seed, f);
    }

    /** The histogram bucket of a key. */
    public static int bucket(long key) {
        return (int) (key >>> 48);
    }

    /**
     * From the histogram of all keys' buckets: {bucket b holding the nnz-th smallest key, how many of b's members
     * are in}. Every position in a bucket below b is in; none above.
     */
    public static long[] threshold(long[] histogram, long nnz) {
        long below = 0;
        for (int b = 0; b < histogram.length; b++) {
            if (below + histogram[b] >= nnz) {
                return new long[]{b, nnz - below};
            }
            below += histogram[b];
        }
        throw new IllegalArgumentException("SupportDraw.threshold: " + nnz + " positions asked of " + below);
    }

    /**
     * The members of the threshold bucket that are in: the {@code take} smallest by (key unsigned, position), returned
     * as positions in ascending order. {@code keys[t]} belongs to {@code positions[t]}; their order does not matter.
     */
    public static long[] choose(long[] keys, long[] positions, int take) {
        Integer[] order = new Integer[keys.length];
        Arrays.setAll(order, t -> t);
        Arrays.sort(order, (a, b) -> {
            int byKey = Long.compareUnsigned(keys[a], keys[b]);
            return byKey != 0 ? byKey : Long.compare(positions[a], positions[b]);
        });
        long[] chosen = new long[take];
        for (int t = 0; t < take; t++) {
            chosen[t] = positions[order[t]];
        }
        Arrays.sort(chosen);
        return chosen;
    }
}
