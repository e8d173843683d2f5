package org.slimgrad.bench.pretrain;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.train.FullAdam;
import org.slimgrad.train.DctProjector;
import org.slimgrad.train.GradientProjector;
import org.slimgrad.train.LowRankAdam;
import org.slimgrad.train.MatrixState;
import org.slimgrad.train.MemoryReport;
import org.slimgrad.train.NonFinitePolicy;
import org.slimgrad.train.SparsePlusLowRankLinear;
import org.slimgrad.train.SvdProjector;

/**
 * One trainable linear map y = x·Wᵀ (W out×in) with its optimizer, in one of the four forms the pretraining runs
 * compare. The training code stays thin: every product and every optimizer step is the library's.
 */
abstract class Linear {

    /** How a linear map is parametrised and optimised. */
    enum Method {
        FULL_ADAMW("full-rank AdamW"),
        GALORE_SVD("SVD-projected low-rank Adam"),
        DCT("DCT-projected low-rank Adam"),
        SLTRAIN("sparse + low-rank layers (SLTrain)");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    /** y = x·Wᵀ. Modifies y. */
    abstract void forward(Matrix x, Matrix y);

    /** Stores the weight gradient for dy and writes dx = dy·W. Modifies dx. */
    abstract void backward(Matrix x, Matrix dy, Matrix dx);

    /** Applies the stored gradient. */
    abstract void step();

    abstract void addTo(MemoryReport report, String name);

    abstract void save(DataOutputStream out) throws IOException;

    abstract void load(DataInputStream in) throws IOException;

    /** Full-rank AdamW (β 0.9, 0.999, ε 1e-8) for one parameter matrix of the model. */
    static FullAdam fullAdam(Backend backend, Matrix parameter, float decay) {
        return new FullAdam(backend, parameter.rows(), parameter.cols(), 0.9f, 0.999f, 1e-8f, decay);
    }

    static Linear create(Method method, Backend backend, int out, int in, PretrainRun.Config config, long seed) {
        return switch (method) {
            case FULL_ADAMW, GALORE_SVD, DCT -> new Dense(method, backend, out, in, config, seed);
            case SLTRAIN -> new SparseLowRank(backend, out, in, config, seed);
        };
    }

    /** A dense W with full-rank AdamW or low-rank Adam on its m×n gradient. */
    static final class Dense extends Linear {
        private final Backend backend;
        private final Matrix w;
        private final Matrix grad;
        private final FullAdam full;
        private final LowRankAdam lowRank;
        private final float lr;
        private final float decay;

        Dense(Method method, Backend backend, int out, int in, PretrainRun.Config config, long seed) {
            this.backend = backend;
            this.lr = config.lr();
            this.decay = config.decay();
            int rank = config.rank();
            int updateGap = config.updateGap();
            float scale = config.projectionScale();
            this.w = backend.allocate(out, in);
            this.grad = backend.allocate(out, in);
            backend.fillUniform(w, (float) (1 / Math.sqrt(in)), seed);
            this.full = method == Method.FULL_ADAMW ? fullAdam(backend, w, decay) : null;
            GradientProjector projector = switch (method) {
                case GALORE_SVD -> new SvdProjector(backend, out, in, rank, updateGap, scale,
                        SvdProjector.Refresh.randomized(10, 2), NonFinitePolicy.THROW, seed + 1);
                case DCT -> new DctProjector(backend, out, in, rank, updateGap, scale, ScoreNorm.L1,
                        NonFinitePolicy.THROW);
                default -> null;
            };
            this.lowRank = projector == null ? null : new LowRankAdam(backend, projector,
                    new LowRankAdam.Settings(config.lr(), 0.9f, 0.999f, 1e-8f, decay, LowRankAdam.OnRefresh.ROTATE));
        }

        @Override
        void forward(Matrix x, Matrix y) {
            backend.gemm(false, true, 1f, x, w, 0f, y);
        }

        @Override
        void backward(Matrix x, Matrix dy, Matrix dx) {
            backend.gemm(true, false, 1f, dy, x, 0f, grad);
            backend.gemm(false, false, 1f, dy, w, 0f, dx);
        }

        @Override
        void step() {
            if (full != null) {
                full.step(w, grad, lr);
            } else {
                lowRank.step(w, grad);
            }
        }

        @Override
        void addTo(MemoryReport report, String name) {
            if (full != null) {
                report.add(name, full.bytesHeld(), 0, full.bytesHeld());
            } else {
                report.add(name, lowRank);
            }
        }

        @Override
        void save(DataOutputStream out) throws IOException {
            MatrixState.write(out, backend, w);
            if (full != null) {
                full.save(out);
            } else {
                lowRank.save(out);
            }
        }

        @Override
        void load(DataInputStream in) throws IOException {
            MatrixState.read(in, "pretrain", "W", backend, w);
            if (full != null) {
                full.load(in);
            } else {
                lowRank.load(in);
            }
        }
    }

    /** SLTrain's W = s·B·A + S (s = α/r from the config, δ = 0.03) with full-rank AdamW on B, A and S's values. */
    static final class SparseLowRank extends Linear {
        private final Backend backend;
        private final SparsePlusLowRankLinear layer;
        private final FullAdam b;
        private final FullAdam a;
        private final FullAdam values;
        private final float lr;
        private final float decay;

        SparseLowRank(Backend backend, int out, int in, PretrainRun.Config config, long seed) {
            this.backend = backend;
            this.lr = config.lr();
            this.decay = config.decay();
            int rank = config.rank();
            this.layer = new SparsePlusLowRankLinear(backend, out, in, rank, config.sparseLowRankScale() * rank, 0.03,
                    seed);
            this.b = fullAdam(backend, layer.b(), decay);
            this.a = fullAdam(backend, layer.a(), decay);
            this.values = fullAdam(backend, layer.values(), decay);
        }

        @Override
        void forward(Matrix x, Matrix y) {
            layer.forward(x, y);
        }

        @Override
        void backward(Matrix x, Matrix dy, Matrix dx) {
            layer.backward(x, dy, dx);
        }

        @Override
        void step() {
            b.step(layer.b(), layer.gradB(), lr);
            a.step(layer.a(), layer.gradA(), lr);
            values.step(layer.values(), layer.gradValues(), lr);
        }

        @Override
        void addTo(MemoryReport report, String name) {
            long optimizer = b.bytesHeld() + a.bytesHeld() + values.bytesHeld();
            report.add(name, optimizer, 0, 2 * layer.denseWeightBytes());
        }

        @Override
        void save(DataOutputStream out) throws IOException {
            MatrixState.write(out, backend, layer.b());
            MatrixState.write(out, backend, layer.a());
            MatrixState.write(out, backend, layer.values());
            b.save(out);
            a.save(out);
            values.save(out);
        }

        @Override
        void load(DataInputStream in) throws IOException {
            MatrixState.read(in, "pretrain", "B", backend, layer.b());
            MatrixState.read(in, "pretrain", "A", backend, layer.a());
            MatrixState.read(in, "pretrain", "S values", backend, layer.values());
            b.load(in);
            a.load(in);
            values.load(in);
        }
    }
}
