package org.slimgrad.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.simd.VectorWidth;

/**
 * Forward complex DFTs of {@link #LANES} independent sequences at once: every vector lane holds one sequence, so
 * each butterfly is written once, in scalar form, and runs on all lanes without a shuffle. A buffer region starting
 * at element b holds complex element j of all lanes at {@code b + [2·j·LANES, 2·j·LANES + LANES)} (real parts)
 * followed by the imaginary parts; both regions of a transform live in one array, so that one offset can put them
 * on cache lines (see {@link ArrayAlignment}).
 *
 * <p>The transform is Stockham's autosort form, ping-ponging between two buffers: before a radix-p stage the
 * buffer holds, at {@code k·r + b}, element k of the length-L DFT of the subsequence {@code x[b + r·t]} (r = n/L);
 * the stage twiddles and combines p of them into the length-L·p DFT, stored at {@code k·r' + d·(n/p) + b} with
 * r' = r/p. The innermost loop runs over b, contiguous in both buffers.
 */
final class LaneFft {

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    static final int LANES = S.length();
    private static final int W = 2 * LANES;
    private static final float SIN_60 = (float) (Math.sqrt(3) / 2);
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    /** Per thread: the folded sums and differences of one odd-radix butterfly, grown to the largest radix seen. */
    private static final ThreadLocal<float[]> FOLDED = ThreadLocal.withInitial(() -> new float[0]);

    private LaneFft() {
    }

    /** Elements of the L1 scratch of a {@link #radix8x8} pass, kept past the n elements of the region it reads. */
    private static final int PAIR_SCRATCH = 64;

    /** Complex elements each of the two work buffers needs for {@code plan}. */
    static int workspaceElements(FftPlan plan) {
        return plan.bluestein == null ? plan.n + PAIR_SCRATCH : workspaceElements(plan.bluestein.inner);
    }

    /**
     * Transforms the n elements held in {@code buf} from element {@code x} on, using the region from {@code y} on as
     * the second buffer (both regions of at least {@link #workspaceElements}·2·LANES floats, not overlapping), and
     * returns the start of the region that holds the result: x or y.
     */
    static int forward(FftPlan plan, float[] buf, int x, int y) {
        return forward(plan, buf, x, y, 0);
    }

    /**
     * {@link #forward} of elements that have been through the first {@code stagesDone} stages already (x holds what
     * the next stage reads; a Bluestein plan has no stages to skip).
     */
    static int forward(FftPlan plan, float[] buf, int x, int y, int stagesDone) {
        if (plan.bluestein != null) {
            return bluestein(plan, buf, x, y);
        }
        int in = x;
        int out = y;
        int n = plan.n;
        int l = 1;
        for (int s = 0; s < stagesDone; s++) {
            l *= plan.radices[s];
        }
        int[] radices = plan.radices;
        for (int s = stagesDone; s < radices.length; s++) {
            int p = radices[s];
            if (p == 8 && s + 1 < radices.length && radices[s + 1] == 8 && pairSpreads(l, n / (l * 64), n)) {
                radix8x8(buf, in, out, plan.twiddles[s], plan.twiddles[s + 1], l, n / (l * 8), n);
                p = 64;
                s++;
            } else {
                stage(plan, s, buf, in, out, l, n / (l * p));
            }
            int t = in;
            in = out;
            out = t;
            l *= p;
        }
        return in;
    }

    /**
     * The first stage (radix p = radices[0], unit twiddles) on r of its butterflies, r ≤ n/p: their inputs, element
     * j·r + b for butterfly b, from {@code in} on (a chunk of the stage's input laid out as a whole input of r
     * butterflies would be), their outputs to elements b + d·n/p from {@code out} on. A caller can so feed the stage
     * from small staged chunks instead of a whole buffer (see {@link BatchedDct}); no Bluestein plan.
     */
    static void firstStage(FftPlan plan, float[] buf, int in, int out, int r) {
        stage(plan, 0, buf, in, out, 1, r);
    }

