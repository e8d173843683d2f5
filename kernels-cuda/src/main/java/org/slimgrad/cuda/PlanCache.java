package org.slimgrad.cuda;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The plans (device workspaces) of the last few shapes an operation ran at. A training loop repeats its shapes, so
 * reusing their plans keeps its steps off the device allocator; a plan pushed out returns its memory to the pool
 * when it is collected. Used under the context's lock.
 */
final class PlanCache<P> {

    private final Map<List<Integer>, P> plans;

    PlanCache(int capacity) {
        this.plans = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Integer>, P> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The plan for {@code shape}, made by {@code make} when there is none. */
    P get(List<Integer> shape, Supplier<P> make) {
        return plans.computeIfAbsent(shape, unused -> make.get());
    }
}
