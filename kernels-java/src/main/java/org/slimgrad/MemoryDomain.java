package org.slimgrad;

/**
 * Where the memory behind a {@link Matrix} lives. A backend computes only on matrices of its own domain:
 * the host backends ({@code reference}, {@code cpu}) share {@link #HOST}; a device backend creates one domain
 * per device context, so a matrix on one GPU is never handed to a kernel of another.
 *
 * <p>Domains compare by identity.
 */
public final class MemoryDomain {

    /** Java-addressable memory: {@code float[]} arrays and host {@link java.lang.foreign.MemorySegment}s. */
    public static final MemoryDomain HOST = new MemoryDomain("host");

    private final String name;

    /** Creates a new domain, distinct from every other; {@code name} is what error messages show. */
    public MemoryDomain(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("MemoryDomain: name must be a non-blank string");
        }
        this.name = name;
    }

    /** Whether Java code may read and write this domain's memory directly. */
    public boolean isHost() {
        return this == HOST;
    }

    @Override
    public String toString() {
        return name;
    }
}
