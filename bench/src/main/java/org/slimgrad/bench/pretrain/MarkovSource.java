package org.slimgrad.bench.pretrain;

import org.slimgrad.CounterRandom;

/**
 * The corpus: an order-2 Markov source over V symbols whose next-symbol distributions are drawn from a seed (each
 * context puts its mass on a few symbols), so sequences are generated, never downloaded, and the best achievable
 * loss is known: the entropy rate H = Σ_c π(c)·H(next | c) in nats, π the stationary distribution of the contexts.
 */
public final class MarkovSource {

    private final int symbols;
    /** Cumulative next-symbol probabilities per context c = a·V + b (a two back, b one back). */
    private final double[][] cumulative;
    private final double entropyRate;

    public MarkovSource(int symbols, int support, long seed) {
        this.symbols = symbols;
        int contexts = symbols * symbols;
        double[][] p = new double[contexts][symbols];
        for (int c = 0; c < contexts; c++) {
            double total = 0;
            for (int k = 0; k < support; k++) {
                int next = (int) Long.remainderUnsigned(CounterRandom.bits(seed, 2L * (c * support + k)), symbols);
                double weight = 0.05 + (CounterRandom.bits(seed, 2L * (c * support + k) + 1) >>> 11) * 0x1p-53;
                p[c][next] += weight;
                total += weight;
            }
            for (int s = 0; s < symbols; s++) {
                p[c][s] /= total;
            }
        }
        this.cumulative = new double[contexts][symbols];
        for (int c = 0; c < contexts; c++) {
            double sum = 0;
            for (int s = 0; s < symbols; s++) {
                sum += p[c][s];
                cumulative[c][s] = sum;
            }
        }
        this.entropyRate = entropyRate(p);
    }

    public int symbols() {
        return symbols;
    }

    /** The entropy rate in nats per symbol: the lowest expected loss any model of this source can reach. */
    public double entropyRate() {
        return entropyRate;
    }

    /** A sequence of {@code length} symbols from stream {@code stream}, starting in context (0, 0). */
    public int[] sample(int length, long stream) {
        int[] out = new int[length];
        int a = 0;
        int b = 0;
        for (int t = 0; t < length; t++) {
            double u = (CounterRandom.bits(stream, t) >>> 11) * 0x1p-53;
            double[] cdf = cumulative[a * symbols + b];
            int s = 0;
            while (s < symbols - 1 && cdf[s] <= u) {
                s++;
            }
            out[t] = s;
            a = b;
            b = s;
        }
        return out;
    }

    // stationary distribution of the context chain by power iteration, then the expected conditional entropy
    private double entropyRate(double[][] p) {
        int contexts = symbols * symbols;
        double[] pi = new double[contexts];
        java.util.Arrays.fill(pi, 1.0 / contexts);
        for (int it = 0; it < 2000; it++) {
            double[] next = new double[contexts];
            for (int c = 0; c < contexts; c++) {
                int b = c % symbols;
                for (int s = 0; s < symbols; s++) {
                    next[b * symbols + s] += pi[c] * p[c][s];
                }
            }
            pi = next;
        }
        double h = 0;
        for (int c = 0; c < contexts; c++) {
            for (int s = 0; s < symbols; s++) {
                if (p[c][s] > 0) {
                    h -= pi[c] * p[c][s] * Math.log(p[c][s]);
                }
            }
        }
        return h;
    }
}
