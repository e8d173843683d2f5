package org.slimgrad.linalg;

import java.util.Arrays;

/**
 * Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by Cuppen's divide and conquer (the method of
 * LAPACK's dstedc). The matrix is torn at its middle off-diagonal β, T = diag(T₁, T₂) + |β|·u·uᵀ with T₁ and T₂ less
 * |β| at the tear, the halves are solved the same way down to {@value #LEAF} rows (by implicit QL), and each merge
 * finds the eigensystem of diag(Λ₁, Λ₂) + ρ·z·zᵀ (z: the halves' eigenvectors at the tear):
 * <ul>
 * <li>deflation: where ρ·|z_i| is negligible, or two poles are close enough that one plane rotation zeroes one z
 * entry, the eigenpair passes through unchanged (after the rotation);</li>
 * <li>the other eigenvalues are the roots of the secular equation 1/ρ + Σ z_i²/(d_i − λ) = 0, one between each pair
 * of poles, each found from its nearer pole so that the differences d_i − λ_j are accurate where λ_j is within
 * rounding of d_i;</li>
 * <li>their eigenvectors are (D − λ_j)⁻¹·ẑ for the ẑ that makes the computed roots exact (Gu and Eisenstat's Löwner
 * formula): orthogonal to working precision however close the roots are;</li>
 * <li>and in the tridiagonal's coordinates, one matrix product of the halves' eigenvectors, which is where a merge's
 * time goes (~(4/3)·n³ multiply-adds over all merges, against QL's rotations and its serial chain).</li>
 * </ul>
 * Eigenvectors are rows here: {@code rows[k]} is the unit eigenvector of {@code values[k]}, values ascending. The
 * roots, the eigenvector entries and the products are split between the parts so that every one is computed the
 * same way in any split: the results are bit-identical for every thread count.
 */
final class TridiagonalDivideAndConquer {

    /** The largest problem solved by QL rather than torn in two. */
    static final int LEAF = 32;

    private static final double EPS = 0x1p-52;
    /**
     * Secular iterations after which every other step bisects (the model converges in a few where it can), and
     * before a root is declared lost (by then the bisections alone have shrunk the bracket to rounding).
     */
    private static final int BISECTING_AFTER = 12;
    private static final int MAX_ITERATIONS = 250;
    /** The smallest problem whose halves are solved on two threads at once. */
    private static final int HALVES_APART = 128;
    /** Root-finding work (terms evaluated) below which a merge keeps to one thread. */
    private static final long PARALLEL_MIN_WORK = 1L << 17;

    private final double[] diagonal;
    private final double[] offDiagonal;
    private final double[] values;
    private final double[][] rows;

    private TridiagonalDivideAndConquer(double[] diagonal, double[] offDiagonal, double[] values, double[][] rows) {
        this.diagonal = diagonal;
        this.offDiagonal = offDiagonal;
        this.values = values;
        this.rows = rows;
    }

    /**
     * The eigensystem of the n×n tridiagonal with diagonal {@code d} and sub-diagonal {@code e[1..n-1]} (e[i] couples
     * i − 1 and i; both only read): eigenvalues ascending in {@code values}, and rows[k] (n rows of length n, all
     * zero on entry) the unit eigenvector of values[k].
     */
    static void solve(double[] d, double[] e, double[] values, double[][] rows, Parallel parallel) {
        new TridiagonalDivideAndConquer(d.clone(), e, values, rows).solve(0, d.length, parallel);
    }

    // [lo, hi) on the given threads: the two halves of a problem of HALVES_APART rows or more on two threads, each
    // on one, then their merge on all of them; smaller ones one after the other, each merge on all threads
    private void solve(int lo, int hi, Parallel parallel) {
        if (hi - lo <= LEAF) {
            solveLeaf(lo, hi);
            return;
        }
        int mid = (lo + hi) >>> 1;
        double beta = offDiagonal[mid];
        diagonal[mid - 1] -= Math.abs(beta);
        diagonal[mid] -= Math.abs(beta);
        if (parallel.threads() > 1 && hi - lo >= HALVES_APART) {
            parallel.run(2, p -> solve(p == 0 ? lo : mid, p == 0 ? mid : hi, Parallel.SEQUENTIAL));
        } else {
            solve(lo, mid, parallel);
            solve(mid, hi, parallel);
        }
        merge(lo, mid, hi, beta, parallel);
    }

    private void solveLeaf(int lo, int hi) {
        int size = hi - lo;
        double[] d = Arrays.copyOfRange(diagonal, lo, hi);
        double[] e = new double[size];
        System.arraycopy(offDiagonal, lo + 1, e, 1, size - 1);
        double[][] vt = new double[size][size];
        for (int i = 0; i < size; i++) {
            vt[i][i] = 1;
        }
        diagonalize(vt, d, e); // row i of vt: the eigenvector of d[i]
        int[] order = ascending(d, identity(size), size);
        for (int k = 0; k < size; k++) {
            values[lo + k] = d[order[k]];
            System.arraycopy(vt[order[k]], 0, rows[lo + k], lo, size);
        }
    }

