package org.slimgrad.nativelib;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;
import org.slimgrad.collective.RankOrder;

/**
 * A {@link Collective} over MPI's {@code MPI_COMM_WORLD} (Open MPI through FFM, {@link Mpi}): one rank per process,
 * started by {@code mpirun -np N java ...}. The same contract as {@link org.slimgrad.collective.InProcessCollective},
 * bit for bit:
 * <ul>
 *   <li>every call first gathers each rank's description of it (operation, shape, root); ranks that disagree all
 *       fail with the same {@link IllegalArgumentException} listing every rank's call;</li>
 *   <li>sums are formed from every rank's contribution (MPI_Allgather) in rank order on each rank, not by
 *       MPI_Allreduce, whose order MPI leaves open: every rank, and every run, gets the same bits, equal to the
 *       in-process group's (the price is size× the bytes of a reduction, small for the score vectors and r×r, r×n
 *       blocks slimgrad reduces);</li>
 *   <li>a call that does not complete within the timeout (a rank stuck or gone) prints which call and rank waited,
 *       and halts this process; mpirun then ends every rank. A rank that dies is noticed by mpirun the same way.</li>
 * </ul>
 * Host matrices only; calls from one thread at a time (MPI_THREAD_SERIALIZED). {@link #close} finalises MPI.
 */
public final class MpiCollective implements Collective, AutoCloseable {

    /** Exit status of a rank halted by the timeout. */
    public static final int TIMED_OUT = 70;
    private static final int DESCRIPTION_BYTES = 96;

    private final Mpi mpi;
    private final int rank;
    private final int size;
    private final Duration timeout;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "slimgrad-mpi-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private MpiCollective(Mpi mpi, Duration timeout) {
        this.mpi = mpi;
        this.timeout = timeout;
        mpi.init();
        this.rank = mpi.rank();
        this.size = mpi.size();
    }

    /** This process's rank in MPI_COMM_WORLD (MPI initialised here if it is not yet). */
    public static MpiCollective world(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("MpiCollective.world: timeout " + timeout + "; need a positive one");
        }
        return new MpiCollective(Mpi.load(), timeout);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void allReduceSum(Matrix m) {
        float[][] parts = guarded("allReduceSum " + m.shape(), () -> gather(m.toArray()));
        RankOrder.write(RankOrder.sum(parts, 0, m.rows() * m.cols()), m);
    }

    @Override
    public void allReduceSum(double[] values) {
        double[][] parts = guarded("allReduceSum float64[" + values.length + "]", () -> gather(values));
        System.arraycopy(RankOrder.sum(parts, values.length), 0, values, 0, values.length);
    }

    @Override
    public void broadcast(Matrix m, int root) {
        RankOrder.requireRoot("broadcast", root, size);
        float[] value = guarded("broadcast from " + root + " " + m.shape(), () -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocateFrom(JAVA_FLOAT, m.toArray());
                mpi.broadcast(buffer, (int) buffer.byteSize(), root);
                return buffer.toArray(JAVA_FLOAT);
            }
        });
        RankOrder.write(value, m);
    }

    @Override
    public void broadcast(int[] values, int root) {
        RankOrder.requireRoot("broadcast", root, size);
        int[] value = guarded("broadcast from " + root + " int32[" + values.length + "]", () -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocateFrom(JAVA_INT, values);
                mpi.broadcast(buffer, (int) buffer.byteSize(), root);
                return buffer.toArray(JAVA_INT);
            }
        });
        System.arraycopy(value, 0, values, 0, values.length);
    }

    @Override
    public void allGather(Matrix part, Matrix all) {
        RankOrder.requireStacked("allGather", part, all, size);
        RankOrder.write(RankOrder.stack(guarded("allGather " + part.shape(), () -> gather(part.toArray()))), all);
    }

    @Override
    public void reduceScatter(Matrix full, Matrix part) {
        RankOrder.requireStacked("reduceScatter", part, full, size);
        float[][] fulls = guarded("reduceScatter " + full.shape(), () -> gather(full.toArray()));
        int length = part.rows() * part.cols();
        RankOrder.write(RankOrder.sum(fulls, rank * length, length), part);
    }

    @Override
    public void barrier() {
        guarded("barrier", () -> {
            mpi.barrier();
            return null;
        });
    }

    /** MPI_Finalize; the handle is unusable afterwards. */
    @Override
    public void close() {
        watchdog.shutdownNow();
        mpi.finish();
    }

    // the call's descriptions agree on every rank, then its body runs, all under the timeout
    private <T> T guarded(String call, Supplier<T> body) {
        ScheduledFuture<?> alarm = watchdog.schedule(() -> {
            System.err.println("slimgrad MpiCollective: rank " + rank + " of " + size + " waited " + timeout.toMillis()
                    + " ms in " + call + "; a rank is stuck or gone: halting this rank so that mpirun ends the job");
            System.err.flush();
            Runtime.getRuntime().halt(TIMED_OUT);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            agree(call);
            return body.get();
        } finally {
            alarm.cancel(false);
        }
    }

    private void agree(String call) {
        byte[] mine = Arrays.copyOf(call.getBytes(StandardCharsets.UTF_8), DESCRIPTION_BYTES);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] theirs = gather(arena, arena.allocateFrom(JAVA_BYTE, mine));
            String[] calls = new String[size];
            boolean agreed = true;
            for (int r = 0; r < size; r++) {
                byte[] described = theirs[r].toArray(JAVA_BYTE);
                agreed &= Arrays.equals(described, mine);
                calls[r] = new String(described, StandardCharsets.UTF_8).replace("\0", "");
            }
            if (!agreed) {
                throw new IllegalArgumentException("collective on rank " + rank + ": the ranks' calls differ: "
                        + Arrays.toString(calls));
            }
        }
    }

    private float[][] gather(float[] mine) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] parts = gather(arena, arena.allocateFrom(JAVA_FLOAT, mine));
            float[][] values = new float[size][];
            for (int r = 0; r < size; r++) {
                values[r] = parts[r].toArray(JAVA_FLOAT);
            }
            return values;
        }
    }

    private double[][] gather(double[] mine) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] parts = gather(arena, arena.allocateFrom(JAVA_DOUBLE, mine));
            double[][] values = new double[size][];
            for (int r = 0; r < size; r++) {
                values[r] = parts[r].toArray(JAVA_DOUBLE);
            }
            return values;
        }
    }

    // every rank's bytes of the same length as sent, in rank order, as slices of one buffer in the arena
    private MemorySegment[] gather(Arena arena, MemorySegment sent) {
        int bytes = Math.toIntExact(sent.byteSize());
        MemorySegment received = arena.allocate((long) bytes * size);
        mpi.allgather(sent, received, bytes);
        MemorySegment[] parts = new MemorySegment[size];
        for (int r = 0; r < size; r++) {
            parts[r] = received.asSlice((long) r * bytes, bytes);
        }
        return parts;
    }
}
