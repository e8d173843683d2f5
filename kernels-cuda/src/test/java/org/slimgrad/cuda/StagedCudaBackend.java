package org.slimgrad.cuda;

import org.slimgrad.AbstractBackend;
import org.slimgrad.Axis;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;
import org.slimgrad.MemoryDomain;
import org.slimgrad.OrthoMethod;
import org.slimgrad.ScoreNorm;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;

/**
 * The CUDA backend seen through host memory, so that kernels-java's backend contracts (KernelContract,
 * FactorizationContract: awkward shapes, padded views with NaN guards, aliasing, every transpose) run on it
 * unchanged: validation is AbstractBackend's on the host matrices, as for every host backend; each kernel uploads
 * its operands as dense device copies, runs the CUDA op and downloads what it wrote back into the host views.
 */
final class StagedCudaBackend extends AbstractBackend {

    private final CudaBackend cuda;

    StagedCudaBackend(CudaBackend cuda) {
        super(cuda.name() + "-staged", MemoryDomain.HOST);
        this.cuda = cuda;
    }

    @Override
    protected Matrix toHostKernel(Matrix m) {
        return m;
    }

    @Override
    protected Matrix fromHostKernel(Matrix h) {
        return h;
    }

    @Override
    public Matrix allocate(int rows, int cols) {
        return Matrix.wrap(new float[rows * cols], rows, cols);
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c) {
        Matrix dc = beta == 0f ? cuda.allocate(c.rows(), c.cols()) : cuda.fromHost(c);
        cuda.gemm(transA, transB, alpha, cuda.fromHost(a), cuda.fromHost(b), beta, dc);
        cuda.download(dc, c);
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        Matrix dy = cuda.fromHost(y);
        cuda.axpy(alpha, sameView(x, y) ? dy : cuda.fromHost(x), dy);
        cuda.download(dy, y);
    }

    @Override
    protected void copyKernel(Matrix x, Matrix y) {
        Matrix dy = cuda.allocate(y.rows(), y.cols());
        cuda.copy(cuda.fromHost(x), dy);
        cuda.download(dy, y);
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        Matrix dx = cuda.fromHost(x);
        cuda.scale(alpha, dx);
        cuda.download(dx, x);
    }

    @Override
    protected void transposeKernel(Matrix x, Matrix y) {
        Matrix dy = cuda.allocate(y.rows(), y.cols());
        cuda.transpose(cuda.fromHost(x), dy);
        cuda.download(dy, y);
    }

    @Override
    protected void fillKernel(Matrix x, float value) {
        Matrix dx = cuda.allocate(x.rows(), x.cols());
        cuda.fill(dx, value);
        cuda.download(dx, x);
    }

    @Override
    protected void hadamardKernel(Matrix x, Matrix y, Matrix out) {
        Matrix dx = cuda.fromHost(x);
        boolean sameY = sameView(x, y);
        Matrix dy = sameY ? dx : cuda.fromHost(y);
        Matrix dout = cuda.allocate(out.rows(), out.cols());
        cuda.hadamard(dx, dy, dout);
        cuda.download(dout, out);
    }

    @Override
    protected void fillUniformKernel(Matrix x, float bound, long seed) {
        Matrix dx = cuda.allocate(x.rows(), x.cols());
        cuda.fillUniform(dx, bound, seed);
        cuda.download(dx, x);
    }

    @Override
    protected double sumOfSquaresKernel(Matrix x) {
        return cuda.sumOfSquares(cuda.fromHost(x));
    }

    @Override
    protected OrthoMethod orthonormalizeKernel(Matrix a) {
        Matrix da = cuda.fromHost(a);
        OrthoMethod method = cuda.orthonormalize(da);
        cuda.download(da, a);
        return method;
    }

    @Override
    protected SymmetricEigen symmetricEigenKernel(Matrix s) {
        SymmetricEigen eigen = cuda.symmetricEigen(cuda.fromHost(s));
        return new SymmetricEigen(eigen.values(), cuda.toHost(eigen.vectors()));
    }

    @Override
    protected Svd svdKernel(Matrix a) {
        return toHost(cuda.svd(cuda.fromHost(a)));
    }

    @Override
    protected Svd randomizedSvdKernel(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                      Svd warmStart) {
        Svd warm = warmStart == null ? null
                : new Svd(cuda.allocate(0, warmStart.rank()), warmStart.sigma(), cuda.fromHost(warmStart.vt()));
        return toHost(cuda.randomizedSvd(cuda.fromHost(a), rank, oversample, powerIterations, seed, warm));
    }

