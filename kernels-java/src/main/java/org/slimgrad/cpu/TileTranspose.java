package org.slimgrad.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.simd.VectorWidth;

/**
 * Transposes a LANES×LANES float tile with two-vector lane selections: log₂(LANES) rounds, each swapping the
 * off-diagonal blocks of half the previous size between pairs of rows (the recursive block transpose, all blocks of
 * one size at once). About one selection per four elements moved, against a load and a store per element for a
 * scalar transpose.
 */
final class TileTranspose {

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int LANES = S.length();
    /** Per round (block size s = LANES/2, LANES/4, …, 1): selection indices into (row i ‖ row i+s). */
    private static final float[] LOW;
    private static final float[] HIGH;
    private static final int ROUNDS = Integer.numberOfTrailingZeros(LANES);

    static {
        LOW = new float[ROUNDS * LANES];
        HIGH = new float[ROUNDS * LANES];
        for (int round = 0, s = LANES / 2; round < ROUNDS; round++, s /= 2) {
            for (int lane = 0; lane < LANES; lane++) {
                boolean left = (lane & s) == 0;
                LOW[round * LANES + lane] = left ? lane : LANES + lane - s;
                HIGH[round * LANES + lane] = left ? lane + s : LANES + lane;
            }
        }
    }

    private TileTranspose() {
    }

    /** Transposes the row-major tile in {@code tile} using {@code spare}; returns the array holding the result. */
    static float[] transpose(float[] tile, float[] spare) {
        float[] from = tile;
        float[] to = spare;
        for (int round = 0, s = LANES / 2; round < ROUNDS; round++, s /= 2) {
            FloatVector low = FloatVector.fromArray(S, LOW, round * LANES);
            FloatVector high = FloatVector.fromArray(S, HIGH, round * LANES);
            for (int i = 0; i < LANES; i++) {
                if ((i & s) != 0) {
                    continue;
                }
                FloatVector upper = FloatVector.fromArray(S, from, i * LANES);
                FloatVector lower = FloatVector.fromArray(S, from, (i + s) * LANES);
                low.selectFrom(upper, lower).intoArray(to, i * LANES);
                high.selectFrom(upper, lower).intoArray(to, (i + s) * LANES);
            }
            float[] t = from;
            from = to;
            to = t;
        }
        return from;
    }
}
