package org.slimgrad.bench;

/**
 * A GEMM problem (m×k)·(k×n), written "MxKxN" in benchmark parameters: "1024x2736x256" is (1024×2736)·(2736×256).
 */
public record GemmShape(int m, int k, int n) {

    public GemmShape {
        if (m < 1 || k < 1 || n < 1) {
            throw new IllegalArgumentException("GemmShape: dimensions must be positive, got " + m + "x" + k + "x" + n);
        }
    }

    public static GemmShape parse(String text) {
        String[] parts = text.trim().split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("GemmShape: '" + text + "' is not of the form MxKxN");
        }
        try {
            return new GemmShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GemmShape: '" + text + "' is not of the form MxKxN", e);
        }
    }

    /** Floating-point operations of one product: 2·m·n·k. */
    public double flops() {
        return 2.0 * m * n * k;
    }

    /** The parameter form, "MxKxN". */
    public String key() {
        return m + "x" + k + "x" + n;
    }

    /** How a person reads it: "(1024×2736)·(2736×256)". */
    public String label() {
        return m == k && k == n ? m + "³" : "(" + m + "×" + k + ")·(" + k + "×" + n + ")";
    }
}