    // stage s of the plan, combining l-point transforms r apart into (l·p)-point ones
    private static void stage(FftPlan plan, int s, float[] buf, int in, int out, int l, int r) {
        int p = plan.radices[s];
        int n = plan.n;
        float[] tw = plan.twiddles[s];
        switch (p) {
            case 2 -> radix2(buf, in, out, tw, l, r, n);
            case 3 -> radix3(buf, in, out, tw, l, r, n);
            case 4 -> radix4(buf, in, out, tw, l, r, n);
            case 8 -> radix8(buf, in, out, tw, l, r, n);
            default -> radixOdd(buf, in, out, tw, l, r, n, p, plan.cosines[p], plan.sines[p]);
        }
    }

    private static void radix2(float[] buf, int in, int out, float[] tw, int l, int r, int n) {
        int quarter = n / 2;
        for (int k = 0; k < l; k++) {
            float wr = tw[2 * k];
            float wi = tw[2 * k + 1];
            for (int b = 0; b < r; b++) {
                int i0 = ((k * 2) * r + b) * W;
                int i1 = i0 + r * W;
                FloatVector a0r = load(buf, in + i0);
                FloatVector a0i = load(buf, in + i0 + LANES);
                FloatVector xr = load(buf, in + i1);
                FloatVector xi = load(buf, in + i1 + LANES);
                FloatVector a1r = xr.mul(wr).sub(xi.mul(wi));
                FloatVector a1i = xr.mul(wi).add(xi.mul(wr));
                int o0 = (k * r + b) * W;
                int o1 = o0 + quarter * W;
                a0r.add(a1r).intoArray(buf, out + o0);
                a0i.add(a1i).intoArray(buf, out + o0 + LANES);
                a0r.sub(a1r).intoArray(buf, out + o1);
                a0i.sub(a1i).intoArray(buf, out + o1 + LANES);
            }
        }
    }

    private static void radix3(float[] buf, int in, int out, float[] tw, int l, int r, int n) {
        int third = n / 3;
        for (int k = 0; k < l; k++) {
            for (int b = 0; b < r; b++) {
                int i0 = in + ((k * 3) * r + b) * W;
                int o0 = out + (k * r + b) * W;
                butterfly3(buf, i0, i0 + r * W, i0 + 2 * r * W, buf, o0, third * W, tw, k);
            }
        }
    }

    /**
     * A first radix-3 stage (unit twiddles) read from {@code source}, a matrix's array, rather than from a work
     * buffer: input j of butterfly b at {@code source[at[j·n/3 + b]]} and on (at: where each position's row starts),
     * outputs to buf from {@code out} on as {@link #firstStage}'s. The same butterflies, so the same bits as the stage
     * run on a copy of the inputs.
     */
    static void firstStage3(FftPlan plan, float[] source, int[] at, float[] buf, int out) {
        int third = plan.n / 3;
        for (int b = 0; b < third; b++) {
            butterfly3(source, at[b], at[third + b], at[2 * third + b], buf, out + b * W, third * W, plan.twiddles[0],
                    0);
        }
    }

    // one radix-3 butterfly: inputs at i0, i1, i2 of source, twiddles of offset k, outputs stride apart from o
    private static void butterfly3(float[] source, int i0, int i1, int i2, float[] buf, int o, int stride, float[] tw,
                                   int k) {
        float w1r = tw[4 * k];
        float w1i = tw[4 * k + 1];
        float w2r = tw[4 * k + 2];
        float w2i = tw[4 * k + 3];
        FloatVector a0r = load(source, i0);
        FloatVector a0i = load(source, i0 + LANES);
        FloatVector xr = load(source, i1);
        FloatVector xi = load(source, i1 + LANES);
        FloatVector a1r = xr.mul(w1r).sub(xi.mul(w1i));
        FloatVector a1i = xr.mul(w1i).add(xi.mul(w1r));
        xr = load(source, i2);
        xi = load(source, i2 + LANES);
        FloatVector a2r = xr.mul(w2r).sub(xi.mul(w2i));
        FloatVector a2i = xr.mul(w2i).add(xi.mul(w2r));
        FloatVector sr = a1r.add(a2r);
        FloatVector si = a1i.add(a2i);
        FloatVector tr = a1r.sub(a2r).mul(SIN_60);
        FloatVector ti = a1i.sub(a2i).mul(SIN_60);
        FloatVector mr = a0r.sub(sr.mul(0.5f));
        FloatVector mi = a0i.sub(si.mul(0.5f));
        a0r.add(sr).intoArray(buf, o);
        a0i.add(si).intoArray(buf, o + LANES);
        mr.add(ti).intoArray(buf, o + stride);
        mi.sub(tr).intoArray(buf, o + stride + LANES);
        mr.sub(ti).intoArray(buf, o + 2 * stride);
        mi.add(tr).intoArray(buf, o + 2 * stride + LANES);
    }

