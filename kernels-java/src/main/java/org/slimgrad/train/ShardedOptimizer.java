package org.slimgrad.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;

/**
 * Optimizer state sharded over the ranks of a data-parallel group (ZeRO stage 1): each parameter's optimizer lives
 * on one rank only, chosen to balance the state's bytes, so a rank holds about 1/size of the total. Every rank
 * passes the same (all-reduced) gradients to {@link #step}; the owner of each parameter steps it, then broadcasts
 * the updated weight, so every rank ends the step with the same weights — bit for bit those of an unsharded run,
 * since each parameter's step is the same computation on the same inputs, wherever it runs.
 *
 * <p>Ownership: parameters in decreasing order of their declared state bytes (ties: the earlier one), each to the
 * rank with the fewest bytes so far (ties: the lower rank) — the same on every rank without communication. Host
 * weights (the collective's); one thread at a time.
 */
public final class ShardedOptimizer {

    /**
     * A parameter: its name, its weight (the same values on every rank), the bytes its optimizer will hold (for the
     * balance; {@link LowRankAdam#bytesHeld} of an equal optimizer, or an estimate), and how to build that optimizer
     * on the rank that owns it.
     */
    public record Parameter(String name, Matrix weight, long stateBytes, Supplier<ParameterOptimizer> optimizer) {
    }

    private final Collective group;
    private final List<Parameter> parameters;
    private final int[] owners;
    private final ParameterOptimizer[] owned;

    public ShardedOptimizer(Collective group, List<Parameter> parameters) {
        if (group == null || parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("ShardedOptimizer: group " + group + ", parameters " + parameters
                    + "; need a group and at least one parameter");
        }
        this.group = group;
        this.parameters = List.copyOf(parameters);
        this.owners = assign(this.parameters, group.size());
        this.owned = new ParameterOptimizer[this.parameters.size()];
        for (int p = 0; p < owned.length; p++) {
            if (owners[p] == group.rank()) {
                owned[p] = this.parameters.get(p).optimizer().get();
            }
        }
    }

    /** The rank that holds parameter p's optimizer state. */
    public int owner(int p) {
        return owners[p];
    }

    /**
     * One step of every parameter with its gradient (gradients.get(p) for parameter p, the same values on every
     * rank): this rank steps the parameters it owns, then every weight is broadcast from its owner.
     */
    public void step(List<Matrix> gradients, float learningRate) {
        if (gradients == null || gradients.size() != parameters.size()) {
            throw new IllegalArgumentException("ShardedOptimizer.step: " + (gradients == null ? "no" : gradients.size())
                    + " gradients for " + parameters.size() + " parameters");
        }
        for (int p = 0; p < owned.length; p++) {
            if (owned[p] != null) {
                owned[p].step(parameters.get(p).weight(), gradients.get(p), learningRate);
            }
        }
        if (group.size() == 1) {
            return; // every parameter is this rank's: nothing to send
        }
        for (int p = 0; p < owned.length; p++) {
            group.broadcast(parameters.get(p).weight(), owners[p]);
        }
    }

    /** Bytes of optimizer state this rank holds. */
    public long bytesHeld() {
        long bytes = 0;
        for (ParameterOptimizer optimizer : owned) {
            bytes += optimizer == null ? 0 : optimizer.bytesHeld();
        }
        return bytes;
    }

    /**
     * Writes the state of the optimizers this rank owns, in parameter order: each rank checkpoints its own share
     * (the weights, the same on every rank, are the caller's to save).
     */
    public void save(OutputStream out) throws IOException {
        for (ParameterOptimizer optimizer : owned) {
            if (optimizer != null) {
                optimizer.save(out);
            }
        }
    }

    /**
     * Restores what {@link #save} wrote on this rank, for the same parameters and group size. Every part is read
     * into a fresh optimizer first; the state changes only when all of it was accepted.
     */
    public void load(InputStream in) throws IOException {
        ParameterOptimizer[] loaded = new ParameterOptimizer[owned.length];
        for (int p = 0; p < owned.length; p++) {
            if (owned[p] != null) {
                loaded[p] = parameters.get(p).optimizer().get();
                loaded[p].load(in);
            }
        }
        System.arraycopy(loaded, 0, owned, 0, owned.length);
    }

    /** The optimizer of parameter p if this rank owns it, else null. */
    public ParameterOptimizer optimizer(int p) {
        return owned[p];
    }

    /** This rank's optimizers, by parameter name, for a {@link MemoryReport}. */
    public MemoryReport addTo(MemoryReport report) {
        for (int p = 0; p < owned.length; p++) {
            String name = parameters.get(p).name() + " (rank " + group.rank() + ")";
            if (owned[p] instanceof LowRankAdam lowRank) {
                report.add(name, lowRank);
            } else if (owned[p] != null) { // a full-rank optimizer: its own bytes are the full-rank figure
                report.add(name, owned[p].bytesHeld(), 0, owned[p].bytesHeld());
            }
        }
        return report;
    }

    private static int[] assign(List<Parameter> parameters, int ranks) {
        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < parameters.size(); p++) {
            order.add(p);
        }
        order.sort(Comparator.comparingLong((Integer p) -> -parameters.get(p).stateBytes()).thenComparingInt(p -> p));
        long[] load = new long[ranks];
        int[] owners = new int[parameters.size()];
        for (int p : order) {
            int least = 0;
            for (int r = 1; r < ranks; r++) {
                if (load[r] < load[least]) {
                    least = r;
                }
            }
            owners[p] = least;
            load[least] += parameters.get(p).stateBytes();
        }
        return owners;
    }
}
