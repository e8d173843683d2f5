package org.slimgrad;

import java.util.SplittableRandom;

import org.slimgrad.linalg.SmallDense;

/** Test matrices with a chosen spectrum, A = U·diag(σ)·Vᵀ with random orthonormal U and V, and norms of them. */
public final class Spectra {

    private Spectra() {
    }

    /** σᵢ = 1 for every i. */
    public static double[] flat(int p) {
        double[] s = new double[p];
        java.util.Arrays.fill(s, 1);
        return s;
    }

    /** σᵢ = ρⁱ. */
    public static double[] geometric(int p, double rho) {
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            s[i] = Math.pow(rho, i);
        }
        return s;
    }

    /** σᵢ = 1/(i+1), the slow decay typical of gradients. */
    public static double[] harmonic(int p) {
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            s[i] = 1.0 / (i + 1);
        }
        return s;
    }

    /** Singular values spread geometrically from 1 down to 1/κ. */
    public static double[] conditioned(int p, double kappa) {
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            s[i] = Math.pow(kappa, -(double) i / Math.max(1, p - 1));
        }
        return s;
    }

    /** An m×p matrix with orthonormal columns (Householder QR of a Gaussian matrix, float64). */
    public static double[] orthonormal(SplittableRandom rng, int m, int p) {
        double[] q = new double[m * p];
        for (int i = 0; i < q.length; i++) {
            q[i] = gaussian(rng);
        }
        SmallDense.householderQr(q, m, p, null);
        return q;
    }

    /** The m×n fp32 matrix U·diag(σ)·Vᵀ, p = σ.length ≤ min(m, n). */
    public static Matrix withSpectrum(SplittableRandom rng, int m, int n, double[] sigma) {
        int p = sigma.length;
        double[] u = orthonormal(rng, m, p);
        double[] v = orthonormal(rng, n, p);
        float[] a = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < p; k++) {
                    s += u[i * p + k] * sigma[k] * v[j * p + k];
                }
                a[i * n + j] = (float) s;
            }
        }
        return Matrix.wrap(a, m, n);
    }

    /** max |QᵀQ − I| over the columns of Q (m×k). */
    public static double orthogonalityError(Matrix q) {
        int k = q.cols();
        double worst = 0;
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double dot = 0;
                for (int i = 0; i < q.rows(); i++) {
                    dot += (double) q.get(i, a) * q.get(i, b);
                }
                worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        return worst;
    }

    /** ‖A − U·diag(σ)·Vᵀ‖_F in float64. */
    public static double residual(Matrix a, Svd svd) {
        double sum = 0;
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                double approx = 0;
                for (int k = 0; k < svd.rank(); k++) {
                    approx += (double) svd.u().get(i, k) * svd.sigma()[k] * svd.vt().get(k, j);
                }
                double d = a.get(i, j) - approx;
                sum += d * d;
            }
        }
        return Math.sqrt(sum);
    }

    /** The optimal rank-r error √(Σ_{i ≥ r} σᵢ²) (Eckart–Young). */
    public static double optimalError(double[] sigma, int r) {
        double sum = 0;
        for (int i = r; i < sigma.length; i++) {
            sum += sigma[i] * sigma[i];
        }
        return Math.sqrt(sum);
    }

    public static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
}
