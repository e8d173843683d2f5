package org.slimgrad.train;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes an object that is not thread-safe fail fast instead of computing a silently wrong result when two threads
 * use it at once: {@link #enter} claims the object for the calling thread (re-entry by that thread is allowed) and
 * throws {@link IllegalStateException} naming both calls when another thread holds it. One compare-and-set per call.
 */
final class ExclusiveUse {

    private final String owner;
    private final AtomicReference<Thread> holder = new AtomicReference<>();
    private int depth;
    private volatile String heldBy;

    ExclusiveUse(String owner) {
        this.owner = owner;
    }

    /** Claims the object for the calling thread; pair with {@link #exit} in a finally block. */
    void enter(String operation) {
        Thread me = Thread.currentThread();
        if (holder.get() == me) {
            depth++;
            return;
        }
        if (!holder.compareAndSet(null, me)) {
            throw new IllegalStateException(owner + "." + operation + ": called from thread '" + me.getName()
                    + "' while " + heldBy + " runs on another thread; " + owner + " is not thread-safe: use one"
                    + " instance per thread or synchronise the calls");
        }
        depth = 1;
        heldBy = operation;
    }

    void exit() {
        if (--depth == 0) {
            holder.set(null);
        }
    }
}
