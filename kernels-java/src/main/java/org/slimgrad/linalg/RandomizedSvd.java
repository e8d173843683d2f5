package org.slimgrad.linalg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;

/**
 * {@link RandomizedSvdDriver} on one host backend, with all its workspace: O((m + n)·l) floats for
 * l = rank + oversample, allocated here once and reused by every {@link #compute} (a GaLore projector refreshes the
 * same shape every T steps); only O(l²) float64 scratch is allocated per call. The small SVD of R goes through
 * RᵀR = V_R·Σ²·V_Rᵀ in float64, U_R being the orthonormalised R·V_R whose column norms are Σ; Vᵀ = U_Rᵀ·Q₂ᵀ is one
 * GEMM with both operands transposed (no n×rank V, no transposing copy). U and Vᵀ go into the caller's matrices.
 */
public final class RandomizedSvd extends RandomizedSvdDriver<double[]> {

    private final Backend backend;
    private final Parallel parallel;
    private final Matrix small;
    private final double[] r;

    /** A plan whose small float64 steps run on the caller's thread. */
    public RandomizedSvd(Backend backend, int m, int n, int rank, int oversample) {
        this(backend, m, n, rank, oversample, Parallel.SEQUENTIAL);
    }

    /** A plan whose small eigendecomposition runs on {@code parallel}'s threads. */
    public RandomizedSvd(Backend backend, int m, int n, int rank, int oversample, Parallel parallel) {
        this(width(m, n, rank, oversample), backend, m, n, rank, parallel);
    }

    // the plan for the checked width (first, so the constructors differ)
    private RandomizedSvd(int width, Backend backend, int m, int n, int rank, Parallel parallel) {
        super(backend, m, n, rank, width, backend.allocate(m, width), backend.allocate(n, width),
                new CholeskyQr(backend, m, width), new CholeskyQr(backend, n, width));
        this.backend = backend;
        this.parallel = parallel;
        this.small = backend.allocate(width, rank);
        this.r = new double[width * width];
    }

    /** {@link #compute(Matrix, int, long, Svd, Matrix, Matrix)} into new matrices of the plan's backend. */
    public Svd compute(Matrix a, int powerIterations, long seed, Svd warmStart) {
        Matrix u = backend.allocate(m, rank);
        Matrix vt = backend.allocate(rank, n);
        return new Svd(u, compute(a, powerIterations, seed, warmStart, u, vt), vt);
    }

    /** Bytes of workspace this plan holds. */
    public long workspaceBytes() {
        return workspaceBytes(m, n, rank, width - rank);
    }

    /** Bytes a plan for m×n at this rank and oversample allocates, without allocating it. */
    public static long workspaceBytes(int m, int n, int rank, int oversample) {
        long width = Math.min(rank + oversample, Math.min(m, n));
        long floats = m * width + n * width + width * rank;
        return floats * Float.BYTES + width * width * Double.BYTES + CholeskyQr.workspaceBytes(m, (int) width)
                + CholeskyQr.workspaceBytes(n, (int) width);
    }

    @Override
    protected void startingBlock(long seed, Svd warmStart, int warm) {
        MemorySegment zs = z.segment();
        for (int i = 0; i < n; i++) {
            long row = z.index(i, 0);
            for (int j = 0; j < width; j++) {
                float value = j < warm ? warmStart.vt().get(j, i) : CounterRandom.sketch(seed, (long) i * width + j);
                zs.setAtIndex(ValueLayout.JAVA_FLOAT, row + j, value);
            }
        }
    }

    @Override
    protected double[] triangle() {
        return r;
    }

    @Override
    protected float[] fromTriangle(double[] r, Matrix u, Matrix vt) {
        int l = width;
        double[] rtr = SmallDense.multiplyTransposeUpper(r, l);
        double[] lambda = new double[l];
        double[] vr = new double[l * l];
        SymmetricEigenSolver.decompose(rtr, l, lambda, vr, parallel);
        double[] ur = SmallDense.multiplyUpperLeft(r, vr, l, l);
        double[] norms = SmallDense.normalizeSingularVectors(ur, l, l);
        if (u != null) {
            copyLeading(vr, l);
            dense.gemm(false, false, 1f, y, small, 0f, u);     // U = Q·V_R[:, :rank]
        }
        if (vt != null) {
            copyLeading(ur, l);
            dense.gemm(true, true, 1f, small, z, 0f, vt);      // Vᵀ = U_R[:, :rank]ᵀ·Q₂ᵀ
        }
        float[] sigma = new float[rank];
        for (int j = 0; j < rank; j++) {
            sigma[j] = (float) norms[j];
        }
        return sigma;
    }

    // small = the first rank columns of the l×l row-major float64 matrix
    private void copyLeading(double[] values, int l) {
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < rank; j++) {
                small.set(i, j, (float) values[i * l + j]);
            }
        }
    }
}
