package org.slimgrad.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.simd.LaneSums;
import org.slimgrad.simd.VectorWidth;

/**
 * The float64 vector loops every small factorisation is made of (dot, axpy, their fused and four-row forms, and a
 * plane rotation) over runs of {@code double[]} with unit stride. One place for the SIMD, so the algorithms above
 * stay in their textbook form.
 */
final class DoubleKernels {

    private static final VectorSpecies<Double> S = VectorWidth.DOUBLES;
    private static final int L = S.length();

    private DoubleKernels() {
    }

    /** n rounded up to whole vectors, at most {@code limit}: a run padded with zeros to skip the scalar tails. */
    static int wholeVectors(int n, int limit) {
        return Math.min(limit, (n + L - 1) / L * L);
    }

    /** Σ x[xAt + i]·y[yAt + i] for i in [0, n). */
    static double dot(double[] x, int xAt, double[] y, int yAt, int n) {
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = DoubleVector.zero(S);
        int i = 0;
        for (int bound = n - n % (2 * L); i < bound; i += 2 * L) {
            acc0 = DoubleVector.fromArray(S, x, xAt + i).fma(DoubleVector.fromArray(S, y, yAt + i), acc0);
            acc1 = DoubleVector.fromArray(S, x, xAt + i + L).fma(DoubleVector.fromArray(S, y, yAt + i + L), acc1);
        }
        double sum = LaneSums.sum(acc0.add(acc1)); // a fixed order in every JIT tier
        for (; i < n; i++) {
            sum += x[xAt + i] * y[yAt + i];
        }
        return sum;
    }

