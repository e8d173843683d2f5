package org.slimgrad.bench;

import java.util.concurrent.TimeUnit;

import org.jtransforms.dct.FloatDCT_1D;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.train.DctProjector;
import org.slimgrad.train.NonFinitePolicy;
import org.slimgrad.train.SvdProjector;

import pl.edu.icm.jlargearrays.ConcurrencyUtils;

/**
 * The DCT and the projector refresh built on it, one thread throughout: slimgrad's batched row DCT beside
 * JTransforms' FloatDCT_1D (orthonormal, {@code scale = true}) on the same rows; and one DCT-projector refresh
 * (scores, top-r, projected gradient) beside the dense formulation of the reference implementation (materialised
 * DCT matrix Q and a GEMM on our own kernels, then norms, top-r and a gather) and beside the randomized-SVD refresh
 * of {@link SvdProjector}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DctBench {

    /** "MxN": M rows, each transformed along its N elements. */
    @State(Scope.Benchmark)
    public static class Rows {
        @Param({"1024x2736", "2048x5461", "1024x4096"})
        public String shape;

        /** slimgrad's threads (the report's thread-scaling cases set 2 and every core); peers stay on one. */
        @Param({"1"})
        public int threads;

        Backend cpu;
        Matrix rows;
        float[][] jtRows;
        FloatDCT_1D jtDct;

        @Setup
        public void setUp() {
            ConcurrencyUtils.setNumberOfThreads(1);
            cpu = CpuBackend.withThreads(threads);
            rows = SvdData.harmonic(cpu, shape, 5);
            jtRows = new float[rows.rows()][];
            for (int i = 0; i < rows.rows(); i++) {
                jtRows[i] = rows.view(i, 0, 1, rows.cols()).toArray();
            }
            jtDct = new FloatDCT_1D(rows.cols());
        }
    }

    /**
     * One refresh of a layer "MxN" at its GaLore rank (60M 512×1376: 128; 130M 768×2048: 256; 350M 1024×2736: 256;
     * 1B 2048×5461: 512). These are m &lt; n, the left side: Q is m×m.
     */
    @State(Scope.Benchmark)
    public static class Refresh {
        @Param({"1024x2736"})
        public String layer;

        /** slimgrad's threads, as in {@link Rows}; the dense formulation runs on the same backend. */
        @Param({"1"})
        public int threads;

        int m;
        int n;
        int rank;

        Backend cpu;
        Matrix g;
        Matrix r;
        DctProjector dct;
        SvdProjector svd;
        Matrix denseQ;
        Matrix denseProduct;
        Matrix denseScores;

        @Setup
        public void setUp() {
            String[] mn = layer.split("x");
            m = Integer.parseInt(mn[0]);
            n = Integer.parseInt(mn[1]);
            rank = switch (m) {
                case 512 -> 128;
                case 2048 -> 512;
                case 4096 -> 1024;
                default -> 256;
            };
            cpu = CpuBackend.withThreads(threads);
            g = SvdData.harmonic(cpu, m, n, 9);
            r = cpu.allocate(rank, n);
            dct = new DctProjector(cpu, m, n, rank, 1, 1f, ScoreNorm.L1, NonFinitePolicy.THROW);
            svd = new SvdProjector(cpu, m, n, rank, 1, 1f, SvdProjector.Refresh.randomized(10, 2),
                    NonFinitePolicy.THROW, 3);
            denseQ = cpu.allocate(m, m);
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < m; k++) {
                    double c = k == 0 ? Math.sqrt(1.0 / m) : Math.sqrt(2.0 / m);
                    denseQ.set(j, k, (float) (c * Math.cos(Math.PI * k * (2 * j + 1) / (2.0 * m))));
                }
            }
            denseProduct = cpu.allocate(m, n);
            denseScores = cpu.allocate(1, m);
        }
    }

    /** Back-projection of a 1024×2736 layer's r×2736 projected gradient (left side, Q 1024×1024). */
    @State(Scope.Benchmark)
    public static class Back {
        @Param({"16", "64", "256"})
        public int rank;

        final int m = 1024;
        final int n = 2736;
        Backend cpu;
        Matrix r;
        Matrix out;
        int[] indices;
        Matrix gatheredBasis;

        @Setup
        public void setUp() {
            cpu = CpuBackend.withThreads(1);
            r = SvdData.harmonic(cpu, rank, n, 11);
            out = cpu.allocate(m, n);
            indices = new int[rank];
            for (int t = 0; t < rank; t++) {
                indices[t] = (int) ((long) t * m / rank);
            }
            gatheredBasis = cpu.allocate(m, rank);
            for (int j = 0; j < m; j++) {
                for (int t = 0; t < rank; t++) {
                    int k = indices[t];
                    double c = k == 0 ? Math.sqrt(1.0 / m) : Math.sqrt(2.0 / m);
                    gatheredBasis.set(j, t, (float) (c * Math.cos(Math.PI * k * (2 * j + 1) / (2.0 * m))));
                }
            }
        }
    }

    @Benchmark
    public Object inverseDctBackProjection(Back s) {
        s.cpu.idctScatter(s.r, Axis.COLUMNS, s.indices, 1f, 0f, s.out);
        return s.out;
    }

    /** ΔW = Q[:, idx]·R with the r basis columns materialised (m·r floats held) and one GEMM. */
    @Benchmark
    public Object gatheredBasisBackProjection(Back s) {
        s.cpu.gemm(false, false, 1f, s.gatheredBasis, s.r, 0f, s.out);
        return s.out;
    }

    @Benchmark
    public Object slimgradRows(Rows s) {
        s.cpu.dct(s.rows, s.rows, Axis.ROWS);
        return s.rows;
    }

    @Benchmark
    public Object jtransformsRows(Rows s) {
        for (float[] row : s.jtRows) {
            s.jtDct.forward(row, true);
        }
        return s.jtRows;
    }

    @Benchmark
    public Object dctProjectorRefresh(Refresh s) {
        s.dct.project(s.g, s.r);
        return s.r;
    }

    /**
     * The refresh's scoring alone: the column DCT of G with the norms summed as it goes, nothing kept. What
     * {@link #dctProjectorRefresh} costs beyond it is keeping the transform (G's size) and gathering R from it.
     */
    @Benchmark
    public Object dctScoresOnly(Refresh s) {
        s.cpu.dctScores(s.g, Axis.COLUMNS, ScoreNorm.L1, s.denseScores);
        return s.denseScores;
    }

    /** The reference implementation's refresh: S = Qᵀ·G by GEMM, row L1 norms, top-r, rows of S gathered. */
    @Benchmark
    public Object denseMatmulRefresh(Refresh s) {
        s.cpu.gemm(true, false, 1f, s.denseQ, s.g, 0f, s.denseProduct);
        for (int k = 0; k < s.m; k++) {
            double sum = 0;
            for (int j = 0; j < s.n; j++) {
                sum += Math.abs(s.denseProduct.get(k, j));
            }
            s.denseScores.set(0, k, (float) sum);
        }
        int[] chosen = s.cpu.topK(s.denseScores, s.rank);
        for (int t = 0; t < chosen.length; t++) {
            s.cpu.copy(s.denseProduct.view(chosen[t], 0, 1, s.n), s.r.view(t, 0, 1, s.n));
        }
        return s.r;
    }

    @Benchmark
    public Object svdProjectorRefresh(Refresh s) {
        s.svd.project(s.g, s.r);
        return s.r;
    }
}
