package org.slimgrad.reference;

import java.lang.foreign.ValueLayout;

import org.slimgrad.HostBackend;
import org.slimgrad.Matrix;

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

    private static float get(Matrix m, int i, int j) {
        return m.segment().getAtIndex(F, m.index(i, j));
    }

    private static void set(Matrix m, int i, int j, float v) {
        m.segment().setAtIndex(F, m.index(i, j), v);
    }
}
