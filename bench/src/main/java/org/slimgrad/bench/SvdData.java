package org.slimgrad.bench;

import org.ejml.data.FMatrixRMaj;
import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;

/**
 * Gradient-like test matrices for the SVD benchmarks: A = G₁·diag(1/k)·G₂ with seeded sketch matrices G₁ (m×p) and
 * G₂ (p×n), p = min(m, n), so the spectrum decays roughly like 1/k, as GaLore's gradients do.
 */
final class SvdData {

    private SvdData() {
    }

    static Matrix harmonic(Backend backend, int m, int n, long seed) {
        int p = Math.min(m, n);
        Matrix left = backend.allocate(m, p);
        Matrix right = backend.allocate(p, n);
        CounterRandom.fillSketch(left, seed);
        CounterRandom.fillSketch(right, seed + 1);
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < p; k++) {
                left.set(i, k, left.get(i, k) / (k + 1));
            }
        }
        Matrix a = backend.allocate(m, n);
        backend.gemm(false, false, 1f / (float) Math.sqrt((double) m * n), left, right, 0f, a);
        return a;
    }

    /** The harmonic matrix of a benchmark shape parameter "MxN". */
    static Matrix harmonic(Backend backend, String shape, long seed) {
        String[] mn = shape.split("x");
        return harmonic(backend, Integer.parseInt(mn[0]), Integer.parseInt(mn[1]), seed);
    }

    /** The same values as an EJML matrix (a copy: EJML wants its own dense row-major array). */
    static FMatrixRMaj toEjml(Matrix a) {
        return new FMatrixRMaj(a.rows(), a.cols(), true, a.toArray());
    }
}
