package org.slimgrad.bench;

import java.util.Locale;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F32;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.linalg.RandomizedSvd;

/**
 * The {@code svd-accuracy} job: the accuracy that goes beside {@link SvdBench}'s timings. On the benchmark's
 * 1024×2736 matrix it takes the exact singular values from EJML's full SVD, then reports slimgrad's rank-256
 * randomized SVD error ‖A − UΣVᵀ‖_F against the optimal √(Σ_{i>r} σᵢ²), and the worst relative error of the top
 * half of its singular values, for 0, 1 and 2 power iterations.
 */
final class SvdAccuracy {

    private SvdAccuracy() {
    }

    static void run() {
        Backend cpu = Backends.cpu();
        int m = 1024;
        int n = 2736;
        int rank = 256;
        Matrix a = SvdData.harmonic(cpu, m, n, 1);
        SingularValueDecomposition_F32<FMatrixRMaj> exact = DecompositionFactory_FDRM.svd(m, n, false, false, true);
        if (!exact.decompose(SvdData.toEjml(a))) {
            throw new IllegalStateException("svd-accuracy: EJML's SVD failed");
        }
        float[] sigma = exact.getSingularValues().clone();
        java.util.Arrays.sort(sigma);
        double optimal = 0;
        for (int i = 0; i < sigma.length - rank; i++) {
            optimal += (double) sigma[i] * sigma[i];
        }
        optimal = Math.sqrt(optimal);
        System.out.printf(Locale.ROOT, "A %dx%d (spectrum ~1/k), rank %d, oversample 10; optimal rank-%d error %.6g%n",
                m, n, rank, rank, optimal);
        RandomizedSvd plan = new RandomizedSvd(cpu, m, n, rank, 10);
        for (int q = 0; q <= 2; q++) {
            Svd svd = plan.compute(a, q, 7, null);
            double worstSigma = 0;
            for (int i = 0; i < rank / 2; i++) {
                double want = sigma[sigma.length - 1 - i];
                worstSigma = Math.max(worstSigma, Math.abs(svd.sigma()[i] - want) / want);
            }
            System.out.printf(Locale.ROOT, "power iterations %d: error / optimal = %.4f, top-half sigma max rel. error %.2e%n",
                    q, residual(cpu, a, svd) / optimal, worstSigma);
        }
    }

    // ‖A − U·diag(σ)·Vᵀ‖_F with the backend's GEMM
    static double residual(Backend backend, Matrix a, Svd svd) {
        Matrix us = backend.allocate(svd.u().rows(), svd.rank());
        backend.copy(svd.u(), us);
        for (int i = 0; i < us.rows(); i++) {
            for (int j = 0; j < us.cols(); j++) {
                us.set(i, j, us.get(i, j) * svd.sigma()[j]);
            }
        }
        Matrix r = backend.allocate(a.rows(), a.cols());
        backend.copy(a, r);
        backend.gemm(false, false, -1f, us, svd.vt(), 1f, r);
        double sum = 0;
        for (float v : r.toArray()) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }
}
