package org.slimgrad.cuda;

import org.slimgrad.AbstractBackend;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;

/**
 * The CUDA backend: slimgrad's {@link org.slimgrad.Backend} on one NVIDIA GPU. Matrices live in device memory (its
 * own memory domain); hand-written kernels (src/main/cuda) do the element-wise and layout work, cuBLAS the GEMMs
 * and the triangular solve, cuSOLVER the Cholesky, Householder, SVD and eigen routines; each capability is its own
 * class over one {@link CudaContext}.
 *
 * <p>Memory: {@link #allocate} gives a zero-filled matrix whose device block returns to the backend's caching pool
 * when the matrix becomes unreachable (like a direct ByteBuffer); {@link #scratch()} gives matrices returned, and made
 * unusable, when the scope closes. {@link #close()} frees everything; the one instance {@code Backends.named("cuda")}
 * shares refuses to close (others may be using it), so code that wants to close its backend opens its own with
 * {@link #open}.
 *
 * <p>Threads: one stream per backend; calls from several threads run one after another ({@link Serialized}). Data
 * moves with {@link #fromHost}/{@link #toHost} or {@link #copyFromHost}/{@link #download} into existing matrices, which
 * wait for the queued work.
 */
public final class CudaBackend extends AbstractBackend implements AutoCloseable {

    private final CudaContext context;
    /** The instance {@code Backends.named("cuda")} hands to everyone: it lives as long as the JVM. */
    private final boolean shared;

    /** A backend on {@code device}; kernels-cuda's tests make one on the host emulation ({@code EmulatedCuda}). */
    CudaBackend(String name, Device device, boolean shared) {
        this(new CudaContext(name, device), shared);
    }

    private CudaBackend(CudaContext context, boolean shared) {
        super(context.name(), context.domain(), owner -> Serialized.capabilities(owner, context));
        this.context = context;
        this.shared = shared;
    }

    /** The backend on CUDA device {@code ordinal}; {@link IllegalStateException} saying why when there is none. */
    public static CudaBackend open(int ordinal) {
        return new CudaBackend("cuda", new GpuDevice(ordinal), false);
    }

    /** The instance {@code Backends.named("cuda")} shares: {@link #close} refuses, since others may be using it. */
    static CudaBackend openShared(int ordinal) {
        return new CudaBackend("cuda", new GpuDevice(ordinal), true);
    }

    /** The device's name, e.g. "cuda:0 NVIDIA H100 80GB HBM3". */
    public String deviceName() {
        return context.device().description();
    }

    /** The CUDA device ordinal the backend computes on. */
    public int ordinal() {
        return context.device().ordinal();
    }

    @Override
    public Matrix allocate(int rows, int cols) {
        return context.allocate(rows, cols);
    }

    /** A scope for device matrices that go back to the pool, and become unusable, when it closes. */
    @Override
    public DeviceArena scratch() {
        return context.arena();
    }

    /** Copies the device matrix {@code from} into the host matrix {@code to} of the same shape. */
    public void download(Matrix from, Matrix to) {
        requireOwn(name() + ".download", "device matrix", from, false);
        context.checkedTransfer("download", to, from, false);
    }

    @Override
    protected Matrix toHostKernel(Matrix from) {
        return context.toHost(from);
    }

    @Override
    protected Matrix fromHostKernel(Matrix from) {
        return context.fromHost(from);
    }

    @Override
    protected void copyFromHostKernel(Matrix h, Matrix into) {
        context.transfer(h, into, true);
    }

    /**
     * A matrix over device memory that someone else allocated in this device's primary context (libtorch's caching
     * allocator, JCuda's {@code cuMemAlloc}): row-major, element (i, j) at {@code address + 4·(i·ld + j)}. No copy;
     * slimgrad never frees it and does not keep it alive, so the owner keeps it allocated while the matrix is used.
     * Ordering: the backend's stream is a blocking stream, so work the owner queued on the legacy default stream
     * (PyTorch's default) finishes before slimgrad's next operation starts, and the owner's later work there waits
     * for slimgrad's; an owner on its own non-blocking stream synchronises it first.
     */
    public Matrix wrap(long address, int rows, int cols, int ld) {
        return context.wrap(address, rows, cols, ld);
    }

    /** Waits until the work queued on the backend's stream has finished (for timing). */
    public void synchronize() {
        context.device().synchronize();
    }

    /**
     * GPU milliseconds of the work {@code work} queues on this backend, timed by two CUDA events on its stream (no
     * host overhead or launch latency in it, unlike a host clock around a synchronize); waits for the work. Other
     * threads' calls wait meanwhile, so only this work is timed. On the emulated device: wall time.
     */
    public double elapsedMillis(Runnable work) {
        synchronized (context) {
            return context.device().elapsedMillis(work);
        }
    }

    /** {@link FixedSupport#random}'s support, drawn on the device ({@link DeviceSupportDraw}); equal to the host's. */
    public FixedSupport randomSupport(int rows, int cols, double density, long seed) {
        synchronized (context) {
            return DeviceSupportDraw.draw(context, rows, cols, density, seed);
        }
    }

    /** Bytes of device memory the backend's pool holds (in use or cached for reuse). */
    public long pooledBytes() {
        return context.memory().heldBytes();
    }

    /**
     * The driver calls this backend has made so far (allocations, syncs, launches, bytes copied...): compare two
     * counts around a step to see what it costs; a warm step allocates nothing.
     */
    public DriverCalls driverCalls() {
        return context.driverCalls();
    }

    /** {free, total} bytes of the device's memory, as the driver reports them. */
    public long[] deviceMemory() {
        return context.device().memoryInfo();
    }

    @Override
    public void close() {
        if (shared) {
            throw new IllegalStateException(name() + ".close: this backend is the one Backends.named(\"cuda\") shares"
                    + " with every caller and lives as long as the JVM; for one you can close, use CudaBackend.open");
        }
        context.close();
    }

    /** The context under this backend, for kernels-cuda's tests. */
    CudaContext context() {
        return context;
    }
}
