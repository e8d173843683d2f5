package org.slimgrad.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.simd.VectorWidth;

/**
 * Orthonormal DCT-II and DCT-III of 2·{@link LaneFft#LANES} lines at once, in the lane layout of {@link LaneFft}:
 * line l &lt; LANES sits in the real slots, line LANES + l in the imaginary slots, so one complex DFT transforms
 * two real lines per lane.
 */
final class LaneDct {

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int LANES = LaneFft.LANES;
    private static final int W = 2 * LANES;

    private LaneDct() {
    }

    /**
     * DCT-II of the lines held, reordered by {@link DctPlan#position} and through the first {@code stagesDone} FFT
     * stages already (see {@link BatchedDct}'s loadForward), in the region of {@code buf} from {@code a} on; the
     * region from {@code b} on is the second work buffer. Returns the start of the region holding coefficient k of
     * every line at element k.
     */
    static int forward(DctPlan plan, float[] buf, int a, int b, int stagesDone) {
        return forward(plan, buf, a, b, stagesDone, false, null, null, 0);
    }

    /**
     * {@link #forward(DctPlan, float[], int, int, int)} with the coefficients written to {@code out} from
     * {@code outAt} on (n·2·LANES floats), or, when out is null, to the work region that does not hold the DFT, and
     * returning where they start in out (or in buf). A non-null {@code acc} also receives every line's |coefficient|
     * (or, with {@code squares}, its square) in the same pass: acc[k·LANES + l] sums lines l and LANES + l of
     * coefficient k; the caller reduces the lanes at the end.
     */
    static int forward(DctPlan plan, float[] buf, int a, int b, int stagesDone, boolean squares, float[] acc,
                       float[] out, int outAt) {
        int z = LaneFft.forward(plan.fft, buf, a, b, stagesDone);
        if (out == null) {
            out = buf;
            outAt = z == a ? b : a;
        }
        postTwiddle(plan, buf, z, out, outAt, squares, acc);
        return outAt;
    }

    // the DFT (in buf from z on) of the reordered lines to their DCT-II coefficients, written to out from c on;
    // with an acc, each coefficient's |value| (or square) is added there too
    private static void postTwiddle(DctPlan plan, float[] buf, int z, float[] out, int c, boolean squares,
                                    float[] acc) {
        int n = plan.n;
        for (int k = 0; k < n; k++) {
            int at = k * W;
            int mirror = z + (k == 0 ? 0 : n - k) * W;
            FloatVector zr = FloatVector.fromArray(S, buf, z + at);
            FloatVector zi = FloatVector.fromArray(S, buf, z + at + LANES);
            FloatVector yr = FloatVector.fromArray(S, buf, mirror);
            FloatVector yi = FloatVector.fromArray(S, buf, mirror + LANES);
            float ak = plan.forwardCos[k];
            float bk = plan.forwardSin[k];
            FloatVector re = zr.add(yr).mul(ak).add(zi.sub(yi).mul(bk));
            FloatVector im = zi.add(yi).mul(ak).add(yr.sub(zr).mul(bk));
            re.intoArray(out, c + at);
            im.intoArray(out, c + at + LANES);
            if (acc != null) {
                accumulate(re, im, squares, acc, k);
            }
        }
    }

    /**
     * DCT-III (the inverse of {@link #forward}) of the coefficient lines in the region of {@code buf} from {@code a}
     * on; the region from {@code b} on is the second work buffer. Returns the start of the region holding the lines
     * in Makhoul's order: line element t at {@code position[t]}.
     */
    static int inverse(DctPlan plan, float[] buf, int a, int b) {
        int n = plan.n;
        // Z_k = V2_k + i·V1_k with V_k = e^{iπk/2n}·(X_k − i·X_{n−k}), X_n = 0, V1 from the lines in the real slots
        // and V2 from those in the imaginary ones; IDFT(Z) = swap(DFT(swap Z))/n, swap exchanging real and
        // imaginary parts, with the 1/n folded into the twiddles. Written swapped here, and with the lines' roles
        // exchanged in Z, the DFT leaves every line in its own slot: no pass after it.
        for (int k = 0; k < n; k++) {
            int at = k * W;
            FloatVector p1 = FloatVector.fromArray(S, buf, a + at);
            FloatVector p2 = FloatVector.fromArray(S, buf, a + at + LANES);
            float c = plan.inverseCos[k];
            float s = plan.inverseSin[k];
            if (k == 0) {
                p1.mul(c).intoArray(buf, b + at);
                p2.mul(c).intoArray(buf, b + at + LANES);
                continue;
            }
            int mirror = a + (n - k) * W;
            FloatVector q1 = FloatVector.fromArray(S, buf, mirror);
            FloatVector q2 = FloatVector.fromArray(S, buf, mirror + LANES);
            p1.sub(q2).mul(c).add(p2.add(q1).mul(s)).intoArray(buf, b + at);
            p2.add(q1).mul(c).add(q2.sub(p1).mul(s)).intoArray(buf, b + at + LANES);
        }
        return LaneFft.forward(plan.fft, buf, b, a);
    }

    private static void accumulate(FloatVector re, FloatVector im, boolean squares, float[] acc, int k) {
        FloatVector sum = FloatVector.fromArray(S, acc, k * LANES);
        sum = squares ? re.fma(re, im.fma(im, sum)) : sum.add(re.abs()).add(im.abs());
        sum.intoArray(acc, k * LANES);
    }
}
