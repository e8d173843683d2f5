package org.slimgrad.nativelib.loader;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a vendor library: first inside a jar on the class path (extracted, with the libraries it needs beside it,
 * to a private temporary folder), then by the system's own search under each soname. Failure names every place
 * tried and why each failed.
 */
public final class NativeLibraries {

    private static final int RTLD_NOW = 2;
    private static final int RTLD_GLOBAL = 0x100;

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
                tried.add("system library " + soname + " (" + loaderMessage(soname) + ")");
            }
        }
        throw new IllegalStateException(what + " could not be loaded; tried: " + String.join("; ", tried));
    }

    /**
     * Loads {@code what} from the first of {@code sonames} the dynamic linker finds, with its symbols global
     * (RTLD_GLOBAL): for a library whose own plug-ins, which it loads itself, link against it (Open MPI's
     * components). Throws {@link IllegalStateException} with the linker's reason for each soname.
     */
    public static SymbolLookup loadGlobal(String what, List<String> sonames) {
        Linker linker = Linker.nativeLinker();
        MethodHandle dlopen = linker.downcallHandle(linker.defaultLookup().find("dlopen").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        List<String> tried = new ArrayList<>();
        for (String soname : sonames) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(soname),
                        RTLD_NOW | RTLD_GLOBAL);
                if (!handle.equals(MemorySegment.NULL)) {
                    return SymbolLookup.libraryLookup(soname, Arena.global()); // the same, already global, library
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(what + ": dlopen of " + soname + " failed", t);
            }
            tried.add("system library " + soname + " (" + loaderMessage(soname) + ")");
        }
        throw new IllegalStateException(what + " could not be loaded; tried: " + String.join("; ", tried));
    }

    /**
     * Why the dynamic linker refuses {@code soname}, in its own words (dlerror): the JDK's refusal names only the
     * library, so a missing dependency (libcublasLt beside libcublas) would pass for the library itself missing.
     */
    static String loaderMessage(String soname) {
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> open = linker.defaultLookup().find("dlopen");
        Optional<MemorySegment> error = linker.defaultLookup().find("dlerror");
        if (open.isEmpty() || error.isEmpty()) {
            return "not found by the dynamic linker";
        }
        MethodHandle dlopen = linker.downcallHandle(open.get(), FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        MethodHandle dlerror = linker.downcallHandle(error.get(), FunctionDescriptor.of(ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) dlopen.invokeExact(arena.allocateFrom(soname), RTLD_NOW);
            if (!handle.equals(MemorySegment.NULL)) {
                return "dlopen loads it now; the JDK's lookup did not";
            }
            MemorySegment message = (MemorySegment) dlerror.invokeExact();
            return message.equals(MemorySegment.NULL) ? "not found by the dynamic linker"
                    : message.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return "not found by the dynamic linker (" + t + " asking why)";
        }
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
