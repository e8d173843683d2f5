package org.slimgrad.nativelib.loader;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class NativeLibrariesTest {

    /** A library the linker cannot load is reported in the linker's own words, for each name tried. */
    @Test
    void aMissingLibraryIsReportedInTheLinkersWords() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NativeLibraries.load("cuBLAS", null,
                List.of("libslimgrad-absent.so.13", "libslimgrad-absent.so")));
        String message = e.getMessage();
        assertTrue(message.startsWith("cuBLAS could not be loaded; tried: system library libslimgrad-absent.so.13 ("),
                message);
        assertTrue(message.contains("libslimgrad-absent.so.13: cannot open shared object file"), message);
        assertTrue(message.contains("system library libslimgrad-absent.so ("), message);
    }

    /** A library that cannot load fails the same clear way on every use, not once and then with NoClassDefFoundError. */
    @Test
    void aLibraryLoadedOnceFailsTheSameWayEveryTime() {
        LibraryOnce library = new LibraryOnce("cuSOLVER", List.of("libslimgrad-absent.so.12"));
        String first = assertThrows(IllegalStateException.class, library::get).getMessage();
        String second = assertThrows(IllegalStateException.class, library::get).getMessage();
        assertTrue(first.startsWith("cuSOLVER could not be loaded") && first.equals(second), first + " / " + second);
    }
}
