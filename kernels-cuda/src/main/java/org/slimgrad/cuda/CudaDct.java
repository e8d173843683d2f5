package org.slimgrad.cuda;

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
            Matrix chosen = scratch.allocate(1, k);
            Matrix firstNaN = scratch.allocate(1, 1);
            context.kernels().topK(n, k, scores, chosen, firstNaN);
            int nanAt = context.ints(firstNaN, 1)[0];
            if (nanAt < n) {
                throw new IllegalArgumentException("topK: score " + nanAt + " of " + n + " is NaN");
            }
            return context.ints(chosen, k);
        }
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
