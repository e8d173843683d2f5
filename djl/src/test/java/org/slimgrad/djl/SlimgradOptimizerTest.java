package org.slimgrad.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.ParameterTracker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.cuda.CudaBackend;
import org.slimgrad.cuda.EmulatedCuda;
import org.slimgrad.djl.SlimgradOptimizer.Method;
import org.slimgrad.train.DctProjector;
import org.slimgrad.train.FullAdam;
import org.slimgrad.train.GradientProjector;
import org.slimgrad.train.LowRankAdam;
import org.slimgrad.train.NonFinitePolicy;
import org.slimgrad.train.SvdProjector;

/** The DJL adapter against slimgrad driven by hand on the same gradients, on a real DJL Linear block's tensors. */
class SlimgradOptimizerTest {

    private static final int IN = 26;
    private static final int OUT = 20;
    private static final float DECAY = 0.05f;
    /** A schedule that changes every step, so that a tracker ignored would show. */
    private static final ParameterTracker SCHEDULE = (id, count) -> 2e-2f / count;

    private final Backend cpu = Backends.cpu();

    @BeforeAll
    static void offline() {
        DjlSetup.offline();
    }

    static Block linear(NDManager manager) {
        Block block = Linear.builder().setUnits(OUT).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, IN));
        return block;
    }

    private static Parameter parameter(Block block, String suffix) {
        return block.getParameters().stream().filter(p -> p.getKey().endsWith(suffix)).findFirst().orElseThrow()
                .getValue();
    }

    /** Makes {@code target} the weight's own gradient, through a backward pass of sum(W ∘ target). */
    private static NDArray backward(NDArray weight, NDArray target) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(weight.mul(target).sum());
        }
        return weight.getGradient();
    }

    private static NDArray gradient(NDManager manager, SplittableRandom rng, Shape shape) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int e = 0; e < values.length; e++) {
            values[e] = (float) rng.nextDouble(-1, 1);
        }
        return manager.create(values, shape);
    }

    private static Matrix matrixOf(NDArray array) {
        Shape shape = array.getShape();
        int rows = shape.dimension() < 2 ? 1 : Math.toIntExact(shape.get(0));
        return Matrix.wrap(array.toFloatArray(), rows, Math.toIntExact(shape.size() / rows));
    }

    /**
     * The 2-D weight steps exactly as LowRankAdam on its projector, the bias exactly as FullAdam, at the tracker's
     * rate per step and with decoupled weight decay; the gradients are zeroed after each update.
     */
    @Test
    void stepsEqualSlimgradsOptimizersDrivenByHand() {
        for (Method method : new Method[]{Method.SVD, Method.DCT}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Block block = linear(manager);
                Parameter weight = parameter(block, "weight");
                Parameter bias = parameter(block, "bias");
                SlimgradOptimizer optimizer = SlimgradOptimizer.builder().method(method).rank(4).updateGap(3)
                        .scale(0.5f).forBlock(block).optLearningRateTracker(SCHEDULE).optWeightDecays(DECAY).build();
                String weightName = block.getParameters().stream().filter(p -> p.getValue() == weight).findFirst()
                        .orElseThrow().getKey();
                GradientProjector projector = method == Method.SVD
                        ? new SvdProjector(cpu, OUT, IN, 4, 3, 0.5f, SvdProjector.Refresh.randomized(10, 1),
                                NonFinitePolicy.THROW, 42 ^ weightName.hashCode())
                        : new DctProjector(cpu, OUT, IN, 4, 3, 0.5f, ScoreNorm.L1, NonFinitePolicy.THROW);
                LowRankAdam byHand = new LowRankAdam(cpu, projector, new LowRankAdam.Settings(1e-3f, 0.9f, 0.999f,
                        1e-8f, DECAY, LowRankAdam.OnRefresh.ROTATE));
                FullAdam biasByHand = new FullAdam(cpu, 1, OUT, 0.9f, 0.999f, 1e-8f, DECAY);
                Matrix w = matrixOf(weight.getArray());
                Matrix b = matrixOf(bias.getArray());
                SplittableRandom rng = new SplittableRandom(7);
                for (int count = 1; count <= 7; count++) {
                    NDArray gw = gradient(manager, rng, weight.getArray().getShape());
                    NDArray gb = gradient(manager, rng, bias.getArray().getShape());
                    Matrix gwHand = matrixOf(gw);
                    Matrix gbHand = matrixOf(gb);
                    optimizer.update(weight.getId(), weight.getArray(), backward(weight.getArray(), gw));
                    optimizer.update(bias.getId(), bias.getArray(), backward(bias.getArray(), gb));
                    float lr = SCHEDULE.getNewValue("any", count);
                    byHand.step(w, gwHand, lr);
                    biasByHand.step(b, gbHand, lr);
                    String context = method + " step " + count;
                    assertArrayEquals(w.toArray(), weight.getArray().toFloatArray(), 0f, context + ": weight");
                    assertArrayEquals(b.toArray(), bias.getArray().toFloatArray(), 0f, context + ": bias");
                    assertEquals(0f, weight.getArray().getGradient().abs().max().getFloat(), context
                            + ": the weight's gradient is zeroed");
                    assertEquals(0f, bias.getArray().getGradient().abs().max().getFloat(), context
                            + ": the bias's gradient is zeroed");
                }
                assertEquals(java.util.Set.of(weightName), optimizer.lowRankParameters());
            }
        }
    }

    /** Parameters outside the selection follow AdamW's formula, checked in float64. */
    @Test
    void otherParametersFollowAdamWInFloat64() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = linear(manager);
            Parameter bias = parameter(block, "bias");
            SlimgradOptimizer optimizer = SlimgradOptimizer.builder().method(Method.DCT).rank(4).forBlock(block)
                    .lowRankWhen(name -> false).optLearningRateTracker(SCHEDULE).optWeightDecays(DECAY).build();
            double[] w = toDoubles(bias.getArray().toFloatArray());
            double[] m = new double[w.length];
            double[] v = new double[w.length];
            SplittableRandom rng = new SplittableRandom(3);
            for (int t = 1; t <= 6; t++) {
                NDArray g = gradient(manager, rng, bias.getArray().getShape());
                double[] gd = toDoubles(g.toFloatArray());
                optimizer.update(bias.getId(), bias.getArray(), g);
                double lr = SCHEDULE.getNewValue("any", t);
                float[] actual = bias.getArray().toFloatArray();
                for (int e = 0; e < w.length; e++) {
                    m[e] = 0.9 * m[e] + 0.1 * gd[e];
                    v[e] = 0.999 * v[e] + 0.001 * gd[e] * gd[e];
                    double update = (m[e] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[e] / (1 - Math.pow(0.999, t)))
                            + 1e-8);
                    w[e] = (1 - lr * DECAY) * w[e] - lr * update;
                    assertEquals(w[e], actual[e], 1e-5 * Math.max(1, Math.abs(w[e])), "step " + t + " element " + e);
                }
            }
            assertTrue(optimizer.lowRankParameters().isEmpty());
        }
    }

    /**
     * The update writes the tensor's own memory: the direct view taken before the update sees the new values, and a
     * step after warm-up allocates far less than one m×n matrix on the Java heap. Measured in a child JVM: in this
     * one, the other tests' calls leave the JIT's profiles mixed, and a kernel compiled against them may box its
     * vectors (seen: 567 KB a step after the emulated device's test, 1.6 KB alone), which is the JIT's, not ours.
     */
    @Test
    void updatesTheTensorInPlaceWithoutAnMxNTemporary() throws IOException, InterruptedException {
        java.nio.file.Path launcher = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java");
        // -Xbatch: each method waits for its compilation, so the kernels are compiled (not boxing their vectors)
        // by the time the steps are measured, however busy the machine (after DjlTrainingTest in the same Surefire
        // JVM, the child measured 124–567 KB a step without it: compilation starved, not the code)
        Process child = new ProcessBuilder(launcher.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xbatch", "-cp", System.getProperty("java.class.path"),
                InPlaceSteps.class.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertEquals(0, child.waitFor(), output);
        java.util.regex.Matcher found = java.util.regex.Pattern.compile("allocated (\\d+) of (\\d+)")
                .matcher(output);
        assertTrue(found.find(), output);
        long allocated = Long.parseLong(found.group(1));
        long matrixBytes = Long.parseLong(found.group(2));
        assertTrue(allocated < matrixBytes / 8, "a warm step (median) allocated " + allocated + " bytes; one m×n"
                + " matrix is " + matrixBytes + "\n" + output);
        assertTrue(output.contains("the view sees the update"), output);
    }

    /** The child JVM's main: steps on a 128×192 tensor until warm, then the median allocation of 21 more. */
    static final class InPlaceSteps {
        public static void main(String[] args) {
            int rows = 128;
            int cols = 192;
            DjlSetup.offline();
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray weight = gradient(manager, new SplittableRandom(1), new Shape(rows, cols));
                SlimgradOptimizer optimizer = SlimgradOptimizer.builder().method(Method.DCT).rank(16)
                        .updateGap(1000).build();
                MemorySegment view = MemorySegment.ofBuffer(weight.toByteBuffer(true));
                NDArray g = gradient(manager, new SplittableRandom(2), weight.getShape());
                // the refresh, the workspaces' first use, and the JIT's warm-up: until C2 has compiled the Vector
                // API kernels, vectors are boxed (measured 1 MB per step at 500 steps, 1.6 KB from 1500 on, but
                // later where the compiler threads share two cores with a busy parent JVM). So warm up until the
                // steps stop allocating an m×n's worth, in rounds of 500, for at most 40 rounds (20000 steps).
                com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                        .getThreadMXBean();
                long matrixBytes = (long) rows * cols * Float.BYTES;
                for (int round = 0, quiet = 0; round < 40 && quiet < 3; round++) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int t = 0; t < 500; t++) {
                        optimizer.update("w", weight, g);
                    }
                    quiet = (threads.getCurrentThreadAllocatedBytes() - before) / 500 < matrixBytes / 8 ? quiet + 1 : 0;
                }
                // the median of 21 steps: a recompilation while measuring boxes vectors for a step or two
                long[] allocations = new long[21];
                for (int t = 0; t < allocations.length; t++) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    optimizer.update("w", weight, g);
                    allocations[t] = threads.getCurrentThreadAllocatedBytes() - before;
                }
                java.util.Arrays.sort(allocations);
                System.out.println("allocated " + allocations[allocations.length / 2] + " of " + matrixBytes);
                float[] now = weight.toFloatArray();
                for (int e = 0; e < now.length; e += 997) {
                    if (now[e] != view.getAtIndex(ValueLayout.JAVA_FLOAT, e)) {
                        System.out.println("element " + e + " differs through the view");
                        return;
                    }
                }
                System.out.println("the view sees the update");
            }
        }
    }

    /** save → load into a fresh optimizer → continue gives the same weights, bit for bit. */
    @Test
    void savedStateResumesBitIdentically() throws IOException {
        for (Method method : new Method[]{Method.SVD, Method.DCT}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Block block = linear(manager);
                Parameter weight = parameter(block, "weight");
                Parameter bias = parameter(block, "bias");
                SlimgradOptimizer first = SlimgradOptimizer.builder().method(method).rank(4).updateGap(3)
                        .forBlock(block).optLearningRateTracker(SCHEDULE).build();
                SplittableRandom rng = new SplittableRandom(5);
                NDArray[][] grads = new NDArray[8][2];
                for (NDArray[] pair : grads) {
                    pair[0] = gradient(manager, rng, weight.getArray().getShape());
                    pair[1] = gradient(manager, rng, bias.getArray().getShape());
                }
                for (int t = 0; t < 4; t++) {
                    first.update(weight.getId(), weight.getArray(), grads[t][0].duplicate());
                    first.update(bias.getId(), bias.getArray(), grads[t][1].duplicate());
                }
                ByteArrayOutputStream saved = new ByteArrayOutputStream();
                first.save(saved);
                NDArray weightCopy = weight.getArray().duplicate();
                NDArray biasCopy = bias.getArray().duplicate();
                for (int t = 4; t < 8; t++) {
                    first.update(weight.getId(), weight.getArray(), grads[t][0].duplicate());
                    first.update(bias.getId(), bias.getArray(), grads[t][1].duplicate());
                }
                SlimgradOptimizer resumed = SlimgradOptimizer.builder().method(method).rank(4).updateGap(3)
                        .forBlock(block).optLearningRateTracker(SCHEDULE).optBeginNumUpdate(4).build();
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("slimgrad-djl");
                java.nio.file.Files.write(SlimgradOptimizer.stateFile(dir, "tiny"), saved.toByteArray());
                resumed.load(dir, "tiny", block); // the file beside the model's, as Model.save would place it
                for (int t = 4; t < 8; t++) {
                    resumed.update(weight.getId(), weightCopy, grads[t][0].duplicate());
                    resumed.update(bias.getId(), biasCopy, grads[t][1].duplicate());
                }
                assertArrayEquals(weight.getArray().toFloatArray(), weightCopy.toFloatArray(), 0f, method + " weight");
                assertArrayEquals(bias.getArray().toFloatArray(), biasCopy.toFloatArray(), 0f, method + " bias");

                byte[] corrupted = saved.toByteArray();
                corrupted[corrupted.length / 2] ^= 0x10;
                assertThrows(IllegalArgumentException.class,
                        () -> resumed.load(new ByteArrayInputStream(corrupted), block));
            }
        }
    }

    /**
     * A tensor whose memory is not one contiguous float32 block (a transposed view: DJL's toByteBuffer would hand a
     * copy) is refused before anything is written, and so is a float64 one.
     */
    @Test
    void refusesTensorsItCannotUpdateInPlace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SlimgradOptimizer optimizer = SlimgradOptimizer.builder().method(Method.FULL).build();
            NDArray base = gradient(manager, new SplittableRandom(4), new Shape(6, 9));
            NDArray transposed = base.transpose();
            float[] before = base.toFloatArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> optimizer.update("w", transposed, transposed.duplicate()));
            assertTrue(e.getMessage().contains("strides [1, 9]") && e.getMessage().contains("update(w)"),
                    e.getMessage());
            assertArrayEquals(before, base.toFloatArray(), 0f, "untouched");
            NDArray doubles = base.toType(DataType.FLOAT64, true);
            e = assertThrows(IllegalArgumentException.class, () -> optimizer.update("d", doubles, doubles));
            assertTrue(e.getMessage().contains("float64"), e.getMessage());
        }
    }

    /**
     * The CUDA path (tensor addresses wrapped as device matrices, every kernel on the device) on the emulated device,
     * whose memory is host memory: the same steps as on the CPU backend, within the two backends' rounding.
     */
    @Test
    void theCudaPathOnTheEmulatedDeviceStepsAsTheCpuPath() throws IOException {
        try (CudaBackend emulated = EmulatedCuda.create()) { // skips, saying why, without the emulation library
            assertDevicePathStepsAsTheCpuPath(emulated, ai.djl.Device.cpu(), false);
        }
    }

    /** Every method through {@code cuda} on tensors of {@code device} against the CPU path on CPU copies. */
    static void assertDevicePathStepsAsTheCpuPath(CudaBackend cuda, ai.djl.Device device, boolean tensorsOnCuda)
            throws IOException {
        DjlSetup.offline();
        try (NDManager onDeviceManager = NDManager.newBaseManager(device);
             NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (Method method : Method.values()) {
                Block onDevice = linear(onDeviceManager);
                Block onCpu = linear(manager);
                for (int p = 0; p < 2; p++) {
                    onDevice.getParameters().get(p).getValue().getArray()
                            .set(onCpu.getParameters().get(p).getValue().getArray().toFloatArray());
                }
                SlimgradOptimizer devicePath = SlimgradOptimizer.builder().method(method).rank(4).updateGap(3)
                        .forBlock(onDevice).optLearningRateTracker(SCHEDULE).optWeightDecays(DECAY)
                        .optBackend(cuda).tensorsOnCuda(tensorsOnCuda).build();
                SlimgradOptimizer cpuPath = SlimgradOptimizer.builder().method(method).rank(4).updateGap(3)
                        .forBlock(onCpu).optLearningRateTracker(SCHEDULE).optWeightDecays(DECAY).build();
                SplittableRandom rng = new SplittableRandom(8);
                for (int step = 1; step <= 5; step++) { // refreshes at steps 1 and 4
                    for (int p = 0; p < 2; p++) {
                        Parameter d = onDevice.getParameters().get(p).getValue();
                        Parameter c = onCpu.getParameters().get(p).getValue();
                        NDArray g = gradient(manager, rng, c.getArray().getShape());
                        devicePath.update(d.getId(), d.getArray(), g.toDevice(device, true));
                        cpuPath.update(c.getId(), c.getArray(), g);
                        float[] expected = c.getArray().toFloatArray();
                        float[] actual = d.getArray().toFloatArray();
                        for (int e = 0; e < expected.length; e++) {
                            assertEquals(expected[e], actual[e], 2e-5 * (1 + Math.abs(expected[e])),
                                    method + " " + d.getName() + " step " + step + " element " + e);
                        }
                    }
                }
                assertEquals(cpuPath.lowRankParameters(), devicePath.lowRankParameters(), method.toString());
                // the device's state, saved, loads into a CPU optimizer (toHost under the serialiser)
                ByteArrayOutputStream saved = new ByteArrayOutputStream();
                devicePath.save(saved);
                SlimgradOptimizer loaded = SlimgradOptimizer.builder().method(method).rank(4).updateGap(3)
                        .forBlock(onCpu).optLearningRateTracker(SCHEDULE).optWeightDecays(DECAY)
                        .optBeginNumUpdate(5).build();
                loaded.load(new ByteArrayInputStream(saved.toByteArray()), onCpu);
                ByteArrayOutputStream again = new ByteArrayOutputStream();
                loaded.save(again);
                assertArrayEquals(saved.toByteArray(), again.toByteArray(), method + ": the device's state, loaded"
                        + " on the CPU and saved again, is the same bytes");
            }
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int e = 0; e < values.length; e++) {
            out[e] = values[e];
        }
        return out;
    }
}
