package org.slimgrad.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float vector species every CPU kernel uses, chosen once when the CPU backend is first used: the widest the
 * processor supports (AVX-512: 16 lanes; AVX2: 8), or the narrower width named by the system property
 * {@value #PROPERTY} (128, 256 or 512), which tests use to run the 256-bit path on an AVX-512 machine.
 *
 * <p>The species is a {@code static final} constant because the JIT only turns Vector API calls into SIMD
 * instructions when the species is a compile-time constant.
 */
public final class VectorWidth {

    /** System property forcing a narrower vector width in bits, e.g. {@code -Dslimgrad.cpu.vectorBits=256}. */
    public static final String PROPERTY = "slimgrad.cpu.vectorBits";

    static final VectorSpecies<Float> FLOATS = choose(System.getProperty(PROPERTY));

    private VectorWidth() {
    }

    /** Bits per vector the CPU kernels use in this JVM. */
    public static int bits() {
        return FLOATS.vectorBitSize();
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
