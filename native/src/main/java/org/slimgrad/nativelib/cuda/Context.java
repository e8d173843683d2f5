package org.slimgrad.nativelib.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A device's primary context, current on the thread that opened it, with one stream that every library handle
 * made from it runs on. Closing destroys the stream and releases the context; closing twice does nothing.
 */
public final class Context implements AutoCloseable {

    private static final int COMPUTE_CAPABILITY_MAJOR = 75;
    private static final int COMPUTE_CAPABILITY_MINOR = 76;

    private final Cuda cuda;
    private final int device;
    private final MemorySegment handle;
    private final MemorySegment stream;
    private final String name;
    private boolean closed;

    Context(Cuda cuda, int device, MemorySegment handle, MemorySegment stream, String name) {
        this.cuda = cuda;
        this.device = device;
        this.handle = handle;
        this.stream = stream;
        this.name = name;
    }

    /** The device's name as the driver reports it, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName() {
        return name;
    }

    /** The device's compute capability, e.g. "9.0" for an H100 (CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, MINOR). */
    public String computeCapability() {
        requireOpen("computeCapability");
        return cuda.attribute(COMPUTE_CAPABILITY_MAJOR, device) + "." + cuda.attribute(COMPUTE_CAPABILITY_MINOR, device);
    }

    /** The driver's CUDA version, cuBLAS's and cuSOLVER's, e.g. "CUDA driver 13.0, cuBLAS 13.1.0, cuSOLVER 12.0.4". */
    public String libraryVersions() {
        requireOpen("libraryVersions");
        return "CUDA driver " + cuda.driverVersion() + ", cuBLAS " + CuBlas.version() + ", cuSOLVER "
                + CuSolver.version();
    }

    /** A new, uninitialised buffer of {@code floats} fp32 values on the device. */
    public DeviceBuffer allocate(long floats) {
        requireOpen("allocate");
        if (floats < 1) {
            throw new IllegalArgumentException("Context.allocate: " + floats + " floats; need at least 1");
        }
        return new DeviceBuffer(cuda, cuda.alloc(floats * Float.BYTES), floats);
    }

    /**
     * Makes this context current on the calling thread (the driver's notion of current is per thread): a caller on
     * another thread than the one that opened the context calls this before its next driver or library call.
     */
    public void makeCurrent() {
        requireOpen("makeCurrent");
        cuda.makeCurrent(handle);
    }

    /** {@code bytes} of uninitialised device memory (cuMemAlloc); the caller frees it with {@link #free}. */
    public long malloc(long bytes) {
        requireOpen("malloc");
        return cuda.alloc(bytes);
    }

    /** Frees memory from {@link #malloc}. */
    public void free(long address) {
        requireOpen("free");
        cuda.free(address);
    }

    /**
     * Queues a copy of {@code bytes} from host memory to the device address on the stream, after the work queued
     * there, without waiting for the GPU; the host memory may change as soon as this returns (the driver has staged
     * it).
     */
    public void upload(MemorySegment host, long device, long bytes) {
        requireOpen("upload");
        cuda.copyToDeviceQueued(device, host, bytes, stream);
    }

    /** Copies {@code bytes} from the device address to host memory, after the work queued on the stream. */
    public void download(long device, MemorySegment host, long bytes) {
        synchronize();
        cuda.copyToHost(host, device, bytes);
    }

    /**
     * Copies {@code rows} rows of {@code width} bytes between packed native host memory and device memory whose rows
     * are {@code pitch} bytes apart, after the work queued on the stream: one cuMemcpy2D. To the device it is queued
     * as {@link #upload} is; to the host it waits for the stream and the copy.
     */
    public void copy2D(boolean toDevice, MemorySegment host, long device, long pitch, long width, long rows) {
        if (toDevice) {
            requireOpen("copy2D");
            cuda.copy2D(true, host, device, pitch, width, rows, stream);
            return;
        }
        synchronize();
        cuda.copy2D(false, host, device, pitch, width, rows, null);
    }

    /** Loads a PTX module on this context; {@link #unloadModule} releases it. */
    public MemorySegment loadModule(String ptx) {
        requireOpen("loadModule");
        return cuda.loadModule(ptx);
    }

    public void unloadModule(MemorySegment module) {
        requireOpen("unloadModule");
        cuda.unloadModule(module);
    }

    /** The kernel {@code name} (an {@code extern "C"} entry) of a loaded module. */
    public MemorySegment function(MemorySegment module, String name) {
        requireOpen("function");
        return cuda.function(module, name);
    }

    /**
     * Queues {@code function} on this context's stream with a gridX×gridY grid of blockX×blockY blocks and no dynamic
     * shared memory; {@code params} is cuLaunchKernel's array of pointers to the argument values.
     */
    public void launch(MemorySegment function, int gridX, int gridY, int blockX, int blockY, MemorySegment params) {
        requireOpen("launch");
        cuda.launch(function, gridX, gridY, blockX, blockY, stream, params);
    }

    /** Waits until everything queued on this context's stream has finished. */
    public void synchronize() {
        requireOpen("synchronize");
        cuda.synchronize(stream);
    }

    /**
     * GPU milliseconds of the work {@code queue} puts on this context's stream (its library handles' calls and
     * launches included), between two CUDA events; waits for it to finish. Work that itself waits for the GPU
     * (a download) still counts only its GPU time.
     */
    public float elapsedMillis(Runnable queue) {
        requireOpen("elapsedMillis");
        return cuda.elapsedMillis(stream, queue);
    }

    /** {free, total} bytes of device memory. */
    public long[] memoryInfo() {
        requireOpen("memoryInfo");
        return cuda.memInfo();
    }

    MemorySegment stream() {
        requireOpen("stream");
        return stream;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuda.destroy(stream, device);
        }
    }

    private void requireOpen(String op) {
        if (closed) {
            throw new IllegalStateException("Context." + op + ": the context of " + name + " was closed");
        }
    }
}
