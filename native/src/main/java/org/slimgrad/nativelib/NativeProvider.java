package org.slimgrad.nativelib;

import java.util.Optional;

import org.slimgrad.Backend;
import org.slimgrad.BackendProvider;

/**
 * Registers the OpenBLAS/LAPACK backend under the name "native". It ranks below "cpu": it is a peer for
 * comparison and covers only the dense capabilities, so {@link org.slimgrad.Backends#best()} does not pick it.
 */
public final class NativeProvider implements BackendProvider {

    /** For {@link java.util.ServiceLoader}; callers get the backend from {@link org.slimgrad.Backends}. */
    public NativeProvider() {
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public int rank() {
        return 10;
    }

    @Override
    public Optional<String> unavailableReason() {
        try {
            OpenBlas.get();
            return Optional.empty();
        } catch (IllegalStateException | ExceptionInInitializerError | NoClassDefFoundError e) {
            return Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    @Override
    public Backend create() {
        return NativeBackend.withThreads(Runtime.getRuntime().availableProcessors());
    }
}