    private Svd toHost(Svd svd) {
        return new Svd(cuda.toHost(svd.u()), svd.sigma(), cuda.toHost(svd.vt()));
    }

    // ---------------------------------------------------------------- DCT and sparse

    @Override
    protected void dctKernel(Matrix x, Matrix y, Axis axis, boolean inverse) {
        Matrix dx = cuda.fromHost(x);
        Matrix dy = sameView(x, y) ? dx : cuda.allocate(y.rows(), y.cols());
        if (inverse) {
            cuda.idct(dx, dy, axis);
        } else {
            cuda.dct(dx, dy, axis);
        }
        cuda.download(dy, y);
    }

    @Override
    protected void dctScoresKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        Matrix ds = cuda.allocate(1, scores.cols());
        cuda.dctScores(cuda.fromHost(g), axis, norm, ds);
        cuda.download(ds, scores);
    }

    @Override
    protected int[] topKKernel(Matrix scores, int k) {
        return cuda.topK(cuda.fromHost(scores), k);
    }

    @Override
    protected void dctGatherKernel(Matrix g, Axis axis, int[] indices, Matrix r) {
        Matrix dr = cuda.allocate(r.rows(), r.cols());
        cuda.dctGather(cuda.fromHost(g), axis, indices, dr);
        cuda.download(dr, r);
    }

    @Override
    protected void idctScatterKernel(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        Matrix dout = beta == 0f ? cuda.allocate(out.rows(), out.cols()) : cuda.fromHost(out);
        cuda.idctScatter(cuda.fromHost(r), axis, indices, alpha, beta, dout);
        cuda.download(dout, out);
    }

    @Override
    protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                              float beta, Matrix y) {
        Matrix dy = beta == 0f ? cuda.allocate(y.rows(), y.cols()) : cuda.fromHost(y);
        cuda.spmm(transposeS, alpha, cuda.fromHost(x), support, cuda.fromHost(values), beta, dy);
        cuda.download(dy, y);
    }

    @Override
    protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        Matrix dv = beta == 0f ? cuda.allocate(1, values.cols()) : cuda.fromHost(values);
        cuda.sddmm(alpha, cuda.fromHost(a), cuda.fromHost(b), support, beta, dv);
        cuda.download(dv, values);
    }

    @Override
    protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        Matrix dd = cuda.fromHost(dense);
        cuda.sparseAddTo(support, cuda.fromHost(values), alpha, dd);
        cuda.download(dd, dense);
    }

    @Override
    protected void sparseGatherKernel(Matrix dense, FixedSupport support, Matrix values) {
        Matrix dv = cuda.allocate(1, values.cols());
        cuda.sparseGather(cuda.fromHost(dense), support, dv);
        cuda.download(dv, values);
    }

    @Override
    protected void sparseScatterKernel(FixedSupport support, Matrix values, Matrix dense) {
        Matrix dd = cuda.fromHost(dense);
        cuda.sparseScatter(support, cuda.fromHost(values), dd);
        cuda.download(dd, dense);
    }

    @Override
    protected void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                  long step, float alpha, float beta, Matrix out) {
        Matrix dm = cuda.fromHost(m16);
        Matrix dv = cuda.fromHost(v16);
        Matrix dout = cuda.fromHost(out);
        boolean inPlace = sameView(g, out);
        cuda.adamBf16(inPlace ? dout : cuda.fromHost(g), dm, dv, beta1, beta2, epsilon, step, alpha, beta, dout);
        cuda.download(dm, m16);
        cuda.download(dv, v16);
        cuda.download(dout, out);
    }

    @Override
    protected void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                              float alpha, float beta, Matrix out) {
        Matrix dm = cuda.fromHost(m);
        Matrix dv = cuda.fromHost(v);
        Matrix dout = cuda.fromHost(out);
        boolean inPlace = sameView(g, out);
        cuda.adam(inPlace ? dout : cuda.fromHost(g), dm, dv, beta1, beta2, epsilon, step, alpha, beta, dout);
        cuda.download(dm, m);
        cuda.download(dv, v);
        cuda.download(dout, out);
    }

    // the same elements (AbstractBackend lets an output be exactly an input view): stage them once, as one device copy
    private static boolean sameView(Matrix x, Matrix y) {
        return x.segment().equals(y.segment()) && x.offset() == y.offset() && x.ld() == y.ld();
    }
}
