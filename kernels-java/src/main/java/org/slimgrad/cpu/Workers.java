package org.slimgrad.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

import org.slimgrad.linalg.Parallel;

/**
 * The threads one CPU-backend operation may use: the caller's and {@code threads − 1} daemon workers of this
 * backend. A worker that has just finished a part spins for a while before it parks, as BLAS libraries' threads do:
 * a factorisation issues dozens of parallel products back to back, and waking a parked thread for each one costs
 * tens of microseconds on a quiet machine and far more on a busy, shared one, where the whole product waits for the
 * late worker. Workers start on first use.
 */
final class Workers implements Parallel {

    /**
     * How long a worker spins for the next part before parking: long enough to span the single-threaded float64 steps
     * between a factorisation's products (a Cholesky and a triangular inverse at k = 266 take ~0.7 ms), short enough
     * that an idle backend gives its core back within milliseconds. On this project's shared 2-vCPU host a 1024×2736
     * by 2736×266 product issued 10 ms after the previous one took 13.7 ms (p90 21 ms) with 0.2 ms of spinning and
     * 10.8 ms (p90 11.7 ms) with 20 ms.
     */
    private static final long SPIN_NANOS = 5_000_000;

    private final int threads;
    private final Worker[] workers;

    Workers(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
    }

    @Override
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code part.accept(p)} for p in [0, parts), part 0 on the caller's thread and the others on the workers, and
     * returns when all have; a part's exception is rethrown. {@code parts} must not exceed {@link #threads()}. One
     * call at a time per backend is the fast path; concurrent callers are serialised, so a part must not start another
     * parallel operation of the same backend (the kernels' parts never do).
     */
    @Override
    public synchronized void run(int parts, IntConsumer part) {
        AtomicInteger pending = new AtomicInteger(parts - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int p = 1; p < parts; p++) {
            int index = p;
            Runnable task = () -> {
                try {
                    part.accept(index);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    pending.decrementAndGet();
                }
            };
            if (!worker(p - 1).hand(task)) { // it retired just now: a fresh thread takes the part
                workers[p - 1] = new Worker("slimgrad-cpu-" + p);
                workers[p - 1].hand(task);
            }
        }
        try {
            part.accept(0);
        } finally {
            for (int spins = 0; pending.get() > 0; spins++) {
                if (spins < 10_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // a late worker may need this core
                }
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("cpu: a worker thread failed", t);
        }
    }

    // the i-th worker, started again if it retired while idle
    private Worker worker(int i) {
        if (workers[i] == null || workers[i].retired()) {
            workers[i] = new Worker("slimgrad-cpu-" + (i + 1));
        }
        return workers[i];
    }

    /**
     * One daemon thread taking one task at a time from a single slot; after {@link #IDLE_NANOS} without work it
     * retires (the slot then holds {@link #RETIRED}, and the next call starts a fresh thread), so backends that are
     * no longer used do not keep threads.
     */
    private static final class Worker implements Runnable {
        private static final Runnable RETIRED = () -> { };
        private static final long IDLE_NANOS = 10_000_000_000L;

        private final AtomicReference<Runnable> slot = new AtomicReference<>();
        private final Thread thread;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        boolean retired() {
            return slot.get() == RETIRED;
        }

        // The caller hands a task only after the previous one has finished, so the slot is empty unless the thread
        // has retired: then this returns false and the task is not taken.
        boolean hand(Runnable work) {
            if (!slot.compareAndSet(null, work)) {
                return false;
            }
            LockSupport.unpark(thread);
            return true;
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Runnable work = slot.get();
                if (work == null) {
                    long now = System.nanoTime();
                    if (now - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else if (now - idleSince < IDLE_NANOS) {
                        LockSupport.parkNanos(this, IDLE_NANOS);
                    } else if (slot.compareAndSet(null, RETIRED)) {
                        return;
                    }
                    continue;
                }
                slot.set(null); // taken; the next task comes only after this one has finished
                work.run();
                idleSince = System.nanoTime();
            }
        }
    }
}
