package org.slimgrad.reference;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.slimgrad.AbstractDctOps;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;

/** The oracle's DCT operations: every line transformed by the float64 O(n²) definition ({@link ReferenceDct}). */
final class ReferenceDctOps extends AbstractDctOps {

    ReferenceDctOps(Backend owner) {
        super(owner);
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
            scores.set(0, k, (float) (norm == ScoreNorm.L1 ? sums[k] : Math.sqrt(sums[k])));
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
}
