package org.slimgrad.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.slimgrad.Matrix;

/** The optimizer of one parameter matrix, as {@link ShardedOptimizer} drives it ({@link LowRankAdam}, {@link FullAdam}). */
public interface ParameterOptimizer {

    /** One step of W with its gradient G at this learning rate. Modifies W and the optimizer's state. */
    void step(Matrix w, Matrix g, float learningRate);

    /** Bytes of state held between steps. */
    long bytesHeld();

    /** Writes the state, for {@link #load} into an optimizer built alike. */
    void save(OutputStream out) throws IOException;

    /**
     * Restores what {@link #save} wrote. A refusal is an {@link IllegalArgumentException} naming the part, and
     * leaves this optimizer unchanged.
     */
    void load(InputStream in) throws IOException;
}
