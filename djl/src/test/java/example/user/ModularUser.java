package example.user;

import java.lang.module.ModuleDescriptor;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.cuda.CudaBackend;
import org.slimgrad.djl.DjlSetup;
import org.slimgrad.djl.SlimgradOptimizer;
import org.slimgrad.nativelib.MpiCollective;

/**
 * An application on the class path that uses slimgrad's four modules from the module path (started by
 * ModulePathTest). Its package is its own: a class path class in one of slimgrad's packages would be hidden by the
 * module that owns the package.
 */
public final class ModularUser {

    /** One class of each library module. */
    public static final List<Class<?>> MODULE_ANCHORS = List.of(Backend.class, MpiCollective.class,
            CudaBackend.class, SlimgradOptimizer.class);

    private ModularUser() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        Module api = Backend.class.getModule();
        for (Class<?> anchor : MODULE_ANCHORS) {
            check(anchor.getModule().isNamed(), anchor.getName() + " is in the unnamed module: not on the"
                    + " module path");
        }
        checkExports(api, Set.of("org.slimgrad", "org.slimgrad.collective", "org.slimgrad.train"));
        checkExports(MpiCollective.class.getModule(), Set.of("org.slimgrad.nativelib"));
        checkExports(CudaBackend.class.getModule(), Set.of("org.slimgrad.cuda"));
        checkExports(SlimgradOptimizer.class.getModule(), Set.of("org.slimgrad.djl", "org.slimgrad.djl.pretrain"));

        // the backends of every module are found as services
        List<String> available = Backends.available();
        check(available.containsAll(List.of("cpu", "reference", "native")), "available backends " + available);

        // an internal class is there but cannot be used: its package is not exported to us
        Class<?> internal = Class.forName("org.slimgrad.cpu.CpuBackend");
        check(!api.isExported("org.slimgrad.cpu"), "org.slimgrad.cpu is exported");
        check(api.isExported("org.slimgrad.cpu", MpiCollective.class.getModule()), "org.slimgrad.cpu is not"
                + " exported to the native module, which extends its GEMM");
        try {
            internal.getDeclaredConstructors()[0].newInstance();
            throw new AssertionError("constructed " + internal.getName() + " from outside its module");
        } catch (IllegalAccessException expected) {
            // encapsulated
        }

        // the kernels run across the module boundaries: the native backend's OpenBLAS (a resource of a jar on
        // the class path, loaded from a named module) against the cpu backend
        float[] a = random(37 * 29, 1);
        float[] b = random(29 * 31, 2);
        float[] fromCpu = new float[37 * 31];
        float[] fromNative = new float[37 * 31];
        Backends.cpu().gemm(false, false, 1f, Matrix.wrap(a, 37, 29), Matrix.wrap(b, 29, 31), 0f,
                Matrix.wrap(fromCpu, 37, 31));
        Backends.named("native").gemm(false, false, 1f, Matrix.wrap(a, 37, 29), Matrix.wrap(b, 29, 31), 0f,
                Matrix.wrap(fromNative, 37, 31));
        for (int e = 0; e < fromCpu.length; e++) {
            // 29 products of magnitude ≤ 1: each sum within 29·2⁻²⁴·29 of the exact one, whatever its order
            check(Math.abs(fromCpu[e] - fromNative[e]) <= 2 * 29 * 29 * 0x1p-24f, "gemm element " + e + ": cpu "
                    + fromCpu[e] + ", native " + fromNative[e]);
        }

        // DJL's engine (class path) through the adapter (module path): one low-rank step moves the weight
        DjlSetup.offline();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(random(24 * 40, 3), new Shape(24, 40));
            float[] before = weight.toFloatArray();
            SlimgradOptimizer optimizer = SlimgradOptimizer.builder().method(SlimgradOptimizer.Method.DCT)
                    .rank(4).build();
            optimizer.update("w", weight, manager.create(random(24 * 40, 4), new Shape(24, 40)));
            check(optimizer.lowRankParameters().contains("w"), "w was not projected: "
                    + optimizer.lowRankParameters());
            check(!Arrays.equals(before, weight.toFloatArray()), "the step did not change the weight");
        }
        System.out.println("done");
    }

    private static void checkExports(Module module, Set<String> expected) {
        Set<String> exported = module.getDescriptor().exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        check(exported.equals(new TreeSet<>(expected)), module.getName() + " exports " + exported + " to all;"
                + " its API is " + new TreeSet<>(expected));
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return values;
    }

    private static void check(boolean holds, String what) {
        if (!holds) {
            throw new AssertionError(what);
        }
    }
}
