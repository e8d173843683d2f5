package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/**
 * Random test matrices that catch out-of-view access: each is a view into a larger array whose other elements
 * are NaN, so a kernel that reads outside the view poisons its result and one that writes outside is caught by
 * {@link #assertGuardsIntact}.
 */
public final class TestData {

    private TestData() {
    }

    /** A rows×cols view with uniform entries in [-1, 1); padded (ld > cols, offset > 0) when {@code padded}. */
    public static Matrix random(SplittableRandom rng, int rows, int cols, boolean padded) {
        int ld = padded ? cols + 1 + rng.nextInt(5) : Math.max(cols, 1);
        int offset = padded ? 1 + rng.nextInt(7) : 0;
        int tail = padded ? 3 : 0;
        float[] data = new float[offset + rows * ld + tail];
        java.util.Arrays.fill(data, Float.NaN);
        Matrix m = Matrix.wrap(data, offset, rows, cols, ld);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.set(i, j, (float) (rng.nextDouble() * 2 - 1));
            }
        }
        return m;
    }

    /** A new view with the same shape and layout as {@code m}, over a copy of its whole backing array. */
    public static Matrix copy(Matrix m) {
        float[] backing = (float[]) m.segment().heapBase().orElseThrow();
        return Matrix.wrap(backing.clone(), Math.toIntExact(m.offset()), m.rows(), m.cols(), m.ld());
    }

    /** Asserts every element of the backing array outside the view is still NaN. */
    public static void assertGuardsIntact(Matrix m, String context) {
        float[] backing = (float[]) m.segment().heapBase().orElseThrow();
        for (int idx = 0; idx < backing.length; idx++) {
            long rel = idx - m.offset();
            boolean inside = rel >= 0 && rel / m.ld() < m.rows() && rel % m.ld() < m.cols();
            if (!inside && !Float.isNaN(backing[idx])) {
                fail(context + ": wrote element " + idx + " outside the " + m.shape() + " view");
            }
        }
    }

    /** Sets every element of the view to {@code value}. */
    public static void fill(Matrix m, float value) {
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                m.set(i, j, value);
            }
        }
    }

    /** Asserts all elements of two same-shaped views are bit-identical. */
    public static void assertSameBits(Matrix expected, Matrix actual, String context) {
        for (int i = 0; i < expected.rows(); i++) {
            for (int j = 0; j < expected.cols(); j++) {
                assertTrue(Float.floatToRawIntBits(expected.get(i, j)) == Float.floatToRawIntBits(actual.get(i, j)),
                        context + ": element (" + i + ", " + j + ") changed");
            }
        }
    }
}
