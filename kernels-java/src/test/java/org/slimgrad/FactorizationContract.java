package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slimgrad.linalg.Transpose;

/**
 * What every backend's factorisations promise, checked against mathematics: orthonormal bases that span the input,
 * exact SVDs that reproduce known spectra, and randomized SVDs whose rank-r error is within 5% of the optimal
 * (Eckart–Young) error. Subclasses name the backend.
 */
@Tag("kernels")
public abstract class FactorizationContract {

    /** fp32 orthogonality target of the issue: ‖QᵀQ − I‖_max. */
    static final double ORTHOGONALITY = 1e-5;

    protected abstract Backend backend();

    /** The method a backend reports for well-conditioned input: the GEMM path unless it has its own QR. */
    protected OrthoMethod wellConditionedMethod() {
        return OrthoMethod.CHOLESKY_QR2;
    }

    @Test
    void orthonormalizeKeepsTheSpanOfWellConditionedInput() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int[] s : new int[][]{{1, 1}, {7, 3}, {97, 17}, {300, 40}, {33, 33}}) {
            Matrix a = TestData.random(rng, s[0], s[1], true);
            Matrix q = TestData.copy(a);
            OrthoMethod method = backend().orthonormalize(q);
            String context = backend() + " orthonormalize " + q.shape() + " via " + method;
            assertTrue(Spectra.orthogonalityError(q) <= ORTHOGONALITY, context + ": " + Spectra.orthogonalityError(q));
            // span: A − Q·(QᵀA) ≈ 0
            Matrix qta = backend().allocate(s[1], s[1]);
            backend().gemm(true, false, 1f, q, a, 0f, qta);
            Matrix back = TestData.copy(a);
            backend().gemm(false, false, -1f, q, qta, 1f, back);
            double worst = 0;
            for (float v : back.toArray()) {
                worst = Math.max(worst, Math.abs(v));
            }
            assertTrue(worst <= 1e-4, context + ": residual " + worst);
            TestData.assertGuardsIntact(q, context);
        }
    }

    @Test
    void orthonormalizeStaysOrthonormalUpToConditionTenToTheSix() {
        SplittableRandom rng = new SplittableRandom(12);
        for (double kappa : new double[]{1e1, 1e3, 1e4, 1e6}) {
            Matrix a = Spectra.withSpectrum(rng, 200, 30, Spectra.conditioned(30, kappa));
            OrthoMethod method = backend().orthonormalize(a);
            double err = Spectra.orthogonalityError(a);
            assertTrue(err <= ORTHOGONALITY, backend() + " kappa " + kappa + " via " + method + ": " + err);
            if (kappa <= 10) {
                assertEquals(wellConditionedMethod(), method, "well-conditioned input takes the fast path");
            }
        }
    }

    @Test
    void orthonormalizeGivesABasisForRankDeficientAndZeroInput() {
        SplittableRandom rng = new SplittableRandom(13);
        Matrix zero = backend().allocate(50, 6);
        assertEquals(OrthoMethod.HOUSEHOLDER_QR, backend().orthonormalize(zero));
        assertTrue(Spectra.orthogonalityError(zero) <= ORTHOGONALITY);
        Matrix deficient = Spectra.withSpectrum(rng, 60, 10, new double[]{3, 2, 1}); // rank 3 in 10 columns
        Matrix q = TestData.copy(deficient);
        backend().orthonormalize(q);
        assertTrue(Spectra.orthogonalityError(q) <= ORTHOGONALITY, "rank-deficient: " + Spectra.orthogonalityError(q));
        assertThrows(IllegalArgumentException.class, () -> backend().orthonormalize(backend().allocate(3, 5)));
    }

    @Test
    void exactSvdReproducesKnownSpectra() {
        SplittableRandom rng = new SplittableRandom(14);
        for (int[] s : new int[][]{{40, 25}, {25, 40}, {1, 7}, {64, 64}}) {
            int p = Math.min(s[0], s[1]);
            double[] sigma = Spectra.geometric(p, 0.8);
            Matrix a = Spectra.withSpectrum(rng, s[0], s[1], sigma);
            Svd svd = backend().svd(a);
            String context = backend() + " svd " + a.shape();
            assertEquals(p, svd.rank());
            for (int i = 0; i < p; i++) {
                // perturbation of fp32 A: |Δσ| ≤ ‖ΔA‖₂ ≲ √(mn)·u·σ₁
                assertEquals(sigma[i], svd.sigma()[i], 1e-5, context + " sigma " + i);
            }
            assertTrue(Spectra.orthogonalityError(svd.u()) <= ORTHOGONALITY, context + " U");
            assertTrue(Spectra.orthogonalityError(transpose(svd.vt())) <= ORTHOGONALITY, context + " V");
            assertTrue(Spectra.residual(a, svd) <= 1e-5, context + " residual " + Spectra.residual(a, svd));
        }
    }

    @Test
    void symmetricEigenDiagonalisesSymmetricMatrices() {
        SplittableRandom rng = new SplittableRandom(15);
        int n = 37;
        Matrix x = TestData.random(rng, n, n, false);
        Matrix s = backend().allocate(n, n);
        backend().gemm(true, false, 1f, x, x, 0f, s); // symmetric positive semi-definite
        SymmetricEigen eig = backend().symmetricEigen(s);
        assertTrue(Spectra.orthogonalityError(eig.vectors()) <= ORTHOGONALITY);
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                assertTrue(eig.values()[j] <= eig.values()[j - 1], "descending order");
            }
            for (int i = 0; i < n; i++) {
                double sv = 0;
                for (int k = 0; k < n; k++) {
                    sv += (double) s.get(i, k) * eig.vectors().get(k, j);
                }
                assertEquals(eig.values()[j] * eig.vectors().get(i, j), sv, 1e-4 * eig.values()[0], "S·v = λ·v");
            }
        }
    }

    @Test
    void randomizedSvdIsWithinFivePercentOfOptimalOnKnownSpectra() {
        SplittableRandom rng = new SplittableRandom(16);
        int m = 240;
        int n = 160;
        int r = 16;
        double[][] spectra = {Spectra.flat(n), Spectra.geometric(n, 0.9), Spectra.harmonic(n)};
        String[] names = {"flat", "geometric 0.9", "harmonic 1/k"};
        for (int t = 0; t < spectra.length; t++) {
            for (boolean wide : new boolean[]{false, true}) {
                Matrix a = wide ? Spectra.withSpectrum(rng, n, m, spectra[t]) : Spectra.withSpectrum(rng, m, n, spectra[t]);
                Svd svd = backend().randomizedSvd(a, r, 10, 2, 99, null);
                String context = backend() + " rSVD " + names[t] + " " + a.shape() + " rank " + r;
                double optimal = Spectra.optimalError(spectra[t], r);
                double error = Spectra.residual(a, svd);
                assertTrue(error <= 1.05 * optimal, context + ": error " + error + " vs optimal " + optimal);
                assertTrue(Spectra.orthogonalityError(svd.u()) <= ORTHOGONALITY, context + " U");
                assertTrue(Spectra.orthogonalityError(transpose(svd.vt())) <= ORTHOGONALITY, context + " V");
                if (t > 0) { // separated spectra: the top half of the singular values to 1e-3 relative
                    for (int i = 0; i < r / 2; i++) {
                        assertEquals(spectra[t][i], svd.sigma()[i], 1e-3 * spectra[t][i], context + " sigma " + i);
                    }
                }
            }
        }
    }

    @Test
    void randomizedSvdIsDeterministicPerSeedAndWarmStartConverges() {
        SplittableRandom rng = new SplittableRandom(17);
        double[] sigma = Spectra.harmonic(80);
        Matrix a = Spectra.withSpectrum(rng, 120, 80, sigma);
        Svd first = backend().randomizedSvd(a, 8, 4, 1, 5, null);
        Svd again = backend().randomizedSvd(a, 8, 4, 1, 5, null);
        Svd other = backend().randomizedSvd(a, 8, 4, 1, 6, null);
        assertArrayEquals(first.u().toArray(), again.u().toArray(), "same seed, same result");
        assertNotEquals(first.u().get(0, 7), other.u().get(0, 7), "another seed, another sketch");
        // Without power iterations a cold start is far from optimal; warm-started refreshes converge towards it.
        Svd warm = backend().randomizedSvd(a, 8, 4, 0, 7, null);
        double cold = Spectra.residual(a, warm);
        for (int refresh = 0; refresh < 4; refresh++) {
            warm = backend().randomizedSvd(a, 8, 4, 0, 8 + refresh, warm);
        }
        double optimal = Spectra.optimalError(sigma, 8);
        double converged = Spectra.residual(a, warm);
        assertTrue(converged < cold && converged <= 1.02 * optimal,
                backend() + ": warm-started error " + converged + ", cold " + cold + ", optimal " + optimal);
    }

    @Test
    void randomizedSvdRejectsBadRanks() {
        Matrix a = backend().allocate(10, 6);
        assertThrows(IllegalArgumentException.class, () -> backend().randomizedSvd(a, 7, 2, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> backend().randomizedSvd(a, 0, 2, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> backend().randomizedSvd(a, 3, -1, 1, 0, null));
        Svd zero = backend().randomizedSvd(a, 6, 5, 2, 0, null); // rank = min(m, n), zero input
        assertTrue(Spectra.orthogonalityError(zero.u()) <= ORTHOGONALITY, "zero input still gives a basis");
    }

    /**
     * The form that writes into the caller's matrices gives the returning form's bits (both sides, padded views),
     * computes only what is asked for, and refuses a wrong shape or an output overlapping an input before writing.
     */
    @Test
    void randomizedSvdIntoTheCallersMatricesGivesTheSameResult() {
        SplittableRandom rng = new SplittableRandom(23);
        for (int[] shape : new int[][]{{70, 45}, {33, 81}}) {
            Matrix a = Spectra.withSpectrum(rng, shape[0], shape[1], Spectra.harmonic(Math.min(shape[0], shape[1])));
            Svd returned = backend().randomizedSvd(a, 6, 5, 2, 3, null);
            Matrix paddedU = backend().allocate(shape[0], 9);
            Matrix u = paddedU.view(0, 2, shape[0], 6);
            Matrix vt = backend().allocate(6, shape[1]);
            float[] sigma = backend().randomizedSvd(a, 6, 5, 2, 3, null, u, vt);
            String where = shape[0] + "x" + shape[1];
            assertArrayEquals(returned.sigma(), sigma, where + " sigma");
            assertArrayEquals(returned.u().toArray(), backend().toHost(u).toArray(), where + " U");
            assertArrayEquals(returned.vt().toArray(), backend().toHost(vt).toArray(), where + " Vt");
            assertEquals(0f, backend().toHost(paddedU).get(0, 0), where + ": U's padding untouched");
            Matrix onlyVt = backend().allocate(6, shape[1]);
            assertArrayEquals(sigma, backend().randomizedSvd(a, 6, 5, 2, 3, null, null, onlyVt), where);
            assertArrayEquals(returned.vt().toArray(), backend().toHost(onlyVt).toArray(), where + " Vt alone");
        }
        Matrix a = backend().allocate(20, 12);
        Matrix wrongU = backend().allocate(20, 5);
        Matrix vt = backend().allocate(6, 12);
        backend().fill(vt, 5f);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> backend().randomizedSvd(a, 6, 2, 1, 0, null, wrongU, vt));
        assertTrue(wrong.getMessage().contains("randomizedSvd") && wrong.getMessage().contains("20x5"),
                wrong.getMessage());
        assertEquals(5f, backend().toHost(vt).get(3, 7), "Vt untouched by the refused call");
        Matrix block = backend().allocate(20, 18);
        Matrix overlapping = block.view(0, 6, 20, 6);
        assertThrows(IllegalArgumentException.class,
                () -> backend().randomizedSvd(block.view(0, 0, 20, 12), 6, 2, 1, 0, null, overlapping, null));
    }

    /** A new host matrix holding mᵀ. */
    public static Matrix transpose(Matrix m) {
        Matrix t = Matrix.wrap(new float[m.rows() * m.cols()], m.cols(), m.rows());
        Transpose.into(m, t);
        return t;
    }
}
