package org.slimgrad.reference;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.stream.IntStream;

import org.slimgrad.Axis;
import org.slimgrad.Bf16;
import org.slimgrad.FixedSupport;
import org.slimgrad.HostBackend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;

/**
 * The oracle: every kernel is the textbook loop, accumulating in float64 and rounding once to fp32, so its
 * error is at most half an ulp of the exact result's rounding plus the float64 error (≈ K·2⁻⁵³ relative).
 * Slow on purpose; tests compare every other backend with it.
 */
public final class ReferenceBackend extends HostBackend {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    public ReferenceBackend() {
        super("reference");
    }

    // C = α·op(A)·op(B) + β·C
    @Override
    protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c) {
        int k = transA ? a.rows() : a.cols();
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? get(a, p, i) : get(a, i, p);
                    double bpj = transB ? get(b, j, p) : get(b, p, j);
                    sum += aip * bpj;
                }
                double prior = beta == 0f ? 0 : (double) beta * get(c, i, j);
                set(c, i, j, (float) (alpha * sum + prior));
            }
        }
    }

    // Y = α·X + Y
    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        for (int i = 0; i < y.rows(); i++) {
            for (int j = 0; j < y.cols(); j++) {
                set(y, i, j, (float) ((double) alpha * get(x, i, j) + get(y, i, j)));
            }
        }
    }

    // X = α·X
    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                set(x, i, j, alpha == 0f ? 0f : alpha * get(x, i, j));
            }
        }
    }

    @Override
    protected void dctKernel(Matrix x, Matrix y, Axis axis, boolean inverse) {
        ReferenceDct dct = new ReferenceDct(axis.lineLength(x));
        double[][] lines = new double[axis.lineCount(x)][];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = dct.transform(ReferenceDct.line(x, axis, i), inverse);
        }
        for (int i = 0; i < lines.length; i++) {
            ReferenceDct.setLine(y, axis, i, lines[i]);
        }
    }

    @Override
    protected void dctScoresKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        int length = axis.lineLength(g);
        ReferenceDct dct = new ReferenceDct(length);
        double[] sums = new double[length];
        for (int i = 0; i < axis.lineCount(g); i++) {
            double[] coefficients = dct.transform(ReferenceDct.line(g, axis, i), false);
            for (int k = 0; k < length; k++) {
                sums[k] += norm == ScoreNorm.L1 ? Math.abs(coefficients[k]) : coefficients[k] * coefficients[k];
            }
        }
        for (int k = 0; k < length; k++) {
            set(scores, 0, k, (float) (norm == ScoreNorm.L1 ? sums[k] : Math.sqrt(sums[k])));
        }
    }

    // a full sort by (score descending, index ascending): the oracle for the backends' selection
    @Override
    protected int[] topKKernel(Matrix scores, int k) {
        float[] values = scores.toArray();
        for (int j = 0; j < values.length; j++) {
            if (Float.isNaN(values[j])) {
                throw new IllegalArgumentException("topK: score " + j + " of " + values.length + " is NaN");
            }
        }
        int[] sorted = IntStream.range(0, values.length).boxed()
                .sorted((a, b) -> values[a] != values[b] ? Float.compare(values[b], values[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).limit(k).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    @Override
    protected void dctGatherKernel(Matrix g, Axis axis, int[] indices, Matrix r) {
        ReferenceDct dct = new ReferenceDct(axis.lineLength(g));
        for (int i = 0; i < axis.lineCount(g); i++) {
            double[] coefficients = dct.transform(ReferenceDct.line(g, axis, i), false);
            double[] chosen = new double[indices.length];
            for (int t = 0; t < indices.length; t++) {
                chosen[t] = coefficients[indices[t]];
            }
            ReferenceDct.setLine(r, axis, i, chosen);
        }
    }

    @Override
    protected void idctScatterKernel(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        int length = axis.lineLength(out);
        ReferenceDct dct = new ReferenceDct(length);
        for (int i = 0; i < axis.lineCount(out); i++) {
            double[] chosen = ReferenceDct.line(r, axis, i);
            double[] coefficients = new double[length];
            for (int t = 0; t < indices.length; t++) {
                coefficients[indices[t]] = chosen[t];
            }
            double[] values = dct.transform(coefficients, true);
            double[] prior = beta == 0f ? null : ReferenceDct.line(out, axis, i);
            for (int t = 0; t < length; t++) {
                values[t] = alpha * values[t] + (prior == null ? 0 : beta * prior[t]);
            }
            ReferenceDct.setLine(out, axis, i, values);
        }
    }

    // Y = α·X·op(S) + β·Y, one float64 sum per output element over the support
    @Override
    protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                              float beta, Matrix y) {
        double[][] sums = new double[y.rows()][y.cols()];
        for (int i = 0; i < support.rows(); i++) {
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                int j = support.column(p);
                double v = get(values, 0, p);
                for (int t = 0; t < x.rows(); t++) {
                    if (transposeS) {
                        sums[t][i] += get(x, t, j) * v;
                    } else {
                        sums[t][j] += get(x, t, i) * v;
                    }
                }
            }
        }
        for (int t = 0; t < y.rows(); t++) {
            for (int c = 0; c < y.cols(); c++) {
                double prior = beta == 0f ? 0 : (double) beta * get(y, t, c);
                set(y, t, c, (float) (alpha * sums[t][c] + prior));
            }
        }
    }

    @Override
    protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        for (int i = 0; i < support.rows(); i++) {
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                int j = support.column(p);
                double sum = 0;
                for (int t = 0; t < a.rows(); t++) {
                    sum += (double) get(a, t, i) * get(b, t, j);
                }
                double prior = beta == 0f ? 0 : (double) beta * get(values, 0, p);
                set(values, 0, p, (float) (alpha * sum + prior));
            }
        }
    }

    @Override
    protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        for (int i = 0; i < support.rows(); i++) {
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                int j = support.column(p);
                set(dense, i, j, (float) ((double) alpha * get(values, 0, p) + get(dense, i, j)));
            }
        }
    }

    @Override
    protected void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                              float alpha, float beta, Matrix out) {
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < g.cols(); j++) {
                double gij = get(g, i, j);
                float mij = (float) (beta1 * (double) get(m, i, j) + (1 - (double) beta1) * gij);
                float vij = (float) (beta2 * (double) get(v, i, j) + (1 - (double) beta2) * gij * gij);
                set(m, i, j, mij);
                set(v, i, j, vij);
                double update = (mij / bias1) / (Math.sqrt(vij / bias2) + epsilon);
                double prior = beta == 0f ? 0 : (double) beta * get(out, i, j);
                set(out, i, j, (float) (alpha * update + prior));
            }
        }
    }

    // the fp32 step of adam, in float64, on moments read from and rounded back to bf16
    @Override
    protected void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                  long step, float alpha, float beta, Matrix out) {
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < g.cols(); j++) {
                double gij = get(g, i, j);
                float mij = (float) (beta1 * (double) Bf16.get(m16, i, j) + (1 - (double) beta1) * gij);
                float vij = (float) (beta2 * (double) Bf16.get(v16, i, j) + (1 - (double) beta2) * gij * gij);
                Bf16.set(m16, i, j, mij);
                Bf16.set(v16, i, j, vij);
                double update = (mij / bias1) / (Math.sqrt(vij / bias2) + epsilon);
                double prior = beta == 0f ? 0 : (double) beta * get(out, i, j);
                set(out, i, j, (float) (alpha * update + prior));
            }
        }
    }

    private static float get(Matrix m, int i, int j) {
        return m.segment().getAtIndex(F, m.index(i, j));
    }

    private static void set(Matrix m, int i, int j, float v) {
        m.segment().setAtIndex(F, m.index(i, j), v);
    }
}