    private static void radix4(float[] buf, int in, int out, float[] tw, int l, int r, int n) {
        int quarter = n / 4;
        for (int k = 0; k < l; k++) {
            // k = 0 has unit twiddles; the first stage (l = 1) is all k = 0
            boolean twiddle = k > 0;
            FloatVector w1r = FloatVector.broadcast(S, tw[6 * k]);
            FloatVector w1i = FloatVector.broadcast(S, tw[6 * k + 1]);
            FloatVector w2r = FloatVector.broadcast(S, tw[6 * k + 2]);
            FloatVector w2i = FloatVector.broadcast(S, tw[6 * k + 3]);
            FloatVector w3r = FloatVector.broadcast(S, tw[6 * k + 4]);
            FloatVector w3i = FloatVector.broadcast(S, tw[6 * k + 5]);
            for (int b = 0; b < r; b++) {
                int i0 = ((k * 4) * r + b) * W;
                int i1 = i0 + r * W;
                int i2 = i1 + r * W;
                int i3 = i2 + r * W;
                FloatVector a0r = load(buf, in + i0);
                FloatVector a0i = load(buf, in + i0 + LANES);
                FloatVector a1r = load(buf, in + i1);
                FloatVector a1i = load(buf, in + i1 + LANES);
                FloatVector a2r = load(buf, in + i2);
                FloatVector a2i = load(buf, in + i2 + LANES);
                FloatVector a3r = load(buf, in + i3);
                FloatVector a3i = load(buf, in + i3 + LANES);
                if (twiddle) {
                    FloatVector xr = a1r;
                    a1r = xr.fma(w1r, a1i.mul(w1i).neg());
                    a1i = xr.fma(w1i, a1i.mul(w1r));
                    xr = a2r;
                    a2r = xr.fma(w2r, a2i.mul(w2i).neg());
                    a2i = xr.fma(w2i, a2i.mul(w2r));
                    xr = a3r;
                    a3r = xr.fma(w3r, a3i.mul(w3i).neg());
                    a3i = xr.fma(w3i, a3i.mul(w3r));
                }
                FloatVector t0r = a0r.add(a2r);
                FloatVector t0i = a0i.add(a2i);
                FloatVector t1r = a0r.sub(a2r);
                FloatVector t1i = a0i.sub(a2i);
                FloatVector t2r = a1r.add(a3r);
                FloatVector t2i = a1i.add(a3i);
                FloatVector t3r = a1r.sub(a3r);
                FloatVector t3i = a1i.sub(a3i);
                int o0 = (k * r + b) * W;
                int o1 = o0 + quarter * W;
                int o2 = o1 + quarter * W;
                int o3 = o2 + quarter * W;
                t0r.add(t2r).intoArray(buf, out + o0);
                t0i.add(t2i).intoArray(buf, out + o0 + LANES);
                t1r.add(t3i).intoArray(buf, out + o1);
                t1i.sub(t3r).intoArray(buf, out + o1 + LANES);
                t0r.sub(t2r).intoArray(buf, out + o2);
                t0i.sub(t2i).intoArray(buf, out + o2 + LANES);
                t1r.sub(t3i).intoArray(buf, out + o3);
                t1i.add(t3r).intoArray(buf, out + o3 + LANES);
            }
        }
    }

