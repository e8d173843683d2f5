package org.slimgrad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ludovic.netlib.blas.JavaBLAS;
import org.ejml.data.FMatrixRMaj;
import org.jtransforms.dct.FloatDCT_1D;
import org.slimgrad.nativelib.OpenBlas;
import org.slimgrad.simd.VectorWidth;

/** What a figure was measured on: processor, cores, JDK, vector width, and each peer's version and kernel. */
public record Machine(String cpu, int cores, String jdk, int vectorBits, String peers) {

    private static final Pattern JAR_VERSION = Pattern.compile("-(\\d[\\w.\\-]*)\\.jar$");

    public static Machine current() {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                Runtime.version().toString(), VectorWidth.bits(), describePeers());
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
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
        return cpu + ", " + cores + " cores, JDK " + jdk + ", " + vectorBits + "-bit vectors; peers: " + peers;
    }
}
