package org.slimgrad.linalg;

import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;

/**
 * Exact decompositions of small matrices, computed in float64 and rounded once to fp32.
 *
 * <p>The SVD goes through the Gram matrix: for A (m×n, m ≥ n) it forms AᵀA in float64 (products of fp32 values are
 * exact there), takes its eigendecomposition AᵀA = V·Λ·Vᵀ, and normalises A·V, whose column norms are the singular
 * values (see {@link SmallDense#normalizeSingularVectors}). Squaring the condition number costs nothing visible at fp32 output precision: an error of
 * 2⁻⁵²·σ₁² in λ moves σᵢ by 2⁻⁵³·σ₁²/σᵢ, below fp32 resolution unless σᵢ < 10⁻⁸·σ₁.
 */
public final class SmallSvd {

    private SmallSvd() {
    }

    /** The eigendecomposition of the symmetric {@code s} on {@code parallel}'s threads. */
    public static SymmetricEigen symmetricEigen(Matrix s, Parallel parallel) {
        int n = s.rows();
        double[] a = toDoubles(s);
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        SymmetricEigenSolver.decompose(a, n, values, vectors, parallel);
        float[] lambda = new float[n];
        for (int j = 0; j < n; j++) {
            lambda[j] = (float) values[j];
        }
        return new SymmetricEigen(lambda, toMatrix(vectors, n, n));
    }

    /** The thin SVD of {@code a}, its Gram matrix, eigendecomposition and product on {@code parallel}'s threads. */
    public static Svd svd(Matrix a, Parallel parallel) {
        boolean wide = a.rows() < a.cols();
        int m = wide ? a.cols() : a.rows(); // work on the tall one of A and Aᵀ
        int n = wide ? a.rows() : a.cols();
        double[] t = wide ? SmallDense.transpose(toDoubles(a), n, m) : toDoubles(a);
        double[] gram = SmallDense.gramUpper(t, m, n, parallel);
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < p; q++) {
                gram[p * n + q] = gram[q * n + p];
            }
        }
        double[] lambda = new double[n];
        double[] v = new double[n * n];
        SymmetricEigenSolver.decompose(gram, n, lambda, v, parallel);
        double[] left = SmallDense.multiply(t, v, m, n, n, parallel);
        double[] sigma = SmallDense.normalizeSingularVectors(left, m, n);
        return assemble(left, sigma, v, m, n, wide);
    }

    /**
     * Packs T = L·diag(σ)·Rᵀ (L m×n and R n×n in float64, columns paired) as an Svd of A = T, or of A = Tᵀ when
     * {@code transposed}, with σ sorted descending.
     */
    static Svd assemble(double[] l, double[] sigma, double[] r, int m, int n, boolean transposed) {
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(sigma[y], sigma[x]));
        float[] s = new float[n];
        double[] ls = new double[m * n];
        double[] rs = new double[n * n];
        int[] from = new int[n];
        for (int j = 0; j < n; j++) {
            from[j] = order[j];
            s[j] = (float) sigma[from[j]];
        }
        for (int i = 0; i < m; i++) { // row by row: a gather within each row
            for (int j = 0; j < n; j++) {
                ls[i * n + j] = l[i * n + from[j]];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rs[i * n + j] = r[i * n + from[j]];
            }
        }
        return transposed
                ? new Svd(toMatrix(rs, n, n), s, toMatrix(SmallDense.transpose(ls, m, n), n, m))
                : new Svd(toMatrix(ls, m, n), s, toMatrix(SmallDense.transpose(rs, n, n), n, n));
    }

    static Matrix toMatrix(double[] x, int rows, int cols) {
        Matrix m = Matrix.wrap(new float[rows * cols], rows, cols);
        copyInto(x, m);
        return m;
    }

    /** A dense row-major float64 copy of a host matrix. */
    static double[] toDoubles(Matrix m) {
        double[] x = new double[Math.toIntExact(m.size())];
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                x[i * m.cols() + j] = m.get(i, j);
            }
        }
        return x;
    }

    /** Rounds the dense row-major float64 {@code x} into the host matrix {@code m} of the same shape. */
    static void copyInto(double[] x, Matrix m) {
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                m.set(i, j, (float) x[i * m.cols() + j]);
            }
        }
    }
}
