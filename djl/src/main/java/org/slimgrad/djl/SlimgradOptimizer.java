package org.slimgrad.djl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.cuda.CudaBackend;
import org.slimgrad.train.DctProjector;
import org.slimgrad.train.FullAdam;
import org.slimgrad.train.GradientProjector;
import org.slimgrad.train.LowRankAdam;
import org.slimgrad.train.NonFinitePolicy;
import org.slimgrad.train.SvdProjector;

/**
 * slimgrad's optimizers behind DJL's {@link Optimizer}: the 2-D float32 weights that {@code lowRankWhen} selects
 * (by parameter name) train with {@link LowRankAdam} on a GaLore SVD or a DCT projector; every other parameter
 * with slimgrad's full-rank AdamW ({@link FullAdam}, the backend's {@code adam} kernel). The whole step is
 * slimgrad's: DJL only hands over the tensors.
 *
 * <pre>
 *   TrainingConfig config = new DefaultTrainingConfig(loss)
 *           .optOptimizer(SlimgradOptimizer.builder().method(Method.DCT).rank(64).forBlock(model.getBlock())
 *                   .optLearningRateTracker(Tracker.fixed(1e-3f)).build());
 * </pre>
 *
 * <p>Data path: the weight and its gradient are wrapped as {@link Matrix} views of the tensors' own memory (the data
 * pointer libtorch reports, {@link TorchTensor}) and updated in place, with no copy and no m×n temporary: CPU tensors
 * with a host backend (default), CUDA tensors with a {@code CudaBackend} on their device (optBackend). A tensor that is
 * not contiguous float32 where the backend computes is refused before anything is written. The weight's gradient is
 * zeroed after the update (the PyTorch engine accumulates gradients across steps). Learning-rate trackers,
 * {@code setRescaleGrad}, {@code optClipGrad} (host backends only) and {@code optWeightDecays} (decoupled, AdamW)
 * are honoured. Not thread-safe: DJL calls it from one thread.
 *
 * <p>{@link #save}/{@link #load} write and read every parameter's state keyed by parameter name (names come from
 * {@link Builder#forBlock}; without a block the ids DJL passes, which differ between processes, are the keys). The
 * format does not depend on the backend: a state saved from CUDA tensors loads on the CPU and back.
 */
public final class SlimgradOptimizer extends Optimizer {

    /** How the selected 2-D weights are trained. */
    public enum Method {
        /** Full-rank AdamW for every parameter (slimgrad's kernel; the low-rank methods' baseline). */
        FULL,
        /** GaLore: the top-r singular subspace by randomized SVD, refreshed every updateGap steps. */
        SVD,
        /** SVD-free: the r DCT frequencies with the largest L1 scores, refreshed every updateGap steps. */
        DCT
    }

    private static final byte[] MAGIC = {'S', 'G', 'D', 'J', 'L', 'O', 'P', 'T'};
    private static final int FORMAT_VERSION = 1;

    private final Backend backend;
    /** The backend when it is CUDA's: tensors are wrapped as its device matrices. */
    private final CudaBackend cuda;
    /** Whether the tensors are CUDA tensors (the emulated device's tests hand it host tensors). */
    private final boolean tensorsOnCuda;
    private final Method method;
    private final int rank;
    private final int updateGap;
    private final float scale;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final long seed;
    private final Predicate<String> lowRankWhen;
    private final ParameterTracker learningRate;
    private final Map<String, String> names;
    private final Block block;
    /** The projected-gradient workspace every LowRankAdam shares (they step one at a time); null until needed. */
    private Matrix workspace;
    private final Map<String, LowRankAdam> lowRank = new LinkedHashMap<>();
    private final Map<String, FullAdam> full = new LinkedHashMap<>();

