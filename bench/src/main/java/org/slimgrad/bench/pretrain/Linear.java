package org.slimgrad.bench.pretrain;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.IntFunction;

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
import org.slimgrad.train.ParameterOptimizer;
import org.slimgrad.train.ShardedOptimizer;
import org.slimgrad.train.SparsePlusLowRankLinear;
import org.slimgrad.train.SvdProjector;

/**
 * One trainable linear map y = x·Wᵀ (W out×in) in one of the four forms the pretraining runs compare: its
 * parameters, the gradients backward writes, and how to build each parameter's optimizer (the model steps them all
 * through one {@link ShardedOptimizer}). The training code stays thin: every product and every optimizer step is the
 * library's.
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

    /** Stores the parameters' gradients for dy and writes dx = dy·W. Modifies dx. */
    abstract void backward(Matrix x, Matrix dy, Matrix dx);

    /**
     * Appends this map's parameters (named after {@code name}) and, at the same positions, the gradients backward
     * writes for them.
     */
    abstract void addParameters(String name, List<ShardedOptimizer.Parameter> parameters, List<Matrix> gradients);

    /**
     * Adds the optimizer memory of this map to the report: {@code owned} gives the optimizer of the model's
     * parameter p where this rank holds it, else null; this map's parameters start at {@code first}.
     */
    abstract void addTo(MemoryReport report, String name, int first, IntFunction<ParameterOptimizer> owned);

    /** Writes the parameters' values. */
    abstract void save(DataOutputStream out) throws IOException;

    /** Reads what {@link #save} wrote. */
    abstract void load(DataInputStream in) throws IOException;

    /** A parameter trained with full-rank AdamW (β 0.9, 0.999, ε 1e-8): two moments of its size. */
    static ShardedOptimizer.Parameter fullAdam(String name, Backend backend, Matrix weight, float decay) {
        return new ShardedOptimizer.Parameter(name, weight, 2L * weight.rows() * weight.cols() * Float.BYTES,
                () -> new FullAdam(backend, weight.rows(), weight.cols(), 0.9f, 0.999f, 1e-8f, decay));
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
        private final Method method;
        private final Matrix w;
        private final Matrix grad;
        private final PretrainRun.Config config;
        private final long seed;

        Dense(Method method, Backend backend, int out, int in, PretrainRun.Config config, long seed) {
            this.backend = backend;
            this.method = method;
            this.config = config;
            this.seed = seed;
            this.w = backend.allocate(out, in);
            this.grad = backend.allocate(out, in);
            backend.fillUniform(w, (float) (1 / Math.sqrt(in)), seed);
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
        void addParameters(String name, List<ShardedOptimizer.Parameter> parameters, List<Matrix> gradients) {
            if (method == Method.FULL_ADAMW) {
                parameters.add(fullAdam(name, backend, w, config.decay()));
            } else {
                // the balance needs only an estimate: moments and basis of the projected r×n (or m×r) side
                long stateBytes = (long) Float.BYTES * config.rank() * (3L * Math.max(w.rows(), w.cols())
                        + Math.min(w.rows(), w.cols()));
                parameters.add(new ShardedOptimizer.Parameter(name, w, stateBytes, this::lowRankAdam));
            }
            gradients.add(grad);
        }

        private LowRankAdam lowRankAdam() {
            int out = w.rows();
            int in = w.cols();
            GradientProjector projector = method == Method.GALORE_SVD
                    ? new SvdProjector(backend, out, in, config.rank(), config.updateGap(), config.projectionScale(),
                            SvdProjector.Refresh.randomized(10, 2), NonFinitePolicy.THROW, seed + 1)
                    : new DctProjector(backend, out, in, config.rank(), config.updateGap(), config.projectionScale(),
                            ScoreNorm.L1, NonFinitePolicy.THROW);
            return new LowRankAdam(backend, projector, new LowRankAdam.Settings(config.lr(), 0.9f, 0.999f, 1e-8f,
                    config.decay(), LowRankAdam.OnRefresh.ROTATE));
        }

        @Override
        void addTo(MemoryReport report, String name, int first, IntFunction<ParameterOptimizer> owned) {
            ParameterOptimizer optimizer = owned.apply(first);
            if (optimizer instanceof LowRankAdam lowRank) {
                report.add(name, lowRank);
            } else if (optimizer != null) {
                report.add(name, optimizer.bytesHeld(), 0, optimizer.bytesHeld());
            }
        }

        @Override
        void save(DataOutputStream out) throws IOException {
            MatrixState.write(out, backend, w);
        }

        @Override
        void load(DataInputStream in) throws IOException {
            MatrixState.read(in, "pretrain", "W", backend, w);
        }
    }

    /** SLTrain's W = s·B·A + S (s = α/r from the config, δ = 0.03) with full-rank AdamW on B, A and S's values. */
    static final class SparseLowRank extends Linear {
        private final Backend backend;
        private final SparsePlusLowRankLinear layer;
        private final float decay;

        SparseLowRank(Backend backend, int out, int in, PretrainRun.Config config, long seed) {
            this.backend = backend;
            this.decay = config.decay();
            int rank = config.rank();
            this.layer = new SparsePlusLowRankLinear(backend, out, in, rank, config.sparseLowRankScale() * rank, 0.03,
                    seed);
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
        void addParameters(String name, List<ShardedOptimizer.Parameter> parameters, List<Matrix> gradients) {
            parameters.add(fullAdam(name + " B", backend, layer.b(), decay));
            parameters.add(fullAdam(name + " A", backend, layer.a(), decay));
            parameters.add(fullAdam(name + " S values", backend, layer.values(), decay));
            gradients.addAll(List.of(layer.gradB(), layer.gradA(), layer.gradValues()));
        }

        @Override
        void addTo(MemoryReport report, String name, int first, IntFunction<ParameterOptimizer> owned) {
            long optimizer = 0;
            for (int p = first; p < first + 3; p++) {
                optimizer += owned.apply(p) == null ? 0 : owned.apply(p).bytesHeld();
            }
            report.add(name, optimizer, 0, 2 * layer.denseWeightBytes());
        }

        @Override
        void save(DataOutputStream out) throws IOException {
            MatrixState.write(out, backend, layer.b());
            MatrixState.write(out, backend, layer.a());
            MatrixState.write(out, backend, layer.values());
        }

        @Override
        void load(DataInputStream in) throws IOException {
            MatrixState.read(in, "pretrain", "B", backend, layer.b());
            MatrixState.read(in, "pretrain", "A", backend, layer.a());
            MatrixState.read(in, "pretrain", "S values", backend, layer.values());
        }
    }
}
