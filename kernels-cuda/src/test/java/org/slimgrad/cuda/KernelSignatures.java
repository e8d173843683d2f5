package org.slimgrad.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The parameter kinds of every {@code extern "C" __global__} kernel in src/main/cuda, read from the copies the build
 * puts beside the emulation library (so any module testing on the emulation finds them), in
 * {@link KernelArgs#kinds()}'s letters: a pointer of any type is p, {@code long long} (signed or not) l, {@code float}
 * f, {@code double} d, {@code int} or {@code unsigned} i.
 */
final class KernelSignatures {

    private static final Pattern KERNEL =
            Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)", Pattern.DOTALL);
    private static final Map<String, String> KINDS = read(EmulatedDevice.libraryPath().getParent());

    private KernelSignatures() {
    }

    /** The declared kinds of {@code kernel}, or null when no source declares it. */
    static String of(String kernel) {
        return KINDS.get(kernel);
    }

    static Map<String, String> all() {
        return KINDS;
    }

    static Map<String, String> read(Path folder) {
        Map<String, String> kinds = new HashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".cu")).sorted().toList()) {
                Matcher m = KERNEL.matcher(Files.readString(file));
                while (m.find()) {
                    kinds.put(m.group(1), kinds(m.group(2)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("KernelSignatures: cannot read the kernels in " + folder.toAbsolutePath(), e);
        }
        return kinds;
    }

    private static String kinds(String parameters) {
        StringBuilder kinds = new StringBuilder();
        for (String parameter : parameters.split(",")) {
            String declaration = parameter.strip().replaceAll("\\s+", " ");
            if (declaration.isEmpty()) {
                continue;
            }
            String type = declaration.substring(0, declaration.lastIndexOf(' ') + 1) + (declaration.contains("*")
                    ? "*" : "");
            kinds.append(type.contains("*") ? 'p' : type.contains("long long") ? 'l' : type.contains("float") ? 'f'
                    : type.contains("double") ? 'd'
                    : kindOfInteger(declaration, type));
        }
        return kinds.toString();
    }

    private static char kindOfInteger(String declaration, String type) {
        if (type.contains("int") || type.contains("unsigned")) {
            return 'i';
        }
        throw new IllegalArgumentException("KernelSignatures: no kind for the parameter '" + declaration + "'");
    }
}
