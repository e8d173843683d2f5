package org.slimgrad.train;

import org.slimgrad.Matrix;

/** The optimizer of one parameter matrix, as {@link ShardedOptimizer} drives it ({@link LowRankAdam}, {@link FullAdam}). */
public interface ParameterOptimizer {

    /** One step of W with its gradient G at this learning rate. Modifies W and the optimizer's state. */
    void step(Matrix w, Matrix g, float learningRate);

    /** Bytes of state held between steps. */
    long bytesHeld();
}