    /**
     * Radix-8 butterfly as two radix-4 halves: E = DFT₄(a₀, a₂, a₄, a₆), O = DFT₄(a₁, a₃, a₅, a₇), then
     * {@code Z_d = E_d + W₈^d·O_d} and {@code Z_{d+4} = E_d − W₈^d·O_d}, where W₈^d is 1, (1 − i)/√2, −i, −(1 + i)/√2:
     * three radix-2 levels in registers for one pass over the buffer.
     */
    private static void radix8(float[] buf, int in, int out, float[] tw, int l, int r, int n) {
        int eighth = n / 8;
        for (int k = 0; k < l; k++) {
            int i0 = in + (k * 8) * r * W;
            int o0 = out + k * r * W;
            for (int b = 0; b < r; b++) {
                int at = i0 + b * W;
                butterfly8(buf, at, r * W, at + 4 * r * W, r * W, buf, o0 + b * W, eighth * W, tw, k);
            }
        }
    }

    /**
     * Two radix-8 stages in one pass over the buffers: stages s (twiddles {@code tw}, l transforms r apart) and s + 1
     * ({@code tw2}, 8·l transforms r/8 apart). The 8 butterflies of stage s at (k, j·r/8 + b) feed exactly the 8 of
     * stage s + 1 at (d·l + k, b), so each such group goes through a 64-element scratch past the input region's n
     * elements, which stays in L1: one trip through L2 for two stages. The same butterflies in the same order as two
     * {@link #radix8} stages, so the same bits.
     */
    private static void radix8x8(float[] buf, int in, int out, float[] tw, float[] tw2, int l, int r, int n) {
        int r2 = r / 8;
        int scratch = in + n * W;
        int outStride = n / 8 * W;
        for (int k = 0; k < l; k++) {
            int i0 = in + (k * 8) * r * W;
            for (int b = 0; b < r2; b++) {
                for (int j = 0; j < 8; j++) {
                    int at = i0 + (j * r2 + b) * W;
                    butterfly8(buf, at, r * W, at + 4 * r * W, r * W, buf, scratch + j * W, 8 * W, tw, k);
                }
                for (int d = 0; d < 8; d++) {
                    int k2 = d * l + k;
                    int at = scratch + d * 8 * W;
                    butterfly8(buf, at, W, at + 4 * W, W, buf, out + (k2 * r2 + b) * W, outStride, tw2, k2);
                }
            }
        }
    }

    /**
     * Whether a {@link #radix8x8} pass with these l and r/8 pays: not when every output of a group lies at the same
     * offset within a 4 KiB page (elements l·r/8 and n/8 apart both multiples of a page), so that all of them share
     * two L1 sets, which the two separate stages never crowd like that. Measured with 16 lanes on Zen 5: n = 512 and
     * 1024 12% and 8% faster fused; 2048, 3072 and 4096, all of whose groups are on one offset, 5–60% slower.
     */
    private static boolean pairSpreads(int l, int r2, int n) {
        int page = 4096 / (W * Float.BYTES);
        return (l * r2) % page != 0 || (n / 8) % page != 0;
    }

    /**
     * A butterfly of a first radix-8 stage (unit twiddles) whose inputs are read from {@code source}, a matrix's
     * array, rather than from a work buffer: inputs 0–3 {@code step} floats apart from {@code at}, inputs 4–7
     * {@code step4} apart from {@code at4} (two runs, as rows in Makhoul's order come); outputs to {@code buf},
     * {@code stride} apart from {@code o}. The same arithmetic as every other radix-8 butterfly, so the same bits as
     * the stage run on a copy of the inputs.
     */
    static void firstButterfly8(float[] source, int at, int step, int at4, int step4, float[] buf, int o, int stride) {
        butterfly8(source, at, step, at4, step4, buf, o, stride, null, 0);
    }