    /**
     * Implicit QL iterations with Wilkinson shifts (EISPACK's tql2) on the tridiagonal with diagonal d and
     * sub-diagonal e[1..n-1] (e[0] unused; both overwritten), applying the rotations to the rows vt[j]: started as the
     * identity, row j ends as the eigenvector of d[j], which holds the eigenvalues, unordered. The leaves' solver;
     * package-private for the test of its rotations at magnitudes that a scaled input does not reach.
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
                    DoubleKernels.rotate(c, s, vt[i], vt[i + 1], 0, width);
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

    // The halves [lo, mid) and [mid, hi), each solved, merged into the eigensystem of [lo, hi): rows and values of
    // [lo, hi) rewritten in ascending order. Row objects are reused: a deflated pair keeps its row, a secular root's
    // new eigenvector goes into a row whose old vector the product has already read.
    private void merge(int lo, int mid, int hi, double beta, Parallel parallel) {
        int size = hi - lo;
        int firstSize = mid - lo;
        double[][] old = Arrays.copyOfRange(rows, lo, hi);
        double[] d = Arrays.copyOfRange(values, lo, hi);
        // u = e_{mid−1} + sign(β)·e_mid, z = Qᵀu/√2 (unit: rows of the halves' orthogonal Q), ρ = 2|β|
        double rho = 2 * Math.abs(beta);
        double half = Math.sqrt(0.5);
        double[] z = new double[size];
        boolean[] inFirst = new boolean[size];
        boolean[] inSecond = new boolean[size];
        for (int k = 0; k < size; k++) {
            inFirst[k] = k < firstSize;
            inSecond[k] = !inFirst[k];
            z[k] = inFirst[k] ? old[k][mid - 1] * half : Math.copySign(half, beta) * old[k][mid];
        }
        double largest = 0;
        for (int k = 0; k < size; k++) {
            largest = Math.max(largest, Math.max(Math.abs(d[k]), Math.abs(z[k])));
        }
        double tolerance = 8 * EPS * largest;

        int[] sorted = mergeAscending(d, firstSize, size);
        int[] kept = new int[size];
        int[] deflated = new int[size];
        int keptCount = 0;
        int deflatedCount = 0;
        int previous = -1;
        for (int k : sorted) {
            if (rho * Math.abs(z[k]) <= tolerance) {
                deflated[deflatedCount++] = k;
                continue;
            }
            if (previous >= 0) {
                // rotate (previous, k) so that z[previous] = 0; if the rotated pair's coupling c·s·(d_k − d_prev) is
                // negligible, previous deflates with the rotated value
                double r = Math.hypot(z[k], z[previous]);
                double c = z[k] / r;
                double s = z[previous] / r;
                if (Math.abs((d[k] - d[previous]) * c * s) <= tolerance) {
                    z[k] = r;
                    z[previous] = 0;
                    DoubleKernels.rotate(c, s, old[previous], old[k], lo, size);
                    boolean first = inFirst[previous] || inFirst[k];
                    boolean second = inSecond[previous] || inSecond[k];
                    inFirst[previous] = inFirst[k] = first;
                    inSecond[previous] = inSecond[k] = second;
                    double dPrevious = d[previous] * c * c + d[k] * s * s;
                    d[k] = d[previous] * s * s + d[k] * c * c;
                    d[previous] = dPrevious;
                    deflated[deflatedCount++] = previous;
                } else {
                    kept[keptCount++] = previous;
                }
            }
            previous = k;
        }
        if (previous >= 0) {
            kept[keptCount++] = previous;
        }

        double[] roots = keptCount == 0 ? new double[0] : mergeKept(old, d, z, rho, kept, keptCount, inFirst,
                inSecond, lo, mid, hi, parallel);
        int[] deflatedOrder = ascending(d, deflated, deflatedCount);
        int r = 0;
        int f = 0;
        for (int at = lo; at < hi; at++) {
            if (f == deflatedCount || r < keptCount && roots[r] <= d[deflatedOrder[f]]) {
                values[at] = roots[r];
                rows[at] = old[kept[r++]];
            } else {
                values[at] = d[deflatedOrder[f]];
                rows[at] = old[deflatedOrder[f++]];
            }
        }
    }

    // The secular roots of the kept poles and their eigenvectors, written into the kept rows' objects (row
    // old[kept[j]] receives root j's vector). Returns the roots, ascending.
    private static double[] mergeKept(double[][] old, double[] d, double[] z, double rho, int[] kept, int count,
                                      boolean[] inFirst, boolean[] inSecond, int lo, int mid, int hi,
                                      Parallel parallel) {
        double[] poles = new double[count];
        double[] weights = new double[count];
        double weightSum = 0;
        for (int i = 0; i < count; i++) {
            poles[i] = d[kept[i]];
            weights[i] = z[kept[i]] * z[kept[i]];
            weightSum += weights[i];
        }
        double[] roots = new double[count];
        double[] differences = new double[count * count]; // row j: d_i − λ_j
        double bound = rho * weightSum;
        int parts = parallel.parts(count, (long) count * count * 8, PARALLEL_MIN_WORK);
        parallel.run(parts, p -> {
            double[] sums = new double[3];
            for (int j = count * p / parts; j < count * (p + 1) / parts; j++) {
                roots[j] = secularRoot(poles, weights, rho, bound, j, differences, sums);
            }
        });
        // Löwner: ẑ_i² = −(d_i − λ_i)·Π_{j≠i} (d_i − λ_j)/(d_i − d_j), the z for which the roots are exact
        double[] zHat = new double[count];
        parallel.run(parts, p -> {
            int from = count * p / parts;
            int to = count * (p + 1) / parts;
            Arrays.fill(zHat, from, to, 1);
            for (int j = 0; j < count; j++) {
                int row = j * count;
                DoubleKernels.multiplyByRatios(zHat, differences, row, poles, poles[j], from, Math.min(j, to));
                if (j >= from && j < to) {
                    zHat[j] *= differences[row + j];
                }
                DoubleKernels.multiplyByRatios(zHat, differences, row, poles, poles[j], Math.max(j + 1, from), to);
            }
            for (int i = from; i < to; i++) {
                zHat[i] = Math.copySign(Math.sqrt(Math.max(0, -zHat[i])), z[kept[i]]);
            }
        });
        // row j of the coefficients: (D − λ_j)⁻¹·ẑ normalised, in place of its differences
        double[] coefficients = differences;
        parallel.run(parts, p -> {
            for (int j = count * p / parts; j < count * (p + 1) / parts; j++) {
                int at = j * count;
                DoubleKernels.divide(zHat, differences, at, coefficients, at, count);
                double largest = 0;
                for (int i = 0; i < count; i++) {
                    largest = Math.max(largest, Math.abs(coefficients[at + i]));
                }
                DoubleKernels.scale(coefficients, at, count, 1 / largest);
                double norm = Math.sqrt(DoubleKernels.dot(coefficients, at, coefficients, at, count));
                DoubleKernels.scale(coefficients, at, count, 1 / norm);
            }
        });
        double[] first = combine(old, kept, count, coefficients, inFirst, lo, mid, parallel);
        double[] second = combine(old, kept, count, coefficients, inSecond, mid, hi, parallel);
        for (int j = 0; j < count; j++) {
            double[] row = old[kept[j]];
            System.arraycopy(first, j * (mid - lo), row, lo, mid - lo);
            System.arraycopy(second, j * (hi - mid), row, mid, hi - mid);
        }
        return roots;
    }

    // Columns [from, to) of the new eigenvectors: coefficients·(old kept rows), over the kept rows that have
    // entries in those columns only (a half's rows are zero in the other half). count × (to − from), row-major.
    private static double[] combine(double[][] old, int[] kept, int count, double[] coefficients,
                                    boolean[] present, int from, int to, Parallel parallel) {
        int width = to - from;
        int[] sources = new int[count];
        int used = 0;
        for (int i = 0; i < count; i++) {
            if (present[kept[i]]) {
                sources[used++] = i;
            }
        }
        double[] a = new double[count * used];
        double[] b = new double[used * width];
        for (int t = 0; t < used; t++) {
            System.arraycopy(old[kept[sources[t]]], from, b, t * width, width);
        }
        for (int j = 0; j < count; j++) {
            for (int t = 0; t < used; t++) {
                a[j * used + t] = coefficients[j * count + sources[t]];
            }
        }
        return SmallDense.multiply(a, b, count, used, width, parallel);
    }

    /**
     * Root j of 1/ρ + Σ w_i/(d_i − λ) = 0 for strictly ascending poles d and positive weights w: λ_j ∈ (d_j, d_{j+1}),
     * the last in (d_{k−1}, d_{k−1} + {@code bound}] (bound = ρ·Σw). Writes d_i − λ_j into row j of
     * {@code differences}, computed as (d_i − d_o) − τ from the nearer pole d_o and λ_j = d_o + τ.
     *
     * <p>Each step models the two terms of the bracketing poles exactly and the rest by their value and slope at the
     * current point (the "middle way" of LAPACK's dlaed4), and keeps the step inside the bracket the signs of f have
     * narrowed, bisecting where the model leaves it or |f| did not halve. Converged when |f| is within the rounding
     * error of its evaluation.
     */
    private static double secularRoot(double[] d, double[] w, double rho, double bound, int j, double[] differences,
                                      double[] sums) {
        int count = d.length;
        int at = j * count;
        if (count == 1) {
            differences[at] = -rho * w[0];
            return d[0] + rho * w[0];
        }
        boolean last = j == count - 1;
        int p = last ? count - 2 : j;
        int q = p + 1;
        double inverseRho = 1 / rho;
        // start at the midpoint between the poles, from d_p (or at the last root's bound, from d_q); the midpoint's
        // sign of f says which pole is nearer, and the origin moves to d_q if it is
        int origin = last ? q : p;
        double halfGap = last ? 0 : (d[q] - d[p]) / 2;
        double lo = 0;
        double hi = last ? bound : halfGap;
        double tau = hi;
        for (int i = 0; i < count; i++) {
            differences[at + i] = d[i] - d[origin];
        }
        for (int iteration = 0; ; iteration++) {
            if (iteration == MAX_ITERATIONS) {
                throw new IllegalStateException("symmetricEigen: secular equation did not converge for root " + j
                        + " of " + count);
            }
            DoubleKernels.secularSums(w, differences, at, tau, 0, q, sums);
            double psi = sums[0];
            double psiSlope = sums[1];
            double magnitude = sums[2];
            DoubleKernels.secularSums(w, differences, at, tau, q, count, sums);
            double phi = sums[0];
            double phiSlope = sums[1];
            magnitude += sums[2];
            double f = inverseRho + psi + phi;
            double slope = psiSlope + phiSlope;
            if (iteration == 0 && !last && f < 0) { // the root is nearer d_q: the same point, from there
                origin = q;
                for (int i = 0; i < count; i++) {
                    differences[at + i] = d[i] - d[q];
                }
                tau = -halfGap;
                lo = -halfGap;
                hi = 0;
            }
            if (Math.abs(f) <= EPS * (8 * magnitude + inverseRho + Math.abs(tau) * slope)) {
                break;
            }
            if (f > 0) {
                hi = tau;
            } else {
                lo = tau;
            }
            if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) {
                break;
            }
            double next = iteration >= BISECTING_AFTER && iteration % 2 == 1 ? Double.NaN
                    : tau + step(f, psiSlope, phiSlope, differences[at + p] - tau, differences[at + q] - tau, last);
            if (!(next > lo && next < hi)) {
                next = (lo + hi) / 2;
            }
            tau = next;
        }
        for (int i = 0; i < count; i++) {
            differences[at + i] -= tau;
        }
        return d[origin] + tau;
    }

    // The step η to the root of c + a/(δp − η) + b/(δq − η) fitted to f and its two slopes at the current point
    // (δp, δq: the bracketing poles less the current point), a quadratic c·η² − A·η + B = 0: the root between the
    // poles for an interior root, the one right of both for the last. Newton's step where the model points the wrong
    // way; NaN (a bisection) where it has no root.
    private static double step(double f, double psiSlope, double phiSlope, double deltaP, double deltaQ,
                               boolean last) {
        double c = f - deltaP * psiSlope - deltaQ * phiSlope;
        double a = (deltaP + deltaQ) * f - deltaP * deltaQ * (psiSlope + phiSlope);
        double b = deltaP * deltaQ * f;
        double root = Math.sqrt(Math.abs(a * a - 4 * b * c));
        double eta;
        if (last) {
            c = Math.abs(c);
            eta = c == 0 ? Double.NaN : a >= 0 ? (a + root) / (2 * c) : 2 * b / (a - root);
        } else {
            eta = c == 0 ? b / a : a <= 0 ? (a - root) / (2 * c) : 2 * b / (a + root);
        }
        if (f * eta >= 0) {
            eta = -f / (psiSlope + phiSlope);
        }
        return eta;
    }

    // The indices of d[0, firstSize) and d[firstSize, size), each ascending, merged into one ascending order.
    private static int[] mergeAscending(double[] d, int firstSize, int size) {
        int[] order = new int[size];
        int a = 0;
        int b = firstSize;
        for (int k = 0; k < size; k++) {
            order[k] = b == size || a < firstSize && d[a] <= d[b] ? a++ : b++;
        }
        return order;
    }

    // indices[0, count) sorted by d ascending (stably: equal values keep their order)
    private static int[] ascending(double[] d, int[] indices, int count) {
        int[] order = Arrays.copyOf(indices, count);
        for (int k = 1; k < count; k++) {
            int index = order[k];
            int at = k;
            while (at > 0 && d[order[at - 1]] > d[index]) {
                order[at] = order[at - 1];
                at--;
            }
            order[at] = index;
        }
        return order;
    }

    private static int[] identity(int size) {
        int[] indices = new int[size];
        for (int i = 0; i < size; i++) {
            indices[i] = i;
        }
        return indices;
    }
}
