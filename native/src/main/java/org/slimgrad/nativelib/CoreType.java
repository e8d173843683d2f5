package org.slimgrad.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * OpenBLAS's kernel family for this processor, chosen from its instruction-set flags before OpenBLAS loads: its own
 * run-time detection has picked the AVX2 "Haswell" kernels on AVX-512 processors it does not know (seen on Zen 5, in
 * some processes and not others), so a peer would be measured below its best. The widest family the flags support
 * is set as {@code OPENBLAS_CORETYPE} in this process's environment (libc setenv), unless the user set it — or
 * the system property {@code slimgrad.openblas.coreType=widest} asks for the widest family even over the user's
 * setting: the benchmarks measure the peer at its best, and some machines' environments pin a narrower family.
 */
final class CoreType {

    private static final String VARIABLE = "OPENBLAS_CORETYPE";
    /** The system property that, set to {@code widest}, overrides the environment's OPENBLAS_CORETYPE. */
    static final String OVERRIDE = "slimgrad.openblas.coreType";

    private CoreType() {
    }

    /** The family for these /proc/cpuinfo flags, or null where OpenBLAS's own detection is as good. */
    static String forFlags(Set<String> flags) {
        boolean avx512 = flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"));
        if (avx512 && flags.contains("avx512_fp16")) {
            return "SapphireRapids";
        }
        if (avx512 && flags.contains("avx512_bf16")) {
            return "Cooperlake";
        }
        if (avx512) {
            return "SkylakeX";
        }
        return flags.contains("avx2") && flags.contains("fma") ? "Haswell" : null;
    }

    /**
     * Sets OPENBLAS_CORETYPE for this processor where the environment does not; returns what the environment holds
     * afterwards (null: OpenBLAS detects by itself) and whether slimgrad set it.
     */
    static String prepare() {
        String given = System.getenv(VARIABLE);
        boolean overrideGiven = "widest".equals(System.getProperty(OVERRIDE));
        String fromEnvironment = given == null ? null : given + " (from the environment)";
        if (given != null && !overrideGiven) {
            return fromEnvironment;
        }
        String chosen = forFlags(cpuFlags());
        if (chosen == null || chosen.equals(given)) {
            return fromEnvironment;
        }
        Linker linker = Linker.nativeLinker();
        MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            int status = (int) setenv.invokeExact(arena.allocateFrom(VARIABLE), arena.allocateFrom(chosen), 1);
            if (status != 0) {
                return fromEnvironment;
            }
            return chosen + " (set by slimgrad from the processor's flags"
                    + (given == null ? ")" : ", over the environment's " + given + ": " + OVERRIDE + "=widest)");
        } catch (Throwable t) {
            return fromEnvironment; // OpenBLAS then reads what it would have read without slimgrad
        }
    }

    private static Set<String> cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("flags"))
                    .findFirst().map(line -> new HashSet<>(Arrays.asList(line.substring(line.indexOf(':') + 1)
                            .trim().split("\\s+")))).orElse(new HashSet<>());
        } catch (IOException e) {
            return Set.of();
        }
    }
}
