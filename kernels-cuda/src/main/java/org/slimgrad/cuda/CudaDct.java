package org.slimgrad.cuda;

import java.util.Arrays;

import org.slimgrad.AbstractDctOps;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;

/** The CUDA backend's DCT operations ({@link DeviceDct}) and the top-k selection of scores on the device. */
final class CudaDct extends AbstractDctOps {

    private final CudaContext context;
    private final DeviceDct dct;

    CudaDct(Backend owner, CudaContext context) {
        super(owner);
        this.context = context;
        this.dct = new DeviceDct(context);
    }

    @Override
    protected void dctKernel(Matrix x, Matrix y, Axis axis, boolean inverse) {
        dct.transform(x, y, axis, inverse);
    }

    @Override
    protected void dctScoresKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        dct.scores(g, axis, norm, scores);
    }

    @Override
    protected int[] topKKernel(Matrix scores, int k) {
        int n = scores.cols();
        try (DeviceArena scratch = context.arena()) {
            Matrix chosen = scratch.allocate(1, k + 2); // the indices, then the kernel's report
            long at = DeviceKernels.address(chosen);
            context.kernels().topK(n, k, scores, at, at + (long) k * Integer.BYTES);
            int[] read = context.ints(chosen, k + 1);
            if (read[k] < n) {
                throw new IllegalArgumentException("topK: score " + read[k] + " of " + n + " is NaN");
            }
            return Arrays.copyOf(read, k);
        }
    }

    @Override
    protected int[] dctSelectKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r) {
        return dct.select(g, axis, norm, scores, k, r);
    }

    @Override
    protected void dctGatherKernel(Matrix g, Axis axis, int[] indices, Matrix r) {
        dct.gather(g, axis, indices, r);
    }

    @Override
    protected void idctScatterKernel(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        dct.scatter(r, axis, indices, alpha, beta, out);
    }
}
