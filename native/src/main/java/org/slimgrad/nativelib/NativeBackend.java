package org.slimgrad.nativelib;

import java.lang.foreign.MemorySegment;

import org.slimgrad.Axis;
import org.slimgrad.FixedSupport;
import org.slimgrad.HostBackend;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;
import org.slimgrad.ScoreNorm;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;
import org.slimgrad.cpu.CpuBackend;

/**
 * The {@code native} backend: OpenBLAS for GEMM and the vector kernels, LAPACK for orthonormalisation (sgeqrf +
 * sorgqr), the small SVD (sgesdd) and the eigendecomposition (ssyevd). Randomized SVD runs slimgrad's algorithm on
 * OpenBLAS's GEMM, so benchmarks can hold our kernels against the vendor's with the algorithm fixed. OpenBLAS and
 * LAPACK have no DCT, no fixed-support sparse kernels and no Adam step: those are the {@code cpu} backend's, on
 * one thread.
 *
 * <p>OpenBLAS's thread count is process-global; this backend sets it to {@link #threads()} before every call, so
 * two native backends with different counts must not run at the same time.
 */
public final class NativeBackend extends HostBackend {

    private final OpenBlas blas;
    private final int threads;
    private final CpuBackend delegate = CpuBackend.withThreads(1);

    private NativeBackend(int threads) {
        super("native");
        this.blas = OpenBlas.get();
        this.threads = threads;
    }

    /** A backend running OpenBLAS on {@code threads} threads. */
    public static NativeBackend withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("NativeBackend.withThreads: threads = " + threads + ", need >= 1");
        }
        return new NativeBackend(threads);
    }

    public int threads() {
        return threads;
    }

    /** OpenBLAS's kernel family for this processor. */
    public String coreName() {
        return blas.coreName();
    }

    @Override
    public String toString() {
        return "native(OpenBLAS " + blas.coreName() + ", " + threads + " threads)";
    }

    // C = α·op(A)·op(B) + β·C
    @Override
    protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c) {
        int k = transA ? a.rows() : a.cols();
        blas.setThreads(threads);
        blas.sgemm(transA, transB, c.rows(), c.cols(), k, alpha, start(a), a.ld(), start(b), b.ld(), beta, start(c),
                c.ld());
    }

    // Y = α·X + Y, row by row unless both are contiguous
    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        blas.setThreads(threads);
        if (x.isContiguous() && y.isContiguous()) {
            blas.saxpy(Math.toIntExact(y.size()), alpha, start(x), start(y));
            return;
        }
        for (int i = 0; i < y.rows(); i++) {
            blas.saxpy(y.cols(), alpha, row(x, i), row(y, i));
        }
    }

    // X = α·X; α = 0 is a fill, so NaN does not survive as it could through a multiplication
    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        blas.setThreads(threads);
        for (int i = 0; i < x.rows(); i++) {
            if (alpha == 0f) {
                row(x, i).fill((byte) 0);
            } else {
                blas.sscal(x.cols(), alpha, row(x, i));
            }
        }
    }

    @Override
    protected OrthoMethod orthonormalizeKernel(Matrix a) {
        float[] tau = new float[a.cols()];
        blas.sgeqrf(a.rows(), a.cols(), start(a), a.ld(), MemorySegment.ofArray(tau));
        blas.sorgqr(a.rows(), a.cols(), a.cols(), start(a), a.ld(), MemorySegment.ofArray(tau));
        return OrthoMethod.HOUSEHOLDER_QR;
    }

    @Override
    protected Svd svdKernel(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        int p = Math.min(m, n);
        Matrix work = allocate(m, n);
        copy(a, work);
        Matrix u = allocate(m, p);
        Matrix vt = allocate(p, n);
        float[] sigma = new float[p];
        if (p > 0) {
            blas.sgesdd(m, n, start(work), Math.max(n, 1), MemorySegment.ofArray(sigma), start(u), Math.max(p, 1),
                    start(vt), Math.max(n, 1));
        }
        return new Svd(u, sigma, vt);
    }

    @Override
    protected SymmetricEigen symmetricEigenKernel(Matrix s) {
        int n = s.rows();
        Matrix v = allocate(n, n); // the symmetric part (S + Sᵀ)/2, as every backend uses; ssyevd reads one triangle
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                v.set(i, j, 0.5f * s.get(i, j) + 0.5f * s.get(j, i));
            }
        }
        float[] ascending = new float[n];
        if (n > 0) {
            blas.ssyevd(n, start(v), n, MemorySegment.ofArray(ascending));
        }
        // LAPACK sorts ascending; the Backend contract is descending: reverse values and columns.
        float[] values = new float[n];
        Matrix vectors = allocate(n, n);
        for (int j = 0; j < n; j++) {
            values[j] = ascending[n - 1 - j];
            for (int i = 0; i < n; i++) {
                vectors.set(i, j, v.get(i, n - 1 - j));
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    private static MemorySegment start(Matrix m) {
        return m.segment().asSlice(m.offset() * Float.BYTES);
    }

    private static MemorySegment row(Matrix m, int i) {
        return m.segment().asSlice(m.index(i, 0) * Float.BYTES, (long) m.cols() * Float.BYTES);
    }

    @Override
    protected void dctKernel(Matrix x, Matrix y, Axis axis, boolean inverse) {
        if (inverse) {
            delegate.idct(x, y, axis);
        } else {
            delegate.dct(x, y, axis);
        }
    }

    @Override
    protected void dctScoresKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        delegate.dctScores(g, axis, norm, scores);
    }

    @Override
    protected int[] dctSelectKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores, int k, Matrix r) {
        return delegate.dctSelect(g, axis, norm, scores, k, r);
    }

    @Override
    protected void dctGatherKernel(Matrix g, Axis axis, int[] indices, Matrix r) {
        delegate.dctGather(g, axis, indices, r);
    }

    @Override
    protected void idctScatterKernel(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        delegate.idctScatter(r, axis, indices, alpha, beta, out);
    }

    @Override
    protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                              float beta, Matrix y) {
        delegate.spmm(transposeS, alpha, x, support, values, beta, y);
    }

    @Override
    protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        delegate.sddmm(alpha, a, b, support, beta, values);
    }

    @Override
    protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        delegate.sparseAddTo(support, values, alpha, dense);
    }

    @Override
    protected void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                              float alpha, float beta, Matrix out) {
        delegate.adam(g, m, v, beta1, beta2, epsilon, step, alpha, beta, out);
    }

    @Override
    protected void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                  long step, float alpha, float beta, Matrix out) {
        delegate.adamBf16(g, m16, v16, beta1, beta2, epsilon, step, alpha, beta, out);
    }
}