    /**
     * One radix-8 butterfly: inputs from {@code source}, 0–3 {@code step} floats apart from {@code at} and 4–7
     * {@code step4} apart from {@code at4} (in a work buffer at4 = at + 4·step and step4 = step), outputs to buf,
     * {@code stride} apart from {@code o}, twiddles of offset k (k = 0, and every k of the first stage, has unit
     * twiddles; tw is not read then). A method of its own
     * that C2 does not inline (it is far over the hot-method size), so that the loops of {@link #radix8} stay loops
     * of calls: with the butterfly inside them, C2 unrolled or unswitched them according to the trip counts the
     * profile happened to see (r is 64, 8 or 1 for the stages of 1024), and in some JVMs compiled 40 KB of radix8
     * (three copies of the butterfly, 880 vector spills) where others compiled 12 KB, which made the whole DCT step
     * run at half speed in those JVMs.
     */
    private static void butterfly8(float[] source, int at, int step, int at4, int step4, float[] buf, int o,
                                   int stride, float[] tw, int k) {
        boolean twiddle = k > 0;
        int t = 14 * k;
        FloatVector a0r = load(source, at);
        FloatVector a0i = load(source, at + LANES);
        FloatVector a1r = load(source, at + step);
        FloatVector a1i = load(source, at + step + LANES);
        FloatVector a2r = load(source, at + 2 * step);
        FloatVector a2i = load(source, at + 2 * step + LANES);
        FloatVector a3r = load(source, at + 3 * step);
        FloatVector a3i = load(source, at + 3 * step + LANES);
        FloatVector a4r = load(source, at4);
        FloatVector a4i = load(source, at4 + LANES);
        FloatVector a5r = load(source, at4 + step4);
        FloatVector a5i = load(source, at4 + step4 + LANES);
        FloatVector a6r = load(source, at4 + 2 * step4);
        FloatVector a6i = load(source, at4 + 2 * step4 + LANES);
        FloatVector a7r = load(source, at4 + 3 * step4);
        FloatVector a7i = load(source, at4 + 3 * step4 + LANES);
        if (twiddle) {
            FloatVector x = a1r;
            a1r = x.mul(tw[t]).sub(a1i.mul(tw[t + 1]));
            a1i = x.mul(tw[t + 1]).add(a1i.mul(tw[t]));
            x = a2r;
            a2r = x.mul(tw[t + 2]).sub(a2i.mul(tw[t + 3]));
            a2i = x.mul(tw[t + 3]).add(a2i.mul(tw[t + 2]));
            x = a3r;
            a3r = x.mul(tw[t + 4]).sub(a3i.mul(tw[t + 5]));
            a3i = x.mul(tw[t + 5]).add(a3i.mul(tw[t + 4]));
            x = a4r;
            a4r = x.mul(tw[t + 6]).sub(a4i.mul(tw[t + 7]));
            a4i = x.mul(tw[t + 7]).add(a4i.mul(tw[t + 6]));
            x = a5r;
            a5r = x.mul(tw[t + 8]).sub(a5i.mul(tw[t + 9]));
            a5i = x.mul(tw[t + 9]).add(a5i.mul(tw[t + 8]));
            x = a6r;
            a6r = x.mul(tw[t + 10]).sub(a6i.mul(tw[t + 11]));
            a6i = x.mul(tw[t + 11]).add(a6i.mul(tw[t + 10]));
            x = a7r;
            a7r = x.mul(tw[t + 12]).sub(a7i.mul(tw[t + 13]));
            a7i = x.mul(tw[t + 13]).add(a7i.mul(tw[t + 12]));
        }
        // E = DFT₄ of the even inputs
        FloatVector s0r = a0r.add(a4r);
        FloatVector s0i = a0i.add(a4i);
        FloatVector d0r = a0r.sub(a4r);
        FloatVector d0i = a0i.sub(a4i);
        FloatVector s2r = a2r.add(a6r);
        FloatVector s2i = a2i.add(a6i);
        FloatVector d2r = a2r.sub(a6r);
        FloatVector d2i = a2i.sub(a6i);
        FloatVector e0r = s0r.add(s2r);
        FloatVector e0i = s0i.add(s2i);
        FloatVector e2r = s0r.sub(s2r);
        FloatVector e2i = s0i.sub(s2i);
        FloatVector e1r = d0r.add(d2i);   // d0 − i·d2
        FloatVector e1i = d0i.sub(d2r);
        FloatVector e3r = d0r.sub(d2i);   // d0 + i·d2
        FloatVector e3i = d0i.add(d2r);
        // O = DFT₄ of the odd inputs
        FloatVector s1r = a1r.add(a5r);
        FloatVector s1i = a1i.add(a5i);
        FloatVector d1r = a1r.sub(a5r);
        FloatVector d1i = a1i.sub(a5i);
        FloatVector s3r = a3r.add(a7r);
        FloatVector s3i = a3i.add(a7i);
        FloatVector d3r = a3r.sub(a7r);
        FloatVector d3i = a3i.sub(a7i);
        FloatVector q0r = s1r.add(s3r);
        FloatVector q0i = s1i.add(s3i);
        FloatVector q2r = s1r.sub(s3r);
        FloatVector q2i = s1i.sub(s3i);
        FloatVector q1r = d1r.add(d3i);
        FloatVector q1i = d1i.sub(d3r);
        FloatVector q3r = d1r.sub(d3i);
        FloatVector q3i = d1i.add(d3r);
        // W₈^d·O_d
        FloatVector w1r = q1r.add(q1i).mul(SQRT_HALF);   // (1 − i)/√2·q1
        FloatVector w1i = q1i.sub(q1r).mul(SQRT_HALF);
        FloatVector w2r = q2i;                           // −i·q2
        FloatVector w2i = q2r.neg();
        FloatVector w3r = q3i.sub(q3r).mul(SQRT_HALF);   // −(1 + i)/√2·q3
        FloatVector w3i = q3r.add(q3i).neg().mul(SQRT_HALF);
        e0r.add(q0r).intoArray(buf, o);
        e0i.add(q0i).intoArray(buf, o + LANES);
        e1r.add(w1r).intoArray(buf, o + stride);
        e1i.add(w1i).intoArray(buf, o + stride + LANES);
        e2r.add(w2r).intoArray(buf, o + 2 * stride);
        e2i.add(w2i).intoArray(buf, o + 2 * stride + LANES);
        e3r.add(w3r).intoArray(buf, o + 3 * stride);
        e3i.add(w3i).intoArray(buf, o + 3 * stride + LANES);
        e0r.sub(q0r).intoArray(buf, o + 4 * stride);
        e0i.sub(q0i).intoArray(buf, o + 4 * stride + LANES);
        e1r.sub(w1r).intoArray(buf, o + 5 * stride);
        e1i.sub(w1i).intoArray(buf, o + 5 * stride + LANES);
        e2r.sub(w2r).intoArray(buf, o + 6 * stride);
        e2i.sub(w2i).intoArray(buf, o + 6 * stride + LANES);
        e3r.sub(w3r).intoArray(buf, o + 7 * stride);
        e3i.sub(w3i).intoArray(buf, o + 7 * stride + LANES);
    }

