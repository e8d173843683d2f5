package org.slimgrad.cuda;

import java.lang.foreign.MemorySegment;

import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;
import org.slimgrad.nativelib.cuda.Nccl;

/**
 * The emulated device's communicator: each operation copies the device elements to the host, runs the matching
 * host collective of the bootstrap group (threads of one process in the tests), and copies the result back, so that
 * {@link NcclCollective}'s checks, staging and offsets run without NCCL. It adds in rank order where NCCL would not.
 */
final class EmulatedCommunicator implements DeviceCommunicator {

    private final Device device;
    private final Collective group;

    EmulatedCommunicator(Device device, Collective group) {
        this.device = device;
        this.group = group;
    }

    @Override
    public void allReduceSum(long buffer, long count, Nccl.Type type) {
        switch (type) {
            case FLOAT32 -> {
                float[] values = floats(buffer, count);
                group.allReduceSum(Matrix.wrap(values, 1, values.length));
                put(MemorySegment.ofArray(values), buffer);
            }
            case FLOAT64 -> {
                double[] values = new double[Math.toIntExact(count)];
                device.download(buffer, MemorySegment.ofArray(values), count * Double.BYTES);
                group.allReduceSum(values);
                put(MemorySegment.ofArray(values), buffer);
            }
            default -> throw new UnsupportedOperationException("emulated allReduceSum of " + type);
        }
    }

    @Override
    public void broadcast(long buffer, long count, Nccl.Type type, int root) {
        switch (type) {
            case FLOAT32 -> {
                float[] values = floats(buffer, count);
                group.broadcast(Matrix.wrap(values, 1, values.length), root);
                put(MemorySegment.ofArray(values), buffer);
            }
            case INT32 -> {
                int[] values = new int[Math.toIntExact(count)];
                device.download(buffer, MemorySegment.ofArray(values), count * Integer.BYTES);
                group.broadcast(values, root);
                put(MemorySegment.ofArray(values), buffer);
            }
            default -> throw new UnsupportedOperationException("emulated broadcast of " + type);
        }
    }

    @Override
    public void allGather(long send, long receive, long count) {
        float[] all = new float[Math.toIntExact(count * group.size())];
        group.allGather(Matrix.wrap(floats(send, count), 1, (int) count), Matrix.wrap(all, group.size(), (int) count));
        put(MemorySegment.ofArray(all), receive);
    }

    @Override
    public void reduceScatterSum(long send, long receive, long count) {
        float[] part = new float[Math.toIntExact(count)];
        group.reduceScatter(Matrix.wrap(floats(send, count * group.size()), group.size(), (int) count),
                Matrix.wrap(part, 1, part.length));
        put(MemorySegment.ofArray(part), receive);
    }

    @Override
    public void close() {
        // nothing held
    }

    private float[] floats(long buffer, long count) {
        float[] values = new float[Math.toIntExact(count)];
        device.download(buffer, MemorySegment.ofArray(values), count * Float.BYTES);
        return values;
    }

    private void put(MemorySegment values, long buffer) {
        device.upload(values, buffer, values.byteSize());
    }
}