    private SlimgradOptimizer(Builder builder) {
        super(builder);
        this.backend = builder.backend;
        this.cuda = backend instanceof CudaBackend device ? device : null;
        this.tensorsOnCuda = cuda != null && builder.tensorsOnCuda;
        if (cuda != null && clipGrad > 0) {
            throw new IllegalArgumentException("SlimgradOptimizer.builder: optClipGrad is done on the host; the CUDA"
                    + " backend " + cuda.deviceName() + " does not clip");
        }
        this.method = builder.method;
        this.rank = builder.rank;
        this.updateGap = builder.updateGap;
        this.scale = builder.scale;
        this.beta1 = builder.beta1;
        this.beta2 = builder.beta2;
        this.epsilon = builder.epsilon;
        this.seed = builder.seed;
        this.lowRankWhen = builder.lowRankWhen;
        this.learningRate = builder.learningRate;
        this.names = builder.names;
        this.block = builder.block;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One step of parameter {@code parameterId}: W (the weight tensor) is updated in place from G, which is rescaled
     * and clipped in place as DJL's optimizers do; then the weight's own gradient is zeroed.
     */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        if (weight.getShape().size() == 0) {
            return; // nothing to train, and libtorch may give no address for it
        }
        String name = names.getOrDefault(parameterId, parameterId);
        Matrix w = view(name, "weight", weight);
        Matrix g = view(name, "gradient", grad);
        if (w.rows() != g.rows() || w.cols() != g.cols()) {
            throw new IllegalArgumentException("SlimgradOptimizer.update(" + name + "): weight " + weight.getShape()
                    + " and gradient " + grad.getShape() + " differ");
        }
        int count = updateCount(parameterId);
        float lr = learningRate.getNewValue(parameterId, count);
        if (rescaleGrad != 1f) {
            backend.scale(rescaleGrad, g);
        }
        if (clipGrad > 0) {
            clip(g, clipGrad);
        }
        if (isLowRank(name, weight)) {
            lowRank.computeIfAbsent(name, key -> newLowRank(key, w.rows(), w.cols())).step(w, g, lr);
        } else {
            full.computeIfAbsent(name, key -> new FullAdam(backend, w.rows(), w.cols(), beta1, beta2, epsilon,
                    getWeightDecay())).step(w, g, lr);
        }
        // the PyTorch engine accumulates into the weight's own gradient, and the grad DJL hands over can be a copy
        // of it (its parameter server's), so zero the weight's: in place, like DJL's optimizers
        if (weight.hasGradient()) {
            backend.fill(view(name, "gradient", weight.getGradient()), 0f);
        }
    }

    /** Whether a parameter of that name and weight trains in a low-rank subspace. */
    private boolean isLowRank(String name, NDArray weight) {
        Shape shape = weight.getShape();
        return method != Method.FULL && shape.dimension() == 2 && weight.getDataType() == DataType.FLOAT32
                && Math.min(shape.get(0), shape.get(1)) > rank && lowRankWhen.test(name);
    }

    /** The rate in a LowRankAdam's settings: never used, since every step passes the tracker's rate. */
    private static final float NOMINAL_RATE = 1e-3f;

    private LowRankAdam newLowRank(String name, int rows, int cols) {
        long layerSeed = seed ^ name.hashCode();
        GradientProjector projector = method == Method.SVD
                ? new SvdProjector(backend, rows, cols, rank, updateGap, scale, SvdProjector.Refresh.randomized(10, 1),
                        NonFinitePolicy.THROW, layerSeed)
                : new DctProjector(backend, rows, cols, rank, updateGap, scale, ScoreNorm.L1, NonFinitePolicy.THROW);
        return new LowRankAdam(backend, projector, new LowRankAdam.Settings(NOMINAL_RATE, beta1, beta2, epsilon,
                getWeightDecay(), LowRankAdam.OnRefresh.ROTATE), sharedWorkspace(projector));
    }

