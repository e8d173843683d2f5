package org.slimgrad.reference;

import java.util.Optional;

import org.slimgrad.Backend;
import org.slimgrad.BackendProvider;

/** Registers the reference backend; always available, lowest rank. */
public final class ReferenceProvider implements BackendProvider {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Backend create() {
        return new ReferenceBackend();
    }
}
