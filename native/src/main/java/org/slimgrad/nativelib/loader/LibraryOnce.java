package org.slimgrad.nativelib.loader;

import java.lang.foreign.SymbolLookup;
import java.util.List;

/**
 * A vendor library loaded on first use and remembered, success or failure: {@link #get} returns the lookup, or
 * throws the same clear {@link IllegalStateException} every time. (A library loaded in a static initialiser fails
 * once with an ExceptionInInitializerError, which {@code catch (RuntimeException)} does not see, and then with a
 * NoClassDefFoundError that hides the reason.)
 */
public final class LibraryOnce {

    private final String what;
    private final List<String> sonames;
    private SymbolLookup lookup;
    private String failure;

    /** {@code what} names the library in messages; {@code sonames} are tried in order (see NativeLibraries). */
    public LibraryOnce(String what, List<String> sonames) {
        this.what = what;
        this.sonames = List.copyOf(sonames);
    }

    public synchronized SymbolLookup get() {
        if (lookup == null && failure == null) {
            try {
                lookup = NativeLibraries.load(what, null, sonames);
            } catch (IllegalStateException e) {
                failure = e.getMessage();
            }
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return lookup;
    }
}