    // one workspace as large as the largest projected gradient of the block's low-rank matrices; without a block
    // (shapes unknown in advance) each optimizer keeps its own
    private Matrix sharedWorkspace(GradientProjector projector) {
        if (block == null) {
            return null;
        }
        if (workspace == null) {
            long largest = 0;
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                NDArray array = parameter.getValue().getArray();
                if (isLowRank(parameter.getKey(), array)) {
                    Shape shape = array.getShape();
                    largest = Math.max(largest, rank * Math.max(shape.get(0), shape.get(1)));
                }
            }
            workspace = backend.allocate(1, Math.toIntExact(largest));
        }
        long needed = (long) projector.projectedRows() * projector.projectedCols();
        if (needed > workspace.size()) {
            throw new IllegalStateException("SlimgradOptimizer: a " + projector.rows() + "x" + projector.cols()
                    + " parameter outside the block given to forBlock; its projected gradient needs " + needed
                    + " floats, the workspace has " + workspace.size());
        }
        return workspace;
    }

    // the tensor's own memory as a matrix of matrixShape's shape: host memory for a host backend, device memory for
    // the CUDA backend; anything but a contiguous float32 tensor where the backend computes is refused (a copy would
    // take the update and drop it)
    private Matrix view(String name, String role, NDArray array) {
        TorchTensor tensor = TorchTensor.of(array);
        boolean placed = tensor.cuda() == tensorsOnCuda && (!tensor.cuda() || tensor.device() == cuda.ordinal());
        if (!tensor.float32() || !tensor.contiguous() || !placed) {
            throw new IllegalArgumentException("SlimgradOptimizer.update(" + name + "): the " + role + " "
                    + array.getShape() + " is " + array.getDataType()
                    + (tensor.contiguous() ? "" : " with strides " + Arrays.toString(tensor.strides()))
                    + " on " + (tensor.cuda() ? "cuda:" + tensor.device() : "the CPU") + "; this optimizer updates"
                    + " contiguous float32 tensors in place on " + (tensorsOnCuda ? "cuda:" + cuda.ordinal()
                    : "the CPU"));
        }
        int[] rowsCols = matrixShape(array.getShape());
        int rows = rowsCols[0];
        int cols = rowsCols[1];
        if (cuda != null) {
            return cuda.wrap(tensor.address(), rows, cols, Math.max(cols, 1));
        }
        MemorySegment memory = MemorySegment.ofAddress(tensor.address()).reinterpret(tensor.size() * Float.BYTES);
        return Matrix.wrap(memory, 0, rows, cols, Math.max(cols, 1));
    }

    // a tensor as a matrix: rows × (the product of the other dimensions), or 1 × size for scalars and vectors
    private static int[] matrixShape(Shape shape) {
        int rows = shape.dimension() < 2 ? 1 : Math.toIntExact(shape.get(0));
        return new int[]{rows, rows == 0 ? 0 : Math.toIntExact(shape.size() / rows)};
    }

    private static void clip(Matrix g, float bound) {
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < g.cols(); j++) {
                g.set(i, j, Math.max(-bound, Math.min(bound, g.get(i, j))));
            }
        }
    }

    /** Bytes of optimizer state held: every parameter's moments and projector state, and the workspace. */
    public long stateBytes() {
        return lowRankStateBytes() + full.values().stream().mapToLong(FullAdam::bytesHeld).sum();
    }

    /** Bytes held for the low-rank-trained matrices alone: their moments and projectors, and the shared workspace. */
    public long lowRankStateBytes() {
        long workspaceBytes = workspace == null ? 0 : workspace.size() * Float.BYTES;
        return workspaceBytes + lowRank.values().stream().mapToLong(LowRankAdam::bytesHeld).sum();
    }

    /** Bytes full-rank Adam would hold for the low-rank-trained matrices (two moments each). */
    public long lowRankMatricesFullAdamBytes() {
        return lowRank.values().stream().mapToLong(LowRankAdam::fullRankAdamBytes).sum();
    }

    /** Names of the parameters trained in a low-rank subspace so far. */
    public java.util.Set<String> lowRankParameters() {
        return java.util.Collections.unmodifiableSet(lowRank.keySet());
    }

    /**
     * Writes every parameter's state, keyed by name: "SGDJLOPT", version, the number of entries, then per entry (in
     * name order) its name, its kind (0 low-rank, 1 full) and the length-prefixed bytes of
     * {@link LowRankAdam#save} or {@link FullAdam#save}.
     */
    public void save(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.write(MAGIC);
        data.writeInt(FORMAT_VERSION);
        Map<String, Object> all = new TreeMap<>();
        all.putAll(lowRank);
        all.putAll(full);
        data.writeInt(all.size());
        for (Map.Entry<String, Object> entry : all.entrySet()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            boolean isLowRank = entry.getValue() instanceof LowRankAdam;
            if (isLowRank) {
                ((LowRankAdam) entry.getValue()).save(bytes);
            } else {
                ((FullAdam) entry.getValue()).save(bytes);
            }
            data.writeUTF(entry.getKey());
            data.writeInt(isLowRank ? 0 : 1);
            data.writeInt(bytes.size());
            bytes.writeTo(data);
        }
        data.flush();
    }

    /** The file beside a DJL model's parameter files ({@code Model.save(dir, name)}) that holds this state. */
    public static Path stateFile(Path modelDir, String modelName) {
        return modelDir.resolve(modelName + "-slimgrad-optimizer.bin");
    }

    /** {@link #save} into {@link #stateFile}, beside the model's own files. */
    public void save(Path modelDir, String modelName) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(stateFile(modelDir,
                modelName)))) {
            save(out);
        }
    }

    /** {@link #load(InputStream, Block)} from {@link #stateFile}, beside the model's own files. */
    public void load(Path modelDir, String modelName, Block block) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(stateFile(modelDir, modelName)))) {
            load(in, block);
        }
    }

    /**
     * Restores a state written by {@link #save} of an optimizer with the same settings, for the same model. The
     * parameter states are created from their shapes in the file and loaded one by one into fresh objects; they
     * replace this optimizer's only when every one has loaded (a refused file leaves it as it was).
     */
    public void load(InputStream in, Block block) throws IOException {
        try {
            readAll(new DataInputStream(in), block);
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            throw new IllegalArgumentException("SlimgradOptimizer.load: the state is truncated or corrupted (" + e
                    + "); nothing was loaded", e);
        }
    }

    private void readAll(DataInputStream data, Block block) throws IOException {
        byte[] magic = data.readNBytes(MAGIC.length);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("SlimgradOptimizer.load: the stream does not start with \"SGDJLOPT\"");
        }
        int version = data.readInt();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("SlimgradOptimizer.load: format version " + version + "; expected "
                    + FORMAT_VERSION);
        }
        Map<String, NDArray> weights = new HashMap<>();
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            weights.put(parameter.getKey(), parameter.getValue().getArray());
        }
        int entries = data.readInt();
        Map<String, LowRankAdam> loadedLowRank = new LinkedHashMap<>();
        Map<String, FullAdam> loadedFull = new LinkedHashMap<>();
        for (int e = 0; e < entries; e++) {
            String name = data.readUTF();
            int kind = data.readInt();
            int length = data.readInt();
            if (kind < 0 || kind > 1 || length < 0) {
                throw new IllegalArgumentException("SlimgradOptimizer.load: entry '" + name + "' has kind " + kind
                        + " and length " + length + "; expected kind 0 or 1 and a length >= 0");
            }
            byte[] bytes = data.readNBytes(length);
            NDArray weight = weights.get(name);
            if (weight == null) {
                throw new IllegalArgumentException("SlimgradOptimizer.load: the state names parameter '" + name
                        + "', which the block does not have");
            }
            int[] rowsCols = matrixShape(weight.getShape());
            int rows = rowsCols[0];
            int cols = rowsCols[1];
            if (kind == 0) {
                LowRankAdam state = newLowRank(name, rows, cols);
                state.load(new ByteArrayInputStream(bytes));
                loadedLowRank.put(name, state);
            } else {
                FullAdam state = new FullAdam(backend, rows, cols, beta1, beta2, epsilon, getWeightDecay());
                state.load(new ByteArrayInputStream(bytes));
                loadedFull.put(name, state);
            }
        }
        lowRank.clear();
        lowRank.putAll(loadedLowRank);
        full.clear();
        full.putAll(loadedFull);
    }

    /** The builder, in DJL's style; {@code build()} gives the optimizer. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private Backend backend;
        private Method method = Method.SVD;
        private int rank = 128;
        private int updateGap = 200;
        private float scale = 0.25f;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private long seed = 42;
        private Predicate<String> lowRankWhen = name -> true;
        private ParameterTracker learningRate = Tracker.fixed(1e-3f);
        private final Map<String, String> names = new HashMap<>();
        private Block block;
        private boolean tensorsOnCuda = true;

        Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** SVD (default), DCT, or FULL (full-rank AdamW for every parameter). */
        public Builder method(Method method) {
            this.method = method;
            return this;
        }

        /** Rank r of the projected subspace (default 128); matrices with min(m, n) ≤ r train full-rank. */
        public Builder rank(int rank) {
            this.rank = rank;
            return this;
        }

        /** Steps between subspace refreshes (default 200). */
        public Builder updateGap(int updateGap) {
            this.updateGap = updateGap;
            return this;
        }

        /** GaLore's scale α of the back-projected update (default 0.25). */
        public Builder scale(float scale) {
            this.scale = scale;
            return this;
        }

        /** Which parameters (by name, from {@link #forBlock}) train low-rank; default every eligible 2-D weight. */
        public Builder lowRankWhen(Predicate<String> lowRankWhen) {
            this.lowRankWhen = lowRankWhen;
            return this;
        }

        /** The model, whose parameter names key the selection and the saved state. */
        public Builder forBlock(Block block) {
            this.block = block;
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                names.put(parameter.getValue().getId(), parameter.getKey());
            }
            return this;
        }

        /** The learning rate per step, as DJL's optimizers take it (default fixed 1e-3). */
        public Builder optLearningRateTracker(ParameterTracker learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optBeta1(float beta1) {
            this.beta1 = beta1;
            return this;
        }

        public Builder optBeta2(float beta2) {
            this.beta2 = beta2;
            return this;
        }

        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /** Seed of the SVD projectors' sketches (default 42). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The slimgrad backend (default {@link Backends#cpu()}): a host backend for CPU tensors, or a
         * {@link CudaBackend} for CUDA tensors on its device (wrapped in place, in libtorch's primary context).
         */
        public Builder optBackend(Backend backend) {
            this.backend = backend;
            return this;
        }

        // the emulated CUDA device's memory is host memory: its tests train CPU tensors through the device path
        Builder tensorsOnCuda(boolean tensorsOnCuda) {
            this.tensorsOnCuda = tensorsOnCuda;
            return this;
        }

        public SlimgradOptimizer build() {
            if (backend == null) {
                backend = Backends.cpu();
            }
            if (method == null || rank < 1 || updateGap < 1 || !(scale > 0) || lowRankWhen == null
                    || learningRate == null || !(backend.domain().isHost() || backend instanceof CudaBackend)) {
                throw new IllegalArgumentException("SlimgradOptimizer.builder: method " + method + ", rank " + rank
                        + ", updateGap " + updateGap + ", scale " + scale + ", backend " + backend
                        + "; need a method, rank >= 1, updateGap >= 1, scale > 0, a selection, a learning rate and a"
                        + " host or CUDA backend");
            }
            return new SlimgradOptimizer(this);
        }
    }
}
