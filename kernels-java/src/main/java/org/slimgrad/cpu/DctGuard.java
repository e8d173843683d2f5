package org.slimgrad.cpu;

import org.slimgrad.Matrix;

/**
 * Keeps the CPU DCTs line by line and free of overflow. The fast kernels transform two real lines as one complex
 * FFT, so a NaN or ±Inf in one line would reach its partner, and their unnormalised FFT sums can overflow for finite
 * lines near float32's limit. A cheap check decides (the input's largest magnitude, or a non-finite value in a small
 * output); only when it fails does the rare path run: the lines holding NaN or ±Inf are transformed apart from the
 * finite ones, and each finite line whose largest magnitude exceeds {@link #LARGE} is transformed at 2^−e scale and
 * scaled back — exact in binary, so those lines get the bits the unscaled transform would give without overflow.
 */
final class DctGuard {

    /** Inputs up to this magnitude never overflow a transform's intermediates (they grow by at most n² < 2^60). */
    static final float LARGE = 0x1p64f;
    /** The magnitude a large line is scaled down to. */
    private static final int TARGET_EXPONENT = 40;

    /** {@code out = f(in)} for a transform f of in's lines into out's lines (as many, possibly of another length). */
    @FunctionalInterface
    interface LineKernel {
        void run(Matrix in, Matrix out);
    }

    private DctGuard() {
    }

    /** Whether {@code in} can go through the fast kernel as it is: finite and no magnitude above {@link #LARGE}. */
    static boolean safe(Matrix in) {
        return Elementwise.maxAbs(in) <= LARGE; // false for NaN
    }

    /** Whether every value of {@code m} is finite. */
    static boolean finite(Matrix m) {
        return Float.isFinite(Elementwise.maxAbs(m));
    }

    /**
     * The rare path: {@code out = α·f(in) + β·out} line by line (β = 0: out not read), with non-finite lines of in
     * transformed apart and large finite ones scaled. Allocates in- and out-sized temporaries.
     */
    static void transformLines(Matrix in, Matrix out, boolean rowLines, float alpha, float beta, LineKernel kernel) {
        int lines = rowLines ? in.rows() : in.cols();
        int inLength = rowLines ? in.cols() : in.rows();
        int outLength = rowLines ? out.cols() : out.rows();
        int[] exponent = new int[lines];
        boolean[] bad = new boolean[lines];
        int badLines = 0;
        Matrix scaled = Matrix.wrap(new float[Math.toIntExact(in.size())], in.rows(), in.cols());
        for (int l = 0; l < lines; l++) {
            float max = 0;
            for (int t = 0; t < inLength; t++) {
                max = Math.max(max, Math.abs(element(in, rowLines, l, t)));
            }
            bad[l] = !Float.isFinite(max);
            badLines += bad[l] ? 1 : 0;
            exponent[l] = max > LARGE && !bad[l] ? Math.getExponent(max) - TARGET_EXPONENT : 0;
            for (int t = 0; t < inLength && !bad[l]; t++) { // bad lines stay zero here: they are transformed apart
                setElement(scaled, rowLines, l, t, Math.scalb(element(in, rowLines, l, t), -exponent[l]));
            }
        }
        Matrix transformed = Matrix.wrap(new float[Math.toIntExact(out.size())], out.rows(), out.cols());
        kernel.run(scaled, transformed);
        if (badLines > 0) {
            transformApart(in, transformed, rowLines, bad, badLines, kernel);
        }
        for (int l = 0; l < lines; l++) {
            for (int t = 0; t < outLength; t++) {
                double value = alpha * Math.scalb((double) element(transformed, rowLines, l, t), exponent[l]);
                if (beta != 0f) {
                    value += (double) beta * element(out, rowLines, l, t);
                }
                setElement(out, rowLines, l, t, (float) value);
            }
        }
    }

    // the lines marked bad, gathered into a matrix of their own, transformed together and put back into out's lines
    private static void transformApart(Matrix in, Matrix out, boolean rowLines, boolean[] bad, int badLines,
                                       LineKernel kernel) {
        int inLength = rowLines ? in.cols() : in.rows();
        int outLength = rowLines ? out.cols() : out.rows();
        Matrix apartIn = rowLines ? Matrix.wrap(new float[badLines * inLength], badLines, inLength)
                : Matrix.wrap(new float[badLines * inLength], inLength, badLines);
        Matrix apartOut = rowLines ? Matrix.wrap(new float[badLines * outLength], badLines, outLength)
                : Matrix.wrap(new float[badLines * outLength], outLength, badLines);
        for (int l = 0, b = 0; l < bad.length; l++) {
            if (bad[l]) {
                for (int t = 0; t < inLength; t++) {
                    setElement(apartIn, rowLines, b, t, element(in, rowLines, l, t));
                }
                b++;
            }
        }
        kernel.run(apartIn, apartOut);
        for (int l = 0, b = 0; l < bad.length; l++) {
            if (bad[l]) {
                for (int t = 0; t < outLength; t++) {
                    setElement(out, rowLines, l, t, element(apartOut, rowLines, b, t));
                }
                b++;
            }
        }
    }

    /**
     * The exponent e that brings a finite matrix with largest magnitude {@code max} to about 2^{@value
     * #TARGET_EXPONENT}, for transforms whose results sum over lines (scores); 0 when max is already below that.
     */
    static int scoreExponent(float max) {
        return max > 0x1p40f ? Math.getExponent(max) - TARGET_EXPONENT : 0;
    }

    /** A copy of m times 2^−e. */
    static Matrix scaledCopy(Matrix m, int exponent) {
        Matrix copy = Matrix.wrap(new float[Math.toIntExact(m.size())], m.rows(), m.cols());
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                copy.set(i, j, Math.scalb(m.get(i, j), -exponent));
            }
        }
        return copy;
    }

    private static float element(Matrix m, boolean rowLines, int line, int t) {
        return rowLines ? m.get(line, t) : m.get(t, line);
    }

    private static void setElement(Matrix m, boolean rowLines, int line, int t, float value) {
        if (rowLines) {
            m.set(line, t, value);
        } else {
            m.set(t, line, value);
        }
    }
}
