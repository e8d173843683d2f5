package org.slimgrad.cpu;

import org.slimgrad.Matrix;

/**
 * The threads a cpu-backend operation runs on: the backend's workers, or the caller's thread alone where an operand
 * lives in a confined arena (validation ensured it is the caller's, and no worker may touch it).
 */
final class CpuThreads {

    /** A thread never started: memory not accessible by it is confined to one thread. */
    private static final Thread ANY_OTHER_THREAD = new Thread(() -> { });

    private final Workers workers;
    private final Workers callerOnly = new Workers(1);

    CpuThreads(int threads) {
        this.workers = new Workers(threads);
    }

    int threads() {
        return workers.threads();
    }

    /** The backend's workers, whatever the operands. */
    Workers all() {
        return workers;
    }

    /** The caller's thread alone. */
    Workers callerOnly() {
        return callerOnly;
    }

    /** The workers every operand may be touched by. */
    Workers forOperands(Matrix... operands) {
        return shared(operands) ? workers : callerOnly;
    }

    /** Whether every operand is accessible from any thread. */
    static boolean shared(Matrix... operands) {
        for (Matrix m : operands) {
            if (!m.segment().isAccessibleBy(ANY_OTHER_THREAD)) {
                return false;
            }
        }
        return true;
    }
}
