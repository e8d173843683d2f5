package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slimgrad.Axis;
import org.slimgrad.Matrix;
import org.slimgrad.linalg.FftRadices;

/**
 * The device FFT's stage kernel (dct.cu's sg_fft_stage) against a float64 DFT, stage by stage as DeviceDct runs it,
 * for both workspace layouts: every unrolled radix (2, 3, 4, 5, 7, 8) and the chunked one (11, 13, 43, 127) as the
 * first stage (no twiddles) and as a later one (twiddled), and the model lengths.
 */
class FftStageTest {

    /** Lengths whose stage plans put each radix first and later: {3, 2}, {2, 8}, {11, 7}, {13, 11}, {8, 8, 8, 8}... */
    private static final int[] LENGTHS = {2, 3, 5, 7, 11, 6, 16, 20, 24, 32, 35, 39, 40, 56, 64, 77, 88, 143, 172, 254,
            4096, 1376, 2736};

    private final CudaBackend cuda = EmulatedCuda.shared();
    private final SplittableRandom rng = new SplittableRandom(31);

    @Test
    void everyRadixFirstAndTwiddledMatchesTheDft() {
        for (int n : LENGTHS) {
            for (Axis axis : Axis.values()) {
                int lines = 3;
                int[] radices = FftRadices.stageOrder(FftRadices.primeFactors(n));
                double[][] re = new double[lines][n];
                double[][] im = new double[lines][n];
                float[] work = new float[2 * lines * n];
                for (int l = 0; l < lines; l++) {
                    for (int k = 0; k < n; k++) {
                        re[l][k] = (float) rng.nextDouble(-1, 1);
                        im[l][k] = (float) rng.nextDouble(-1, 1);
                        int at = 2 * at(axis, lines, n, l, k);
                        work[at] = (float) re[l][k];
                        work[at + 1] = (float) im[l][k];
                    }
                }
                float[] result = stages(n, lines, axis, radices, work);
                for (int l = 0; l < lines; l++) {
                    assertLineIsItsDft(n, axis, lines, l, re[l], im[l], result, radices);
                }
            }
        }
    }

    // element k of line l in the workspace, in complex values: lines outer for rows, inner for columns
    private static int at(Axis axis, int lines, int n, int l, int k) {
        return axis == Axis.COLUMNS ? k * lines + l : l * n + k;
    }

    // runs the plan's stages on the device, ping-ponging as DeviceDct does, and returns the final workspace
    private float[] stages(int n, int lines, Axis axis, int[] radices, float[] work) {
        float[] roots = new float[2 * n];
        for (int t = 0; t < n; t++) {
            roots[2 * t] = (float) Math.cos(-2 * Math.PI * t / n);
            roots[2 * t + 1] = (float) Math.sin(-2 * Math.PI * t / n);
        }
        Matrix deviceRoots = cuda.fromHost(Matrix.wrap(roots, 1, 2 * n));
        Matrix[] buffers = {cuda.fromHost(Matrix.wrap(work, lines, 2 * n)), cuda.allocate(lines, 2 * n)};
        int span = 1;
        int from = 0;
        for (int p : radices) {
            cuda.context().kernels().fftStage(lines, n, p, span, axis, deviceRoots, buffers[from], buffers[1 - from]);
            from = 1 - from;
            span *= p;
        }
        float[] out = new float[2 * lines * n];
        System.arraycopy(cuda.toHost(buffers[from]).toArray(), 0, out, 0, out.length);
        return out;
    }

    /**
     * ‖ŷ − y‖₂ ≤ 4ε·(Σ radices + 1)·‖y‖₂: each direct radix-p stage adds a relative error of at most (p + 2)ε in
     * the 2-norm (p-term sums and one twiddle product per input, the stage being unitary up to √p), stage errors add.
     */
    private static void assertLineIsItsDft(int n, Axis axis, int lines, int l, double[] re, double[] im,
                                           float[] result, int[] radices) {
        double errorSquares = 0;
        double normSquares = 0;
        for (int k = 0; k < n; k++) {
            double sumRe = 0;
            double sumIm = 0;
            for (int j = 0; j < n; j++) {
                double angle = -2 * Math.PI * ((long) j * k % n) / n;
                sumRe += re[j] * Math.cos(angle) - im[j] * Math.sin(angle);
                sumIm += re[j] * Math.sin(angle) + im[j] * Math.cos(angle);
            }
            int at = 2 * at(axis, lines, n, l, k);
            errorSquares += sq(result[at] - sumRe) + sq(result[at + 1] - sumIm);
            normSquares += sq(sumRe) + sq(sumIm);
        }
        int radixSum = 0;
        for (int p : radices) {
            radixSum += p;
        }
        double bound = 4 * Math.ulp(1f) * (radixSum + 1) * Math.sqrt(normSquares);
        assertTrue(Math.sqrt(errorSquares) <= bound, "length " + n + " " + axis + " line " + l + ": error " + Math.sqrt(errorSquares) + " above bound "
                        + bound + " (stages " + Arrays.toString(radices) + ")");
    }

    private static double sq(double x) {
        return x * x;
    }
}
