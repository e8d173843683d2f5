package org.slimgrad.collective;

import org.slimgrad.Matrix;

/**
 * Collective operations among the {@link #size} ranks of a data- or tensor-parallel group, the seam through which
 * slimgrad's optimizers will shard their state and refreshes (issue 29). Every rank calls the same operations in the
 * same order with arguments of the same shape; a mismatch, or a rank that does not arrive within the group's timeout,
 * ends the call on every rank with an exception naming the operation, never a hang. Implementations: {@link
 * InProcessCollective} (ranks as threads of one JVM) and, in module native, {@code MpiCollective} (Open MPI, one
 * rank per process); NCCL is to come.
 *
 * <p>Reductions add the ranks' contributions in rank order, so every rank gets the same bits, and the same bits run
 * after run for a given group size.
 */
public interface Collective {

    /** This rank, in [0, size). */
    int rank();

    /** The number of ranks. */
    int size();

    /** m = the sum over ranks of m (a host matrix of the same shape on every rank), added in rank order. */
    void allReduceSum(Matrix m);

    /** values = the element-wise sum over ranks, in float64 (column scores), added in rank order. */
    void allReduceSum(double[] values);

    /** m = root's m on every rank (the same shape everywhere). */
    void broadcast(Matrix m, int root);

    /** values = root's values on every rank (the same length everywhere), e.g. chosen DCT indices. */
    void broadcast(int[] values, int root);

    /**
     * all = every rank's part stacked in rank order: part is p×c on every rank, all (size·p)×c, rank r's part in rows
     * [r·p, (r+1)·p) (the weights that ranks updated in shards, gathered).
     */
    void allGather(Matrix part, Matrix all);

    /**
     * part = the sum over ranks, in rank order, of rows [rank·p, (rank+1)·p) of their full (size·p)×c matrices (the
     * gradients each rank computed, reduced only into the shard this rank owns).
     */
    void reduceScatter(Matrix full, Matrix part);

    /** Returns once every rank has called it. */
    void barrier();
}
