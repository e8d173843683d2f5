package org.slimgrad.cuda;

import java.lang.foreign.MemorySegment;

import org.slimgrad.collective.Collective;

/**
 * What the CUDA backend needs from a GPU: memory, copies, kernel launches and the few vendor routines (cuBLAS,
 * cuSOLVER), on raw device addresses. {@link GpuDevice} is the real one; the tests' {@code EmulatedDevice} runs the same PTX
 * sources' kernels on the host (compiled by g++) and the vendor routines in Java, so that everything above this
 * interface (argument packing, launch shapes, layouts, the algorithms) is exercised without a GPU.
 *
 * <p>GEMM and the triangular solve take row-major operands, like slimgrad's matrices; the LAPACK-style routines are
 * column-major, exactly as cuSOLVER defines them, and callers translate layouts themselves.
 */
interface Device extends AutoCloseable {

    /** What this device is, for names and error messages, e.g. "cuda:0 NVIDIA H100 80GB HBM3". */
    String description();

    /** The CUDA device ordinal (0 for the emulation). */
    int ordinal();

    /** The largest grid dimension a launch uses; kernels stride over the grid, so any smaller grid is correct. */
    int maxGrid();

    long allocate(long bytes);

    void free(long address);

    /**
     * Queues a copy of host memory to the device after the queued work, without waiting for the GPU; the host memory
     * may change as soon as this returns.
     */
    void upload(MemorySegment host, long device, long bytes);

    /** Copies device memory to the host after the queued work; returns when done. */
    void download(long device, MemorySegment host, long bytes);

    /**
     * Copies {@code rows} rows of {@code width} bytes between packed native host memory and device memory whose rows
     * are {@code pitch} bytes apart, after the queued work: a strided view in one copy. To the device it is queued
     * as {@link #upload} is; to the host it returns when done.
     */
    void copy2D(boolean toDevice, MemorySegment host, long device, long pitch, long width, long rows);

    /** Queues {@code kernel} (a name from the PTX sources) on a grid of blocks, with cuLaunchKernel's parameters. */
    void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArgs params);

    /** Row-major {@code C = α·op(A)·op(B) + β·C}, op(A) m×k. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
              float beta, long c, int ldc);

    /** Row-major {@code A := A·R⁻¹}, A m×k, R k×k upper triangular (entries below the diagonal not read). */
    void solveUpperRight(int m, int k, long r, int ldr, long a, int lda);

    // The cuSOLVER routines queue like kernels and write their info (0, or the routine's failure code) to the device
    // int at `info`: the caller reads it back with its other results, one wait for all of them (DeviceStatus).

    /** cusolverDnSpotrf, upper: the column-major n×n A = UᵀU in place; info 0, or the failing minor. */
    void potrf(int n, long a, int lda, long info);

    /** cusolverDnSgeqrf: Householder QR of the column-major m×n A (m ≥ n), reflectors below R and in tau (n). */
    void geqrf(int m, int n, long a, int lda, long tau, long info);

    /** cusolverDnSorgqr: the explicit m×n Q of {@link #geqrf}'s reflectors in place of A. */
    void orgqr(int m, int n, long a, int lda, long tau, long info);

    /** cusolverDnSgesvd 'S','S': column-major m×n A (m ≥ n, destroyed) = U·diag(s)·Vᵀ. */
    void gesvd(int m, int n, long a, int lda, long s, long u, int ldu, long vt, int ldvt, long info);

    /** cusolverDnSsyevd, upper: column-major symmetric A's eigenvalues ascending in w, vectors in A's columns. */
    void syevd(int n, long a, int lda, long w, long info);

    /** cusolverDnDsyevd: {@link #syevd} in float64 (A and w hold doubles). */
    void dsyevd(int n, long a, int lda, long w, long info);

    /** Waits for the queued work. */
    void synchronize();

    /**
     * Milliseconds the device spent on the work {@code queue} queues, between two events on the stream (a GPU's
     * timer; the emulation, which runs everything as it is queued, measures wall time); waits for it to finish.
     */
    double elapsedMillis(Runnable queue);

    /** {free, total} bytes of device memory. */
    long[] memoryInfo();

    /**
     * This rank's communicator among one device per rank of {@code bootstrap}'s group (the same call on every rank),
     * which carries what the device library needs to connect the ranks (NCCL's unique id).
     */
    DeviceCommunicator communicator(Collective bootstrap);

    @Override
    void close();
}
