package org.slimgrad;

/**
 * An operation being validated with its matrix arguments: its string form, which begins every message, names the
 * operation and the shape of each argument ({@code "gemm (A 3x4, B 4x5, C 3x5)"}). Built on every call; the text
 * only when a check fails.
 */
final class Call {
    private final String name;
    private final Object[] rolesAndMatrices;

    /** {@code rolesAndMatrices} alternates role names and the matrices (possibly null) they name. */
    Call(String name, Object... rolesAndMatrices) {
        this.name = name;
        this.rolesAndMatrices = rolesAndMatrices;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name).append(" (");
        for (int t = 0; t + 1 < rolesAndMatrices.length; t += 2) {
            Matrix m = (Matrix) rolesAndMatrices[t + 1];
            text.append(t == 0 ? "" : ", ").append(rolesAndMatrices[t]).append(' ')
                    .append(m == null ? "null" : m.shape());
        }
        return text.append(')').toString();
    }
}
