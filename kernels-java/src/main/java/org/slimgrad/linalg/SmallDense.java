package org.slimgrad.linalg;

/**
 * Small dense factorisations in float64 on row-major {@code double[]} arrays: the k×k and thin m×k steps around
 * the large GEMMs of orthonormalisation and randomized SVD. Sizes here are at most a few thousand, the cost is
 * O(k³), and float64 makes the squared condition numbers of Gram matrices harmless.
 */
public final class SmallDense {

    private static final double EPS = 0x1p-52;
    /** Side of the tiles {@link #transpose} copies. */
    private static final int TILE = 16;

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
        // Up-looking form, four rows at a time: rows j..j+3 of R are G's rows minus the finished rows above them,
        // each scaled by its entries in those four columns (one pass over the finished rows for all four), then
        // the four are finished one by one against each other and divided by their pivots.
        double[] coef = new double[4 * n];
        for (int j = 0; j < n; j += 4) {
            int rows = Math.min(4, n - j);
            if (rows == 4) {
                for (int p = 0; p < j; p++) {
                    for (int k = 0; k < 4; k++) {
                        coef[4 * p + k] = -g[p * n + j + k];
                    }
                }
                DoubleKernels.addRows4(coef, 0, j, g, n, j, false, g, j * n, (j + 1) * n, (j + 2) * n, (j + 3) * n);
            }
            for (int jj = j; jj < j + rows; jj++) {
                int done = rows == 4 ? j : 0; // rows above j are already subtracted from a full block
                for (int q = done; q < jj; q++) {
                    DoubleKernels.axpy(-g[q * n + jj], g, q * n + jj, g, jj * n + jj, n - jj);
                }
                double pivot = g[jj * n + jj];
                if (!(pivot > relTol * maxDiag)) {
                    return false;
                }
                double rjj = Math.sqrt(pivot);
                double inv = 1 / rjj;
                g[jj * n + jj] = rjj;
                for (int c = jj + 1; c < n; c++) {
                    g[jj * n + c] *= inv;
                }
                java.util.Arrays.fill(g, jj * n, jj * n + jj, 0);
            }
        }
        return true;
    }

    /**
     * Inverts an upper-triangular n×n matrix in place (its strict lower triangle is set to zero), four rows of
     * R⁻¹ at a time from the bottom: row j of X = R⁻¹ is (e_j − Σ_{p&gt;j} R[j, p]·X[p, :]) / R[j, j].
     */
    public static void invertUpper(double[] r, int n) {
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(r, i * n, i * n + i, 0);
        }
        double[] coef = new double[4 * n];
        double[] rows = new double[4 * n];
        for (int end = n; end > 0; end -= 4) {
            int j0 = Math.max(0, end - 4);
            int count = end - j0;
            // the block's rows minus the finished rows of X below it (rows ≥ end), into the scratch rows
            java.util.Arrays.fill(rows, 0);
            if (count == 4) {
                for (int p = end; p < n; p++) {
                    for (int k = 0; k < 4; k++) {
                        coef[4 * p + k] = -r[(j0 + k) * n + p];
                    }
                }
                DoubleKernels.addRows4(coef, end, n, r, n, end, true, rows, 0, n, 2 * n, 3 * n);
            }
            // then bottom-up within the block, each row against the block's finished rows below it
            for (int jj = end - 1; jj >= j0; jj--) {
                int k = jj - j0;
                int below = count == 4 ? end : n; // a full block has the rows from end on already
                for (int p = jj + 1; p < below; p++) {
                    DoubleKernels.axpy(-r[jj * n + p], r, p * n + p, rows, k * n + p, n - p);
                }
                rows[k * n + jj] += 1;
                double inv = 1 / r[jj * n + jj];
                for (int c = jj; c < n; c++) {
                    r[jj * n + c] = rows[k * n + c] * inv;
                }
            }
        }
    }

    /** C = Rᵀ·R for an upper-triangular n×n row-major R (its strict lower triangle is not read). */
    public static double[] multiplyTransposeUpper(double[] r, int n) {
        double[] c = new double[n * n];
        double[] coef = new double[4 * n];
        // row i of C's upper triangle: Σ_{p ≤ i} R[p, i]·R[p, i:]
        for (int i = 0; i < n; i += 4) {
            int rows = Math.min(4, n - i);
            int done = 0;
            if (rows == 4) {
                for (int p = 0; p < i; p++) {
                    for (int k = 0; k < 4; k++) {
                        coef[4 * p + k] = r[p * n + i + k];
                    }
                }
                DoubleKernels.addRows4(coef, 0, i, r, n, i, false, c, i * n, (i + 1) * n, (i + 2) * n, (i + 3) * n);
                done = i;
            }
            for (int ii = i; ii < i + rows; ii++) {
                for (int p = done; p <= ii; p++) {
                    DoubleKernels.axpy(r[p * n + ii], r, p * n + ii, c, ii * n + ii, n - ii);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                c[i * n + j] = c[j * n + i];
            }
        }
        return c;
    }

    /** C = R·B for an upper-triangular n×n row-major R (its strict lower triangle is not read) and an n×m B. */
    public static double[] multiplyUpperLeft(double[] r, double[] b, int n, int m) {
        double[] c = new double[n * m];
        double[] coef = new double[4 * n];
        // row i of C: Σ_{p ≥ i} R[i, p]·B[p, :]
        for (int i = 0; i < n; i += 4) {
            int rows = Math.min(4, n - i);
            int shared = n; // rows of B every row of the block uses
            if (rows == 4) {
                shared = i + 3;
                for (int p = shared; p < n; p++) {
                    for (int k = 0; k < 4; k++) {
                        coef[4 * p + k] = r[(i + k) * n + p];
                    }
                }
                DoubleKernels.addRows4(coef, shared, n, b, m, 0, false, c, i * m, (i + 1) * m, (i + 2) * m, (i + 3) * m);
            }
            for (int ii = i; ii < i + rows; ii++) {
                for (int p = ii; p < shared; p++) {
                    DoubleKernels.axpy(r[ii * n + p], b, p * m, c, ii * m, m);
                }
            }
        }
        return c;
    }

    /** C = A·B for upper-triangular n×n row-major A and B (C is upper triangular too). */
    public static double[] multiplyUpper(double[] a, double[] b, int n) {
        double[] c = new double[n * n];
        double[] coef = new double[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, i * n + i, coef, i, n - i);
            addUpperRows(coef, i, n, b, n, i, c, i * n);
        }
        return c;
    }

    /**
     * dest[destAt + c] += Σ_{p ∈ [from, to)} coef[p]·src[p·n + c] over the columns c ∈ [max(first, p), n): rows of an
     * upper-triangular n×n src (row p is zero left of column p) added into one row, four source rows at a time, the
     * few columns where only some of the four rows start done one by one.
     */
    private static void addUpperRows(double[] coef, int from, int to, double[] src, int n, int first, double[] dest,
                                     int destAt) {
        int p = from;
        for (; p + 3 < to; p += 4) {
            int shared = Math.max(first, p + 3);
            for (int c = Math.max(first, p); c < shared; c++) { // columns reached by the first rows of the four only
                double sum = 0;
                for (int q = p; q <= c; q++) {
                    sum += coef[q] * src[q * n + c];
                }
                dest[destAt + c] += sum;
            }
            DoubleKernels.axpy4(coef[p], p * n + shared, coef[p + 1], (p + 1) * n + shared, coef[p + 2],
                    (p + 2) * n + shared, coef[p + 3], (p + 3) * n + shared, src, dest, destAt + shared, n - shared);
        }
        for (; p < to; p++) {
            int start = Math.max(first, p);
            DoubleKernels.axpy(coef[p], src, p * n + start, dest, destAt + start, n - start);
        }
    }

    /**
     * C = A·B for row-major double matrices A (m×k) and B (k×n): four rows of C at a time, held in registers while
     * B streams past once ({@link DoubleKernels#addRows4}); row by row, C's row was loaded and stored per row of B.
     */
    public static double[] multiply(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        double[] coef = new double[4 * k];
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            interleaveFour(a, i * k, k, 1, k, coef); // rows i … i+3 of A
            DoubleKernels.addRows4(coef, 0, k, b, n, 0, false, c, i * n, (i + 1) * n, (i + 2) * n, (i + 3) * n);
        }
        for (; i < m; i++) {
            for (int p = 0; p < k; p++) {
                DoubleKernels.axpy(a[i * k + p], b, p * n, c, i * n, n);
            }
        }
        return c;
    }

    /**
     * The Gram matrix TᵀT of the row-major m×n {@code t}, n×n row-major, computed on and above the diagonal (and a
     * few entries below it, which callers overwrite): four of its rows at a time, as {@link #multiply} does.
     */
    public static double[] gramUpper(double[] t, int m, int n) {
        double[] gram = new double[n * n];
        double[] coef = new double[4 * m];
        int p = 0;
        for (; p + 4 <= n; p += 4) {
            interleaveFour(t, p, 1, n, m, coef); // columns p … p+3 of T
            DoubleKernels.addRows4(coef, 0, m, t, n, p, false, gram, p * n, (p + 1) * n, (p + 2) * n, (p + 3) * n);
        }
        for (; p < n; p++) {
            for (int i = 0; i < m; i++) {
                DoubleKernels.axpy(t[i * n + p], t, i * n + p, gram, p * n + p, n - p);
            }
        }
        return gram;
    }

    // coef[4·q + r] = x[first + r·runStride + q·stepStride] for r < 4, q < steps: four runs of x side by side, the
    // coefficient layout of DoubleKernels.addRows4
    private static void interleaveFour(double[] x, int first, int runStride, int stepStride, int steps,
                                       double[] coef) {
        for (int q = 0; q < steps; q++) {
            for (int r = 0; r < 4; r++) {
                coef[4 * q + r] = x[first + r * runStride + q * stepStride];
            }
        }
    }

    /**
     * Orthonormalises the k columns of the m×k row-major matrix {@code q} in place by modified Gram–Schmidt, run
     * twice ("twice is enough"). A column that is numerically dependent on the previous ones is replaced by the
     * first unit vector orthogonal to them, so the result is always orthonormal. Returns the column norms found in
     * the first pass (the diagonal of R).
     */
    public static double[] orthonormalizeColumns(double[] q, int m, int k) {
        return orthonormalizeColumnsFrom(q, m, k, 0);
    }

    /**
     * As {@link #orthonormalizeColumns}, for columns {@code first..k-1} only, against all columns before them;
     * columns {@code 0..first-1} must already be orthonormal and are left as they are (their entries in the
     * returned norms are 1).
     */
    public static double[] orthonormalizeColumnsFrom(double[] q, int m, int k, int first) {
        double[] t = transpose(q, m, k); // vector j is row j of t: unit stride in every loop below
        double[] norms = new double[k];
        java.util.Arrays.fill(norms, 0, first, 1);
        for (int pass = 0; pass < 2; pass++) {
            for (int j = first; j < k; j++) {
                double before = rowNorm(t, m, j);
                for (int p = 0; p < j; p++) {
                    double dot = DoubleKernels.dot(t, p * m, t, j * m, m);
                    DoubleKernels.axpy(-dot, t, p * m, t, j * m, m);
                }
                double norm = rowNorm(t, m, j);
                if (pass == 0) {
                    norms[j] = norm;
                }
                if (!(norm > 1e3 * EPS * Math.max(before, Double.MIN_NORMAL))) {
                    replaceWithComplement(t, m, j);
                    norm = rowNorm(t, m, j);
                }
                for (int i = 0; i < m; i++) {
                    t[j * m + i] /= norm;
                }
            }
        }
        System.arraycopy(transpose(t, k, m), 0, q, 0, m * k);
        return norms;
    }

    /**
     * Normalises the columns of M·V, where V holds the eigenvectors of MᵀM in descending order of eigenvalue (m×k,
     * row-major): such columns are orthogonal up to ε·σ₁²/(σᵢσⱼ) in float64, far below fp32 resolution while
     * σ ≥ 10⁻⁴·σ₁, so those are only scaled, and the trailing columns of smaller σ (all of them for a zero matrix)
     * are orthonormalised explicitly. Returns the column norms, the singular values σ.
     */
    public static double[] normalizeSingularVectors(double[] q, int m, int k) {
        double[] norms = new double[k];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                norms[j] += q[i * k + j] * q[i * k + j];
            }
        }
        for (int j = 0; j < k; j++) {
            norms[j] = Math.sqrt(norms[j]);
        }
        int clean = 0;
        while (clean < k && norms[clean] > 1e-4 * norms[0]) {
            clean++;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < clean; j++) {
                q[i * k + j] /= norms[j];
            }
        }
        if (clean < k) {
            double[] tail = orthonormalizeColumnsFrom(q, m, k, clean);
            System.arraycopy(tail, clean, norms, clean, k - clean);
        }
        return norms;
    }

    /**
     * The transpose of a row-major rows×cols matrix, in 16×16 tiles, so that the column-wise side of the copy stays
     * within a few cache lines per tile (row by row, 256×256 took a tenth of a small SVD).
     */
    public static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int i0 = 0; i0 < rows; i0 += TILE) {
            int i1 = Math.min(rows, i0 + TILE);
            for (int j0 = 0; j0 < cols; j0 += TILE) {
                int j1 = Math.min(cols, j0 + TILE);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        t[j * rows + i] = x[i * cols + j];
                    }
                }
            }
        }
        return t;
    }

    private static double rowNorm(double[] t, int m, int j) {
        return Math.sqrt(DoubleKernels.dot(t, j * m, t, j * m, m));
    }

    // Vector j := the unit vector e_s (first s that survives) minus its projection on vectors 0..j-1.
    private static void replaceWithComplement(double[] t, int m, int j) {
        for (int s = 0; s < m; s++) {
            java.util.Arrays.fill(t, j * m, (j + 1) * m, 0);
            t[j * m + s] = 1;
            for (int p = 0; p < j; p++) {
                double dot = t[p * m + s];
                for (int i = 0; i < m; i++) {
                    t[j * m + i] -= dot * t[p * m + i];
                }
            }
            if (rowNorm(t, m, j) > 0.5) {
                return;
            }
        }
        throw new IllegalStateException("orthonormalizeColumns: no complement left for vector " + j + " in dimension "
                + m);
    }

    /**
     * Householder QR of the m×k row-major {@code a} (k ≤ m): on return {@code a} holds the thin Q (m×k, orthonormal
     * columns even for rank-deficient input) and, if {@code r} is non-null, {@code r} holds the k×k upper-triangular
     * R with A = Q·R.
     */
    public static void householderQr(double[] a, int m, int k, double[] r) {
        double[] t = transpose(a, m, k); // column j of A is row j of t: every inner loop below has unit stride
        double[] tau = new double[k];
        double[] diag = new double[k];
        for (int j = 0; j < k; j++) {
            int x = j * m;
            double norm = 0;
            for (int i = j; i < m; i++) {
                norm += t[x + i] * t[x + i];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                continue; // H_j = I: the column is already zero below the diagonal
            }
            double alpha = t[x + j] > 0 ? -norm : norm;
            // v = x − α·e_j in place of the column; vᵀv = 2(norm² − α·x_j), so τ = 2/(vᵀv) = 1/(norm² − α·x_j)
            double xj = t[x + j];
            t[x + j] = xj - alpha;
            tau[j] = 1 / (norm * norm - alpha * xj);
            diag[j] = alpha;
            for (int c = j + 1; c < k; c++) {
                reflect(t, x, tau[j], t, c * m, j, m);
            }
        }
        if (r != null) {
            java.util.Arrays.fill(r, 0);
            for (int i = 0; i < k; i++) {
                r[i * k + i] = tau[i] == 0 ? t[i * m + i] : diag[i];
                for (int c = i + 1; c < k; c++) {
                    r[i * k + c] = t[c * m + i];
                }
            }
        }
        // Q = H₀·H₁·…·H_{k−1}·I[:, :k], applied from the last reflector back; v_j is row j of t from index j on.
        double[] q = new double[k * m]; // row c of q is column c of Q
        for (int c = 0; c < k; c++) {
            q[c * m + c] = 1;
        }
        for (int j = k - 1; j >= 0; j--) {
            if (tau[j] == 0) {
                continue;
            }
            for (int c = j; c < k; c++) {
                reflect(t, j * m, tau[j], q, c * m, j, m);
            }
        }
        System.arraycopy(transpose(q, k, m), 0, a, 0, m * k);
    }

    // y[from:to] −= τ·v·(vᵀ·y[from:to]) with v = v[vAt + from : vAt + to] and y = y[yAt + from : yAt + to]
    private static void reflect(double[] v, int vAt, double tau, double[] y, int yAt, int from, int to) {
        double dot = DoubleKernels.dot(v, vAt + from, y, yAt + from, to - from);
        DoubleKernels.axpy(-tau * dot, v, vAt + from, y, yAt + from, to - from);
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
        double[][] vt = v; // the symmetric input is its own transpose: tridiagonalize works on Vᵀ from the start
        tridiagonalize(vt, d, e);
        diagonalize(vt, d, e);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(d[y], d[x]));
        for (int j = 0; j < n; j++) {
            values[j] = d[order[j]];
        }
        for (int j0 = 0; j0 < n; j0 += TILE) { // tiles, as in transpose: column j of vectors is row order[j] of vt
            int j1 = Math.min(n, j0 + TILE);
            for (int i = 0; i < n; i++) {
                for (int j = j0; j < j1; j++) {
                    vectors[i * n + j] = vt[order[j]][i];
                }
            }
        }
    }

    // √(a² + b²) without overflow or underflow (LAPACK's dlapy2): Math.hypot's last-bit care cost a tenth of an
    // eigendecomposition, two calls per rotation
    private static double hypot(double a, double b) {
        double x = Math.abs(a);
        double y = Math.abs(b);
        double big = Math.max(x, y);
        double small = Math.min(x, y);
        if (small == 0 || big == Double.POSITIVE_INFINITY) {
            return big;
        }
        double ratio = small / big;
        return big * Math.sqrt(1 + ratio * ratio);
    }

    // Householder tridiagonalisation (EISPACK tred2) run on the transposed array w = Vᵀ, so that its inner loops,
    // written for columns of V, walk rows of w with unit stride. On return d is the diagonal, e[1..n-1] the
    // sub-diagonal, and row j of w is column j of the accumulated orthogonal transformation.
    private static void tridiagonalize(double[][] w, double[] d, double[] e) {
        int n = d.length;
        double[] sums = new double[4];
        double[] a = new double[4];
        double[] b = new double[4];
        for (int j = 0; j < n; j++) {
            d[j] = w[j][n - 1];
        }
        for (int i = n - 1; i > 0; i--) {
            double scale = 0;
            double h = 0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = w[j][i - 1];
                    w[j][i] = 0;
                    w[i][j] = 0;
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
                int j = 0;
                for (; j + 4 <= i; j += 4) { // four rows a pass (see symmetricProductRows)
                    symmetricProductRows(w, j, i, d, e, sums);
                }
                for (; j < i; j++) {
                    f = d[j];
                    w[i][j] = f;
                    int rest = i - j - 1;
                    g = e[j] + w[j][j] * f + DoubleKernels.dotAxpy(w[j], j + 1, d, f, e, rest);
                    e[j] = g;
                }
                f = 0;
                for (int k = 0; k < i; k++) {
                    e[k] /= h;
                    f += e[k] * d[k];
                }
                double hh = f / (h + h);
                for (int k = 0; k < i; k++) {
                    e[k] -= hh * d[k];
                }
                for (j = 0; j + 4 <= i; j += 4) {
                    rankTwoUpdateRows(w, j, i, d, e, a, b);
                }
                for (; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    DoubleKernels.axpy2(-f, e, -g, d, w[j], j, i - j);
                    d[j] = w[j][i - 1];
                    w[j][i] = 0;
                }
            }
            d[i] = h;
        }
        double[] first = new double[n];
        double[] firstScaled = new double[n];
        double[] secondScaled = new double[n];
        for (int i = 0; i < n - 1; i++) {
            if (i + 2 < n && d[i + 1] != 0 && d[i + 2] != 0) {
                accumulateTwo(w, d[i + 1], d[i + 2], i, first, firstScaled, secondScaled, sums);
                i++;
                continue;
            }
            w[i][n - 1] = w[i][i];
            w[i][i] = 1;
            double h = d[i + 1];
            if (h != 0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = w[i + 1][k] / h;
                }
                for (int j = 0; j <= i; j++) {
                    double g = DoubleKernels.dot(w[i + 1], 0, w[j], 0, i + 1);
                    DoubleKernels.axpy(-g, d, 0, w[j], 0, i + 1);
                }
            }
            for (int k = 0; k <= i; k++) {
                w[i + 1][k] = 0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = w[j][n - 1];
            w[j][n - 1] = 0;
        }
        w[n - 1][n - 1] = 1;
        e[0] = 0;
    }

    // Steps i and i + 1 of tred2's accumulation in one pass over the rows. Step i multiplies rows j ≤ i (columns
    // 0..i) by I − u·uᵀ/h1 with u = w[i+1][0..i], then row i + 1 becomes the unit row e_{i+1}; step i + 1 multiplies
    // rows j ≤ i + 1 (columns 0..i+1) by I − u'·u'ᵀ/h2 with u' = w[i+2][0..i+1]. With g1 = u·v and g2 = u'·v of a
    // row v as it was, u'·(v − g1·u/h1) = g2 − g1·(u'·u)/h1, so both steps are v −= g1·u/h1 + (g2 − g1·c)·u'/h2,
    // c = u'·u/h1: two dot products and one rank-2 update a row instead of two passes each (e_{i+1} joins the
    // pass as a row with g1 = 0).
    private static void accumulateTwo(double[][] w, double h1, double h2, int i, double[] u, double[] uScaled,
                                      double[] nextScaled, double[] sums) {
        int n = w.length;
        int size = i + 2;
        w[i][n - 1] = w[i][i];
        w[i][i] = 1;
        double[] next = w[i + 2];
        for (int k = 0; k <= i; k++) {
            u[k] = w[i + 1][k];
            uScaled[k] = u[k] / h1;
            w[i + 1][k] = 0;
        }
        u[i + 1] = 0;
        uScaled[i + 1] = 0;
        w[i + 1][n - 1] = w[i + 1][i + 1];
        w[i + 1][i + 1] = 1;
        for (int k = 0; k < size; k++) {
            nextScaled[k] = next[k] / h2;
        }
        double c = DoubleKernels.dot(next, 0, uScaled, 0, size);
        for (int j = 0; j < size; j++) {
            DoubleKernels.dot2(w[j], u, next, size, sums);
            double g1 = sums[0];
            double g2 = sums[1];
            DoubleKernels.axpy2(-g1, uScaled, -(g2 - g1 * c), nextScaled, w[j], 0, size);
        }
        for (int k = 0; k < size; k++) {
            next[k] = 0;
        }
    }

    // Rows j..j+3 of tred2's symmetric product e = A·d (A's upper triangle in rows w[j][j..i)), while setting
    // w[i][j..j+3] = d[j..j+3]. The rows' own small triangle goes first, in row order, so that e[j + r] holds every
    // earlier row's part before row j + r reads it; the columns right of it are one four-row pass.
    private static void symmetricProductRows(double[][] w, int j, int i, double[] d, double[] e, double[] sums) {
        double[] x0 = w[j];
        double[] x1 = w[j + 1];
        double[] x2 = w[j + 2];
        double[] x3 = w[j + 3];
        double f0 = d[j];
        double f1 = d[j + 1];
        double f2 = d[j + 2];
        double f3 = d[j + 3];
        w[i][j] = f0;
        w[i][j + 1] = f1;
        w[i][j + 2] = f2;
        w[i][j + 3] = f3;
        double g0 = e[j] + x0[j] * f0 + x0[j + 1] * f1 + x0[j + 2] * f2 + x0[j + 3] * f3;
        e[j + 1] += f0 * x0[j + 1];
        e[j + 2] += f0 * x0[j + 2];
        e[j + 3] += f0 * x0[j + 3];
        double g1 = e[j + 1] + x1[j + 1] * f1 + x1[j + 2] * f2 + x1[j + 3] * f3;
        e[j + 2] += f1 * x1[j + 2];
        e[j + 3] += f1 * x1[j + 3];
        double g2 = e[j + 2] + x2[j + 2] * f2 + x2[j + 3] * f3;
        e[j + 3] += f2 * x2[j + 3];
        double g3 = e[j + 3] + x3[j + 3] * f3;
        DoubleKernels.dotAxpy4(x0, x1, x2, x3, d, f0, f1, f2, f3, e, j + 4, i - j - 4, sums);
        e[j] = g0 + sums[0];
        e[j + 1] = g1 + sums[1];
        e[j + 2] = g2 + sums[2];
        e[j + 3] = g3 + sums[3];
    }

    // Rows j..j+3 of tred2's rank-2 update A −= d·eᵀ + e·dᵀ (row r over columns [r, i)), then d[r] = w[r][i − 1] and
    // w[r][i] = 0 for each: the small triangle left of column j + 3 one entry at a time, the rest one four-row pass.
    // d[j..j+3] is overwritten only after all four rows are updated, as the rows right of them still read it.
    private static void rankTwoUpdateRows(double[][] w, int j, int i, double[] d, double[] e, double[] a,
                                          double[] b) {
        for (int r = 0; r < 4; r++) {
            a[r] = -d[j + r];
            b[r] = -e[j + r];
        }
        for (int r = 0; r < 3; r++) {
            double[] row = w[j + r];
            for (int c = j + r; c < j + 3; c++) {
                row[c] += a[r] * e[c] + b[r] * d[c];
            }
        }
        DoubleKernels.axpy2x4(w[j], w[j + 1], w[j + 2], w[j + 3], a, e, b, d, j + 3, i - j - 3);
        for (int r = 0; r < 4; r++) {
            d[j + r] = w[j + r][i - 1];
            w[j + r][i] = 0;
        }
    }

    // Implicit QL iterations on the tridiagonal (d, e), accumulating rotations into the eigenvector rows vt[j].
    private static void diagonalize(double[][] vt, double[] d, double[] e) {
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
                double r = hypot(p, 1);
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
                    double q = p * p + e[i] * e[i];
                    if (q >= 0x1p-900 && q <= 0x1p900) { // p² + e² neither overflows nor underflows: one division
                        r = Math.sqrt(q);
                        double inverse = 1 / r;
                        e[i + 1] = s * r;
                        s = e[i] * inverse;
                        c = p * inverse;
                    } else {
                        r = hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                    }
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    DoubleKernels.rotate(c, s, vt[i], vt[i + 1], n);
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
