package org.slimgrad.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a vendor library: first inside a jar on the class path (extracted, with the libraries it needs beside it,
 * to a private temporary folder), then by the system's own search under each soname. Failure names every place
 * tried and why each failed.
 */
public final class NativeLibraries {

    private NativeLibraries() {
    }

    /**
     * A library shipped as class path resources: {@code folder} holds {@code main} and the {@code companions} it
     * loads through its $ORIGIN run path.
     */
    public record Bundled(String folder, String main, List<String> companions) {
    }

    /**
     * Loads {@code what}: the bundled copy if its resources are on the class path, else the first of {@code sonames}
     * the dynamic linker finds. Throws {@link IllegalStateException} listing each attempt.
     */
    public static SymbolLookup load(String what, Bundled bundled, List<String> sonames) {
        List<String> tried = new ArrayList<>();
        if (bundled != null) {
            String resource = bundled.folder() + "/" + bundled.main();
            if (NativeLibraries.class.getClassLoader().getResource(resource) == null) {
                tried.add("class path resource " + resource + " (not on the class path)");
            } else {
                try {
                    return SymbolLookup.libraryLookup(extract(bundled), Arena.global());
                } catch (IOException | IllegalArgumentException e) {
                    tried.add("class path resource " + resource + " (" + e.getMessage() + ")");
                }
            }
        }
        for (String soname : sonames) {
            try {
                return SymbolLookup.libraryLookup(soname, Arena.global());
            } catch (IllegalArgumentException e) {
                tried.add("system library " + soname + " (not found by the dynamic linker)");
            }
        }
        throw new IllegalStateException(what + " could not be loaded; tried: " + String.join("; ", tried));
    }

    private static Path extract(Bundled bundled) throws IOException {
        Path dir = Files.createTempDirectory("slimgrad-native-");
        dir.toFile().deleteOnExit();
        List<String> files = new ArrayList<>(bundled.companions());
        files.add(bundled.main());
        for (String name : files) {
            String resource = bundled.folder() + "/" + name;
            try (InputStream in = NativeLibraries.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("missing companion " + resource);
                }
                Path target = dir.resolve(name);
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                target.toFile().deleteOnExit();
            }
        }
        return dir.resolve(bundled.main());
    }
}
