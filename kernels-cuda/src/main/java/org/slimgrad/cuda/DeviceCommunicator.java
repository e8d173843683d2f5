package org.slimgrad.cuda;

import org.slimgrad.nativelib.cuda.Nccl;

/**
 * Collectives among the devices of a group of ranks, one device per rank, on device addresses (NCCL on a GPU). The
 * operations queue on the device's stream; {@link NcclCollective} checks the arguments and synchronises.
 */
interface DeviceCommunicator extends AutoCloseable {

    /** In place: the element-wise sum over the ranks of {@code count} elements at {@code buffer}. */
    void allReduceSum(long buffer, long count, Nccl.Type type);

    /** In place: root's {@code count} elements at {@code buffer} on every rank. */
    void broadcast(long buffer, long count, Nccl.Type type, int root);

    /** receive = every rank's {@code count} float32 elements at send, in rank order. */
    void allGather(long send, long receive, long count);

    /** receive = the sum over the ranks of block {@code rank} ({@code count} float32 elements) of their send. */
    void reduceScatterSum(long send, long receive, long count);

    @Override
    void close();
}
