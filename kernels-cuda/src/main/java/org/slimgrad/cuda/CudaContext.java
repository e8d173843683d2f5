package org.slimgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.slimgrad.Matrix;
import org.slimgrad.MemoryDomain;

/**
 * What every CUDA operation stands on, and nothing of the {@code Backend} API: the device (driver, stream, cuBLAS,
 * cuSOLVER), its memory pool and arenas, the compiled kernels, copies between host and device, and the small results
 * (scalars, index lists) that travel back to the host. The capability objects and the {@code Device*} helpers all
 * take the context; it never calls back into them. Its monitor serialises the backend's operations: the capability
 * objects hold it for a whole operation ({@link Serialized}), and every method here that reaches the device holds it
 * too.
 */
final class CudaContext implements AutoCloseable {

    private final String name;
    private final MemoryDomain domain;
    private final CountedDevice device;
    private final DeviceMemory memory;
    private final DeviceKernels kernels;
    /** 1024 partial results and one total for the reductions. */
    private final Matrix reductionScratch;
    private final DeviceStatus status;
    private boolean closed;

    CudaContext(String name, Device device) {
        this.name = name;
        this.domain = new MemoryDomain(device.description());
        this.device = new CountedDevice(device);
        this.memory = new DeviceMemory(this.device);
        this.kernels = new DeviceKernels(this.device);
        this.reductionScratch = allocateUninitialised(1, 2 * 1025);
        this.status = new DeviceStatus(name, this.device, kernels, allocateUninitialised(1, 2));
    }

    String name() {
        return name;
    }

    MemoryDomain domain() {
        return domain;
    }

    Device device() {
        requireOpen("device");
        return device;
    }

    DeviceKernels kernels() {
        requireOpen("kernels");
        return kernels;
    }

    DeviceMemory memory() {
        return memory;
    }

    /** The operations' checks kept on the device, read back once per operation. */
    DeviceStatus status() {
        requireOpen("status");
        return status;
    }

    /** The driver calls made so far through this context's device. */
    DriverCalls driverCalls() {
        return device.calls();
    }

    /** A zero-filled pooled matrix (pooled blocks hold old data). */
    synchronized Matrix allocate(int rows, int cols) {
        Matrix matrix = allocateUninitialised(rows, cols);
        if (matrix.size() != 0) {
            kernels().scale(0f, matrix);
        }
        return matrix;
    }

    /**
     * A pooled block that returns to the pool when the matrix becomes unreachable, holding whatever it last held: for
     * workspaces whose every element is written before it is read.
     */
    Matrix allocateUninitialised(int rows, int cols) {
        long bytes = bytes(name + ".allocate", rows, cols);
        long size = DeviceMemory.blockSize(bytes);
        long address = memory.take(bytes);
        DeviceMemory pool = memory;
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(size, Arena.ofAuto(),
                unused -> pool.give(address, size));
        return Matrix.inDomain(domain, segment, 0, rows, cols, Math.max(cols, 1));
    }

    /** A scope for device matrices that go back to the pool, and become unusable, when it closes. */
    DeviceArena arena() {
        requireOpen("arena");
        return new DeviceArena(domain, memory);
    }

    /**
     * Copies between a host and a device matrix of the same shape (validated by the caller): one copy, with the rows
     * packed through native memory and a 2-D copy when either side is a strided view.
     */
    synchronized void transfer(Matrix host, Matrix onDevice, boolean toDevice) {
        int rows = host.rows();
        long width = (long) host.cols() * Float.BYTES;
        if (rows == 0 || width == 0) {
            return;
        }
        long address = DeviceKernels.address(onDevice);
        if (host.isContiguous() && onDevice.isContiguous()) {
            MemorySegment flat = host.segment().asSlice(host.index(0, 0) * Float.BYTES, rows * width);
            if (toDevice) {
                device().upload(flat, address, rows * width);
            } else {
                device().download(address, flat, rows * width);
            }
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packed = arena.allocate(rows * width, 16);
            if (toDevice) {
                for (int i = 0; i < rows; i++) {
                    MemorySegment.copy(host.segment(), host.index(i, 0) * Float.BYTES, packed, i * width, width);
                }
            }
            device().copy2D(toDevice, packed, address, (long) onDevice.ld() * Float.BYTES, width, rows);
            if (!toDevice) {
                for (int i = 0; i < rows; i++) {
                    MemorySegment.copy(packed, i * width, host.segment(), host.index(i, 0) * Float.BYTES, width);
                }
            }
        }
    }

    /** {@link #transfer} after checking that host is a host matrix of onDevice's shape; op names the call. */
    void checkedTransfer(String op, Matrix host, Matrix onDevice, boolean toDevice) {
        if (host == null || !host.domain().isHost()) {
            throw new IllegalArgumentException(name + "." + op + ": the host matrix is "
                    + (host == null ? "null" : "in " + host.domain() + " memory") + "; need a host matrix");
        }
        if (host.rows() != onDevice.rows() || host.cols() != onDevice.cols()) {
            throw new IllegalArgumentException(name + "." + op + ": host " + host.shape() + ", device "
                    + onDevice.shape() + "; need equal shapes");
        }
        transfer(host, onDevice, toDevice);
    }

