package org.slimgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import org.slimgrad.Accuracy;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;

/** The DCT guards' scan, {@link Elementwise#maxAbs}, against a plain loop over every element. */
class ElementwiseTest {

    private static final Backend CPU = CpuBackend.withThreads(1);

    @Test
    void maxAbsIsTheLargestMagnitudeOfWholeMatricesAndViews() {
        SplittableRandom rng = new SplittableRandom(11);
        Matrix parent = CPU.allocate(70, 300);
        for (int i = 0; i < parent.rows(); i++) {
            for (int j = 0; j < parent.cols(); j++) {
                parent.set(i, j, (float) rng.nextGaussian());
            }
        }
        // lengths around whole vectors and around the four-vector unroll, contiguous and strided
        for (int cols : new int[]{1, 7, 15, 16, 17, 63, 64, 65, 129, 300}) {
            for (int rows : new int[]{1, 3, 70}) {
                Matrix view = parent.view(0, parent.cols() - cols, rows, cols);
                assertEquals(Accuracy.maxAbs(view), Elementwise.maxAbs(view), rows + "x" + cols + " view");
            }
        }
        for (int size : new int[]{0, 1, 5, 16, 64, 100, 1000, 4099}) {
            Matrix flat = CPU.allocate(1, size);
            for (int j = 0; j < size; j++) {
                flat.set(0, j, (float) rng.nextGaussian());
            }
            assertEquals(Accuracy.maxAbs(flat), Elementwise.maxAbs(flat), "1x" + size);
        }
    }

    @Test
    void maxAbsIsNanWhereverANanIsAndInfiniteForAnInfinity() {
        Matrix parent = CPU.allocate(5, 131);
        Matrix view = parent.view(1, 2, 4, 129); // rows of 129: two unrolled blocks, one vector, one scalar tail
        for (int[] at : new int[][]{{0, 0}, {0, 128}, {3, 64}, {3, 128}, {2, 127}}) {
            view.set(at[0], at[1], Float.NaN);
            assertEquals(Float.NaN, Elementwise.maxAbs(view), "NaN at " + at[0] + "," + at[1]);
            view.set(at[0], at[1], Float.NEGATIVE_INFINITY);
            assertEquals(Float.POSITIVE_INFINITY, Elementwise.maxAbs(view), "-Inf at " + at[0] + "," + at[1]);
            view.set(at[0], at[1], 0f);
        }
        view.set(0, 5, Float.POSITIVE_INFINITY);
        view.set(3, 128, Float.NaN);
        assertEquals(Float.NaN, Elementwise.maxAbs(view), "NaN after an infinity");
        parent.set(0, 0, Float.NaN); // outside the view
        view.set(0, 5, -3f);
        view.set(3, 128, 2f);
        assertEquals(3f, Elementwise.maxAbs(view), "a NaN outside the view");
    }
}
