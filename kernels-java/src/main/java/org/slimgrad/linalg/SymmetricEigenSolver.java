package org.slimgrad.linalg;

import java.util.Arrays;

/**
 * Symmetric eigendecomposition in float64: Householder reduction to tridiagonal form, accumulation of the
 * reflectors into Q, and the implicit QL algorithm with Wilkinson shifts applying its rotations to Q (EISPACK's
 * tred2 and tql2), on up to {@link Parallel#threads()} threads for n ≥ {@value #PART_SIZE}·2.
 *
 * <p>The reduction runs on the caller's thread. The accumulation splits the rows of Q between the parts (each row's
 * product with the reflectors is its own), and QL splits the columns: every part repeats the scalar QL iteration,
 * which only the tridiagonal feeds (a dependency chain that runs under the part's rotations: one part's chain, about
 * a third of QL's time at n = 256, is what bounds QL on two threads), and rotates its own columns, held in arrays it
 * allocates itself so that no two threads write one cache line. Every entry sees the same operations for any number
 * of parts: the result is bit-identical for every thread count.
 */
public final class SymmetricEigenSolver {

    private static final double EPS = 0x1p-52;
    /** The fewest rows and columns worth a part of their own. */
    private static final int PART_SIZE = 64;
    /** Column boundaries between parts fall on multiples of this: whole vectors of every width. */
    private static final int ALIGN = 8;
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
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                w[i][j] = a[i * n + j] * factor + a[j * n + i] * factor;
            }
        }
        double[] d = new double[n];
        double[] e = new double[n];
        reduce(w, d, e); // the symmetric input is its own transpose: the reduction works on Vᵀ from the start
        double[] reflectors = new double[n * (n - 1) / 2];
        double[] scales = new double[n - 1];
        for (int i = 0; i < n - 1; i++) {
            System.arraycopy(w[i + 1], 0, reflectors, i * (i + 1) / 2, i + 1);
            scales[i] = d[i + 1];
        }
        for (int i = 0; i < n; i++) {
            d[i] = w[i][i];
        }
        int parts = Math.max(1, Math.min(parallel.threads(), n / PART_SIZE));
        int[] rowBounds = balancedRows(n, parts);
        parallel.run(parts, p -> accumulateRows(w, reflectors, scales, rowBounds[p], rowBounds[p + 1]));
        parallel.run(parts, p -> {
            int first = p * n / parts / ALIGN * ALIGN;
            int end = p + 1 == parts ? n : (p + 1) * n / parts / ALIGN * ALIGN;
            double[][] columns = parts == 1 ? w : columnsOf(w, first, end);
            double[] dp = d.clone();
            double[] ep = e.clone();
            diagonalize(columns, dp, ep);
            writeDescending(dp, columns, first, end, values, vectors, p == 0);
        });
        for (int j = 0; j < n; j++) {
            values[j] = Math.scalb(values[j], exponent);
        }
    }

    // Row ranges of about equal accumulation work: row j takes part in the steps i ≥ j − 1, each over i + 2 columns,
    // so its work is about n² − j² and the first rows weigh most. Contiguous ranges keep each part's rows in a
    // memory region of its own.
    private static int[] balancedRows(int n, int parts) {
        int[] bounds = new int[parts + 1];
        double total = 0;
        for (int j = 0; j < n; j++) {
            total += (double) n * n - (double) j * j;
        }
        double sum = 0;
        int part = 1;
        for (int j = 0; j < n && part < parts; j++) {
            sum += (double) n * n - (double) j * j;
            if (sum >= total * part / parts) {
                bounds[part++] = j + 1;
            }
        }
        bounds[parts] = n;
        return bounds;
    }

    // Rows [first, end) of Q = H_0·H_1·…·H_{n−2} in the transposed storage of tred2's second half: row j starts as
    // the unit row e_j when step j − 1 makes it active and is then multiplied by every later reflector over its
    // leading columns. Two steps a pass where both reflectors exist (see applyTwo).
    private static void accumulateRows(double[][] w, double[] reflectors, double[] scales, int first, int end) {
        int n = w.length;
        for (int j = first; j < end; j++) {
            Arrays.fill(w[j], 0);
            w[j][j] = 1;
        }
        double[] u = new double[n];
        double[] uScaled = new double[n];
        double[] next = new double[n];
        double[] nextScaled = new double[n];
        double[] sums = new double[8];
        double[] minusG1 = new double[4];
        double[] minusC2 = new double[4];
        for (int i = 0; i < n - 1; i++) {
            double h1 = scales[i];
            if (i + 2 < n && h1 != 0 && scales[i + 1] != 0) {
                double h2 = scales[i + 1];
                int size = i + 2;
                System.arraycopy(reflectors, i * (i + 1) / 2, u, 0, i + 1);
                u[i + 1] = 0;
                System.arraycopy(reflectors, (i + 1) * (i + 2) / 2, next, 0, size);
                for (int k = 0; k < size; k++) {
                    uScaled[k] = u[k] / h1;
                    nextScaled[k] = next[k] / h2;
                }
                double c = DoubleKernels.dot(next, 0, uScaled, 0, size);
                int last = Math.min(end, size);
                int j = first;
                for (; j + 4 <= last; j += 4) {
                    applyTwoToFourRows(w, j, u, uScaled, next, nextScaled, c, size, sums, minusG1, minusC2);
                }
                for (; j < last; j++) {
                    applyTwo(w[j], u, uScaled, next, nextScaled, c, size, sums);
                }
                i++;
            } else if (h1 != 0) {
                System.arraycopy(reflectors, i * (i + 1) / 2, u, 0, i + 1);
                for (int k = 0; k <= i; k++) {
                    uScaled[k] = u[k] / h1;
                }
                for (int j = first; j < Math.min(end, i + 1); j++) {
                    double g = DoubleKernels.dot(u, 0, w[j], 0, i + 1);
                    DoubleKernels.axpy(-g, uScaled, 0, w[j], 0, i + 1);
                }
            }
        }
    }

    // Steps i and i + 1 on one row v (columns 0..i+1): v·(I − u·uᵀ/h1) then ·(I − u'·u'ᵀ/h2), u zero at i + 1. With
    // g1 = u·v and g2 = u'·v of the row as it was, u'·(v − g1·u/h1) = g2 − g1·c for c = u'·u/h1, so both steps are
    // v −= g1·u/h1 + (g2 − g1·c)·u'/h2: two dot products and one rank-2 update instead of two passes each (the row
    // made active by step i, the unit row e_{i+1}, has g1 = 0).
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

    // Columns [first, end) of the rows of w, in arrays allocated by the calling thread (a part's own).
    private static double[][] columnsOf(double[][] w, int first, int end) {
        double[][] columns = new double[w.length][];
        for (int j = 0; j < w.length; j++) {
            columns[j] = Arrays.copyOfRange(w[j], first, end);
        }
        return columns;
    }

    // Rows [first, end) of the eigenvector matrix (column j the eigenvector of the j-th largest eigenvalue) from a
    // part's columns of vt, in tiles; the eigenvalues too if asked. Equal eigenvalues keep their QL order (a stable
    // sort), the same in every part.
    private static void writeDescending(double[] d, double[][] vt, int first, int end, double[] values,
                                        double[] vectors, boolean writeValues) {
        int n = d.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(d[y], d[x]));
        if (writeValues) {
            for (int j = 0; j < n; j++) {
                values[j] = d[order[j]];
            }
        }
        for (int j0 = 0; j0 < n; j0 += TILE) {
            int j1 = Math.min(n, j0 + TILE);
            for (int i = first; i < end; i++) {
                for (int j = j0; j < j1; j++) {
                    vectors[i * n + j] = vt[order[j]][i - first];
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

    /**
     * Implicit QL iterations on the tridiagonal with diagonal d and sub-diagonal e[1..n-1] (e[0] unused), applying the
     * rotations to the rows vt[j], all of one width (a part's columns of the eigenvectors); on return d holds the
     * eigenvalues, unordered. Package-private for the test of its rotations at magnitudes the scaled input of
     * {@link #decompose} does not reach.
     */
    static void diagonalize(double[][] vt, double[] d, double[] e) {
        int n = d.length;
        int width = vt[0].length;
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
                    // The sweep is one dependency chain through p, p ← (p·d − e·g)/√(p² + e²): in range (no overflow
                    // or underflow in the squares or in p·d − e·g), one square root, one division and one multiply
                    // after it; otherwise LAPACK's scaled form.
                    if (q >= 0x1p-900 && q <= 0x1p900 && Math.abs(d[i]) <= 0x1p400 && Math.abs(g) <= 0x1p400) {
                        double next = p * d[i] - e[i] * g;
                        r = Math.sqrt(q);
                        double inverse = 1 / r;
                        e[i + 1] = s * r;
                        s = e[i] * inverse;
                        c = p * inverse;
                        p = next * inverse;
                    } else {
                        r = hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                    }
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    DoubleKernels.rotate(c, s, vt[i], vt[i + 1], width);
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
