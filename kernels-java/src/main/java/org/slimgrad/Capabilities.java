package org.slimgrad;

/**
 * The five capability objects a backend is assembled from ({@link AbstractBackend}); a backend may hand over
 * another backend's object for a capability it lacks.
 */
public record Capabilities(DenseOps dense, Factorizations factorizations, DctOps dct, SparseOps sparse,
                           OptimizerOps optimizer) {

    public Capabilities {
        if (dense == null || factorizations == null || dct == null || sparse == null || optimizer == null) {
            throw new IllegalArgumentException("Capabilities: every capability is needed, got " + dense + ", "
                    + factorizations + ", " + dct + ", " + sparse + ", " + optimizer);
        }
    }
}
