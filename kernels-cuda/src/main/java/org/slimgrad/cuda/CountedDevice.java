package org.slimgrad.cuda;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLongArray;

import org.slimgrad.collective.Collective;

/** A {@link Device} that counts the calls made through it ({@link DriverCalls}) and forwards them unchanged. */
final class CountedDevice implements Device {

    private static final int ALLOCATIONS = 0;
    private static final int FREES = 1;
    private static final int SYNCS = 2;
    private static final int LAUNCHES = 3;
    private static final int LIBRARY_CALLS = 4;
    private static final int COPIES = 5;
    private static final int BYTES_COPIED = 6;

    private final Device device;
    // blocks are freed from the cleaner thread too
    private final AtomicLongArray counts = new AtomicLongArray(7);

    CountedDevice(Device device) {
        this.device = device;
    }

    /** The device under the counter, for the emulated device's tests. */
    Device counted() {
        return device;
    }

    DriverCalls calls() {
        return new DriverCalls(counts.get(ALLOCATIONS), counts.get(FREES), counts.get(SYNCS), counts.get(LAUNCHES),
                counts.get(LIBRARY_CALLS), counts.get(COPIES), counts.get(BYTES_COPIED));
    }

    @Override
    public String description() {
        return device.description();
    }

    @Override
    public int ordinal() {
        return device.ordinal();
    }

    @Override
    public int maxGrid() {
        return device.maxGrid();
    }

    @Override
    public long allocate(long bytes) {
        counts.incrementAndGet(ALLOCATIONS);
        return device.allocate(bytes);
    }

    @Override
    public void free(long address) {
        counts.incrementAndGet(FREES);
        device.free(address);
    }

    @Override
    public void upload(MemorySegment host, long address, long bytes) {
        copied(bytes);
        device.upload(host, address, bytes);
    }

    @Override
    public void download(long address, MemorySegment host, long bytes) {
        counts.incrementAndGet(SYNCS);
        copied(bytes);
        device.download(address, host, bytes);
    }

    @Override
    public void copy2D(boolean toDevice, MemorySegment host, long address, long pitch, long width, long rows) {
        if (!toDevice) {
            counts.incrementAndGet(SYNCS);
        }
        copied(width * rows);
        device.copy2D(toDevice, host, address, pitch, width, rows);
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArgs params) {
        counts.incrementAndGet(LAUNCHES);
        device.launch(kernel, gridX, gridY, blockX, blockY, params);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b,
                     int ldb, float beta, long c, int ldc) {
        counts.incrementAndGet(LIBRARY_CALLS);
        device.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    public void solveUpperRight(int m, int k, long r, int ldr, long a, int lda) {
        counts.incrementAndGet(LIBRARY_CALLS);
        device.solveUpperRight(m, k, r, ldr, a, lda);
    }

    @Override
    public void potrf(int n, long a, int lda, long info) {
        counts.incrementAndGet(LIBRARY_CALLS);
        device.potrf(n, a, lda, info);
    }

    @Override
    public void geqrf(int m, int n, long a, int lda, long tau, long info) {
        counts.incrementAndGet(LIBRARY_CALLS);
        device.geqrf(m, n, a, lda, tau, info);
    }

    @Override
    public void orgqr(int m, int n, long a, int lda, long tau, long info) {
        counts.incrementAndGet(LIBRARY_CALLS);
        device.orgqr(m, n, a, lda, tau, info);
    }

    @Override
    public void gesvd(int m, int n, long a, int lda, long s, long u, int ldu, long vt, int ldvt, long info) {
        counts.incrementAndGet(LIBRARY_CALLS);
        device.gesvd(m, n, a, lda, s, u, ldu, vt, ldvt, info);
    }

    @Override
    public void syevd(int n, long a, int lda, long w, long info) {
        counts.incrementAndGet(LIBRARY_CALLS);
        device.syevd(n, a, lda, w, info);
    }

    @Override
    public void dsyevd(int n, long a, int lda, long w, long info) {
        counts.incrementAndGet(LIBRARY_CALLS);
        device.dsyevd(n, a, lda, w, info);
    }

    @Override
    public void synchronize() {
        counts.incrementAndGet(SYNCS);
        device.synchronize();
    }

    @Override
    public double elapsedMillis(Runnable queue) {
        counts.incrementAndGet(SYNCS);
        return device.elapsedMillis(queue);
    }

    @Override
    public long[] memoryInfo() {
        return device.memoryInfo();
    }

    @Override
    public DeviceCommunicator communicator(Collective bootstrap) {
        return device.communicator(bootstrap);
    }

    @Override
    public void close() {
        device.close();
    }

    private void copied(long bytes) {
        counts.incrementAndGet(COPIES);
        counts.addAndGet(BYTES_COPIED, bytes);
    }
}
