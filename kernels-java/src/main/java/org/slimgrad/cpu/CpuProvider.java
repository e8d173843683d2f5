package org.slimgrad.cpu;

import java.util.Optional;

import org.slimgrad.Backend;
import org.slimgrad.BackendProvider;

/** Registers the Vector API backend, using every available processor. */
public final class CpuProvider implements BackendProvider {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int rank() {
        return 50;
    }

    @Override
    public Optional<String> unavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.of("the Vector API module is not loaded; start the JVM with "
                    + "--add-modules jdk.incubator.vector");
        }
        return Optional.empty();
    }

    @Override
    public Backend create() {
        return CpuBackend.withThreads(Runtime.getRuntime().availableProcessors());
    }
}
