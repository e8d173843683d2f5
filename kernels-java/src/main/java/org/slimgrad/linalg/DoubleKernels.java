package org.slimgrad.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float64 vector loops every small factorisation is made of: dot, axpy and a plane rotation over runs of
 * {@code double[]} with unit stride. One place for the SIMD, so the algorithms above stay in their textbook form.
 */
final class DoubleKernels {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Lane permutations i → i ⊕ s for s = L/2, …, 1. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Double>[] EXCHANGES = java.util.stream.IntStream
            .iterate(L / 2, s -> s >= 1, s -> s / 2)
            .mapToObj(s -> VectorShuffle.fromOp(S, i -> i ^ s)).toArray(VectorShuffle[]::new);

    private DoubleKernels() {
    }

    /** Σ x[xAt + i]·y[yAt + i] for i in [0, n). */
    static double dot(double[] x, int xAt, double[] y, int yAt, int n) {
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = DoubleVector.zero(S);
        int i = 0;
        for (int bound = n - n % (2 * L); i < bound; i += 2 * L) {
            acc0 = DoubleVector.fromArray(S, x, xAt + i).fma(DoubleVector.fromArray(S, y, yAt + i), acc0);
            acc1 = DoubleVector.fromArray(S, x, xAt + i + L).fma(DoubleVector.fromArray(S, y, yAt + i + L), acc1);
        }
        // the lanes are summed in a fixed pairwise order (lane i with i ⊕ s): reduceLanes leaves the order open, and
        // the interpreter and the JIT then round differently, so results would depend on when a method got compiled
        DoubleVector total = acc0.add(acc1);
        for (VectorShuffle<Double> exchange : EXCHANGES) {
            total = total.add(total.rearrange(exchange));
        }
        double sum = total.lane(0);
        for (; i < n; i++) {
            sum += x[xAt + i] * y[yAt + i];
        }
        return sum;
    }

    /** y[yAt + i] += a·x[xAt + i] for i in [0, n). */
    static void axpy(double a, double[] x, int xAt, double[] y, int yAt, int n) {
        DoubleVector va = DoubleVector.broadcast(S, a);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector.fromArray(S, x, xAt + i).fma(va, DoubleVector.fromArray(S, y, yAt + i))
                    .intoArray(y, yAt + i);
        }
        for (; i < n; i++) {
            y[yAt + i] += a * x[xAt + i];
        }
    }

    /** (lo, hi) := (c·lo − s·hi, s·lo + c·hi) elementwise over the first n entries: a Givens rotation of two rows. */
    static void rotate(double c, double s, double[] lo, double[] hi, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector l = DoubleVector.fromArray(S, lo, i);
            DoubleVector h = DoubleVector.fromArray(S, hi, i);
            l.mul(c).sub(h.mul(s)).intoArray(lo, i);
            l.mul(s).add(h.mul(c)).intoArray(hi, i);
        }
        for (; i < n; i++) {
            double l = lo[i];
            double h = hi[i];
            lo[i] = c * l - s * h;
            hi[i] = s * l + c * h;
        }
    }
}
