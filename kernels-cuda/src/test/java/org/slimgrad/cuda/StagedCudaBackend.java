package org.slimgrad.cuda;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.slimgrad.AbstractDctOps;
import org.slimgrad.AbstractDenseOps;
import org.slimgrad.AbstractFactorizations;
import org.slimgrad.AbstractOptimizerOps;
import org.slimgrad.AbstractSparseOps;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Capabilities;
import org.slimgrad.FixedSupport;
import org.slimgrad.HostBackend;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;
import org.slimgrad.ScoreNorm;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;

/**
 * The CUDA backend seen through host memory, so that kernels-java's backend contracts (KernelContract,
 * FactorizationContract: awkward shapes, padded views with NaN guards, aliasing, every transpose) run on it
 * unchanged: validation is the capability bases' on the host matrices, as for every host backend; each kernel is
 * one staged call that uploads its matrix operands as dense device copies (one per distinct view), runs the
 * CUDA operation and downloads every writable operand back into its host view.
 */
final class StagedCudaBackend extends HostBackend {

    StagedCudaBackend(CudaBackend cuda) {
        super(cuda.name() + "-staged", owner -> {
            Stager stager = new Stager(cuda);
            return new Capabilities(new Dense(owner, stager), new Staged(owner, stager), new Dct(owner, stager),
                    new Sparse(owner, stager), new Optimizer(owner, stager));
        });
    }

    /** Runs CUDA operations on device copies of host operands. */
    private static final class Stager {
        private final CudaBackend cuda;

        Stager(CudaBackend cuda) {
            this.cuda = cuda;
        }

        /**
         * Runs op on device copies of the host operands (the same view staged once, as AbstractDenseOps and its
         * siblings let an output be exactly an input view) and copies every writable operand back; returns op's
         * result.
         */
        <T> T staged(Function<Matrix[], T> op, Matrix... host) {
            Matrix[] device = new Matrix[host.length];
            for (int t = 0; t < host.length; t++) {
                for (int s = 0; s < t && device[t] == null; s++) {
                    if (sameView(host[s], host[t])) {
                        device[t] = device[s];
                    }
                }
                if (device[t] == null) {
                    device[t] = cuda.fromHost(host[t]);
                }
            }
            T result = op.apply(device);
            for (int t = 0; t < host.length; t++) {
                if (!host[t].segment().isReadOnly()) {
                    cuda.download(device[t], host[t]);
                }
            }
            return result;
        }

        void stage(Consumer<Matrix[]> op, Matrix... host) {
            staged(device -> {
                op.accept(device);
                return null;
            }, host);
        }

        private static boolean sameView(Matrix x, Matrix y) {
            return x.segment().equals(y.segment()) && x.offset() == y.offset() && x.ld() == y.ld();
        }

        Svd hostSvd(Svd svd) {
            return new Svd(cuda.toHost(svd.u()), svd.sigma(), cuda.toHost(svd.vt()));
        }
    }

    private static final class Dense extends AbstractDenseOps {
        private final Stager stager;

        Dense(Backend owner, Stager stager) {
            super(owner);
            this.stager = stager;
        }

        @Override
        protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                                  Matrix c) {
            stager.stage(d -> stager.cuda.gemm(transA, transB, alpha, d[0], d[1], beta, d[2]), a, b, c);
        }

        @Override
        protected void axpyKernel(float alpha, Matrix x, Matrix y) {
            stager.stage(d -> stager.cuda.axpy(alpha, d[0], d[1]), x, y);
        }

        @Override
        protected void copyKernel(Matrix x, Matrix y) {
            stager.stage(d -> stager.cuda.copy(d[0], d[1]), x, y);
        }

        @Override
        protected void scaleKernel(float alpha, Matrix x) {
            stager.stage(d -> stager.cuda.scale(alpha, d[0]), x);
        }

        @Override
        protected void transposeKernel(Matrix x, Matrix y) {
            stager.stage(d -> stager.cuda.transpose(d[0], d[1]), x, y);
        }

        @Override
        protected void fillKernel(Matrix x, float value) {
            stager.stage(d -> stager.cuda.fill(d[0], value), x);
        }

        @Override
        protected void hadamardKernel(Matrix x, Matrix y, Matrix out) {
            stager.stage(d -> stager.cuda.hadamard(d[0], d[1], d[2]), x, y, out);
        }

        @Override
        protected void fillUniformKernel(Matrix x, float bound, long seed) {
            stager.stage(d -> stager.cuda.fillUniform(d[0], bound, seed), x);
        }

