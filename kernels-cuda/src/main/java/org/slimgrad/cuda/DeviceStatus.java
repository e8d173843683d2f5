package org.slimgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import org.slimgrad.Matrix;

/**
 * An operation's checks, kept on the device so that the operation waits for the GPU once instead of after each
 * factorisation: cuSOLVER's info and slimgrad's check kernels record the first failure in a two-int status word,
 * which the operation reads back once at its end ({@link #read}). Owned by one {@link CudaContext}; used under its
 * lock.
 */
final class DeviceStatus {

    /** What a recorded failure was; its tag on the device is ordinal + 1 (0 means none). */
    enum Check {
        /** potrf's info, a non-positive Gram diagonal or a pivot below CholeskyQrPolicy's tolerance. */
        CHOLESKY_BREAKDOWN,
        /** the last Cholesky QR pass started farther from orthonormal than CholeskyQrPolicy allows. */
        LAST_PASS_DEVIATION,
        GESVD,
        SYEVD,
        GEQRF,
        ORGQR
    }

    /** A recorded failure: the check and its code (cuSOLVER's info, or 1 + the failing pivot's index). */
    record Failure(Check check, int code) {
    }

    private final String name;
    private final Device device;
    private final DeviceKernels kernels;
    /** [tag, code, cuSOLVER's info] as int32 in a 1×3 float matrix of the same bytes. */
    private final Matrix words;
    private boolean deferring;

    DeviceStatus(String name, Device device, DeviceKernels kernels, Matrix words) {
        this.name = name;
        this.device = device;
        this.kernels = kernels;
        this.words = words;
    }

    /**
     * Runs {@code work} with its checks recorded here and read once at the end: its result when every check passed,
     * empty when one failed (then whatever {@code work} wrote is not to be trusted, and the caller runs it again
     * with the checks made as they come, taking the fallbacks).
     */
    <T> Optional<T> deferred(Supplier<T> work) {
        reset();
        deferring = true;
        T result;
        try {
            result = work.get();
        } finally {
            deferring = false;
        }
        return read().isEmpty() ? Optional.of(result) : Optional.empty();
    }

    /** Whether the current operation's checks are deferred ({@link #deferred}) rather than read as they are made. */
    boolean deferring() {
        return deferring;
    }

    /**
     * Queues a cuSOLVER routine ({@code call} gets the address for its info) and records its info; unless the checks
     * are deferred, waits for it and throws {@link ArithmeticException} when it failed.
     */
    void solve(Check routine, LongConsumer call) {
        if (!deferring) {
            reset();
        }
        call.accept(info());
        recordInfo(routine);
        if (!deferring) {
            read().ifPresent(failure -> {
                throw new ArithmeticException(name + ": cuSOLVER " + routine.name().toLowerCase()
                        + " failed (info " + failure.code() + ")");
            });
        }
    }

    /** Clears the status word (queued) at the start of an operation. */
    void reset() {
        kernels.fill(words.view(0, 0, 1, 2), 0f); // +0.0f is int 0
    }

    /** The device int a cuSOLVER routine writes its info to, for {@link #recordInfo} to read. */
    long info() {
        return DeviceKernels.address(words) + 2L * Integer.BYTES;
    }

    /** Records {@link #info()} as a failure of {@code routine} when it is not 0 (queued). */
    void recordInfo(Check routine) {
        try (Arena arena = Arena.ofConfined()) {
            device.launch("sg_record_info", 1, 1, 32, 1,
                    new KernelArgs(arena).ptr(info()).i32(tag(routine)).ptr(status()));
        }
    }

    /** Records a failure when the double at {@code value} (on the device) is above {@code limit} or NaN (queued). */
    void recordAbove(long value, double limit, Check check) {
        try (Arena arena = Arena.ofConfined()) {
            device.launch("sg_record_above", 1, 1, 32, 1,
                    new KernelArgs(arena).ptr(value).f64(limit).i32(tag(check)).ptr(status()));
        }
    }

    /**
     * Records a Cholesky breakdown of the k×k Gram matrix g (row-major) whose potrf factor (column-major, info in
     * {@link #info()}) is at r: CholeskyQrPolicy's test, on the device (queued).
     */
    void recordCholesky(int k, Matrix g, long r, int ldr, double pivotTolerance) {
        try (Arena arena = Arena.ofConfined()) {
            device.launch("sg_record_cholesky", 1, 1, DeviceKernels.REDUCTION_THREADS, 1, new KernelArgs(arena).i32(k)
                    .ptr(DeviceKernels.address(g)).i32(g.ld()).ptr(r).i32(ldr).ptr(info()).f64(pivotTolerance)
                    .i32(tag(Check.CHOLESKY_BREAKDOWN)).ptr(status()));
        }
    }

    /** The first failure recorded since {@link #reset}: waits for the queued work (one copy to the host). */
    Optional<Failure> read() {
        int[] word = new int[2];
        device.download(status(), MemorySegment.ofArray(word), 2L * Integer.BYTES);
        return word[0] == 0 ? Optional.empty()
                : Optional.of(new Failure(Check.values()[word[0] - 1], word[1]));
    }

    private long status() {
        return DeviceKernels.address(words);
    }

    private static int tag(Check check) {
        return check.ordinal() + 1;
    }
}
