package org.slimgrad.cpu;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything an orthonormal DCT-II/III of one length n needs besides the data, computed once per length and shared
 * by every thread and matrix (Makhoul 1980: a DCT of length n is one complex DFT of length n of the reordered
 * sequence {@code v = (x₀, x₂, x₄, …, x₅, x₃, x₁)} plus a twiddle per output).
 *
 * <p>Two real lines ride in one complex transform (one as the real part, one as the imaginary part) and are
 * separated afterwards through the conjugate symmetry of a real sequence's spectrum, which halves the work for
 * every n, odd or even.
 */
final class DctPlan {

    private static final ConcurrentHashMap<Integer, DctPlan> CACHE = new ConcurrentHashMap<>();

    final int n;
    final FftPlan fft;
    /** position[t]: where element t of a line sits in Makhoul's reordered sequence v. */
    final int[] position;
    /** source[i]: the line element at position i of v, the inverse of {@link #position}. */
    final int[] source;
    /**
     * Forward post-twiddles: X[k] = a_k·(Re Z_k + Re Z_{n−k}) + b_k·(Im Z_k − Im Z_{n−k}) for the line in the real
     * part, with a_k = s_k·cos(πk/2n)/2, b_k = s_k·sin(πk/2n)/2 and s_k the orthonormal scale √(1/n) or √(2/n).
     */
    final float[] forwardCos;
    final float[] forwardSin;
    /** Inverse pre-twiddles: cos(πk/2n) and sin(πk/2n) divided by n·s_k (the DFT's 1/n and the scale undone). */
    final float[] inverseCos;
    final float[] inverseSin;

    private DctPlan(int n) {
        this.n = n;
        this.fft = FftPlan.of(n);
        this.position = new int[n];
        this.source = new int[n];
        for (int t = 0; t < n; t++) {
            position[t] = (t % 2 == 0) ? t / 2 : n - 1 - t / 2;
            source[position[t]] = t;
        }
        this.forwardCos = new float[n];
        this.forwardSin = new float[n];
        this.inverseCos = new float[n];
        this.inverseSin = new float[n];
        for (int k = 0; k < n; k++) {
            double angle = Math.PI * k / (2.0 * n);
            double scale = k == 0 ? Math.sqrt(1.0 / n) : Math.sqrt(2.0 / n);
            forwardCos[k] = (float) (scale * Math.cos(angle) / 2);
            forwardSin[k] = (float) (scale * Math.sin(angle) / 2);
            inverseCos[k] = (float) (Math.cos(angle) / (n * scale));
            inverseSin[k] = (float) (Math.sin(angle) / (n * scale));
        }
    }

    /** The shared plan for length n ≥ 1. */
    static DctPlan of(int n) {
        return CACHE.computeIfAbsent(n, DctPlan::new);
    }

    /** Complex elements each work buffer must hold. */
    int workspaceElements() {
        return LaneFft.workspaceElements(fft);
    }
}
