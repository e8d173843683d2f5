package org.slimgrad.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

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
     * DCT-II of the lines held, reordered by {@link DctPlan#position}, in {@code a}; {@code b} is the second work
     * buffer. Returns the buffer holding coefficient k of every line at element k.
     */
    static float[] forward(DctPlan plan, float[] a, float[] b) {
        float[] z = LaneFft.forward(plan.fft, a, b);
        float[] c = z == a ? b : a;
        postTwiddle(plan, z, c, 0);
        return c;
    }

    /** {@link #forward} with the coefficients written to {@code out} from {@code out[at]} on; a and b are spent. */
    static void forward(DctPlan plan, float[] a, float[] b, float[] out, int at) {
        postTwiddle(plan, LaneFft.forward(plan.fft, a, b), out, at);
    }

    // the DFT z of the reordered lines to their DCT-II coefficients, written to c from c[base] on
    private static void postTwiddle(DctPlan plan, float[] z, float[] c, int base) {
        int n = plan.n;
        for (int k = 0; k < n; k++) {
            int at = k * W;
            int mirror = (k == 0 ? 0 : n - k) * W;
            FloatVector zr = FloatVector.fromArray(S, z, at);
            FloatVector zi = FloatVector.fromArray(S, z, at + LANES);
            FloatVector yr = FloatVector.fromArray(S, z, mirror);
            FloatVector yi = FloatVector.fromArray(S, z, mirror + LANES);
            float ak = plan.forwardCos[k];
            float bk = plan.forwardSin[k];
            zr.add(yr).mul(ak).add(zi.sub(yi).mul(bk)).intoArray(c, base + at);
            zi.add(yi).mul(ak).add(yr.sub(zr).mul(bk)).intoArray(c, base + at + LANES);
        }
    }

    /**
     * DCT-III (the inverse of {@link #forward}) of the coefficient lines in {@code a}; {@code b} is the second work
     * buffer. Returns the buffer holding the lines in Makhoul's order: line element t at {@code position[t]}.
     */
    static float[] inverse(DctPlan plan, float[] a, float[] b) {
        int n = plan.n;
        // conj(Z) with Z_k = V1_k + i·V2_k and V_k = e^{iπk/2n}·(X_k − i·X_{n−k}), X_n = 0; then
        // IDFT(Z) = conj(DFT(conj Z))/n, the 1/n folded into the twiddles
        for (int k = 0; k < n; k++) {
            int at = k * W;
            FloatVector p1 = FloatVector.fromArray(S, a, at);
            FloatVector p2 = FloatVector.fromArray(S, a, at + LANES);
            float c = plan.inverseCos[k];
            float s = plan.inverseSin[k];
            if (k == 0) {
                p1.mul(c).intoArray(b, at);
                p2.mul(-c).intoArray(b, at + LANES);
                continue;
            }
            int mirror = (n - k) * W;
            FloatVector q1 = FloatVector.fromArray(S, a, mirror);
            FloatVector q2 = FloatVector.fromArray(S, a, mirror + LANES);
            p1.add(q2).mul(c).add(q1.sub(p2).mul(s)).intoArray(b, at);
            q1.sub(p2).mul(c).sub(p1.add(q2).mul(s)).intoArray(b, at + LANES);
        }
        float[] f = LaneFft.forward(plan.fft, b, a);
        for (int k = 0; k < n; k++) {
            int at = k * W + LANES;
            FloatVector.fromArray(S, f, at).neg().intoArray(f, at);
        }
        return f;
    }

    /**
     * Adds every line's |coefficient| (or its square), held from {@code coefficients[base]} on, into {@code acc}:
     * acc[k·LANES + l] sums lines l and LANES + l of coefficient k; the caller reduces the lanes at the end.
     */
    static void accumulateNorms(float[] coefficients, int base, int n, boolean squares, float[] acc) {
        for (int k = 0; k < n; k++) {
            FloatVector re = FloatVector.fromArray(S, coefficients, base + k * W);
            FloatVector im = FloatVector.fromArray(S, coefficients, base + k * W + LANES);
            FloatVector sum = FloatVector.fromArray(S, acc, k * LANES);
            sum = squares ? re.fma(re, im.fma(im, sum)) : sum.add(re.abs()).add(im.abs());
            sum.intoArray(acc, k * LANES);
        }
    }
}
