package org.slimgrad.cpu;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reusable barrier for the parts of one {@link Workers#run}: they all run at once, each on its own thread, and meet
 * many times per call (twice per packed panel of a GEMM), so a waiting part spins, then yields, as Workers' own join
 * does, instead of parking, whose wake-up would cost tens of microseconds per meeting. A part that fails abandons the
 * barrier, and every part waiting at it, now or later, fails too instead of waiting for ever.
 */
final class SpinBarrier {

    private final int parties;
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int generation;
    private volatile Throwable abandonedFor;

    SpinBarrier(int parties) {
        this.parties = parties;
    }

    /** Returns once all parties have called this since the last time it returned. */
    void await() {
        failIfAbandoned();
        int current = generation;
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0);
            generation = current + 1; // publishes the reset, and everything the parties wrote before arriving
            return;
        }
        for (int spins = 0; generation == current; spins++) {
            failIfAbandoned();
            if (spins < 10_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void failIfAbandoned() {
        Throwable cause = abandonedFor;
        if (cause != null) {
            throw new IllegalStateException("cpu: another part of this parallel operation failed", cause);
        }
    }

    /** Makes every wait at this barrier fail, with {@code cause} (the part's failure) as the reason. */
    void abandon(Throwable cause) {
        abandonedFor = cause;
    }
}
