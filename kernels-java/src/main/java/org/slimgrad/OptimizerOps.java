package org.slimgrad;

/**
 * The optimizer steps: Adam on float32 or bfloat16 moments with a fused, scaled epilogue.
 *
 * <p>One capability of a {@link Backend}; its general contract (validation before any write, outputs, threads,
 * non-finite values) applies to every method here.
 */
public interface OptimizerOps {

    /**
     * One Adam step on its moments, with a scaled epilogue: {@code m = β₁·m + (1−β₁)·g}, {@code v = β₂·v + (1−β₂)·g²},
     * then {@code out = α·m̂/(√v̂ + ε) + β·out} with the bias corrections {@code m̂ = m/(1−β₁ᵗ)}, {@code v̂ = v/(1−β₂ᵗ)}
     * for step t ≥ 1. With {@code out = g} (the same view) the normalised update replaces the gradient; with
     * {@code out = W}, α = −lr and β = 1 − lr·λ it is AdamW's whole update in one pass. β = 0 means out is not
     * read. Modifies m, v and out.
     */
    void adam(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step, float alpha,
              float beta, Matrix out);

    /**
     * {@link #adam} with its moments kept in bfloat16, half the bytes: {@code m16} and {@code v16} are r × ⌈c/2⌉
     * matrices whose every 32-bit element holds two bf16 moments, element 2s in the low 16 bits and 2s+1 in the high
     * ones ({@link Bf16}), for an r×c gradient. The step reads them as fp32, computes exactly as {@link #adam}, and
     * stores the new moments rounded to the nearest bf16 (ties to even). An all-zero matrix is a zero state.
     * Modifies m16, v16 and out.
     */
    void adamBf16(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon, long step, float alpha,
                  float beta, Matrix out);
}
