package org.slimgrad;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds backends. Each backend is created once per name and shared by every caller, for the life of the JVM (the cuda
 * one refuses close()); the thread-safety rule is {@link Backend}'s: host backends any threads, cuda one at a time.
 *
 * <p>{@link #best()} takes the system property {@value #BACKEND_PROPERTY} when set, else the available backend of
 * highest rank, and logs its choice once.
 */
public final class Backends {

    /** System property that overrides the choice of {@link #best()}, e.g. {@code -Dslimgrad.backend=reference}. */
    public static final String BACKEND_PROPERTY = "slimgrad.backend";

    private static final Map<String, Backend> CREATED = new ConcurrentHashMap<>();
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private Backends() {
    }

    /** The plain-Java oracle: obviously correct loops with float64 accumulation. */
    public static Backend reference() {
        return named("reference");
    }

    /** The Vector API backend, using every core for large problems. */
    public static Backend cpu() {
        return named("cpu");
    }

    /** The backend named by {@value #BACKEND_PROPERTY}, else the available backend of highest rank. */
    public static Backend best() {
        String forced = System.getProperty(BACKEND_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return named(forced.trim());
        }
        BackendProvider top = providers().stream()
                .filter(p -> p.unavailableReason().isEmpty())
                .max(Comparator.comparingInt(BackendProvider::rank))
                .orElseThrow(() -> new IllegalStateException("Backends.best: no backend is available"));
        return CREATED.computeIfAbsent(top.name(), name -> {
            LOG.log(System.Logger.Level.INFO, "slimgrad: using backend {0}", name);
            return top.create();
        });
    }

    /**
     * The backend of that name. Fails with {@link IllegalArgumentException} naming the known backends when the
     * name is unknown, and with {@link IllegalStateException} saying why when the backend cannot run here.
     */
    public static Backend named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Backends.named: the name is " + (name == null ? "null" : "blank")
                    + "; known: " + providers().stream().map(BackendProvider::name).toList());
        }
        Backend made = CREATED.get(name);
        if (made != null) {
            return made;
        }
        List<BackendProvider> all = providers();
        BackendProvider provider = all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Backends.named: no backend named '" + name
                        + "'; known: " + all.stream().map(BackendProvider::name).toList()
                        + (name.equals("cuda") ? " (the cuda backend comes with the kernels-cuda jar)" : "")));
        provider.unavailableReason().ifPresent(why -> {
            throw new IllegalStateException("Backends.named: backend '" + name + "' is unavailable: " + why);
        });
        return CREATED.computeIfAbsent(name, n -> provider.create());
    }

    /** Names of the backends that can run here, best first. */
    public static List<String> available() {
        return providers().stream()
                .filter(p -> p.unavailableReason().isEmpty())
                .sorted(Comparator.comparingInt(BackendProvider::rank).reversed())
                .map(BackendProvider::name)
                .toList();
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(found::add);
        return found;
    }
}
