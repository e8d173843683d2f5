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

    /**
     * y[yAt + i] += a0·x[x0 + i] + a1·x[x1 + i] + a2·x[x2 + i] + a3·x[x3 + i] for i in [0, n): four rows into one,
     * so y is loaded and stored once for four rows (the products are added in that order).
     */
    static void axpy4(double a0, int x0, double a1, int x1, double a2, int x2, double a3, int x3, double[] x,
                      double[] y, int yAt, int n) {
        DoubleVector v0 = DoubleVector.broadcast(S, a0);
        DoubleVector v1 = DoubleVector.broadcast(S, a1);
        DoubleVector v2 = DoubleVector.broadcast(S, a2);
        DoubleVector v3 = DoubleVector.broadcast(S, a3);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector acc = DoubleVector.fromArray(S, x, x0 + i).fma(v0, DoubleVector.fromArray(S, y, yAt + i));
            acc = DoubleVector.fromArray(S, x, x1 + i).fma(v1, acc);
            acc = DoubleVector.fromArray(S, x, x2 + i).fma(v2, acc);
            DoubleVector.fromArray(S, x, x3 + i).fma(v3, acc).intoArray(y, yAt + i);
        }
        for (; i < n; i++) {
            y[yAt + i] += a0 * x[x0 + i] + a1 * x[x1 + i] + a2 * x[x2 + i] + a3 * x[x3 + i];
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
