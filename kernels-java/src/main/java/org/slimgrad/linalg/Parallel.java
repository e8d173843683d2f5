package org.slimgrad.linalg;

import java.util.function.IntConsumer;

/**
 * Where the parts of one small factorisation run: the cpu backend's worker threads, or the caller's thread alone.
 * The algorithms here split their work so that every part computes the same operations on its own rows or columns
 * whatever the number of parts, so their results are bit-identical for any thread count.
 */
public interface Parallel {

    /** The caller's thread alone. */
    Parallel SEQUENTIAL = new Parallel() {
        @Override
        public int threads() {
            return 1;
        }

        @Override
        public void run(int parts, IntConsumer part) {
            for (int p = 0; p < parts; p++) {
                part.accept(p);
            }
        }
    };

    /** The most parts that run at once. */
    int threads();

    /**
     * The parts worth splitting {@code work} multiply-adds in {@code units} independent pieces into: one below
     * {@code minWork}, where handing parts to other threads costs more than it saves, else as many as there are
     * threads and units.
     */
    default int parts(int units, long work, long minWork) {
        return work < minWork ? 1 : Math.max(1, Math.min(threads(), units));
    }

    /**
     * Runs {@code part.accept(p)} for p in [0, parts) and returns when all have, rethrowing a part's exception;
     * {@code parts} is at most {@link #threads()}.
     */
    void run(int parts, IntConsumer part);
}
