package org.slimgrad.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The threads one CPU-backend operation may use: the caller's and up to {@code threads − 1} of the backend's own
 * pool (daemon workers, started on first use, retired when idle).
 */
final class Workers {

    private final int threads;
    private final ForkJoinPool pool;

    Workers(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code part.accept(p)} for p in [0, parts), part 0 on the caller's thread and the others on the pool, and
     * returns when all have; a part's exception is rethrown. {@code parts} must not exceed {@link #threads()}.
     */
    void run(int parts, IntConsumer part) {
        List<Future<?>> running = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int index = p;
            running.add(pool.submit(() -> part.accept(index)));
        }
        part.accept(0);
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("cpu: interrupted while waiting for a worker thread", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("cpu: a worker thread failed", e.getCause());
            }
        }
    }
}