    /**
     * sums = (Σ x[xAt + i]·p[yAt + i], Σ x[xAt + i]·p[zAt + i]) for i in [0, n): two dot products in one pass over x.
     */
    static void dot2(double[] x, int xAt, double[] p, int yAt, int zAt, int n, double[] sums) {
        DoubleVector accY = DoubleVector.zero(S);
        DoubleVector accZ = DoubleVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector xv = DoubleVector.fromArray(S, x, xAt + i);
            accY = xv.fma(DoubleVector.fromArray(S, p, yAt + i), accY);
            accZ = xv.fma(DoubleVector.fromArray(S, p, zAt + i), accZ);
        }
        double sumY = LaneSums.sum(accY);
        double sumZ = LaneSums.sum(accZ);
        for (; i < n; i++) {
            sumY += x[xAt + i] * p[yAt + i];
            sumZ += x[xAt + i] * p[zAt + i];
        }
        sums[0] = sumY;
        sums[1] = sumZ;
    }


    /** y[yAt + i] += a·x[xAt + i] for i in [0, n). */
    static void axpy(double a, double[] x, int xAt, double[] y, int yAt, int n) {
        DoubleVector va = DoubleVector.broadcast(S, a);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector.fromArray(S, x, xAt + i).fma(va, DoubleVector.fromArray(S, y, yAt + i))
                    .intoArray(y, yAt + i);
        }
        for (; i < n; i++) {
            y[yAt + i] += a * x[xAt + i];
        }
    }

    /**
     * y[yAt + i] += a0·x[x0 + i] + a1·x[x1 + i] + a2·x[x2 + i] + a3·x[x3 + i] for i in [0, n): four rows into one,
     * so y is loaded and stored once for four rows (the products are added in that order).
     */
    static void axpy4(double a0, int x0, double a1, int x1, double a2, int x2, double a3, int x3, double[] x,
                      double[] y, int yAt, int n) {
        DoubleVector v0 = DoubleVector.broadcast(S, a0);
        DoubleVector v1 = DoubleVector.broadcast(S, a1);
        DoubleVector v2 = DoubleVector.broadcast(S, a2);
        DoubleVector v3 = DoubleVector.broadcast(S, a3);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector acc = DoubleVector.fromArray(S, x, x0 + i).fma(v0, DoubleVector.fromArray(S, y, yAt + i));
            acc = DoubleVector.fromArray(S, x, x1 + i).fma(v1, acc);
            acc = DoubleVector.fromArray(S, x, x2 + i).fma(v2, acc);
            DoubleVector.fromArray(S, x, x3 + i).fma(v3, acc).intoArray(y, yAt + i);
        }
        for (; i < n; i++) {
            y[yAt + i] += a0 * x[x0 + i] + a1 * x[x1 + i] + a2 * x[x2 + i] + a3 * x[x3 + i];
        }
    }

    /**
     * Four destination rows at once: {@code dest[at_k + c] += Σ_p coef[4p + k]·src[p·n + c]} for k &lt; 4, p in
     * [from, to) and c in [first, n). Each source vector is loaded once for four multiply-adds, the accumulators stay
     * in registers across all p, and the four coefficients of a p sit side by side: the blocked updates of Cholesky,
     * the triangular inverse and the triangular products are made of this. With {@code upperSource}, row p of src is
     * zero left of column p (stored as zeros), so a column block's sum stops at the last row that can reach it.
     */
    static void addRows4(double[] coef, int from, int to, double[] src, int n, int first, boolean upperSource,
                         double[] dest, int at0, int at1, int at2, int at3) {
        int c = first;
        for (; c + 2 * L <= n; c += 2 * L) { // two vectors a row: eight accumulators hide the multiply-add latency
            int end = upperSource ? Math.min(to, c + 2 * L) : to;
            DoubleVector acc0 = DoubleVector.fromArray(S, dest, at0 + c);
            DoubleVector acc1 = DoubleVector.fromArray(S, dest, at1 + c);
            DoubleVector acc2 = DoubleVector.fromArray(S, dest, at2 + c);
            DoubleVector acc3 = DoubleVector.fromArray(S, dest, at3 + c);
            DoubleVector acc4 = DoubleVector.fromArray(S, dest, at0 + c + L);
            DoubleVector acc5 = DoubleVector.fromArray(S, dest, at1 + c + L);
            DoubleVector acc6 = DoubleVector.fromArray(S, dest, at2 + c + L);
            DoubleVector acc7 = DoubleVector.fromArray(S, dest, at3 + c + L);
            for (int p = from; p < end; p++) {
                DoubleVector x = DoubleVector.fromArray(S, src, p * n + c);
                DoubleVector y = DoubleVector.fromArray(S, src, p * n + c + L);
                DoubleVector a0 = DoubleVector.broadcast(S, coef[4 * p]);
                DoubleVector a1 = DoubleVector.broadcast(S, coef[4 * p + 1]);
                DoubleVector a2 = DoubleVector.broadcast(S, coef[4 * p + 2]);
                DoubleVector a3 = DoubleVector.broadcast(S, coef[4 * p + 3]);
                acc0 = x.fma(a0, acc0);
                acc1 = x.fma(a1, acc1);
                acc2 = x.fma(a2, acc2);
                acc3 = x.fma(a3, acc3);
                acc4 = y.fma(a0, acc4);
                acc5 = y.fma(a1, acc5);
                acc6 = y.fma(a2, acc6);
                acc7 = y.fma(a3, acc7);
            }
            acc0.intoArray(dest, at0 + c);
            acc1.intoArray(dest, at1 + c);
            acc2.intoArray(dest, at2 + c);
            acc3.intoArray(dest, at3 + c);
            acc4.intoArray(dest, at0 + c + L);
            acc5.intoArray(dest, at1 + c + L);
            acc6.intoArray(dest, at2 + c + L);
            acc7.intoArray(dest, at3 + c + L);
        }
        for (; c + L <= n; c += L) {
            int end = upperSource ? Math.min(to, c + L) : to;
            DoubleVector acc0 = DoubleVector.fromArray(S, dest, at0 + c);
            DoubleVector acc1 = DoubleVector.fromArray(S, dest, at1 + c);
            DoubleVector acc2 = DoubleVector.fromArray(S, dest, at2 + c);
            DoubleVector acc3 = DoubleVector.fromArray(S, dest, at3 + c);
            for (int p = from; p < end; p++) {
                DoubleVector x = DoubleVector.fromArray(S, src, p * n + c);
                acc0 = x.fma(DoubleVector.broadcast(S, coef[4 * p]), acc0);
                acc1 = x.fma(DoubleVector.broadcast(S, coef[4 * p + 1]), acc1);
                acc2 = x.fma(DoubleVector.broadcast(S, coef[4 * p + 2]), acc2);
                acc3 = x.fma(DoubleVector.broadcast(S, coef[4 * p + 3]), acc3);
            }
            acc0.intoArray(dest, at0 + c);
            acc1.intoArray(dest, at1 + c);
            acc2.intoArray(dest, at2 + c);
            acc3.intoArray(dest, at3 + c);
        }
        for (; c < n; c++) {
            int end = upperSource ? Math.min(to, c + 1) : to;
            double s0 = dest[at0 + c];
            double s1 = dest[at1 + c];
            double s2 = dest[at2 + c];
            double s3 = dest[at3 + c];
            for (int p = from; p < end; p++) {
                double x = src[p * n + c];
                s0 = Math.fma(x, coef[4 * p], s0);
                s1 = Math.fma(x, coef[4 * p + 1], s1);
                s2 = Math.fma(x, coef[4 * p + 2], s2);
                s3 = Math.fma(x, coef[4 * p + 3], s3);
            }
            dest[at0 + c] = s0;
            dest[at1 + c] = s1;
            dest[at2 + c] = s2;
            dest[at3 + c] = s3;
        }
    }

    /**
     * Σ x[xAt + i]·d[xAt + i] for i in [0, n), while adding f·x[xAt + i] into e[xAt + i]: the two halves of a
     * symmetric matrix-vector product from one triangle, in one pass over x. The sum's lanes are added in the fixed
     * order of {@link #dot}.
     */
    static double dotAxpy(double[] x, int xAt, double[] d, double f, double[] e, int n) {
        DoubleVector vf = DoubleVector.broadcast(S, f);
        DoubleVector acc = DoubleVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector xv = DoubleVector.fromArray(S, x, xAt + i);
            acc = xv.fma(DoubleVector.fromArray(S, d, xAt + i), acc);
            xv.fma(vf, DoubleVector.fromArray(S, e, xAt + i)).intoArray(e, xAt + i);
        }
        double sum = LaneSums.sum(acc);
        for (; i < n; i++) {
            sum += x[xAt + i] * d[xAt + i];
            e[xAt + i] += f * x[xAt + i];
        }
        return sum;
    }

    /**
     * A rank-2 update of four rows and {@link #dotAxpy} on the updated rows, in one pass over columns [at, at + n):
     * x_r[c] += k[r]·y[c] + k[4 + r]·z[c], then sums[r] = Σ x_r[c]·d[c] and e[c] += Σ_r k[8 + r]·x_r[c] (k =
     * {@code coefficients}; each updated entry is two fused multiply-adds). The sums' lanes are added in the fixed
     * order of {@link #dot}.
     */
    static void axpy2DotAxpy4(double[] x0, double[] x1, double[] x2, double[] x3, double[] coefficients, double[] y,
                              double[] z, double[] d, double[] e, int at, int n, double[] sums) {
        DoubleVector a0 = DoubleVector.broadcast(S, coefficients[0]);
        DoubleVector a1 = DoubleVector.broadcast(S, coefficients[1]);
        DoubleVector a2 = DoubleVector.broadcast(S, coefficients[2]);
        DoubleVector a3 = DoubleVector.broadcast(S, coefficients[3]);
        DoubleVector b0 = DoubleVector.broadcast(S, coefficients[4]);
        DoubleVector b1 = DoubleVector.broadcast(S, coefficients[5]);
        DoubleVector b2 = DoubleVector.broadcast(S, coefficients[6]);
        DoubleVector b3 = DoubleVector.broadcast(S, coefficients[7]);
        DoubleVector f0 = DoubleVector.broadcast(S, coefficients[8]);
        DoubleVector f1 = DoubleVector.broadcast(S, coefficients[9]);
        DoubleVector f2 = DoubleVector.broadcast(S, coefficients[10]);
        DoubleVector f3 = DoubleVector.broadcast(S, coefficients[11]);
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = DoubleVector.zero(S);
        DoubleVector acc2 = DoubleVector.zero(S);
        DoubleVector acc3 = DoubleVector.zero(S);
        int c = at;
        for (int bound = at + S.loopBound(n); c < bound; c += L) {
            DoubleVector yv = DoubleVector.fromArray(S, y, c);
            DoubleVector zv = DoubleVector.fromArray(S, z, c);
            DoubleVector dv = DoubleVector.fromArray(S, d, c);
            DoubleVector r0 = zv.fma(b0, yv.fma(a0, DoubleVector.fromArray(S, x0, c)));
            DoubleVector r1 = zv.fma(b1, yv.fma(a1, DoubleVector.fromArray(S, x1, c)));
            DoubleVector r2 = zv.fma(b2, yv.fma(a2, DoubleVector.fromArray(S, x2, c)));
            DoubleVector r3 = zv.fma(b3, yv.fma(a3, DoubleVector.fromArray(S, x3, c)));
            r0.intoArray(x0, c);
            r1.intoArray(x1, c);
            r2.intoArray(x2, c);
            r3.intoArray(x3, c);
            acc0 = r0.fma(dv, acc0);
            acc1 = r1.fma(dv, acc1);
            acc2 = r2.fma(dv, acc2);
            acc3 = r3.fma(dv, acc3);
            r3.fma(f3, r2.fma(f2, r1.fma(f1, r0.fma(f0, DoubleVector.fromArray(S, e, c))))).intoArray(e, c);
        }
        double s0 = LaneSums.sum(acc0);
        double s1 = LaneSums.sum(acc1);
        double s2 = LaneSums.sum(acc2);
        double s3 = LaneSums.sum(acc3);
        for (; c < at + n; c++) {
            double r0 = Math.fma(z[c], coefficients[4], Math.fma(y[c], coefficients[0], x0[c]));
            double r1 = Math.fma(z[c], coefficients[5], Math.fma(y[c], coefficients[1], x1[c]));
            double r2 = Math.fma(z[c], coefficients[6], Math.fma(y[c], coefficients[2], x2[c]));
            double r3 = Math.fma(z[c], coefficients[7], Math.fma(y[c], coefficients[3], x3[c]));
            x0[c] = r0;
            x1[c] = r1;
            x2[c] = r2;
            x3[c] = r3;
            s0 += r0 * d[c];
            s1 += r1 * d[c];
            s2 += r2 * d[c];
            s3 += r3 * d[c];
            e[c] += coefficients[8] * r0 + coefficients[9] * r1 + coefficients[10] * r2 + coefficients[11] * r3;
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
    }

    /**
     * {@link #dot2} for the four rows of x at {@code at + r·ld} (r &lt; 4) at once, p's two runs loaded once for all
     * four: sums[2r] = Σ x_r[i]·p[yAt + i], sums[2r + 1] = Σ x_r[i]·p[zAt + i] for i in [0, n), each sum's terms in
     * {@link #dot2}'s order.
     */
    static void dot2x4(double[] x, int at, int ld, double[] p, int yAt, int zAt, int n, double[] sums) {
        DoubleVector y0 = DoubleVector.zero(S);
        DoubleVector z0 = DoubleVector.zero(S);
        DoubleVector y1 = DoubleVector.zero(S);
        DoubleVector z1 = DoubleVector.zero(S);
        DoubleVector y2 = DoubleVector.zero(S);
        DoubleVector z2 = DoubleVector.zero(S);
        DoubleVector y3 = DoubleVector.zero(S);
        DoubleVector z3 = DoubleVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector yv = DoubleVector.fromArray(S, p, yAt + i);
            DoubleVector zv = DoubleVector.fromArray(S, p, zAt + i);
            DoubleVector v0 = DoubleVector.fromArray(S, x, at + i);
            DoubleVector v1 = DoubleVector.fromArray(S, x, at + ld + i);
            DoubleVector v2 = DoubleVector.fromArray(S, x, at + 2 * ld + i);
            DoubleVector v3 = DoubleVector.fromArray(S, x, at + 3 * ld + i);
            y0 = v0.fma(yv, y0);
            z0 = v0.fma(zv, z0);
            y1 = v1.fma(yv, y1);
            z1 = v1.fma(zv, z1);
            y2 = v2.fma(yv, y2);
            z2 = v2.fma(zv, z2);
            y3 = v3.fma(yv, y3);
            z3 = v3.fma(zv, z3);
        }
        sums[0] = addTail(LaneSums.sum(y0), x, at, p, yAt, i, n);
        sums[1] = addTail(LaneSums.sum(z0), x, at, p, zAt, i, n);
        sums[2] = addTail(LaneSums.sum(y1), x, at + ld, p, yAt, i, n);
        sums[3] = addTail(LaneSums.sum(z1), x, at + ld, p, zAt, i, n);
        sums[4] = addTail(LaneSums.sum(y2), x, at + 2 * ld, p, yAt, i, n);
        sums[5] = addTail(LaneSums.sum(z2), x, at + 2 * ld, p, zAt, i, n);
        sums[6] = addTail(LaneSums.sum(y3), x, at + 3 * ld, p, yAt, i, n);
        sums[7] = addTail(LaneSums.sum(z3), x, at + 3 * ld, p, zAt, i, n);
    }

    // sum + x[xAt + from]·y[yAt + from] + … + x[xAt + n − 1]·y[yAt + n − 1], added in that order: a dot product's
    // scalar tail
    private static double addTail(double sum, double[] x, int xAt, double[] y, int yAt, int from, int n) {
        for (int i = from; i < n; i++) {
            sum += x[xAt + i] * y[yAt + i];
        }
        return sum;
    }

    /**
     * {@link #axpy2} for the four rows of x at {@code at + r·ld} (r &lt; 4) over [0, n): x_r[i] += a[r]·p[yAt + i] +
     * b[r]·p[zAt + i], p's two runs loaded once for the four rows.
     */
    static void axpy2x4(double[] x, int at, int ld, double[] a, double[] b, double[] p, int yAt, int zAt, int n) {
        DoubleVector a0 = DoubleVector.broadcast(S, a[0]);
        DoubleVector a1 = DoubleVector.broadcast(S, a[1]);
        DoubleVector a2 = DoubleVector.broadcast(S, a[2]);
        DoubleVector a3 = DoubleVector.broadcast(S, a[3]);
        DoubleVector b0 = DoubleVector.broadcast(S, b[0]);
        DoubleVector b1 = DoubleVector.broadcast(S, b[1]);
        DoubleVector b2 = DoubleVector.broadcast(S, b[2]);
        DoubleVector b3 = DoubleVector.broadcast(S, b[3]);
        int x0 = at;
        int x1 = at + ld;
        int x2 = at + 2 * ld;
        int x3 = at + 3 * ld;
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector yv = DoubleVector.fromArray(S, p, yAt + i);
            DoubleVector zv = DoubleVector.fromArray(S, p, zAt + i);
            zv.fma(b0, yv.fma(a0, DoubleVector.fromArray(S, x, x0 + i))).intoArray(x, x0 + i);
            zv.fma(b1, yv.fma(a1, DoubleVector.fromArray(S, x, x1 + i))).intoArray(x, x1 + i);
            zv.fma(b2, yv.fma(a2, DoubleVector.fromArray(S, x, x2 + i))).intoArray(x, x2 + i);
            zv.fma(b3, yv.fma(a3, DoubleVector.fromArray(S, x, x3 + i))).intoArray(x, x3 + i);
        }
        for (; i < n; i++) {
            x[x0 + i] += a[0] * p[yAt + i] + b[0] * p[zAt + i];
            x[x1 + i] += a[1] * p[yAt + i] + b[1] * p[zAt + i];
            x[x2 + i] += a[2] * p[yAt + i] + b[2] * p[zAt + i];
            x[x3 + i] += a[3] * p[yAt + i] + b[3] * p[zAt + i];
        }
    }

    /** y[yAt + i] += a·x[xAt + i] + b·z[zAt + i] for i in [0, n): a rank-2 update of one run, y loaded once. */
    static void axpy2(double a, double[] x, int xAt, double b, double[] z, int zAt, double[] y, int yAt, int n) {
        DoubleVector va = DoubleVector.broadcast(S, a);
        DoubleVector vb = DoubleVector.broadcast(S, b);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector acc = DoubleVector.fromArray(S, x, xAt + i).fma(va, DoubleVector.fromArray(S, y, yAt + i));
            DoubleVector.fromArray(S, z, zAt + i).fma(vb, acc).intoArray(y, yAt + i);
        }
        for (; i < n; i++) {
            y[yAt + i] += a * x[xAt + i] + b * z[zAt + i];
        }
    }

    /**
     * (lo, hi) := (c·lo − s·hi, s·lo + c·hi) elementwise over entries [at, at + n): a Givens rotation of two rows.
     */
    static void rotate(double c, double s, double[] lo, double[] hi, int at, int n) {
        int i = at;
        for (int bound = at + S.loopBound(n); i < bound; i += L) {
            DoubleVector l = DoubleVector.fromArray(S, lo, i);
            DoubleVector h = DoubleVector.fromArray(S, hi, i);
            l.mul(c).sub(h.mul(s)).intoArray(lo, i);
            l.mul(s).add(h.mul(c)).intoArray(hi, i);
        }
        for (; i < at + n; i++) {
            double l = lo[i];
            double h = hi[i];
            lo[i] = c * l - s * h;
            hi[i] = s * l + c * h;
        }
    }

    /** x[at + i] *= a for i in [0, n). */
    static void scale(double[] x, int at, int n, double a) {
        DoubleVector va = DoubleVector.broadcast(S, a);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector.fromArray(S, x, at + i).mul(va).intoArray(x, at + i);
        }
        for (; i < n; i++) {
            x[at + i] *= a;
        }
    }

    /**
     * out[outAt + i] = x[i]/y[yAt + i] for i in [0, n) ({@code out} may be {@code y}). Each entry one IEEE division,
     * in the vector loop or the tail: the same bits wherever a run starts.
     */
    static void divide(double[] x, double[] y, int yAt, double[] out, int outAt, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            DoubleVector.fromArray(S, x, i).div(DoubleVector.fromArray(S, y, yAt + i)).intoArray(out, outAt + i);
        }
        for (; i < n; i++) {
            out[outAt + i] = x[i] / y[yAt + i];
        }
    }

    /**
     * x[i] *= y[yAt + i]/(z[i] − shift) for i in [from, to): each entry the same operations in the vector loop and
     * the tail, so its bits do not depend on where a run starts.
     */
    static void multiplyByRatios(double[] x, double[] y, int yAt, double[] z, double shift, int from, int to) {
        DoubleVector vShift = DoubleVector.broadcast(S, shift);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            DoubleVector ratio = DoubleVector.fromArray(S, y, yAt + i)
                    .div(DoubleVector.fromArray(S, z, i).sub(vShift));
            DoubleVector.fromArray(S, x, i).mul(ratio).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] *= y[yAt + i] / (z[i] - shift);
        }
    }

    /**
     * The terms t_i = w[i]/(δ[deltaAt + i] − τ) of a secular function over i in [from, to): sums = (Σ t_i,
     * Σ t_i/(δ[deltaAt + i] − τ), Σ |t_i|), its value, its derivative in τ and the magnitude its rounding error
     * scales with. One division a term.
     */
    static void secularSums(double[] w, double[] delta, int deltaAt, double tau, int from, int to, double[] sums) {
        DoubleVector vTau = DoubleVector.broadcast(S, tau);
        DoubleVector one = DoubleVector.broadcast(S, 1);
        DoubleVector value = DoubleVector.zero(S);
        DoubleVector slope = DoubleVector.zero(S);
        DoubleVector magnitude = DoubleVector.zero(S);
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            DoubleVector inverse = one.div(DoubleVector.fromArray(S, delta, deltaAt + i).sub(vTau));
            DoubleVector t = DoubleVector.fromArray(S, w, i).mul(inverse);
            value = value.add(t);
            slope = t.fma(inverse, slope);
            magnitude = magnitude.add(t.abs());
        }
        double sumValue = LaneSums.sum(value);
        double sumSlope = LaneSums.sum(slope);
        double sumMagnitude = LaneSums.sum(magnitude);
        for (; i < to; i++) {
            double inverse = 1 / (delta[deltaAt + i] - tau);
            double t = w[i] * inverse;
            sumValue += t;
            sumSlope += t * inverse;
            sumMagnitude += Math.abs(t);
        }
        sums[0] = sumValue;
        sums[1] = sumSlope;
        sums[2] = sumMagnitude;
    }
}