    /**
     * Radix-p butterfly for an odd prime p by folding: with s_j = a_j + a_{p−j} and t_j = a_j − a_{p−j}
     * (j = 1..h, h = (p−1)/2), {@code Z_d = U_d − i·V_d} and {@code Z_{p−d} = U_d + i·V_d} where
     * {@code U_d = a_0 + Σ cos(2πjd/p)·s_j} and {@code V_d = Σ sin(2πjd/p)·t_j}: p multiply-adds per point.
     */
    private static void radixOdd(float[] buf, int in, int out, float[] tw, int l, int r, int n, int p,
                                 float[] cos, float[] sin) {
        int h = (p - 1) / 2;
        int stride = n / p;
        float[] st = FOLDED.get();
        if (st.length < 4 * h * LANES) {
            st = new float[4 * h * LANES];
            FOLDED.set(st);
        }
        for (int k = 0; k < l; k++) {
            int twAt = 2 * k * (p - 1);
            for (int b = 0; b < r; b++) {
                int base = ((k * p) * r + b) * W;
                FloatVector a0r = load(buf, in + base);
                FloatVector a0i = load(buf, in + base + LANES);
                FloatVector z0r = a0r;
                FloatVector z0i = a0i;
                for (int j = 1; j <= h; j++) {
                    int ij = base + j * r * W;
                    int im = base + (p - j) * r * W;
                    float wjr = tw[twAt + 2 * (j - 1)];
                    float wji = tw[twAt + 2 * (j - 1) + 1];
                    float wmr = tw[twAt + 2 * (p - j - 1)];
                    float wmi = tw[twAt + 2 * (p - j - 1) + 1];
                    FloatVector xr = load(buf, in + ij);
                    FloatVector xi = load(buf, in + ij + LANES);
                    FloatVector ajr = xr.mul(wjr).sub(xi.mul(wji));
                    FloatVector aji = xr.mul(wji).add(xi.mul(wjr));
                    xr = load(buf, in + im);
                    xi = load(buf, in + im + LANES);
                    FloatVector amr = xr.mul(wmr).sub(xi.mul(wmi));
                    FloatVector ami = xr.mul(wmi).add(xi.mul(wmr));
                    FloatVector sr = ajr.add(amr);
                    FloatVector si = aji.add(ami);
                    z0r = z0r.add(sr);
                    z0i = z0i.add(si);
                    int at = 4 * (j - 1) * LANES;
                    sr.intoArray(st, at);
                    si.intoArray(st, at + LANES);
                    ajr.sub(amr).intoArray(st, at + 2 * LANES);
                    aji.sub(ami).intoArray(st, at + 3 * LANES);
                }
                int o0 = (k * r + b) * W;
                z0r.intoArray(buf, out + o0);
                z0i.intoArray(buf, out + o0 + LANES);
                for (int d = 1; d <= h; d++) {
                    FloatVector ur = a0r;
                    FloatVector ui = a0i;
                    FloatVector vr = FloatVector.zero(S);
                    FloatVector vi = FloatVector.zero(S);
                    int q = 0;
                    for (int j = 1; j <= h; j++) {
                        q += d;
                        if (q >= p) {
                            q -= p;
                        }
                        FloatVector c = FloatVector.broadcast(S, cos[q]);
                        FloatVector sn = FloatVector.broadcast(S, sin[q]);
                        int at = 4 * (j - 1) * LANES;
                        ur = load(st, at).fma(c, ur);
                        ui = load(st, at + LANES).fma(c, ui);
                        vr = load(st, at + 2 * LANES).fma(sn, vr);
                        vi = load(st, at + 3 * LANES).fma(sn, vi);
                    }
                    int od = o0 + d * stride * W;
                    int om = o0 + (p - d) * stride * W;
                    ur.add(vi).intoArray(buf, out + od);
                    ui.sub(vr).intoArray(buf, out + od + LANES);
                    ur.sub(vi).intoArray(buf, out + om);
                    ui.add(vr).intoArray(buf, out + om + LANES);
                }
            }
        }
    }

