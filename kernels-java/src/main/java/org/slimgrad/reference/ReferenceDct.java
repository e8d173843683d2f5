package org.slimgrad.reference;

import org.slimgrad.Axis;
import org.slimgrad.Matrix;

/**
 * The DCT as the textbook sum, O(n²) per line in float64: {@code y_k = c_k·Σ_j x_j·cos(πk(2j+1)/2n)} with
 * c₀ = √(1/n), c_k = √(2/n), and its transpose for the inverse. The cosines come from one table of the 4n values
 * cos(πq/2n), exact to float64 rounding, since k(2j+1) mod 4n picks the angle.
 */
final class ReferenceDct {

    private final int n;
    private final double[] cosines;
    private final double[] scales;

    ReferenceDct(int n) {
        this.n = n;
        this.cosines = new double[4 * n];
        for (int q = 0; q < 4 * n; q++) {
            cosines[q] = Math.cos(Math.PI * q / (2.0 * n));
        }
        this.scales = new double[n];
        for (int k = 0; k < n; k++) {
            scales[k] = k == 0 ? Math.sqrt(1.0 / n) : Math.sqrt(2.0 / n);
        }
    }

    /** Q[j][k] = c_k·cos(πk(2j+1)/2n), the orthonormal DCT-II basis vector k at position j. */
    double basis(int j, int k) {
        return scales[k] * cosines[(int) ((long) k * (2L * j + 1) % (4L * n))];
    }

    /** DCT-II (or DCT-III) of one line. */
    double[] transform(double[] line, boolean inverse) {
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += inverse ? basis(k, j) * line[j] : basis(j, k) * line[j];
            }
            out[k] = sum;
        }
        return out;
    }

    static double[] line(Matrix m, Axis axis, int index) {
        int length = axis.lineLength(m);
        double[] out = new double[length];
        for (int t = 0; t < length; t++) {
            out[t] = axis == Axis.ROWS ? m.get(index, t) : m.get(t, index);
        }
        return out;
    }

    static void setLine(Matrix m, Axis axis, int index, double[] values) {
        for (int t = 0; t < values.length; t++) {
            if (axis == Axis.ROWS) {
                m.set(index, t, (float) values[t]);
            } else {
                m.set(t, index, (float) values[t]);
            }
        }
    }
}
