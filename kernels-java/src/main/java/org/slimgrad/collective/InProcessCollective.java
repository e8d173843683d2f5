package org.slimgrad.collective;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slimgrad.Matrix;

/**
 * A {@link Collective} whose ranks are threads of one JVM: for tests, and for several workers on one machine. Each
 * operation is two barrier rounds: every rank posts its contribution and a description of the call (operation,
 * shape); then every rank checks that the descriptions agree and computes the result from all contributions in rank
 * order; the second round keeps the posts until every rank has read them. A rank that does not arrive within the
 * timeout breaks the group: that call, and every later one, fails on every rank with an
 * {@link IllegalStateException}.
 */
public final class InProcessCollective implements Collective {

    private final Group group;
    private final int rank;

    private InProcessCollective(Group group, int rank) {
        this.group = group;
        this.rank = rank;
    }

    /** One handle per rank, for {@code size} threads to use, one each. */
    public static List<Collective> create(int size, Duration timeout) {
        if (size < 1 || timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("InProcessCollective.create: size " + size + ", timeout " + timeout
                    + "; need size >= 1 and a positive timeout");
        }
        Group group = new Group(size, timeout);
        List<Collective> ranks = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            ranks.add(new InProcessCollective(group, r));
        }
        return List.copyOf(ranks);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return group.size;
    }

    @Override
    public void allReduceSum(Matrix m) {
        float[][] posts = floats(exchange("allReduceSum", m.shape(), m.toArray()));
        group.release();
        RankOrder.write(RankOrder.sum(posts, 0, m.rows() * m.cols()), m); // the same bits on every rank
    }

    @Override
    public void allReduceSum(double[] values) {
        Object[] posts = exchange("allReduceSum", "float64[" + values.length + "]", values.clone());
        double[][] parts = new double[posts.length][];
        for (int r = 0; r < posts.length; r++) {
            parts[r] = (double[]) posts[r];
        }
        group.release();
        System.arraycopy(RankOrder.sum(parts, values.length), 0, values, 0, values.length);
    }

    @Override
    public void broadcast(Matrix m, int root) {
        RankOrder.requireRoot("broadcast", root, group.size);
        float[] value = ((float[]) exchange("broadcast from " + root, m.shape(), rank == root ? m.toArray() : null)[root])
                .clone();
        group.release();
        RankOrder.write(value, m);
    }

    @Override
    public void broadcast(int[] values, int root) {
        RankOrder.requireRoot("broadcast", root, group.size);
        int[] value = ((int[]) exchange("broadcast from " + root, "int32[" + values.length + "]",
                rank == root ? values.clone() : null)[root]).clone();
        group.release();
        System.arraycopy(value, 0, values, 0, values.length);
    }

    @Override
    public void allGather(Matrix part, Matrix all) {
        RankOrder.requireStacked("allGather", part, all, group.size);
        float[][] posts = floats(exchange("allGather", part.shape(), part.toArray()));
        group.release();
        RankOrder.write(RankOrder.stack(posts), all);
    }

    @Override
    public void reduceScatter(Matrix full, Matrix part) {
        RankOrder.requireStacked("reduceScatter", part, full, group.size);
        float[][] posts = floats(exchange("reduceScatter", full.shape(), full.toArray()));
        group.release();
        int length = part.rows() * part.cols();
        RankOrder.write(RankOrder.sum(posts, rank * length, length), part);
    }

    @Override
    public void barrier() {
        exchange("barrier", "", null);
        group.release();
    }

    private static float[][] floats(Object[] posts) {
        float[][] parts = new float[posts.length][];
        for (int r = 0; r < posts.length; r++) {
            parts[r] = (float[]) posts[r];
        }
        return parts;
    }

    // posts this rank's contribution; returns every rank's once all have posted the same call, else throws on
    // every rank (the caller reads the posts, then calls group.release())
    private Object[] exchange(String op, String shape, Object contribution) {
        String call = op + " " + shape;
        group.calls[rank] = call;
        group.posts[rank] = contribution;
        group.await(rank, call);
        for (int r = 0; r < group.size; r++) {
            if (!group.calls[r].equals(call)) {
                String[] calls = group.calls.clone();
                group.release(); // every rank sees the same mismatch and throws after this round
                throw new IllegalArgumentException("collective on rank " + rank + ": the ranks' calls differ: "
                        + Arrays.toString(calls));
            }
        }
        return group.posts.clone();
    }

    /** What the ranks share: the posts and two barrier rounds per call. */
    private static final class Group {
        final int size;
        final Duration timeout;
        final String[] calls;
        final Object[] posts;
        final CyclicBarrier posted;
        final CyclicBarrier read;

        Group(int size, Duration timeout) {
            this.size = size;
            this.timeout = timeout;
            this.calls = new String[size];
            this.posts = new Object[size];
            this.posted = new CyclicBarrier(size);
            this.read = new CyclicBarrier(size);
        }

        void await(int rank, String call) {
            pass(posted, rank, call);
        }

        void release() {
            pass(read, -1, "the end of a call");
        }

        private void pass(CyclicBarrier barrier, int rank, String call) {
            try {
                barrier.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | BrokenBarrierException e) { // the barrier stays broken: later calls fail too
                throw new IllegalStateException("collective: " + call + (rank >= 0 ? " on rank " + rank : "")
                        + ": not every rank arrived within " + timeout.toMillis() + " ms, or one failed; the group"
                        + " is broken", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("collective: " + call + " interrupted", e);
            }
        }
    }
}