    // Z = chirp · IDFT_m(DFT_m(chirp · x) · spectrum), the inverse done as conj(DFT(conj(·))) with 1/m in spectrum
    private static int bluestein(FftPlan plan, float[] buf, int x, int y) {
        FftPlan.Bluestein bs = plan.bluestein;
        int n = plan.n;
        int m = bs.inner.n;
        float[] chirp = bs.chirp;
        for (int j = 0; j < n; j++) {
            int at = x + j * W;
            FloatVector xr = load(buf, at);
            FloatVector xi = load(buf, at + LANES);
            xr.mul(chirp[2 * j]).sub(xi.mul(chirp[2 * j + 1])).intoArray(buf, at);
            xr.mul(chirp[2 * j + 1]).add(xi.mul(chirp[2 * j])).intoArray(buf, at + LANES);
        }
        java.util.Arrays.fill(buf, x + n * W, x + m * W, 0f);
        int spectrumAt = forward(bs.inner, buf, x, y);
        float[] spec = bs.kernelSpectrum;
        for (int j = 0; j < m; j++) {
            int at = spectrumAt + j * W;
            FloatVector ar = load(buf, at);
            FloatVector ai = load(buf, at + LANES);
            float kr = spec[2 * j];
            float ki = spec[2 * j + 1];
            ar.mul(kr).sub(ai.mul(ki)).intoArray(buf, at);
            ar.mul(ki).add(ai.mul(kr)).neg().intoArray(buf, at + LANES);
        }
        int conv = forward(bs.inner, buf, spectrumAt, spectrumAt == x ? y : x);
        for (int j = 0; j < n; j++) {
            int at = conv + j * W;
            FloatVector cr = load(buf, at);
            FloatVector ci = load(buf, at + LANES).neg();
            cr.mul(chirp[2 * j]).sub(ci.mul(chirp[2 * j + 1])).intoArray(buf, at);
            cr.mul(chirp[2 * j + 1]).add(ci.mul(chirp[2 * j])).intoArray(buf, at + LANES);
        }
        return conv;
    }

    private static FloatVector load(float[] a, int at) {
        return FloatVector.fromArray(S, a, at);
    }
}
