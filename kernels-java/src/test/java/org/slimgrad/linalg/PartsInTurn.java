package org.slimgrad.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntConsumer;

/**
 * Claims {@code threads} threads and runs the parts one after another on the caller's thread: the splits of the
 * parallel algorithms, checked without depending on how many cores the machine has.
 */
record PartsInTurn(int threads) implements Parallel {

    @Override
    public void run(int parts, IntConsumer part) {
        assertTrue(parts <= threads, parts + " parts for " + threads + " threads");
        for (int p = 0; p < parts; p++) {
            part.accept(p);
        }
    }
}
