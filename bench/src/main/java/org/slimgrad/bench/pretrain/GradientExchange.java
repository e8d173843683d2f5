package org.slimgrad.bench.pretrain;

import java.util.List;

import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.DenseOps;
import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;

/**
 * The data-parallel gradient of a batch cut into micro-batches: rank r computes the gradients of micro-batches
 * [r·k, (r+1)·k) (k = micro-batches / ranks), {@link #keep}s each, and {@link #reduce} all-gathers them and adds
 * them in micro-batch order on every rank. The sums and their order depend on the micro-batches alone, not on the
 * number of ranks, so a run on 1, 2 or 3 ranks (any divisor of the micro-batch count) gives the same weights bit for
 * bit. The price: each rank receives every micro-batch's gradient (micro-batches × parameters floats a step) where
 * an all-reduce in MPI's order would move one gradient's worth and agree only to rounding.
 */
final class GradientExchange {

    private final Collective group;
    private final HostAccess host;
    private final List<Matrix> gradients;
    private final int microBatches;
    private final int total;
    private final float[] mine;
    private final float[] all;
    private final float[] sum;
    /** Copies between host matrices, whatever the model's backend. */
    private final DenseOps hostCopy = Backends.cpu();

    GradientExchange(Collective group, Backend backend, List<Matrix> gradients, int microBatches) {
        if (microBatches < 1 || microBatches % group.size() != 0) {
            throw new IllegalArgumentException("GradientExchange: " + microBatches + " micro-batches on "
                    + group.size() + " ranks; the ranks must divide the micro-batches");
        }
        this.group = group;
        this.host = HostAccess.of(backend);
        this.gradients = List.copyOf(gradients);
        this.microBatches = microBatches;
        long elements = 0;
        int largest = 0;
        for (Matrix g : gradients) {
            elements += (long) g.rows() * g.cols();
            largest = Math.max(largest, g.rows() * g.cols());
        }
        this.total = Math.toIntExact(elements);
        this.mine = new float[Math.multiplyExact(perRank(), total)];
        this.all = new float[Math.multiplyExact(microBatches, total)];
        this.sum = new float[largest];
    }

    /** Micro-batches each rank computes. */
    int perRank() {
        return microBatches / group.size();
    }

    /** The index in the batch of this rank's {@code local}-th micro-batch. */
    int microBatch(int local) {
        return group.rank() * perRank() + local;
    }

    /** Keeps the gradients now in the model's matrices as those of this rank's {@code local}-th micro-batch. */
    void keep(int local) {
        int offset = local * total;
        for (Matrix gradient : gradients) {
            hostCopy.copy(host.read(gradient), Matrix.wrap(mine, offset, gradient.rows(), gradient.cols(),
                    gradient.cols()));
            offset += gradient.rows() * gradient.cols();
        }
    }

    /** Makes the model's gradient matrices the batch's: every micro-batch's, added in micro-batch order. */
    void reduce() {
        group.allGather(Matrix.wrap(mine, perRank(), total), Matrix.wrap(all, microBatches, total));
        int offset = 0;
        for (Matrix gradient : gradients) {
            int size = gradient.rows() * gradient.cols();
            System.arraycopy(all, offset, sum, 0, size);
            for (int m = 1; m < microBatches; m++) {
                int from = m * total + offset;
                for (int e = 0; e < size; e++) {
                    sum[e] += all[from + e];
                }
            }
            Matrix values = host.blank(gradient);
            hostCopy.copy(Matrix.wrap(sum, 0, gradient.rows(), gradient.cols(), gradient.cols()), values);
            host.write(values, gradient);
            offset += size;
        }
    }
}
