package org.slimgrad.linalg;

import java.util.Arrays;

/**
 * Symmetric eigendecomposition in float64: Householder reduction to tridiagonal form (the first half of EISPACK's
 * tred2), the tridiagonal's eigensystem by divide and conquer ({@link TridiagonalDivideAndConquer}, LAPACK's dstedc
 * method; implicit QL for {@value TridiagonalDivideAndConquer#LEAF} rows or fewer), and the reflectors applied to its
 * eigenvectors (as dormtr does, never forming Q), on up to {@link Parallel#threads()} threads.
 *
 * <p>The reduction runs on the caller's thread; divide and conquer splits its halves, roots and products between
 * the parts, and the reflectors' application the eigenvectors. Every entry sees the same operations for any number
 * of parts: the result is bit-identical for every thread count.
 */
public final class SymmetricEigenSolver {

    /** The fewest eigenvectors worth a part of their own in the reflectors' application. */
    private static final int PART_SIZE = 64;
    /** Passes of the reflectors' application made over one block of rows before the next block. */
    private static final int GROUP = 4;
    /** Side of the tiles the eigenvectors are transposed in. */
    private static final int TILE = 16;

    private SymmetricEigenSolver() {
    }

    /**
     * A = V·diag(λ)·Vᵀ for the n×n row-major {@code a} (only read; its symmetric part is taken; any finite scale).
     * Eigenvalues come out in descending order in {@code values}; column j of the row-major n×n {@code vectors} is
     * the unit eigenvector of {@code values[j]}.
     */
    public static void decompose(double[] a, int n, double[] values, double[] vectors, Parallel parallel) {
        if (n == 0) {
            return;
        }
        double largest = 0;
        for (double x : a) {
            largest = Math.max(largest, Math.abs(x));
        }
        // scaled by a power of two to a largest entry in [1, 2): exact, and every magnitude QL's squares meet stays
        // in range whatever the caller's scale (the eigenvalues are scaled back at the end)
        int exponent = largest > 0 && largest < Double.POSITIVE_INFINITY ? Math.getExponent(largest) : 0;
        double factor = Math.scalb(0.5, -exponent);
        double[][] w = new double[n][n];
        int parts = Math.max(1, Math.min(parallel.threads(), n / PART_SIZE));
        parallel.run(parts, p -> symmetrizeRows(a, n, factor, w, n * p / parts, n * (p + 1) / parts));
        double[] d = new double[n];
        double[] e = new double[n];
        reduce(w, d, e); // the symmetric input is its own transpose: the reduction works on Vᵀ from the start
        double[] scales = new double[n - 1]; // reflector i: I − u·uᵀ/scales[i], u = w[i + 1][0..i]
        System.arraycopy(d, 1, scales, 0, n - 1);
        for (int i = 0; i < n; i++) {
            d[i] = w[i][i];
        }
        double[] ascending = new double[n];
        double[][] vt = new double[n][n];
        TridiagonalDivideAndConquer.solve(d, e, ascending, vt, parallel);
        parallel.run(parts, p -> applyReflectors(vt, w, scales, n * p / parts, n * (p + 1) / parts));
        for (int j = 0; j < n; j++) {
            values[j] = Math.scalb(ascending[n - 1 - j], exponent);
        }
        parallel.run(parts, p -> writeDescending(vt, vectors, n * p / parts, n * (p + 1) / parts));
    }

    // Rows [first, end) of w = factor·(A + Aᵀ), the scaled symmetric part of the row-major a, in tiles of columns (a's
    // transpose is read down its columns)
    private static void symmetrizeRows(double[] a, int n, double factor, double[][] w, int first, int end) {
        for (int j0 = 0; j0 < n; j0 += TILE) {
            for (int i = first; i < end; i++) {
                for (int j = j0; j < Math.min(n, j0 + TILE); j++) {
                    w[i][j] = a[i * n + j] * factor + a[j * n + i] * factor;
                }
            }
        }
    }

    // Rows [first, end) of the output: column j of vectors is the eigenvector of the j-th largest eigenvalue, row
    // n − 1 − j of vt (ascending), in tiles of columns
    private static void writeDescending(double[][] vt, double[] vectors, int first, int end) {
        int n = vt.length;
        for (int j0 = 0; j0 < n; j0 += TILE) {
            int j1 = Math.min(n, j0 + TILE);
            for (int i = first; i < end; i++) {
                for (int j = j0; j < j1; j++) {
                    vectors[i * n + j] = vt[n - 1 - j][i];
                }
            }
        }
    }

