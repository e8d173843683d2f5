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
    /** Multiply-adds below which a product stays on the caller's thread. */
    private static final long PARALLEL_MIN_WORK = 1L << 21;

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
     * The four-row blocks are split between up to {@code parallel}'s threads (each row of C is computed the same way
     * in any split: the same bits on any thread count).
     */
    public static double[] multiply(double[] a, double[] b, int m, int k, int n, Parallel parallel) {
        double[] c = new double[m * n];
        int blocks = m / 4;
        int parts = parallel.parts(blocks, (long) m * k * n, PARALLEL_MIN_WORK);
        parallel.run(parts, p -> {
            double[] coef = new double[4 * k];
            for (int block = blocks * p / parts; block < blocks * (p + 1) / parts; block++) {
                int i = 4 * block;
                interleaveFour(a, i * k, k, 1, k, coef); // rows i … i+3 of A
                DoubleKernels.addRows4(coef, 0, k, b, n, 0, false, c, i * n, (i + 1) * n, (i + 2) * n, (i + 3) * n);
            }
            if (p == parts - 1) {
                for (int i = 4 * blocks; i < m; i++) {
                    for (int q = 0; q < k; q++) {
                        DoubleKernels.axpy(a[i * k + q], b, q * n, c, i * n, n);
                    }
                }
            }
        });
        return c;
    }

    /**
     * The Gram matrix TᵀT of the row-major m×n {@code t}, n×n row-major, computed on and above the diagonal (and a
     * few entries below it, which callers overwrite): four of its rows at a time, as {@link #multiply} does, the
     * blocks split between up to {@code parallel}'s threads in ranges of about equal work (block p spans columns
     * p..n−1), each row computed the same way in any split.
     */
    public static double[] gramUpper(double[] t, int m, int n, Parallel parallel) {
        double[] gram = new double[n * n];
        int blocks = n / 4;
        int parts = parallel.parts(blocks, (long) m * n * n / 2, PARALLEL_MIN_WORK);
        int[] bounds = new int[parts + 1];
        for (int p = 1; p < parts; p++) { // block b has about n − 4b columns: equal shares of the triangle
            bounds[p] = (int) Math.round(blocks * (1 - Math.sqrt(1 - (double) p / parts)));
        }
        bounds[parts] = blocks;
        parallel.run(parts, part -> {
            double[] coef = new double[4 * m];
            for (int block = bounds[part]; block < bounds[part + 1]; block++) {
                int p = 4 * block;
                interleaveFour(t, p, 1, n, m, coef); // columns p … p+3 of T
                DoubleKernels.addRows4(coef, 0, m, t, n, p, false, gram, p * n, (p + 1) * n, (p + 2) * n,
                        (p + 3) * n);
            }
            if (part == parts - 1) {
                for (int p = 4 * blocks; p < n; p++) {
                    for (int i = 0; i < m; i++) {
                        DoubleKernels.axpy(t[i * n + p], t, i * n + p, gram, p * n + p, n - p);
                    }
                }
            }
        });
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
}
