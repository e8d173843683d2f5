package org.slimgrad.reference;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

import org.slimgrad.AbstractFactorizations;
import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;

/**
 * The oracle's factorisations, sharing no code with the fast backends': textbook float64 algorithms on Java arrays —
 * Householder QR, cyclic Jacobi for the symmetric eigenproblem, one-sided (Hestenes) Jacobi for the SVD, and the
 * randomized SVD as Halko, Martinsson &amp; Tropp write it (orthonormalise after every product, exact SVD of QᵀA),
 * with the same seeded sketch ({@link CounterRandom#sketch}) and warm start as every backend. Slow on purpose.
 */
final class ReferenceFactorizations extends AbstractFactorizations {

    /** Jacobi sweeps stop when every off-diagonal pair is below this relative size (a few ulps of float64). */
    private static final double JACOBI_TOLERANCE = 1e-15;
    private static final int MAX_SWEEPS = 60;

    private final Backend owner;

    ReferenceFactorizations(Backend owner) {
        super(owner);
        this.owner = owner;
    }

    @Override
    protected OrthoMethod orthonormalizeKernel(Matrix a) {
        store(householderQ(load(a)), a);
        return OrthoMethod.HOUSEHOLDER_QR;
    }

    @Override
    protected SymmetricEigen symmetricEigenKernel(Matrix s) {
        int n = s.rows();
        double[][] sym = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sym[i][j] = 0.5 * s.get(i, j) + 0.5 * s.get(j, i);
            }
        }
        double[][] vectors = identity(n);
        jacobiEigen(sym, vectors);
        Integer[] order = descending(n, k -> sym[k][k]);
        float[] values = new float[n];
        Matrix v = owner.allocate(n, n);
        for (int t = 0; t < n; t++) {
            values[t] = (float) sym[order[t]][order[t]];
            for (int i = 0; i < n; i++) {
                v.set(i, t, (float) vectors[i][order[t]]);
            }
        }
        return new SymmetricEigen(values, v);
    }

    @Override
    protected Svd svdKernel(Matrix a) {
        int p = Math.min(a.rows(), a.cols());
        Matrix u = owner.allocate(a.rows(), p);
        Matrix vt = owner.allocate(p, a.cols());
        return new Svd(u, truncated(jacobiSvd(load(a)), p, u, vt), vt);
    }

    @Override
    protected float[] randomizedSvdKernel(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                          Svd warmStart, Matrix u, Matrix vt) {
        double[][] x = load(a);
        int m = a.rows();
        int n = a.cols();
        int width = Math.min(rank + oversample, Math.min(m, n));
        int warm = warmStart == null ? 0 : Math.min(warmStart.rank(), width);
        double[][] z = new double[n][width];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
                z[i][j] = j < warm ? warmStart.vt().get(j, i) : CounterRandom.sketch(seed, (long) i * width + j);
            }
        }
        double[][] y = multiply(x, false, z);
        for (int it = 0; it < powerIterations; it++) {
            z = multiply(x, true, householderQ(y));
            y = multiply(x, false, householderQ(z));
        }
        double[][] q = householderQ(y);
        double[][] b = transpose(multiply(x, true, q)); // B = QᵀA, width × n
        double[][][] usv = jacobiSvd(b);
        usv[0] = multiplyPlain(q, usv[0]);               // U = Q·U_B
        return truncated(usv, rank, u, vt);
    }

    // ---------------------------------------------------------------- float64 algorithms

    /** The explicit m×k Q of the Householder QR of an m×k array (k ≤ m); orthonormal for any input, zero included. */
    private static double[][] householderQ(double[][] a) {
        int m = a.length;
        int k = m == 0 ? 0 : a[0].length;
        double[][] r = copy(a);
        double[][] reflectors = new double[k][];
        for (int j = 0; j < k; j++) {
            double norm = 0;
            for (int i = j; i < m; i++) {
                norm += r[i][j] * r[i][j];
            }
            norm = Math.sqrt(norm);
            double[] v = new double[m];
            if (norm == 0) {
                v[j] = 1; // a zero column: any reflection keeps the basis orthonormal
            } else {
                double alpha = r[j][j] >= 0 ? -norm : norm;
                for (int i = j; i < m; i++) {
                    v[i] = r[i][j];
                }
                v[j] -= alpha;
            }
            double vv = 0;
            for (int i = j; i < m; i++) {
                vv += v[i] * v[i];
            }
            for (int c = j; c < k; c++) {
                reflect(v, vv, j, r, c);
            }
            reflectors[j] = v;
        }
        double[][] q = new double[m][k];
        for (int j = 0; j < k; j++) {
            q[j][j] = 1;
        }
        for (int j = k - 1; j >= 0; j--) {
            double[] v = reflectors[j];
            double vv = 0;
            for (int i = j; i < m; i++) {
                vv += v[i] * v[i];
            }
            for (int c = 0; c < k; c++) {
                reflect(v, vv, j, q, c);
            }
        }
        return q;
    }

    // column c of x (rows from first on) ← (I − 2·v·vᵀ/vᵀv)·column
    private static void reflect(double[] v, double vv, int first, double[][] x, int c) {
        double dot = 0;
        for (int i = first; i < x.length; i++) {
            dot += v[i] * x[i][c];
        }
        double f = 2 * dot / vv;
        for (int i = first; i < x.length; i++) {
            x[i][c] -= f * v[i];
        }
    }

    /** Cyclic Jacobi on the symmetric s: s becomes diagonal (its eigenvalues), vectors accumulates the rotations. */
    private static void jacobiEigen(double[][] s, double[][] vectors) {
        int n = s.length;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = s[p][q];
                    if (Math.abs(apq) <= JACOBI_TOLERANCE * Math.sqrt(Math.abs(s[p][p] * s[q][q])) || apq == 0) {
                        continue;
                    }
                    rotated = true;
                    double theta = (s[q][q] - s[p][p]) / (2 * apq);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int k = 0; k < n; k++) { // S ← S·J
                        double skp = s[k][p];
                        double skq = s[k][q];
                        s[k][p] = c * skp - sn * skq;
                        s[k][q] = sn * skp + c * skq;
                    }
                    for (int k = 0; k < n; k++) { // S ← Jᵀ·S
                        double spk = s[p][k];
                        double sqk = s[q][k];
                        s[p][k] = c * spk - sn * sqk;
                        s[q][k] = sn * spk + c * sqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = vectors[k][p];
                        double vkq = vectors[k][q];
                        vectors[k][p] = c * vkp - sn * vkq;
                        vectors[k][q] = sn * vkp + c * vkq;
                    }
                }
            }
            if (!rotated) {
                return;
            }
        }
    }

    /**
     * One-sided Jacobi SVD of an m×n array: {U (m×p), σ (1×p, unsorted), V (n×p)} with p = min(m, n). Columns of
     * the taller orientation are rotated until pairwise orthogonal; their norms are σ.
     */
    private static double[][][] jacobiSvd(double[][] a) {
        int m = a.length;
        int n = m == 0 ? 0 : a[0].length;
        if (m < n) {
            double[][][] t = jacobiSvd(transpose(a));
            return new double[][][] {t[2], t[1], t[0]};
        }
        double[][] w = copy(a);
        double[][] v = identity(n);
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = 0;
                    double beta = 0;
                    double gamma = 0;
                    for (int i = 0; i < m; i++) {
                        alpha += w[i][p] * w[i][p];
                        beta += w[i][q] * w[i][q];
                        gamma += w[i][p] * w[i][q];
                    }
                    if (gamma == 0 || Math.abs(gamma) <= JACOBI_TOLERANCE * Math.sqrt(alpha * beta)) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta == 0 ? 1 : zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    rotateColumns(w, p, q, c, s);
                    rotateColumns(v, p, q, c, s);
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] sigma = new double[n];
        double[][] u = new double[m][n];
        for (int j = 0; j < n; j++) {
            double norm = 0;
            for (int i = 0; i < m; i++) {
                norm += w[i][j] * w[i][j];
            }
            sigma[j] = Math.sqrt(norm);
            for (int i = 0; i < m; i++) {
                u[i][j] = sigma[j] == 0 ? 0 : w[i][j] / sigma[j];
            }
        }
        completeBasis(u, sigma);
        return new double[][][] {u, {sigma}, v};
    }

    private static void rotateColumns(double[][] x, int p, int q, double c, double s) {
        for (double[] row : x) {
            double xp = row[p];
            double xq = row[q];
            row[p] = c * xp - s * xq;
            row[q] = s * xp + c * xq;
        }
    }

    // columns of zero singular values get orthonormal directions (Gram–Schmidt against the others, twice)
    private static void completeBasis(double[][] u, double[] sigma) {
        int m = u.length;
        for (int j = 0; j < sigma.length; j++) {
            if (sigma[j] != 0) {
                continue;
            }
            for (int e = 0; e < m; e++) {
                double[] candidate = new double[m];
                candidate[e] = 1;
                for (int pass = 0; pass < 2; pass++) {
                    for (int c = 0; c < sigma.length; c++) {
                        if (c == j || (sigma[c] == 0 && c > j)) {
                            continue;
                        }
                        double dot = 0;
                        for (int i = 0; i < m; i++) {
                            dot += u[i][c] * candidate[i];
                        }
                        for (int i = 0; i < m; i++) {
                            candidate[i] -= dot * u[i][c];
                        }
                    }
                }
                double norm = 0;
                for (double value : candidate) {
                    norm += value * value;
                }
                if (norm > 0.25) {
                    for (int i = 0; i < m; i++) {
                        u[i][j] = candidate[i] / Math.sqrt(norm);
                    }
                    break;
                }
            }
        }
    }

    // the leading `rank` triplets of {U, σ, V} by descending σ: U and Vᵀ into uOut and vtOut (each skipped when
    // null), σ returned
    private static float[] truncated(double[][][] usv, int rank, Matrix uOut, Matrix vtOut) {
        double[][] u = usv[0];
        double[] sigma = usv[1][0];
        double[][] v = usv[2];
        Integer[] order = descending(sigma.length, k -> sigma[k]);
        float[] sigmaOut = new float[rank];
        for (int t = 0; t < rank; t++) {
            int k = order[t];
            sigmaOut[t] = (float) sigma[k];
            for (int i = 0; i < u.length && uOut != null; i++) {
                uOut.set(i, t, (float) u[i][k]);
            }
            for (int j = 0; j < v.length && vtOut != null; j++) {
                vtOut.set(t, j, (float) v[j][k]);
            }
        }
        return sigmaOut;
    }

    private static Integer[] descending(int n, IntToDoubleFunction key) {
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (p, q) -> Double.compare(key.applyAsDouble(q), key.applyAsDouble(p)));
        return order;
    }

    // x·z, or xᵀ·z when transposeX
    private static double[][] multiply(double[][] x, boolean transposeX, double[][] z) {
        return multiplyPlain(transposeX ? transpose(x) : x, z);
    }

    private static double[][] multiplyPlain(double[][] x, double[][] z) {
        int m = x.length;
        int k = z.length;
        int n = k == 0 ? 0 : z[0].length;
        double[][] out = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double xip = x[i][p];
                for (int j = 0; j < n; j++) {
                    out[i][j] += xip * z[p][j];
                }
            }
        }
        return out;
    }

    private static double[][] transpose(double[][] x) {
        int m = x.length;
        int n = m == 0 ? 0 : x[0].length;
        double[][] t = new double[n][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                t[j][i] = x[i][j];
            }
        }
        return t;
    }

    private static double[][] identity(int n) {
        double[][] id = new double[n][n];
        for (int i = 0; i < n; i++) {
            id[i][i] = 1;
        }
        return id;
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }

    private static double[][] load(Matrix a) {
        double[][] x = new double[a.rows()][a.cols()];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                x[i][j] = a.get(i, j);
            }
        }
        return x;
    }

    private static void store(double[][] x, Matrix a) {
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                a.set(i, j, (float) x[i][j]);
            }
        }
    }
}