        @Override
        protected double sumOfSquaresKernel(Matrix x) {
            return stager.staged(d -> stager.cuda.sumOfSquares(d[0]), x);
        }
    }

    private static final class Staged extends AbstractFactorizations {
        private final Stager stager;

        Staged(Backend owner, Stager stager) {
            super(owner);
            this.stager = stager;
        }

        @Override
        protected OrthoMethod orthonormalizeKernel(Matrix a) {
            return stager.staged(d -> stager.cuda.orthonormalize(d[0]), a);
        }

        @Override
        protected SymmetricEigen symmetricEigenKernel(Matrix s) {
            SymmetricEigen eigen = stager.staged(d -> stager.cuda.symmetricEigen(d[0]), s);
            return new SymmetricEigen(eigen.values(), stager.cuda.toHost(eigen.vectors()));
        }

        @Override
        protected Svd svdKernel(Matrix a) {
            return stager.hostSvd(stager.staged(d -> stager.cuda.svd(d[0]), a));
        }

        @Override
        protected float[] randomizedSvdKernel(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                              Svd warmStart, Matrix u, Matrix vt) {
            Svd warm = warmStart == null ? null
                    : new Svd(stager.cuda.allocate(0, warmStart.rank()), warmStart.sigma(), stager.cuda.fromHost(warmStart.vt()));
            Matrix[] operands = Stream.of(a, u, vt).filter(Objects::nonNull).toArray(Matrix[]::new);
            return stager.staged(d -> stager.cuda.randomizedSvd(d[0], rank, oversample, powerIterations, seed, warm,
                    u == null ? null : d[1], vt == null ? null : d[d.length - 1]), operands);
        }
    }

    private static final class Dct extends AbstractDctOps {
        private final Stager stager;

        Dct(Backend owner, Stager stager) {
            super(owner);
            this.stager = stager;
        }

        @Override
        protected void dctKernel(Matrix x, Matrix y, Axis axis, boolean inverse) {
            stager.stage(d -> {
                if (inverse) {
                    stager.cuda.idct(d[0], d[1], axis);
                } else {
                    stager.cuda.dct(d[0], d[1], axis);
                }
            }, x, y);
        }

        @Override
        protected void dctScoresKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
            stager.stage(d -> stager.cuda.dctScores(d[0], axis, norm, d[1]), g, scores);
        }

        @Override
        protected int[] topKKernel(Matrix scores, int k) {
            return stager.staged(d -> stager.cuda.topK(d[0], k), scores);
        }

        @Override
        protected void dctGatherKernel(Matrix g, Axis axis, int[] indices, Matrix r) {
            stager.stage(d -> stager.cuda.dctGather(d[0], axis, indices, d[1]), g, r);
        }

        @Override
        protected void idctScatterKernel(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
            stager.stage(d -> stager.cuda.idctScatter(d[0], axis, indices, alpha, beta, d[1]), r, out);
        }
    }

    private static final class Sparse extends AbstractSparseOps {
        private final Stager stager;

        Sparse(Backend owner, Stager stager) {
            super(owner);
            this.stager = stager;
        }

        @Override
        protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                                  float beta, Matrix y) {
            stager.stage(d -> stager.cuda.spmm(transposeS, alpha, d[0], support, d[1], beta, d[2]), x, values, y);
        }

        @Override
        protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta,
                                   Matrix values) {
            stager.stage(d -> stager.cuda.sddmm(alpha, d[0], d[1], support, beta, d[2]), a, b, values);
        }

        @Override
        protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
            stager.stage(d -> stager.cuda.sparseAddTo(support, d[0], alpha, d[1]), values, dense);
        }

        @Override
        protected void sparseGatherKernel(Matrix dense, FixedSupport support, Matrix values) {
            stager.stage(d -> stager.cuda.sparseGather(d[0], support, d[1]), dense, values);
        }

        @Override
        protected void sparseScatterKernel(FixedSupport support, Matrix values, Matrix dense) {
            stager.stage(d -> stager.cuda.sparseScatter(support, d[0], d[1]), values, dense);
        }
    }

    private static final class Optimizer extends AbstractOptimizerOps {
        private final Stager stager;

        Optimizer(Backend owner, Stager stager) {
            super(owner);
            this.stager = stager;
        }

        @Override
        protected void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                                  float alpha, float beta, Matrix out) {
            stager.stage(d -> stager.cuda.adam(d[0], d[1], d[2], beta1, beta2, epsilon, step, alpha, beta, d[3]), g, m, v, out);
        }

        @Override
        protected void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                      long step, float alpha, float beta, Matrix out) {
            stager.stage(d -> stager.cuda.adamBf16(d[0], d[1], d[2], beta1, beta2, epsilon, step, alpha, beta, d[3]), g, m16, v16,
                    out);
        }
    }
}