    // Rows [first, end) of the tridiagonal's eigenvectors (in its coordinates) taken to A's: row z becomes
    // zᵀ·H_0·H_1·…·H_{n−2}, reflector i acting on the leading i + 1 columns. Two steps a pass where both reflectors
    // exist (see applyTwo), four rows at a time, and GROUP passes to a block of four rows before the next block, so
    // that the rows are read from L2 once per group (the group's vectors stay in L1). Every row sees the same
    // operations in the same order whatever the blocking.
    private static void applyReflectors(double[][] rows, double[][] w, double[] scales, int first, int end) {
        int n = rows.length;
        double[][] u = new double[GROUP][n];
        double[][] uScaled = new double[GROUP][n];
        double[][] next = new double[GROUP][n];
        double[][] nextScaled = new double[GROUP][n];
        double[] c = new double[GROUP];
        int[] length = new int[GROUP];
        boolean[] paired = new boolean[GROUP];
        double[] sums = new double[8];
        double[] minusG1 = new double[4];
        double[] minusC2 = new double[4];
        for (int i = 0; i < n - 1; ) {
            int passes = 0;
            for (; passes < GROUP && i < n - 1; i++) { // the slots' runs only grow with i: zero past their length
                double h1 = scales[i];
                if (h1 == 0) {
                    continue;
                }
                System.arraycopy(w[i + 1], 0, u[passes], 0, i + 1);
                for (int k = 0; k <= i; k++) {
                    uScaled[passes][k] = u[passes][k] / h1;
                }
                paired[passes] = i + 2 < n && scales[i + 1] != 0;
                if (paired[passes]) {
                    double h2 = scales[i + 1];
                    int size = i + 2;
                    u[passes][i + 1] = 0;
                    uScaled[passes][i + 1] = 0;
                    System.arraycopy(w[i + 2], 0, next[passes], 0, size);
                    for (int k = 0; k < size; k++) {
                        nextScaled[passes][k] = next[passes][k] / h2;
                    }
                    c[passes] = DoubleKernels.dot(next[passes], 0, uScaled[passes], 0, size);
                    length[passes] = DoubleKernels.wholeVectors(size, n);
                    i++;
                } else {
                    length[passes] = i + 1;
                }
                passes++;
            }
            int j = first;
            for (; j + 4 <= end; j += 4) {
                for (int p = 0; p < passes; p++) {
                    if (paired[p]) {
                        applyTwoToFourRows(rows, j, u[p], uScaled[p], next[p], nextScaled[p], c[p], length[p], sums,
                                minusG1, minusC2);
                    } else {
                        for (int r = j; r < j + 4; r++) {
                            applyOne(rows[r], u[p], uScaled[p], length[p]);
                        }
                    }
                }
            }
            for (; j < end; j++) {
                for (int p = 0; p < passes; p++) {
                    if (paired[p]) {
                        applyTwo(rows[j], u[p], uScaled[p], next[p], nextScaled[p], c[p], length[p], sums);
                    } else {
                        applyOne(rows[j], u[p], uScaled[p], length[p]);
                    }
                }
            }
        }
    }

    // One step on a row v: v·(I − u·uᵀ/h) over its leading size columns
    private static void applyOne(double[] v, double[] u, double[] uScaled, int size) {
        double g = DoubleKernels.dot(u, 0, v, 0, size);
        DoubleKernels.axpy(-g, uScaled, 0, v, 0, size);
    }

    // Steps i and i + 1 on one row v (columns 0..i+1): v·(I − u·uᵀ/h1) then ·(I − u'·u'ᵀ/h2), u zero at i + 1. With
    // g1 = u·v and g2 = u'·v of the row as it was, u'·(v − g1·u/h1) = g2 − g1·c for c = u'·u/h1, so both steps are
    // v −= g1·u/h1 + (g2 − g1·c)·u'/h2: two dot products and one rank-2 update instead of two passes each.
    private static void applyTwo(double[] v, double[] u, double[] uScaled, double[] next, double[] nextScaled,
                                 double c, int size, double[] sums) {
        DoubleKernels.dot2(v, u, next, size, sums);
        double g1 = sums[0];
        double g2 = sums[1];
        DoubleKernels.axpy2(-g1, uScaled, -(g2 - g1 * c), nextScaled, v, 0, size);
    }

    // applyTwo on rows j..j+3 at once, each with applyTwo's operations and bits (so a row's result does not depend
    // on the block it falls in, nor on the number of parts), u, u', and their scaled forms loaded once for four rows.
    private static void applyTwoToFourRows(double[][] w, int j, double[] u, double[] uScaled, double[] next,
                                           double[] nextScaled, double c, int size, double[] sums, double[] minusG1,
                                           double[] minusC2) {
        DoubleKernels.dot2x4(w[j], w[j + 1], w[j + 2], w[j + 3], u, next, size, sums);
        for (int r = 0; r < 4; r++) {
            double g1 = sums[2 * r];
            double g2 = sums[2 * r + 1];
            minusG1[r] = -g1;
            minusC2[r] = -(g2 - g1 * c);
        }
        DoubleKernels.axpy2x4(w[j], w[j + 1], w[j + 2], w[j + 3], minusG1, uScaled, minusC2, nextScaled, 0, size);
    }

    // Householder reduction to tridiagonal form (the first half of EISPACK's tred2), run on the transposed array
    // w = Vᵀ so that its inner loops, written for columns of V, walk rows of w with unit stride. On return w[i][i]
    // is the diagonal, e[1..n-1] the sub-diagonal (e[0] = 0), and reflector i (i < n − 1) is
    // I − u·uᵀ/d[i + 1] with u = w[i + 1][0..i] (none where d[i + 1] = 0).
    private static void reduce(double[][] w, double[] d, double[] e) {
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
                Arrays.fill(e, 0, i, 0);
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
        e[0] = 0;
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
}
