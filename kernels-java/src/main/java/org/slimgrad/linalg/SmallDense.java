package org.slimgrad.linalg;

/**
 * Small dense factorisations in float64 on row-major {@code double[]} arrays: the k×k and thin m×k steps around
 * the large GEMMs of orthonormalisation and randomized SVD. Sizes here are at most a few thousand, the cost is
 * O(k³), and float64 makes the squared condition numbers of Gram matrices harmless.
 */
public final class SmallDense {

    private static final double EPS = 0x1p-52;

    private SmallDense() {
    }

    /**
     * Cholesky factorisation in place: on return the upper triangle of {@code g} (n×n, symmetric positive
     * definite) holds R with G = RᵀR and the strict lower triangle is zero. Returns false, leaving {@code g}
     * partly overwritten, when a pivot falls below {@code relTol} times the largest diagonal entry of G
     * (numerically rank-deficient).
     */
    public static boolean cholesky(double[] g, int n, double relTol) {
        double maxDiag = 0;
        for (int i = 0; i < n; i++) {
            maxDiag = Math.max(maxDiag, g[i * n + i]);
        }
        if (!(maxDiag > 0)) {
            return false;
        }
        for (int j = 0; j < n; j++) {
            double pivot = g[j * n + j];
            for (int p = 0; p < j; p++) {
                pivot -= g[p * n + j] * g[p * n + j];
            }
            if (!(pivot > relTol * maxDiag)) {
                return false;
            }
            double rjj = Math.sqrt(pivot);
            g[j * n + j] = rjj;
            for (int c = j + 1; c < n; c++) {
                double s = g[j * n + c];
                for (int p = 0; p < j; p++) {
                    s -= g[p * n + j] * g[p * n + c];
                }
                g[j * n + c] = s / rjj;
            }
            for (int c = 0; c < j; c++) {
                g[j * n + c] = 0;
            }
        }
        return true;
    }

    /** Inverts an upper-triangular n×n matrix in place (back substitution, one row of R⁻¹ at a time). */
    public static void invertUpper(double[] r, int n) {
        double[] row = new double[n];
        for (int j = n - 1; j >= 0; j--) {
            double inv = 1 / r[j * n + j];
            // X[j, c] = −(Σ_{p=j+1..c} R[j, p]·X[p, c]) / R[j, j]; rows below j already hold X, row j still holds R.
            for (int c = j + 1; c < n; c++) {
                double s = 0;
                for (int p = j + 1; p <= c; p++) {
                    s += r[j * n + p] * r[p * n + c];
                }
                row[c] = -s * inv;
            }
            r[j * n + j] = inv;
            System.arraycopy(row, j + 1, r, j * n + j + 1, n - j - 1);
        }
    }

