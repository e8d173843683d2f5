package org.slimgrad.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every host kernel uses (the CPU backend's float kernels and the float64 loops of the small
 * factorisations), chosen once per JVM: the widest the processor supports (AVX-512: 16 float lanes; AVX2: 8), or the
 * narrower width named by the system property {@value #PROPERTY} (128, 256 or 512), which tests use to run the
 * 256-bit path on an AVX-512 machine. A package of its own so that the kernels of every package can share it.
 *
 * <p>The species is a {@code static final} constant because the JIT only turns Vector API calls into SIMD
 * instructions when the species is a compile-time constant.
 */
public final class VectorWidth {

    /** System property forcing a narrower vector width in bits, e.g. {@code -Dslimgrad.cpu.vectorBits=256}. */
    public static final String PROPERTY = "slimgrad.cpu.vectorBits";

    /** Why the requested width can't be used, or null; kept so that every use of the backend says it again. */
    private static final String INVALID = invalidReason(System.getProperty(PROPERTY));

    /** The species; the processor's widest when the request is invalid, which {@link #requireValid} then refuses. */
    public static final VectorSpecies<Float> FLOATS = INVALID == null ? choose(System.getProperty(PROPERTY))
            : FloatVector.SPECIES_PREFERRED;

    /** The float64 species of the same width. */
    public static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, FLOATS.vectorShape());

    private VectorWidth() {
    }

    /** Bits per vector the CPU kernels use in this JVM. */
    public static int bits() {
        return FLOATS.vectorBitSize();
    }

    /** Throws {@link IllegalArgumentException} each time while {@value #PROPERTY} names an unusable width. */
    public static void requireValid(String operation) {
        if (INVALID != null) {
            throw new IllegalArgumentException(operation + ": " + INVALID);
        }
    }

    private static String invalidReason(String requested) {
        try {
            choose(requested);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    static VectorSpecies<Float> choose(String requested) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (requested == null || requested.isBlank()) {
            return preferred;
        }
        int bits;
        try {
            bits = Integer.parseInt(requested.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + "=" + requested + " is not a number of bits (128, 256, 512)");
        }
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException(PROPERTY + "=" + requested + "; supported widths are 128, 256, 512");
        }
        if (bits > preferred.vectorBitSize()) {
            throw new IllegalArgumentException(PROPERTY + "=" + bits + " but this processor's widest float vector has "
                    + preferred.vectorBitSize() + " bits");
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }
}