    /** A new dense row-major host copy of a device matrix. */
    synchronized Matrix toHost(Matrix onDevice) {
        Matrix host = Matrix.wrap(new float[Math.toIntExact((long) onDevice.rows() * onDevice.cols())],
                onDevice.rows(), onDevice.cols());
        transfer(host, onDevice, false);
        return host;
    }

    /** A view of foreign device memory; see {@code CudaBackend.wrap}. */
    Matrix wrap(long address, int rows, int cols, int ld) {
        requireOpen("wrap");
        if (address == 0 || address % Float.BYTES != 0 || rows < 0 || cols < 0 || ld < Math.max(cols, 1)) {
            throw new IllegalArgumentException(name + ".wrap: " + rows + "x" + cols + ", ld " + ld + " at 0x"
                    + Long.toHexString(address) + "; need a non-null address aligned to 4 bytes, non-negative sizes"
                    + " and ld >= max(cols, 1)");
        }
        return Matrix.inDomain(domain,
                MemorySegment.ofAddress(address).reinterpret(Matrix.span(rows, cols, ld) * Float.BYTES), 0, rows, cols,
                ld);
    }

    /** A new dense device copy of a host matrix; every element is uploaded, so it needs no zero fill. */
    synchronized Matrix fromHost(Matrix host) {
        Matrix copy = allocateUninitialised(host.rows(), host.cols());
        transfer(host, copy, true);
        return copy;
    }

    // Small results and int32/int64 index arrays travel in float matrices of the same bytes. Host arrays go straight
    // to the device's copies, which stage heap memory through native memory themselves.

    /** The values of a 1×n device matrix. */
    synchronized float[] floats(Matrix row) {
        float[] values = new float[row.cols()];
        device().download(DeviceKernels.address(row), MemorySegment.ofArray(values), (long) values.length * Float.BYTES);
        return values;
    }

    /** The first {@code count} int32 values held in a device matrix. */
    synchronized int[] ints(Matrix onDevice, int count) {
        int[] values = new int[count];
        device().download(DeviceKernels.address(onDevice), MemorySegment.ofArray(values), (long) count * Integer.BYTES);
        return values;
    }

    /** The first {@code count} int64 values held in a device matrix. */
    synchronized long[] longs(Matrix onDevice, int count) {
        long[] values = new long[count];
        device().download(DeviceKernels.address(onDevice), MemorySegment.ofArray(values), (long) count * Long.BYTES);
        return values;
    }

    /** A device copy of int32 values that lives while the returned matrix is reachable. */
    synchronized Matrix fromHost(int[] values) {
        return upload(values, allocateUninitialised(1, Math.max(1, values.length)));
    }

    /** A device copy of int32 values that lives until {@code scope} closes. */
    synchronized Matrix fromHost(int[] values, DeviceArena scope) {
        return upload(values, scope.allocate(1, Math.max(1, values.length)));
    }

    /** Copies int32 values to the start of a device matrix of at least as many elements; returns it. */
    synchronized Matrix upload(int[] values, Matrix onDevice) {
        device().upload(MemorySegment.ofArray(values), DeviceKernels.address(onDevice),
                (long) values.length * Integer.BYTES);
        return onDevice;
    }

    /** A device copy of int64 values that lives until {@code scope} closes. */
    synchronized Matrix fromHost(long[] values, DeviceArena scope) {
        Matrix onDevice = scope.allocate(1, Math.max(2, 2 * values.length));
        device().upload(MemorySegment.ofArray(values), DeviceKernels.address(onDevice), (long) values.length * Long.BYTES);
        return onDevice;
    }

    /** ‖X‖_F² of a device matrix, accumulated in float64. */
    double sumOfSquares(Matrix x) {
        return reduce(x, false);
    }

    /** max |G − I| of a square device matrix, NaN counted as +∞. */
    double deviationFromIdentity(Matrix g) {
        return reduce(g, true);
    }

    /**
     * Records a failure in the status when max |G − I| is above {@code limit}: {@link #deviationFromIdentity}'s test
     * without the wait.
     */
    synchronized void recordDeviationAbove(Matrix g, double limit) {
        status().recordAbove(reduceOnDevice(g, true), limit);
    }

    private synchronized double reduce(Matrix x, boolean deviation) {
        long total = reduceOnDevice(x, deviation);
        double[] result = new double[1];
        device().download(total, MemorySegment.ofArray(result), Double.BYTES);
        return result[0];
    }

    // the reduction's result stays on the device, at the returned address
    private long reduceOnDevice(Matrix x, boolean deviation) {
        long partials = DeviceKernels.address(reductionScratch);
        long total = partials + 1024L * Double.BYTES;
        kernels().reduce(x, deviation, partials, total);
        return total;
    }

    void requireOpen(String op) {
        if (closed) {
            throw new IllegalStateException(name + "." + op + ": the backend was closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                memory.close();
            } finally {
                device.close();
            }
        }
    }

    static long bytes(String op, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": " + rows + "x" + cols + "; need non-negative sizes");
        }
        return (long) rows * cols * Float.BYTES;
    }
}
