package org.slimgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;
import org.slimgrad.collective.RankOrder;
import org.slimgrad.nativelib.cuda.Nccl;

/**
 * A {@link Collective} over NCCL for the matrices of one {@link CudaBackend} per rank (one GPU per rank: NCCL
 * refuses two ranks of a communicator on one device). The data moves device to device on the backend's stream;
 * every call first agrees with the other ranks through {@code bootstrap} (a host collective, e.g. MpiCollective),
 * so a call whose shapes differ between ranks fails on every rank naming each rank's call, and a rank that is gone
 * ends the job through the bootstrap's timeout instead of a hang in NCCL. Each call returns when its result is on
 * the device.
 *
 * <p>Unlike the host collectives, NCCL adds in the order of its rings and trees, not in rank order: sums agree with
 * {@link org.slimgrad.collective.InProcessCollective}'s to float rounding (size − 1 additions), not bit for bit.
 * Matrices must be device matrices of this backend, dense (ld = cols); the float64 scores and int32 indices are
 * host arrays, staged through device memory. One thread at a time per rank.
 */
public final class NcclCollective implements Collective, AutoCloseable {

    private final CudaContext context;
    private final Collective bootstrap;
    private final DeviceCommunicator communicator;

    private NcclCollective(CudaContext context, Collective bootstrap, DeviceCommunicator communicator) {
        this.context = context;
        this.bootstrap = bootstrap;
        this.communicator = communicator;
    }

    /** This rank's NCCL collective on {@code cuda}'s device; every rank of {@code bootstrap} calls it together. */
    public static NcclCollective create(CudaBackend cuda, Collective bootstrap) {
        if (cuda == null || bootstrap == null) {
            throw new IllegalArgumentException("NcclCollective.create: backend " + cuda + ", bootstrap " + bootstrap);
        }
        CudaContext context = cuda.context();
        return new NcclCollective(context, bootstrap, context.device().communicator(bootstrap));
    }

    @Override
    public int rank() {
        return bootstrap.rank();
    }

    @Override
    public int size() {
        return bootstrap.size();
    }

    @Override
    public void allReduceSum(Matrix m) {
        requireDense("allReduceSum", m);
        onDevice("allReduceSum " + m.shape(),
                () -> communicator.allReduceSum(DeviceKernels.address(m), m.size(), Nccl.Type.FLOAT32));
    }

    @Override
    public void allReduceSum(double[] values) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, values);
            staged("allReduceSum float64[" + values.length + "]", host,
                    buffer -> communicator.allReduceSum(buffer, values.length, Nccl.Type.FLOAT64));
            MemorySegment.copy(host, ValueLayout.JAVA_DOUBLE, 0, values, 0, values.length);
        }
    }

    @Override
    public void broadcast(Matrix m, int root) {
        requireDense("broadcast", m);
        RankOrder.requireRoot("broadcast", root, size());
        onDevice("broadcast " + m.shape() + " from " + root,
                () -> communicator.broadcast(DeviceKernels.address(m), m.size(), Nccl.Type.FLOAT32, root));
    }

    @Override
    public void broadcast(int[] values, int root) {
        RankOrder.requireRoot("broadcast", root, size());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_INT, values);
            staged("broadcast int32[" + values.length + "] from " + root, host,
                    buffer -> communicator.broadcast(buffer, values.length, Nccl.Type.INT32, root));
            MemorySegment.copy(host, ValueLayout.JAVA_INT, 0, values, 0, values.length);
        }
    }

    @Override
    public void allGather(Matrix part, Matrix all) {
        requireDense("allGather", part);
        requireDense("allGather", all);
        RankOrder.requireStacked("allGather", part, all, size());
        onDevice("allGather " + part.shape() + " into " + all.shape(),
                () -> communicator.allGather(DeviceKernels.address(part), DeviceKernels.address(all), part.size()));
    }

    @Override
    public void reduceScatter(Matrix full, Matrix part) {
        requireDense("reduceScatter", full);
        requireDense("reduceScatter", part);
        RankOrder.requireStacked("reduceScatter", part, full, size());
        onDevice("reduceScatter " + full.shape() + " into " + part.shape(), () -> communicator.reduceScatterSum(
                DeviceKernels.address(full), DeviceKernels.address(part), part.size()));
    }

    @Override
    public void barrier() {
        synchronized (context) {
            context.device().synchronize();
        }
        bootstrap.barrier();
    }

    /** Destroys the communicator (not the backend, nor the bootstrap). */
    @Override
    public void close() {
        communicator.close();
    }

    // the call agreed with the other ranks, then run on the device and waited for
    private void onDevice(String call, Runnable collective) {
        RankOrder.agree(bootstrap, "NcclCollective", call);
        synchronized (context) {
            collective.run();
            context.device().synchronize();
        }
    }

    private interface OnBuffer {
        void run(long buffer);
    }

    // host values, once the call is agreed, through a device buffer of the context's pool: upload, the collective,
    // download
    private void staged(String call, MemorySegment host, OnBuffer collective) {
        RankOrder.agree(bootstrap, "NcclCollective", call);
        synchronized (context) {
            long bytes = host.byteSize();
            long buffer = context.memory().take(bytes);
            try {
                context.device().upload(host, buffer, bytes);
                collective.run(buffer);
                context.device().download(buffer, host, bytes);
            } finally {
                context.memory().give(buffer, DeviceMemory.blockSize(bytes));
            }
        }
    }

    private void requireDense(String op, Matrix m) {
        if (m == null || !m.domain().equals(context.domain()) || m.ld() != m.cols()) {
            throw new IllegalArgumentException("NcclCollective." + op + ": " + (m == null ? "null" : m.shape()
                    + " in " + m.domain() + " memory") + "; need a dense (ld = cols) matrix of " + context.name());
        }
    }
}
