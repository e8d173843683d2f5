package org.slimgrad.linalg;

import java.util.Arrays;

import org.slimgrad.simd.ArrayAlignment;

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
        int ld = rowStride(n);
        double[] z = new double[n * ld + ArrayAlignment.DOUBLE_SLACK]; // vt's rows, on cache lines
        int z0 = ArrayAlignment.offset(z);
        parallel.run(parts, p -> applyReflectors(vt, z, z0, ld, w, scales, n * p / parts, n * (p + 1) / parts));
        for (int j = 0; j < n; j++) {
            values[j] = Math.scalb(ascending[n - 1 - j], exponent);
        }
        parallel.run(parts, p -> writeDescending(z, z0, ld, n, vectors, n * p / parts, n * (p + 1) / parts));
    }

    // Doubles from one row of the reflectors' application to the next: whole cache lines, so that every row starts
    // on one where the first does
    private static int rowStride(int n) {
        return (n + ArrayAlignment.DOUBLE_SLACK - 1) / ArrayAlignment.DOUBLE_SLACK * ArrayAlignment.DOUBLE_SLACK;
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
    // n − 1 − j of the eigenvector rows in z (ascending), in tiles of columns
    private static void writeDescending(double[] z, int z0, int ld, int n, double[] vectors, int first, int end) {
        for (int j0 = 0; j0 < n; j0 += TILE) {
            int j1 = Math.min(n, j0 + TILE);
            for (int i = first; i < end; i++) {
                for (int j = j0; j < j1; j++) {
                    vectors[i * n + j] = z[z0 + (n - 1 - j) * ld + i];
                }
            }
        }
    }

    // Rows [first, end) of the tridiagonal's eigenvectors (in its coordinates, rows of vt) taken to A's, into z (row
    // r from z0 + r·ld on): row v becomes vᵀ·H_0·H_1·…·H_{n−2}, reflector i acting on the leading i + 1 columns. Two
    // steps a pass where both reflectors exist (see applyTwo), four rows at a time, and GROUP passes to a block of
    // four rows before the next block, so that the rows are read from L2 once per group (the group's vectors stay in
    // L1). Every row sees the same operations in the same order whatever the blocking. The rows and the group's
    // vectors start on cache lines, where vt's separate row arrays fall 2064 bytes apart and three in four of them
    // split every 512-bit access across two lines (256×256, one thread: 0.95 ms as placed, 0.70 on lines).
    private static void applyReflectors(double[][] vt, double[] z, int z0, int ld, double[][] w, double[] scales,
                                        int first, int end) {
        int n = vt.length;
        for (int r = first; r < end; r++) {
            System.arraycopy(vt[r], 0, z, z0 + r * ld, n);
        }
        // slot p of the group: u, u/h1, u' and u'/h2, each ld long, from slot(p) on
        double[] group = new double[4 * GROUP * ld + ArrayAlignment.DOUBLE_SLACK];
        int group0 = ArrayAlignment.offset(group);
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
                int u = group0 + 4 * passes * ld;
                int uScaled = u + ld;
                System.arraycopy(w[i + 1], 0, group, u, i + 1);
                for (int k = 0; k <= i; k++) {
                    group[uScaled + k] = group[u + k] / h1;
                }
                paired[passes] = i + 2 < n && scales[i + 1] != 0;
                if (paired[passes]) {
                    double h2 = scales[i + 1];
                    int size = i + 2;
                    int next = u + 2 * ld;
                    int nextScaled = u + 3 * ld;
                    group[u + i + 1] = 0;
                    group[uScaled + i + 1] = 0;
                    System.arraycopy(w[i + 2], 0, group, next, size);
                    for (int k = 0; k < size; k++) {
                        group[nextScaled + k] = group[next + k] / h2;
                    }
                    c[passes] = DoubleKernels.dot(group, next, group, uScaled, size);
                    length[passes] = DoubleKernels.wholeVectors(size, n);
                    i++;
                } else {
                    length[passes] = i + 1;
                }
                passes++;
            }
            int j = first;
            for (; j + 4 <= end; j += 4) {
                int at = z0 + j * ld;
                for (int p = 0; p < passes; p++) {
                    int slot = group0 + 4 * p * ld;
                    if (paired[p]) {
                        applyTwoToFourRows(z, at, ld, group, slot, c[p], length[p], sums, minusG1, minusC2);
                    } else {
                        for (int r = 0; r < 4; r++) {
                            applyOne(z, at + r * ld, group, slot, slot + ld, length[p]);
                        }
                    }
                }
            }
            for (; j < end; j++) {
                int at = z0 + j * ld;
                for (int p = 0; p < passes; p++) {
                    int slot = group0 + 4 * p * ld;
                    if (paired[p]) {
                        applyTwo(z, at, ld, group, slot, c[p], length[p], sums);
                    } else {
                        applyOne(z, at, group, slot, slot + ld, length[p]);
                    }
                }
            }
        }
    }

    // One step on the row of z at {@code at}: v·(I − u·uᵀ/h) over its leading size columns (u and u/h in group)
    private static void applyOne(double[] z, int at, double[] group, int u, int uScaled, int size) {
        double g = DoubleKernels.dot(group, u, z, at, size);
        DoubleKernels.axpy(-g, group, uScaled, z, at, size);
    }

    // Steps i and i + 1 on the row v of z at {@code at} (columns 0..i+1): v·(I − u·uᵀ/h1) then ·(I − u'·u'ᵀ/h2), u
    // zero at i + 1 (u, u/h1, u', u'/h2 ld apart in group from slot on). With g1 = u·v and g2 = u'·v of the row as it
    // was, u'·(v − g1·u/h1) = g2 − g1·c for c = u'·u/h1, so both steps are v −= g1·u/h1 + (g2 − g1·c)·u'/h2: two dot
    // products and one rank-2 update instead of two passes each.
    private static void applyTwo(double[] z, int at, int ld, double[] group, int slot, double c, int size,
                                 double[] sums) {
        DoubleKernels.dot2(z, at, group, slot, slot + 2 * ld, size, sums);
        double g1 = sums[0];
        double g2 = sums[1];
        DoubleKernels.axpy2(-g1, group, slot + ld, -(g2 - g1 * c), group, slot + 3 * ld, z, at, size);
    }

    // applyTwo on the four rows of z from at on (ld apart) at once, each with applyTwo's operations and bits (so a
    // row's result does not depend on the block it falls in, nor on the number of parts), the slot's runs loaded
    // once for four rows.
    private static void applyTwoToFourRows(double[] z, int at, int ld, double[] group, int slot, double c, int size,
                                           double[] sums, double[] minusG1, double[] minusC2) {
        DoubleKernels.dot2x4(z, at, ld, group, slot, slot + 2 * ld, size, sums);
        for (int r = 0; r < 4; r++) {
            double g1 = sums[2 * r];
            double g2 = sums[2 * r + 1];
            minusG1[r] = -g1;
            minusC2[r] = -(g2 - g1 * c);
        }
        DoubleKernels.axpy2x4(z, at, ld, minusG1, minusC2, group, slot + ld, slot + 3 * ld, size);
    }

    // Householder reduction to tridiagonal form (the first half of EISPACK's tred2), run on the transposed array
    // w = Vᵀ so that its inner loops, written for columns of V, walk rows of w with unit stride. On return w[i][i]
    // is the diagonal, e[1..n-1] the sub-diagonal (e[0] = 0), and reflector i (i < n − 1) is
    // I − u·uᵀ/d[i + 1] with u = w[i + 1][0..i] (none where d[i + 1] = 0).
    //
    // Each step's rank-2 update A −= u·vᵀ + v·uᵀ is applied to column i − 1 at once (the next step's vector) and to
    // the rest of the trailing rows in the next step's pass, which forms that step's product A·u' from each row as
    // soon as it is updated: one pass over the trailing matrix a step instead of tred2's two.
    private static void reduce(double[][] w, double[] d, double[] e) {
        int n = d.length;
        double[] u = new double[n]; // this step's Householder vector (tred2's d), then column i − 1
        double[] v = new double[n]; // this step's A·u, then tred2's e
        double[] pendingU = new double[n]; // the previous step's vectors, whose update waits for this step's pass
        double[] pendingV = new double[n]; // (zero where nothing waits: the update then changes no entry)
        double[] sums = new double[4];
        double[] coefficients = new double[12];
        for (int j = 0; j < n; j++) {
            u[j] = w[j][n - 1];
        }
        for (int i = n - 1; i > 0; i--) {
            double scale = 0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(u[k]);
            }
            double h = 0;
            if (scale == 0) { // nothing to reflect: u = 0, and the pass below only applies the waiting update
                e[i] = u[i - 1];
                Arrays.fill(u, 0, i, 0);
            } else {
                for (int k = 0; k < i; k++) {
                    u[k] /= scale;
                    h += u[k] * u[k];
                }
                double f = u[i - 1];
                double g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
                e[i] = scale * g;
                h -= f * g;
                u[i - 1] = f - g;
            }
            Arrays.fill(v, 0, i, 0);
            int j = 0;
            for (; j + 4 <= i; j += 4) { // four rows a pass (see updateAndProductRows)
                updateAndProductRows(w, j, i, pendingU, pendingV, u, v, coefficients, sums);
            }
            for (; j < i; j++) {
                updateRow(w[j], j, i, pendingU, pendingV);
                w[i][j] = u[j];
                v[j] += w[j][j] * u[j] + DoubleKernels.dotAxpy(w[j], j + 1, u, u[j], v, i - j - 1);
            }
            if (h > 0) { // v = A·u/h − (uᵀ·A·u/2h²)·u
                double f = 0;
                for (int k = 0; k < i; k++) {
                    v[k] /= h;
                    f += v[k] * u[k];
                }
                double hh = f / (h + h);
                for (int k = 0; k < i; k++) {
                    v[k] -= hh * u[k];
                }
            }
            d[i] = h;
            double[] spareU = pendingU;
            double[] spareV = pendingV;
            pendingU = u;
            pendingV = v;
            u = spareU;
            v = spareV;
            for (j = 0; j < i; j++) { // column i − 1 of the update now: it is the next step's vector
                double[] row = w[j];
                row[i - 1] = Math.fma(pendingU[i - 1], -pendingV[j], Math.fma(pendingV[i - 1], -pendingU[j],
                        row[i - 1]));
                u[j] = row[i - 1];
                row[i] = 0;
            }
        }
        e[0] = 0;
    }

    // Row x = w[j] of the rank-2 update A −= u·vᵀ + v·uᵀ over columns [j, end).
    private static void updateRow(double[] x, int j, int end, double[] u, double[] v) {
        DoubleKernels.axpy2(-u[j], v, j, -v[j], u, j, x, j, end - j);
    }

    // Rows j..j+3 in one pass: the waiting update A −= p·qᵀ + q·pᵀ (p, q = pendingU, pendingV) over columns [j, i),
    // then this step's symmetric product v = A·u from A's upper triangle in those rows, while setting w[i][j..j+3] =
    // u[j..j+3]. The rows' own small triangle goes first, in row order, so that v[j + r] holds every earlier row's
    // part before row j + r reads it; the columns right of it are one four-row pass that updates each entry and uses
    // it at once.
    private static void updateAndProductRows(double[][] w, int j, int i, double[] pendingU, double[] pendingV,
                                             double[] u, double[] v, double[] coefficients, double[] sums) {
        double[] x0 = w[j];
        double[] x1 = w[j + 1];
        double[] x2 = w[j + 2];
        double[] x3 = w[j + 3];
        for (int r = 0; r < 4; r++) { // coefficients: −p[j + r], −q[j + r], u[j + r] for r < 4
            coefficients[r] = -pendingU[j + r];
            coefficients[4 + r] = -pendingV[j + r];
            coefficients[8 + r] = u[j + r];
        }
        for (int r = 0; r < 4; r++) {
            double[] row = w[j + r];
            double a = coefficients[r];
            double b = coefficients[4 + r];
            for (int c = j + r; c < j + 4; c++) {
                row[c] = Math.fma(pendingU[c], b, Math.fma(pendingV[c], a, row[c]));
            }
            w[i][j + r] = u[j + r];
        }
        double f0 = u[j];
        double f1 = u[j + 1];
        double f2 = u[j + 2];
        double f3 = u[j + 3];
        double g0 = v[j] + x0[j] * f0 + x0[j + 1] * f1 + x0[j + 2] * f2 + x0[j + 3] * f3;
        v[j + 1] += f0 * x0[j + 1];
        v[j + 2] += f0 * x0[j + 2];
        v[j + 3] += f0 * x0[j + 3];
        double g1 = v[j + 1] + x1[j + 1] * f1 + x1[j + 2] * f2 + x1[j + 3] * f3;
        v[j + 2] += f1 * x1[j + 2];
        v[j + 3] += f1 * x1[j + 3];
        double g2 = v[j + 2] + x2[j + 2] * f2 + x2[j + 3] * f3;
        v[j + 3] += f2 * x2[j + 3];
        double g3 = v[j + 3] + x3[j + 3] * f3;
        DoubleKernels.axpy2DotAxpy4(x0, x1, x2, x3, coefficients, pendingV, pendingU, u, v, j + 4, i - j - 4, sums);
        v[j] = g0 + sums[0];
        v[j + 1] = g1 + sums[1];
        v[j + 2] = g2 + sums[2];
        v[j + 3] = g3 + sums[3];
    }
}
