package org.slimgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import org.slimgrad.Matrix;

/**
 * An operation's checks, kept on the device so that the operation waits for the GPU once instead of after each
 * factorisation: cuSOLVER's info and slimgrad's check kernels record the first failure's code in a status word,
 * which the operation reads back once at its end ({@link #read}). Owned by one {@link CudaContext}; used under its
 * lock.
 */
final class DeviceStatus {

    private final String name;
    private final Device device;
    private final DeviceKernels kernels;
    /** [the first failure's code, cuSOLVER's info] as int32 in a 1×2 float matrix of the same bytes. */
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
     * Queues the cuSOLVER routine {@code routine} ({@code call} gets the address for its info) and records its info;
     * unless the checks are deferred, waits for it and throws {@link ArithmeticException} when it failed.
     */
    void solve(String routine, LongConsumer call) {
        if (!deferring) {
            reset();
        }
        call.accept(info());
        recordInfo();
        if (!deferring) {
            read().ifPresent(code -> {
                throw new ArithmeticException(name + ": cuSOLVER " + routine + " failed (info " + code + ")");
            });
        }
    }

    /** Clears the status word (queued) at the start of an operation. */
    void reset() {
        kernels.fill(words.view(0, 0, 1, 1), 0f); // +0.0f is int 0
    }

    /** The device int a cuSOLVER routine writes its info to, for {@link #recordInfo} to read. */
    long info() {
        return DeviceKernels.address(words) + Integer.BYTES;
    }

    /** Records {@link #info()} as a failure when it is not 0 (queued). */
    void recordInfo() {
        try (Arena arena = Arena.ofConfined()) {
            device.launch("sg_record_info", 1, 1, 32, 1, new KernelArgs(arena).ptr(info()).ptr(status()));
        }
    }

    /** Records a failure when the double at {@code value} (on the device) is above {@code limit} or NaN (queued). */
    void recordAbove(long value, double limit) {
        try (Arena arena = Arena.ofConfined()) {
            device.launch("sg_record_above", 1, 1, 32, 1, new KernelArgs(arena).ptr(value).f64(limit).ptr(status()));
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
                    .ptr(status()));
        }
    }

    /**
     * The code of the first failure recorded since {@link #reset} (cuSOLVER's info, or 1 + the failing pivot's index,
     * or 1): waits for the queued work (one copy to the host).
     */
    OptionalInt read() {
        int[] code = new int[1];
        device.download(status(), MemorySegment.ofArray(code), Integer.BYTES);
        return code[0] == 0 ? OptionalInt.empty() : OptionalInt.of(code[0]);
    }

    /** The device address of the status word, for a kernel that records a check of its own (sg_record). */
    long status() {
        return DeviceKernels.address(words);
    }
}
