package org.slimgrad.nativelib.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A device's primary context, current on the thread that opened it, with one stream that every library handle
 * made from it runs on. Closing destroys the stream and releases the context; closing twice does nothing.
 */
public final class Context implements AutoCloseable {

    private final Cuda cuda;
    private final int device;
    private final MemorySegment stream;
    private final String name;
    private boolean closed;

    Context(Cuda cuda, int device, MemorySegment stream, String name) {
        this.cuda = cuda;
        this.device = device;
        this.stream = stream;
        this.name = name;
    }

    /** The device's name as the driver reports it, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName() {
        return name;
    }

    /** A new, uninitialised buffer of {@code floats} fp32 values on the device. */
    public DeviceBuffer allocate(long floats) {
        requireOpen("allocate");
        if (floats < 1) {
            throw new IllegalArgumentException("Context.allocate: " + floats + " floats; need at least 1");
        }
        return new DeviceBuffer(cuda, cuda.alloc(floats * Float.BYTES), floats);
    }

    /** Waits until everything queued on this context's stream has finished. */
    public void synchronize() {
        requireOpen("synchronize");
        cuda.synchronize(stream);
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