    /** C = A·B for row-major double matrices A (m×k) and B (k×n). */
    public static double[] multiply(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i * k + p];
                if (aip != 0) {
                    for (int j = 0; j < n; j++) {
                        c[i * n + j] += aip * b[p * n + j];
                    }
                }
            }
        }
        return c;
    }

    /**
     * Orthonormalises the k columns of the m×k row-major matrix {@code q} in place by modified Gram–Schmidt, run
     * twice ("twice is enough"). A column that is numerically dependent on the previous ones is replaced by the
     * first unit vector orthogonal to them, so the result is always orthonormal. Returns the column norms found in
     * the first pass (the diagonal of R).
     */
    public static double[] orthonormalizeColumns(double[] q, int m, int k) {
        double[] norms = new double[k];
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < k; j++) {
                double before = columnNorm(q, m, k, j);
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < m; i++) {
                        dot += q[i * k + p] * q[i * k + j];
                    }
                    for (int i = 0; i < m; i++) {
                        q[i * k + j] -= dot * q[i * k + p];
                    }
                }
                double norm = columnNorm(q, m, k, j);
                if (pass == 0) {
                    norms[j] = norm;
                }
                if (!(norm > 1e3 * EPS * Math.max(before, Double.MIN_NORMAL))) {
                    replaceWithComplement(q, m, k, j);
                    norm = columnNorm(q, m, k, j);
                }
                for (int i = 0; i < m; i++) {
                    q[i * k + j] /= norm;
                }
            }
        }
        return norms;
    }

    private static double columnNorm(double[] q, int m, int k, int j) {
        double s = 0;
        for (int i = 0; i < m; i++) {
            s += q[i * k + j] * q[i * k + j];
        }
        return Math.sqrt(s);
    }

    // Column j := the unit vector e_t (first t that survives) minus its projection on columns 0..j-1.
    private static void replaceWithComplement(double[] q, int m, int k, int j) {
        for (int t = 0; t < m; t++) {
            for (int i = 0; i < m; i++) {
                q[i * k + j] = i == t ? 1 : 0;
            }
            for (int p = 0; p < j; p++) {
                double dot = q[t * k + p];
                for (int i = 0; i < m; i++) {
                    q[i * k + j] -= dot * q[i * k + p];
                }
            }
            if (columnNorm(q, m, k, j) > 0.5) {
                return;
            }
        }
        throw new IllegalStateException("orthonormalizeColumns: no complement left for column " + j + " of " + m
                + "x" + k);
    }

    /**
     * Householder QR of the m×k row-major {@code a} (k ≤ m): on return {@code a} holds the thin Q (m×k, orthonormal
     * columns even for rank-deficient input) and, if {@code r} is non-null, {@code r} holds the k×k upper-triangular
     * R with A = Q·R.
     */
    public static void householderQr(double[] a, int m, int k, double[] r) {
        double[] tau = new double[k];
        for (int j = 0; j < k; j++) {
            double norm = 0;
            for (int i = j; i < m; i++) {
                norm += a[i * k + j] * a[i * k + j];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                continue; // H_j = I: the column is already zero below the diagonal
            }
            double alpha = a[j * k + j] > 0 ? -norm : norm;
            // v = x − α·e₁ stored in place of the column; τ = 2/(vᵀv) = 1/(norm² − α·x₀) since vᵀv = 2(norm² − α·x₀)
            double x0 = a[j * k + j];
            a[j * k + j] = x0 - alpha;
            tau[j] = 1 / (norm * norm - alpha * x0);
            for (int c = j + 1; c < k; c++) {
                double dot = 0;
                for (int i = j; i < m; i++) {
                    dot += a[i * k + j] * a[i * k + c];
                }
                dot *= tau[j];
                for (int i = j; i < m; i++) {
                    a[i * k + c] -= dot * a[i * k + j];
                }
            }
            if (r != null) {
                r[j * k + j] = alpha;
            }
        }
        if (r != null) {
            for (int i = 0; i < k; i++) {
                for (int c = 0; c < k; c++) {
                    if (c > i) {
                        r[i * k + c] = a[i * k + c];
                    } else if (c < i) {
                        r[i * k + c] = 0;
                    } else if (tau[i] == 0) {
                        r[i * k + c] = a[i * k + c];
                    }
                }
            }
        }
        // Q = H₀·H₁·…·H_{k−1}·I[:, :k], applied from the last reflector back; v_j lives in column j below row j.
        double[] q = new double[m * k];
        for (int j = 0; j < k; j++) {
            q[j * k + j] = 1;
        }
        for (int j = k - 1; j >= 0; j--) {
            if (tau[j] == 0) {
                continue;
            }
            for (int c = j; c < k; c++) {
                double dot = 0;
                for (int i = j; i < m; i++) {
                    dot += a[i * k + j] * q[i * k + c];
                }
                dot *= tau[j];
                for (int i = j; i < m; i++) {
                    q[i * k + c] -= dot * a[i * k + j];
                }
            }
        }
        System.arraycopy(q, 0, a, 0, m * k);
    }

    /**
     * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ of the n×n row-major {@code a} (only read): Householder
     * reduction to tridiagonal form, then the implicit QL algorithm with Wilkinson shifts (EISPACK tred2/tql2).
     * Eigenvalues come out in descending order in {@code values}; column j of the row-major n×n {@code vectors}
     * is the unit eigenvector of {@code values[j]}.
     */
    public static void symmetricEigen(double[] a, int n, double[] values, double[] vectors) {
        if (n == 0) {
            return;
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                v[i][j] = 0.5 * (a[i * n + j] + a[j * n + i]);
            }
        }
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalize(v, d, e);
        diagonalize(v, d, e);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(d[y], d[x]));
        for (int j = 0; j < n; j++) {
            values[j] = d[order[j]];
            for (int i = 0; i < n; i++) {
                vectors[i * n + j] = v[i][order[j]];
            }
        }
    }

    // Householder tridiagonalisation: on return d is the diagonal, e[1..n-1] the sub-diagonal, v the
    // accumulated orthogonal transformation.
    private static void tridiagonalize(double[][] v, double[] d, double[] e) {
        int n = d.length;
        System.arraycopy(v[n - 1], 0, d, 0, n);
        for (int i = n - 1; i > 0; i--) {
            double scale = 0;
            double h = 0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                    v[j][i] = 0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                java.util.Arrays.fill(e, 0, i, 0);
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k < i; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k < i; k++) {
                        v[k][j] -= f * e[k] + g * d[k];
                    }
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1;
            double h = d[i + 1];
            if (h != 0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[k][i + 1] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = 0;
                    for (int k = 0; k <= i; k++) {
                        g += v[k][i + 1] * v[k][j];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[k][j] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[k][i + 1] = 0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0;
        }
        v[n - 1][n - 1] = 1;
        e[0] = 0;
    }

    // Implicit QL iterations on the tridiagonal (d, e), accumulating rotations into v.
    private static void diagonalize(double[][] v, double[] d, double[] e) {
        int n = d.length;
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0;
        double shift = 0;
        double norm = 0;
        for (int l = 0; l < n; l++) {
            norm = Math.max(norm, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n && Math.abs(e[m]) > EPS * norm) {
                m++;
            }
            int iterations = 0;
            while (m > l) {
                if (++iterations > 60) {
                    throw new IllegalStateException("symmetricEigen: QL iteration did not converge for eigenvalue "
                            + l + " of " + n);
                }
                double g = d[l];
                double p = (d[l + 1] - g) / (2 * e[l]);
                double r = Math.hypot(p, 1);
                if (p < 0) {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                double dl1 = d[l + 1];
                double h = g - d[l];
                for (int i = l + 2; i < n; i++) {
                    d[i] -= h;
                }
                shift += h;
                p = d[m];
                double c = 1;
                double c2 = 1;
                double c3 = 1;
                double el1 = e[l + 1];
                double s = 0;
                double s2 = 0;
                for (int i = m - 1; i >= l; i--) {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = Math.hypot(p, e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    for (int k = 0; k < n; k++) {
                        h = v[k][i + 1];
                        v[k][i + 1] = s * v[k][i] + c * h;
                        v[k][i] = c * v[k][i] - s * h;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if (Math.abs(e[l]) <= EPS * norm) {
                    break;
                }
            }
            d[l] += shift;
            e[l] = 0;
        }
    }
}
