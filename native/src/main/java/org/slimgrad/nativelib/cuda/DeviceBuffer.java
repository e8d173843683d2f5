package org.slimgrad.nativelib.cuda;

import java.lang.foreign.MemorySegment;

/**
 * fp32 values in device memory. Copies are synchronous; using a closed buffer throws; closing twice does nothing.
 */
public final class DeviceBuffer implements AutoCloseable {

    private final Cuda cuda;
    private final long pointer;
    private final long floats;
    private boolean closed;

    DeviceBuffer(Cuda cuda, long pointer, long floats) {
        this.cuda = cuda;
        this.pointer = pointer;
        this.floats = floats;
    }

    /** Number of fp32 values held. */
    public long floats() {
        return floats;
    }

    /** Copies {@code host} (at most {@link #floats()} values) to the start of this buffer. */
    public void upload(float[] host) {
        checkLength("upload", host.length);
        cuda.copyToDevice(pointer("upload"), MemorySegment.ofArray(host), (long) host.length * Float.BYTES);
    }

    /** Copies the first {@code host.length} values of this buffer into {@code host}. */
    public void download(float[] host) {
        checkLength("download", host.length);
        cuda.copyToHost(MemorySegment.ofArray(host), pointer("download"), (long) host.length * Float.BYTES);
    }

    /** The device address as a zero-length segment, for passing to cuBLAS and cuSOLVER. */
    public MemorySegment address() {
        return MemorySegment.ofAddress(pointer("address"));
    }

    /** The device address of value number {@code index}. */
    public MemorySegment address(long index) {
        if (index < 0 || index >= floats) {
            throw new IndexOutOfBoundsException("DeviceBuffer: index " + index + " outside " + floats + " floats");
        }
        return MemorySegment.ofAddress(pointer("address") + index * Float.BYTES);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuda.free(pointer);
        }
    }

    private long pointer(String op) {
        if (closed) {
            throw new IllegalStateException("DeviceBuffer." + op + ": the buffer of " + floats + " floats was closed");
        }
        return pointer;
    }

    private void checkLength(String op, int length) {
        if (length > floats) {
            throw new IllegalArgumentException("DeviceBuffer." + op + ": " + length + " floats do not fit in " + floats);
        }
    }
}
