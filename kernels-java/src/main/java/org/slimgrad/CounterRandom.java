package org.slimgrad;

/**
 * Counter-based random numbers: value number {@code index} of stream {@code seed} is a pure function of the two,
 * so any backend (CPU threads in any order, GPU threads) draws bit-identical sketches and supports, and a sketch
 * can be regenerated from its seed instead of stored.
 *
 * <p>Value {@code index} of stream {@code seed} is SplitMix64's output number {@code index} for a generator whose
 * state starts at mix(seed): mix(mix(seed) + (index + 1)·γ), with γ the 64-bit golden ratio and mix SplitMix64's
 * finaliser. Only integer operations, so a CUDA kernel reproduces it exactly.
 */
public final class CounterRandom {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** 1/√(4·(2¹⁶)²/12): scales a sum of four 16-bit uniforms to unit variance. */
    private static final float SKETCH_SCALE = (float) (Math.sqrt(3.0) / 65536.0);
    private static final float SKETCH_CENTER = 4 * 65535 / 2f;

    private CounterRandom() {
    }

    /** 64 random bits, number {@code index} of stream {@code seed}. */
    public static long bits(long seed, long index) {
        return mix(mix(seed) + (index + 1) * GOLDEN);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BEB133111FL;
        return z ^ (z >>> 31);
    }

    /**
     * Sketch entry number {@code index} of stream {@code seed}: zero mean, unit variance, approximately Gaussian
     * (the Irwin–Hall sum of four 16-bit uniforms from one hash, bounded by ±2√3). Randomized range finders need
     * only an isotropic sub-Gaussian sketch; this one is exact in IEEE arithmetic (an integer sum, converted
     * exactly, then one rounded multiply), so every backend reproduces it bit for bit, which a Box–Muller draw
     * through log and cos would not.
     */
    public static float sketch(long seed, long index) {
        long h = bits(seed, index);
        int sum = (int) (h & 0xFFFF) + (int) ((h >>> 16) & 0xFFFF) + (int) ((h >>> 32) & 0xFFFF)
                + (int) (h >>> 48);
        return (sum - SKETCH_CENTER) * SKETCH_SCALE;
    }

    /**
     * Fills a host matrix uniformly in [−bound, bound): element (i, j) takes the top 24 bits u of
     * {@code bits(seed, i·cols + j)} as (2·u·2⁻²⁴ − 1)·bound, independent of the view's layout.
     */
    public static void fillUniform(Matrix m, float bound, long seed) {
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                float unit = (bits(seed, (long) i * m.cols() + j) >>> 40) * 0x1p-24f;
                m.set(i, j, (2 * unit - 1) * bound);
            }
        }
    }

    /** Fills a host matrix: element (i, j) = {@code sketch(seed, i·cols + j)}, independent of the view's layout. */
    public static void fillSketch(Matrix m, long seed) {
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                m.set(i, j, sketch(seed, (long) i * m.cols() + j));
            }
        }
    }
}
