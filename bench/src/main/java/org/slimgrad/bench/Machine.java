package org.slimgrad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.ludovic.netlib.blas.JavaBLAS;
import org.ejml.data.FMatrixRMaj;
import org.jtransforms.dct.FloatDCT_1D;
import org.slimgrad.nativelib.OpenBlas;
import org.slimgrad.simd.VectorWidth;

/**
 * What a figure was measured on: processor (model, and the vector instruction sets it reports), cores, JDK, the
 * vector width slimgrad chose, and each peer's version and kernel.
 */
public record Machine(String cpu, String vectorFlags, int cores, String jdk, int vectorBits, String peers) {

    private static final Pattern JAR_VERSION = Pattern.compile("-(\\d[\\w.\\-]*)\\.jar$");
    /** The flags that decide which kernels run, ours and the peers': SSE to AVX-512, FMA, F16C, AMX. */
    private static final Pattern VECTOR_FLAG = Pattern.compile("sse.*|ssse3|avx.*|fma|f16c|amx.*");

    public static Machine current() {
        List<String> cpuinfo;
        try {
            cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            cpuinfo = List.of();
        }
        return new Machine(cpuModel(cpuinfo), vectorFlags(cpuinfo), Runtime.getRuntime().availableProcessors(),
                Runtime.version().toString(), VectorWidth.bits(), describePeers());
    }

    /**
     * The first processor's model name with its family and model numbers (a virtual machine may report only "AMD
     * EPYC"; family 25 is Zen 3 and 4, 26 Zen 5), or the architecture where /proc/cpuinfo says nothing.
     */
    static String cpuModel(List<String> cpuinfo) {
        Optional<String> name = field(cpuinfo, "model name");
        Optional<String> family = field(cpuinfo, "cpu family");
        Optional<String> model = field(cpuinfo, "model");
        String numbers = family.isPresent() && model.isPresent()
                ? " (family " + family.get() + ", model " + model.get() + ")" : "";
        return name.orElse(System.getProperty("os.arch")) + numbers;
    }

    /** The first processor's vector flags in the order /proc/cpuinfo lists them; "unknown" where it lists none. */
    static String vectorFlags(List<String> cpuinfo) {
        String flags = field(cpuinfo, "flags").orElse("");
        String vector = Arrays.stream(flags.split("\\s+")).filter(flag -> VECTOR_FLAG.matcher(flag).matches())
                .collect(Collectors.joining(" "));
        return vector.isEmpty() ? "unknown" : vector;
    }

    // the value of the first "key<tabs>: value" line whose key is exactly this one
    private static Optional<String> field(List<String> cpuinfo, String key) {
        return cpuinfo.stream()
                .filter(line -> line.indexOf(':') > 0 && line.substring(0, line.indexOf(':')).trim().equals(key))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst();
    }

    // the peers as this process loads them (every JMH fork loads OpenBLAS the same way: OpenBlas's CoreType)
    private static String describePeers() {
        String openBlas;
        try {
            OpenBlas blas = OpenBlas.get();
            String[] config = blas.config().split("\\s+");
            String setting = blas.coreTypeSetting();
            openBlas = (config.length > 1 ? config[0] + " " + config[1] : blas.config()) + " (" + blas.coreName()
                    + " kernels; OPENBLAS_CORETYPE " + (setting == null ? "unset, its own detection" : setting) + ")";
        } catch (IllegalStateException e) {
            openBlas = "OpenBLAS unavailable (" + e.getMessage() + ")";
        }
        return openBlas + ", netlib-java " + jarVersion(JavaBLAS.class) + " ("
                + JavaBLAS.getInstance().getClass().getSimpleName() + "), EJML " + jarVersion(FMatrixRMaj.class)
                + ", JTransforms " + jarVersion(FloatDCT_1D.class);
    }

    // the version in the name of the jar a class came from ("ejml-fdense-0.43.1.jar" → 0.43.1)
    private static String jarVersion(Class<?> type) {
        try {
            String file = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName()
                    .toString();
            Matcher version = JAR_VERSION.matcher(file);
            return version.find() ? version.group(1) : file;
        } catch (Exception e) {
            return "(version unknown: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return cpu + " [" + vectorFlags + "], " + cores + " cores, JDK " + jdk + ", " + vectorBits
                + "-bit vectors chosen; peers: " + peers;
    }
}
