package org.slimgrad.djl.pretrain;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * A small GPT-style decoder over bytes, built from DJL's own blocks: a byte embedding (one-hot times a bias-free
 * Linear) plus fixed sinusoidal positions, {@code layers} pre-norm blocks of causal multi-head self-attention and a
 * GELU MLP (4·d) with residual connections, a final LayerNorm and a Linear to 256 logits. Input: token ids
 * (batch × T); output: logits (batch × T × 256). The 2-D weights are the Linear layers' (out × in).
 */
public final class TinyGpt {

    /** Byte-level vocabulary. */
    public static final int VOCABULARY = 256;

    private TinyGpt() {
    }

    /** The model for width d (a multiple of heads), the given blocks and heads. */
    public static Block build(int d, int layers, int heads) {
        if (d % heads != 0) {
            throw new IllegalArgumentException("TinyGpt: width " + d + " is not a multiple of " + heads + " heads");
        }
        SequentialBlock model = new SequentialBlock();
        model.add(LambdaBlock.singleton(ids -> ids.oneHot(VOCABULARY, DataType.FLOAT32), "oneHot"));
        model.add(Linear.builder().setUnits(d).optBias(false).build());
        model.add(LambdaBlock.singleton(TinyGpt::addPositions, "positions"));
        for (int l = 0; l < layers; l++) {
            SequentialBlock attention = new SequentialBlock()
                    .add(LayerNorm.builder().axis(2).build())
                    .add(Linear.builder().setUnits(3L * d).build())
                    .add(LambdaBlock.singleton(qkv -> causalAttention(qkv, heads), "causalAttention"))
                    .add(Linear.builder().setUnits(d).build());
            SequentialBlock mlp = new SequentialBlock()
                    .add(LayerNorm.builder().axis(2).build())
                    .add(Linear.builder().setUnits(4L * d).build())
                    .add(Activation.geluBlock())
                    .add(Linear.builder().setUnits(d).build());
            model.add(residual(attention));
            model.add(residual(mlp));
        }
        model.add(LayerNorm.builder().axis(2).build());
        model.add(Linear.builder().setUnits(VOCABULARY).build());
        return model;
    }

    // x + branch(x)
    private static Block residual(Block branch) {
        return new ParallelBlock(outputs -> new NDList(outputs.get(0).singletonOrThrow()
                .add(outputs.get(1).singletonOrThrow())), List.of(LambdaBlock.singleton(x -> x, "identity"), branch));
    }

    // x (batch × T × d) plus the fixed sinusoidal encoding of each position
    private static NDArray addPositions(NDArray x) {
        Shape shape = x.getShape();
        int length = Math.toIntExact(shape.get(1));
        int d = Math.toIntExact(shape.get(2));
        float[] table = new float[length * d];
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < d; i += 2) {
                double angle = t / Math.pow(10000, (double) i / d);
                table[t * d + i] = (float) Math.sin(angle);
                if (i + 1 < d) {
                    table[t * d + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        NDManager manager = x.getManager();
        return x.add(manager.create(table, new Shape(1, length, d)));
    }

    // q, k, v from one (batch × T × 3d) projection; softmax(q·kᵀ/√dₕ + mask)·v per head, position t seeing ≤ t
    private static NDArray causalAttention(NDArray qkv, int heads) {
        Shape shape = qkv.getShape();
        long batch = shape.get(0);
        long length = shape.get(1);
        long d = shape.get(2) / 3;
        long dh = d / heads;
        NDList parts = qkv.split(3, 2);
        NDArray q = parts.get(0).reshape(batch, length, heads, dh).transpose(0, 2, 1, 3);
        NDArray k = parts.get(1).reshape(batch, length, heads, dh).transpose(0, 2, 3, 1);
        NDArray v = parts.get(2).reshape(batch, length, heads, dh).transpose(0, 2, 1, 3);
        NDManager manager = qkv.getManager();
        float[] future = new float[Math.toIntExact(length * length)];
        for (int t = 0; t < length; t++) {
            for (int u = t + 1; u < length; u++) {
                future[Math.toIntExact(t * length + u)] = -1e9f;
            }
        }
        NDArray mask = manager.create(future, new Shape(length, length));
        // 1/√dₕ as a tensor that libtorch owns. DJL's div(Number) wraps the number in a tensor over a direct buffer
        // and closes it at once, but autograd keeps that tensor for the backward pass (it divides the gradient by
        // it): once the collector frees the buffer, backward reads freed memory. Seen as training that diverged in
        // one run of four, and in every run under a System.gc() loop.
        NDArray scale = manager.full(new Shape(), (float) (1 / Math.sqrt(dh)));
        NDArray weights = q.matMul(k).mul(scale).add(mask).softmax(-1);
        return weights.matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, d);
    }
}
