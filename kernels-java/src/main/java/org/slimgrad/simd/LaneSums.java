package org.slimgrad.simd;

import java.util.stream.IntStream;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * The lanes of a vector of {@link VectorWidth}'s species summed in a fixed pairwise order (lane i with lane i ⊕ s for
 * s = lanes/2 … 1). {@code reduceLanes(ADD)} leaves the order open, and the interpreter and the JIT then round
 * differently, so a result would depend on when its method got compiled; lane-wise adds and exchanges are the same
 * operations in every tier, so this order gives the same bits in all of them.
 */
public final class LaneSums {

    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] FLOAT_EXCHANGES = IntStream
            .iterate(VectorWidth.FLOATS.length() / 2, s -> s >= 1, s -> s / 2)
            .mapToObj(s -> VectorShuffle.fromOp(VectorWidth.FLOATS, i -> i ^ s)).toArray(VectorShuffle[]::new);
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Double>[] DOUBLE_EXCHANGES = IntStream
            .iterate(VectorWidth.DOUBLES.length() / 2, s -> s >= 1, s -> s / 2)
            .mapToObj(s -> VectorShuffle.fromOp(VectorWidth.DOUBLES, i -> i ^ s)).toArray(VectorShuffle[]::new);

    private LaneSums() {
    }

    /** The sum of v's lanes; v is of {@link VectorWidth#FLOATS}. */
    public static float sum(FloatVector v) {
        for (VectorShuffle<Float> exchange : FLOAT_EXCHANGES) {
            v = v.add(v.rearrange(exchange));
        }
        return v.lane(0);
    }

    /** The sum of v's lanes; v is of {@link VectorWidth#DOUBLES}. */
    public static double sum(DoubleVector v) {
        for (VectorShuffle<Double> exchange : DOUBLE_EXCHANGES) {
            v = v.add(v.rearrange(exchange));
        }
        return v.lane(0);
    }
}
