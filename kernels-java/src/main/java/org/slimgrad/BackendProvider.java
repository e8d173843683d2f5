package org.slimgrad;

import java.util.Optional;

/**
 * How a backend makes itself known to {@link Backends}: listed in
 * {@code META-INF/services/org.slimgrad.BackendProvider} of its jar and found through {@link java.util.ServiceLoader}.
 * Providers must be cheap to construct; all probing happens in {@link #unavailableReason()}.
 */
public interface BackendProvider {

    /** The backend's name, as accepted by {@link Backends#named(String)}. */
    String name();

    /** Preference among available backends for {@link Backends#best()}: higher wins. */
    int rank();

    /** Empty when the backend can run here; otherwise why not (no driver, no device, kernels not compiled, …). */
    Optional<String> unavailableReason();

    /** Creates the backend; only called when {@link #unavailableReason()} is empty. */
    Backend create();
}
