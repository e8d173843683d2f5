package org.slimgrad.cpu;

import java.util.ArrayList;
import java.util.List;

import org.slimgrad.linalg.FftRadices;

/**
 * The precomputed part of a forward complex DFT of one length n, {@code Z[k] = Σ x[j]·e^{−2πi·jk/n}}: the radix
 * of every Stockham stage and its twiddles, or, when n has a prime factor too large for a direct radix-p
 * butterfly, a Bluestein plan that computes the DFT as a cyclic convolution of power-of-two length.
 *
 * <p>Stage s with radix p combines, for every stride offset b, p transforms of length L (the radices before it)
 * into one of length L·p (see {@link LaneFft}); its twiddles {@code e^{−2πi·c·k/(L·p)}} are stored for
 * k &lt; L and c = 1..p−1. Radix 8 is used while 8 divides n, one 4 or 2 for the rest of the twos, 3, 5 and any
 * other prime up to {@link #MAX_DIRECT_PRIME}, whose butterfly costs p multiply-adds per point; beyond that
 * Bluestein's three power-of-two transforms are cheaper. Twiddles are computed in float64 and rounded once.
 */
final class FftPlan {

    /** Largest prime factor handled by a direct O(p) per point butterfly (5461 = 43·127 stays direct). */
    static final int MAX_DIRECT_PRIME = 128;

    final int n;
    /** Radix of each stage, in execution order. */
    final int[] radices;
    /** Per stage: twiddle re/im pairs, index 2·(k·(p−1) + c − 1). */
    final float[][] twiddles;
    /** Per odd radix p ≥ 5: cos and sin of 2π·q/p for q < p, at {@code roots[p]}; null for others. */
    final float[][] cosines;
    final float[][] sines;
    /** Non-null when n is computed by Bluestein's algorithm. */
    final Bluestein bluestein;

    private FftPlan(int n) {
        this.n = n;
        int[] factors = FftRadices.primeFactors(n);
        int largest = factors.length == 0 ? 1 : factors[factors.length - 1];
        if (largest > MAX_DIRECT_PRIME) {
            this.bluestein = new Bluestein(n);
            this.radices = new int[0];
            this.twiddles = new float[0][];
            this.cosines = new float[0][];
            this.sines = new float[0][];
            return;
        }
        this.bluestein = null;
        this.radices = FftRadices.stageOrder(factors);
        this.twiddles = new float[radices.length][];
        this.cosines = new float[largest + 1][];
        this.sines = new float[largest + 1][];
        int l = 1;
        for (int s = 0; s < radices.length; s++) {
            int p = radices[s];
            float[] w = new float[2 * l * (p - 1)];
            for (int k = 0; k < l; k++) {
                for (int c = 1; c < p; c++) {
                    double angle = -2 * Math.PI * ((long) c * k) / ((long) l * p);
                    w[2 * (k * (p - 1) + c - 1)] = (float) Math.cos(angle);
                    w[2 * (k * (p - 1) + c - 1) + 1] = (float) Math.sin(angle);
                }
            }
            twiddles[s] = w;
            if (p >= 5 && p % 2 == 1 && cosines[p] == null) {
                cosines[p] = new float[p];
                sines[p] = new float[p];
                for (int q = 0; q < p; q++) {
                    cosines[p][q] = (float) Math.cos(2 * Math.PI * q / p);
                    sines[p][q] = (float) Math.sin(2 * Math.PI * q / p);
                }
            }
            l *= p;
        }
    }

    static FftPlan of(int n) {
        return new FftPlan(n);
    }

    /**
     * Bluestein's chirp-z form of a length-n DFT: {@code Z[k] = w_k·Σ_j (x_j·w_j)·conj(w_{k−j})} with
     * {@code w_j = e^{−πi·j²/n}}, a cyclic convolution computed with power-of-two transforms of length m ≥ 2n − 1.
     */
    static final class Bluestein {
        /** Chirp w_j, re/im pairs, j &lt; n. */
        final float[] chirp;
        /** The power-of-two plan the convolution runs on. */
        final FftPlan inner;
        /** DFT of the convolution kernel conj(w) wrapped cyclically, divided by m (folds the inverse's scale). */
        final float[] kernelSpectrum;

        private Bluestein(int n) {
            int m = Integer.highestOneBit(2 * n - 1) << 1;
            this.inner = FftPlan.of(m);
            this.chirp = new float[2 * n];
            double[] kernel = new double[2 * m];
            for (int j = 0; j < n; j++) {
                // j² mod 2n keeps the angle small and exact for large j
                long q = (long) j * j % (2L * n);
                double angle = -Math.PI * q / n;
                chirp[2 * j] = (float) Math.cos(angle);
                chirp[2 * j + 1] = (float) Math.sin(angle);
                kernel[2 * j] = Math.cos(angle);
                kernel[2 * j + 1] = -Math.sin(angle);
                if (j > 0) {
                    kernel[2 * (m - j)] = kernel[2 * j];
                    kernel[2 * (m - j) + 1] = kernel[2 * j + 1];
                }
            }
            double[] spectrum = directDft(kernel, m);
            this.kernelSpectrum = new float[2 * m];
            for (int i = 0; i < 2 * m; i++) {
                kernelSpectrum[i] = (float) (spectrum[i] / m);
            }
        }

        // O(m log m) radix-2 transform in float64, run once per length when the plan is built
        private static double[] directDft(double[] x, int m) {
            double[] a = x.clone();
            for (int i = 1, j = 0; i < m; i++) {
                int bit = m >> 1;
                for (; (j & bit) != 0; bit >>= 1) {
                    j ^= bit;
                }
                j ^= bit;
                if (i < j) {
                    double tr = a[2 * i];
                    double ti = a[2 * i + 1];
                    a[2 * i] = a[2 * j];
                    a[2 * i + 1] = a[2 * j + 1];
                    a[2 * j] = tr;
                    a[2 * j + 1] = ti;
                }
            }
            for (int len = 2; len <= m; len <<= 1) {
                for (int i = 0; i < m; i += len) {
                    for (int k = 0; k < len / 2; k++) {
                        double angle = -2 * Math.PI * k / len;
                        double wr = Math.cos(angle);
                        double wi = Math.sin(angle);
                        int u = i + k;
                        int v = i + k + len / 2;
                        double xr = a[2 * v] * wr - a[2 * v + 1] * wi;
                        double xi = a[2 * v] * wi + a[2 * v + 1] * wr;
                        a[2 * v] = a[2 * u] - xr;
                        a[2 * v + 1] = a[2 * u + 1] - xi;
                        a[2 * u] += xr;
                        a[2 * u + 1] += xi;
                    }
                }
            }
            return a;
        }
    }
}
