package org.slimgrad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slimgrad.simd.VectorWidth;

/** What a figure was measured on: processor, cores, JDK, vector width. */
public record Machine(String cpu, int cores, String jdk, int vectorBits) {

    public static Machine current() {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                Runtime.version().toString(), VectorWidth.bits());
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

    @Override
    public String toString() {
        return cpu + ", " + cores + " cores, JDK " + jdk + ", " + vectorBits + "-bit vectors";
    }
}
