package org.slimgrad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.Svd;
import org.slimgrad.cuda.CudaBackend;
import org.slimgrad.cuda.CudaProvider;
import org.slimgrad.nativelib.cuda.Context;
import org.slimgrad.nativelib.cuda.CuSolver;
import org.slimgrad.nativelib.cuda.Cuda;
import org.slimgrad.nativelib.cuda.DeviceBuffer;
import org.slimgrad.train.DctProjector;
import org.slimgrad.train.LowRankAdam;
import org.slimgrad.train.NonFinitePolicy;
import org.slimgrad.train.SparsePlusLowRankLinear;
import org.slimgrad.train.SvdProjector;

/**
 * The {@code cuda} job (the benchmarks of issues 9 and 10): on the GPU, for 1024×2736 r=256, 2048×5461 r=512 and
 * 4096×11008 r=1024, (1) slimgrad's GEMM (A·Z), orthonormalize (n×l) and randomizedSvd (2 power iterations, oversample
 * 10) beside cuSOLVER's own randomized SVD (gesvdr, same rank, oversample and iterations) and its full SVD (gesvd),
 * with the rank-r error of both randomized results against the optimal one (the test matrices have a known 1/k
 * spectrum); (2) the methods' kernels: the DCT projector's refresh, the low-rank Adam step, the sparse-plus-low-rank
 * forward and its S gradient, each beside its dense formulation on cuBLAS. Median GPU time (CUDA events) over
 * repetitions. Writes cuda.md (the methods first, rewritten after every row; see {@link #run}); where there is no GPU
 * it writes why, and nothing else.
 */
public final class CudaComparison {

    private static final int[][] SHAPES = {{1024, 2736, 256}, {2048, 5461, 512}, {4096, 11008, 1024}};
    private static final int OVERSAMPLE = 10;
    private static final int POWER_ITERATIONS = 2;
    private static final int TOKENS = 4096;

    private CudaComparison() {
    }

    /**
     * {@code [--out DIR] [--budget-s S]}: the methods table first, then the SVD table; cuda.md is rewritten (and the
     * row printed) after every row, and no row starts after S seconds (default 200, inside gpu-check's 230 s limit),
     * so a visit that ends early keeps every finished row. The full SVD (gesvd) runs at the two smaller shapes only:
     * at 4096×11008 it takes minutes.
     */
    public static void run(String[] args) throws IOException {
        Path out = Path.of("report");
        long budgetSeconds = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[i + 1]);
                case "--budget-s" -> budgetSeconds = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("cuda: unknown option " + args[i]
                        + "; use --out DIR, --budget-s SECONDS");
            }
        }
        Files.createDirectories(out);
        Path file = out.resolve("cuda.md");
        Optional<String> unavailable = new CudaProvider().unavailableReason();
        if (unavailable.isPresent()) {
            String text = "# CUDA backend\n\nNot measured: no usable CUDA device here (" + unavailable.get() + ").\n";
            Files.writeString(file, text);
            System.out.print(text);
            return;
        }
        long deadline = System.nanoTime() + budgetSeconds * 1_000_000_000L;
        StringBuilder md = new StringBuilder("# CUDA backend beside cuBLAS and cuSOLVER\n\n");
        try (CudaBackend cuda = CudaBackend.open(0); Context peers = Cuda.get().open(0);
             CuSolver solver = new CuSolver(peers)) {
            md.append(String.format(Locale.ROOT, "Device: %s (compute capability %s); %s. Median ms over repetitions, timed by two CUDA events"
                    + " on the stream around each (the GPU timeline from the first queued work to the last: host gaps"
                    + " inside an operation, such as a wait for σ, count; launch latency before it does not).%n%n## The methods' kernels (issue 10)%n%n"
                    + "Peers in the same run: the dense formulations on cuBLAS. For reference only (not"
                    + " measured here), the issue's PyTorch 2.11 eager figures on an H100 for 1024x2736 / 2048x5461 /"
                    + " 4096x11008: DCT select+project 0.25 / 1.38 / 8.96, GaLore Adam step 0.148 / 0.649 / 4.15,"
                    + " SLTrain forward via dense W 0.525 / 2.10 / 9.22, S gradient via dense product + gather"
                    + " 0.49 / 1.84 / 7.05.%n%n| shape | rank | DCT refresh (scores, top-k, gather) | dense G·Q GEMM"
                    + " alone | low-rank Adam step (SVD, no refresh) | SLTrain forward, %d tokens | dense W then GEMM |"
                    + " S gradient (sddmm) | dense dYᵀ·X then gather |%n|---|---|---|---|---|---|---|---|---|%n",
                    cuda.deviceName(), peers.computeCapability(), peers.libraryVersions(), TOKENS));
            Files.writeString(file, md);
            for (int[] shape : SHAPES) {
                if (!withinBudget(deadline, md, file, budgetSeconds)) {
                    return;
                }
                addRow(md, file, methodsRow(cuda, shape[0], shape[1], shape[2], TOKENS));
            }
            md.append(String.format(Locale.ROOT, "%n## Randomized SVD beside cuSOLVER%n%nrSVD with %d power"
                            + " iterations and oversample %d on matrices with σ_k = 1/k; error = ‖A − UΣVᵀ‖_F / optimal"
                            + " rank-r error; full gesvd at the two smaller shapes only.%n%n| shape | rank | slimgrad"
                            + " gemm A·Z | slimgrad orthonormalize n×l | slimgrad rSVD | error | cuSOLVER gesvdr | error |"
                            + " cuSOLVER gesvd (full) | gesvdr / slimgrad |%n|---|---|---|---|---|---|---|---|---|---|%n",
                    POWER_ITERATIONS, OVERSAMPLE));
            Files.writeString(file, md);
            for (int s = 0; s < SHAPES.length; s++) {
                if (!withinBudget(deadline, md, file, budgetSeconds)) {
                    return;
                }
                int[] shape = SHAPES[s];
                addRow(md, file, row(cuda, peers, solver, shape[0], shape[1], shape[2], s < SHAPES.length - 1));
            }
        }
    }

    // the report on disk and the console gain the row as soon as it is measured
    private static void addRow(StringBuilder md, Path file, String row) throws IOException {
        md.append(row);
        Files.writeString(file, md);
        System.out.print(row);
    }

    // false, with a note in the report, once the budget is spent: the rows so far are already on disk
    static boolean withinBudget(long deadline, StringBuilder md, Path file, long budgetSeconds)
            throws IOException {
        if (System.nanoTime() < deadline) {
            return true;
        }
        md.append(String.format(Locale.ROOT, "%nStopped: the %d s budget (--budget-s) was spent; the rows above are"
                + " complete.%n", budgetSeconds));
        Files.writeString(file, md);
        System.out.print(md.substring(md.lastIndexOf("Stopped")));
        return false;
    }

    private static String row(CudaBackend cuda, Context peers, CuSolver solver, int m, int n, int rank,
                              boolean withFullSvd) {
        int width = rank + OVERSAMPLE;
        int p = Math.min(m, n);
        double[] sigma = new double[p];
        for (int k = 0; k < p; k++) {
            sigma[k] = 1.0 / (k + 1);
        }
        Matrix a = withSpectrum(cuda, m, n, sigma);
        double optimal = 0;
        for (int k = rank; k < p; k++) {
            optimal += sigma[k] * sigma[k];
        }
        optimal = Math.sqrt(optimal);

        Matrix z = cuda.allocate(n, width);
        Matrix y = cuda.allocate(m, width);
        cuda.scale(0f, z);
        double gemm = median(5, () -> cuda.gemm(false, false, 1f, a, z, 0f, y), cuda);
        Matrix basis = cuda.allocate(n, width);
        Matrix start = cuda.fromHost(random(n, width, 3));
        double ortho = median(5, () -> {
            cuda.copy(start, basis);
            cuda.orthonormalize(basis);
        }, cuda);
        Svd[] ours = new Svd[1];
        double rsvd = median(5, () -> ours[0] = cuda.randomizedSvd(a, rank, OVERSAMPLE, POWER_ITERATIONS, 7, null),
                cuda);
        double ourError = error(cuda, a, ours[0]) / optimal;

        // cuSOLVER works column-major: our row-major A is its n×m Aᵀ, with the same singular values
        float[] host = cuda.toHost(a).toArray();
        try (DeviceBuffer at = peers.allocate((long) m * n); DeviceBuffer s = peers.allocate(p);
             DeviceBuffer u = peers.allocate((long) n * rank); DeviceBuffer v = peers.allocate((long) m * rank)) {
            double gesvdr = destructiveMedian(4, at, host, peers,
                    () -> solver.randomizedSvd(n, m, rank, OVERSAMPLE, POWER_ITERATIONS, at, s, u, v));
            float[] sv = new float[rank];
            s.download(sv);
            double gesvdrError = cuSolverError(cuda, a, n, m, rank, u, v, sv) / optimal;
            String gesvd = withFullSvd ? String.format(Locale.ROOT, "%.1f", fullSvd(peers, solver, host, n, m)) : "—";
            return String.format(Locale.ROOT, "| %dx%d | %d | %.2f | %.2f | %.2f | %.4f | %.2f | %.4f | %s | %.1fx |%n",
                    m, n, rank, gemm, ortho, rsvd, ourError, gesvdr, gesvdrError, gesvd, gesvdr / rsvd);
        }
    }

    static String methodsRow(CudaBackend cuda, int m, int n, int rank, int tokens) {
        Matrix g = cuda.allocate(m, n);
        cuda.fillUniform(g, 1f, 11);
        DctProjector dct = new DctProjector(cuda, m, n, rank, 1, 0.25f, ScoreNorm.L1, NonFinitePolicy.THROW);
        Matrix r = cuda.allocate(dct.projectedRows(), dct.projectedCols());
        double dctRefresh = median(5, () -> dct.project(g, r), cuda); // refreshes every step (gap 1)
        int length = Math.min(m, n); // the side rule transforms the shorter dimension's lines
        Matrix q = cuda.allocate(length, length);
        cuda.fillUniform(q, 1f, 12);
        Matrix gq = cuda.allocate(m, n);
        double denseGq = median(5, () -> {
            if (m >= n) {
                cuda.gemm(false, false, 1f, g, q, 0f, gq);
            } else {
                cuda.gemm(false, false, 1f, q, g, 0f, gq);
            }
        }, cuda);

        SvdProjector svd = new SvdProjector(cuda, m, n, rank, 1_000_000, 0.25f,
                SvdProjector.Refresh.randomized(OVERSAMPLE, POWER_ITERATIONS), NonFinitePolicy.THROW, 13);
        LowRankAdam adam = new LowRankAdam(cuda, svd, new LowRankAdam.Settings(1e-3f, 0.9f, 0.999f, 1e-8f, 0f,
                LowRankAdam.OnRefresh.KEEP));
        Matrix w = cuda.allocate(m, n);
        adam.step(w, g); // the refresh, outside the timing
        double adamStep = median(5, () -> adam.step(w, g), cuda);

        SparsePlusLowRankLinear layer = new SparsePlusLowRankLinear(cuda, m, n, rank, rank, 0.03, 14);
        Matrix x = cuda.allocate(tokens, n);
        cuda.fillUniform(x, 1f, 15);
        Matrix y = cuda.allocate(tokens, m);
        double forward = median(5, () -> layer.forward(x, y), cuda);
        Matrix dense = cuda.allocate(m, n);
        double denseForward = median(5, () -> {
            cuda.gemm(false, false, layer.scaling(), layer.b(), layer.a(), 0f, dense);
            cuda.sparseAddTo(layer.support(), layer.values(), 1f, dense);
            cuda.gemm(false, true, 1f, x, dense, 0f, y);
        }, cuda);
        Matrix dy = cuda.allocate(tokens, m);
        cuda.fillUniform(dy, 1f, 16);
        Matrix grad = cuda.allocate(1, layer.support().nnz());
        double sddmm = median(5, () -> cuda.sddmm(1f, dy, x, layer.support(), 0f, grad), cuda);
        double denseGrad = median(5, () -> {
            cuda.gemm(true, false, 1f, dy, x, 0f, dense);
            cuda.sparseGather(dense, layer.support(), grad);
        }, cuda);
        return String.format(Locale.ROOT, "| %dx%d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", m, n,
                rank, dctRefresh, denseGq, adamStep, forward, denseForward, sddmm, denseGrad);
    }

    // A = U·diag(σ)·Vᵀ with U, V orthonormalised seeded sketches, built on the device
    private static Matrix withSpectrum(CudaBackend cuda, int m, int n, double[] sigma) {
        int p = sigma.length;
        Matrix u = cuda.fromHost(random(m, p, 1));
        Matrix v = cuda.fromHost(random(n, p, 2));
        cuda.orthonormalize(u);
        cuda.orthonormalize(v);
        Matrix d = Matrix.wrap(new float[p * p], p, p);
        for (int k = 0; k < p; k++) {
            d.set(k, k, (float) sigma[k]);
        }
        Matrix us = cuda.allocate(m, p);
        cuda.gemm(false, false, 1f, u, cuda.fromHost(d), 0f, us);
        Matrix a = cuda.allocate(m, n);
        cuda.gemm(false, true, 1f, us, v, 0f, a);
        return a;
    }

    private static Matrix random(int rows, int cols, long seed) {
        Matrix m = Matrix.wrap(new float[rows * cols], rows, cols);
        org.slimgrad.CounterRandom.fillSketch(m, seed);
        return m;
    }

    // ‖A − U·diag(σ)·Vᵀ‖_F on the device
    private static double error(CudaBackend cuda, Matrix a, Svd svd) {
        int r = svd.rank();
        Matrix d = Matrix.wrap(new float[r * r], r, r);
        for (int k = 0; k < r; k++) {
            d.set(k, k, svd.sigma()[k]);
        }
        Matrix us = cuda.allocate(a.rows(), r);
        cuda.gemm(false, false, 1f, svd.u(), cuda.fromHost(d), 0f, us);
        Matrix residual = cuda.allocate(a.rows(), a.cols());
        cuda.copy(a, residual);
        cuda.gemm(false, false, -1f, us, svd.vt(), 1f, residual);
        return Math.sqrt(cuda.sumOfSquares(residual));
    }

    // gesvdr's column-major U (n×r of Aᵀ) and V (m×r) read back as row-major Vᵀ-of-A and U-of-A
    private static double cuSolverError(CudaBackend cuda, Matrix a, int rows, int cols, int rank, DeviceBuffer u,
                                        DeviceBuffer v, float[] sigma) {
        float[] uHost = new float[rows * rank];
        float[] vHost = new float[cols * rank];
        u.download(uHost);
        v.download(vHost);
        // column-major U (rows×rank) is row-major rank×rows: that is Vᵀ of our A; likewise V gives Uᵀ of our A
        Matrix vt = cuda.fromHost(Matrix.wrap(uHost, rank, rows));
        Matrix ut = cuda.fromHost(Matrix.wrap(vHost, rank, cols));
        Matrix uOfA = cuda.allocate(cols, rank);
        cuda.transpose(ut, uOfA);
        return error(cuda, a, new Svd(uOfA, sigma, vt));
    }

    private static double fullSvd(Context peers, CuSolver solver, float[] host, int rows, int cols) {
        try (DeviceBuffer at = peers.allocate((long) rows * cols); DeviceBuffer s = peers.allocate(cols);
             DeviceBuffer u = peers.allocate((long) rows * cols); DeviceBuffer vt = peers.allocate((long) cols * cols)) {
            return destructiveMedian(3, at, host, peers, () -> solver.sgesvd(rows, cols, at, s, u, vt));
        }
    }

    // a cuSOLVER routine that destroys its input: fresh input before each call, the first call a warm-up; timed by
    // CUDA events on the peers' stream, which the routine's library handle runs on
    private static double destructiveMedian(int calls, DeviceBuffer input, float[] host, Context peers,
                                            Runnable routine) {
        double[] ms = new double[calls - 1];
        for (int call = 0; call < calls; call++) {
            input.upload(host);
            double elapsed = peers.elapsedMillis(routine);
            if (call > 0) {
                ms[call - 1] = elapsed;
            }
        }
        return median(ms);
    }

    private static double median(int repetitions, Runnable work, CudaBackend cuda) {
        work.run(); // warm-up: plans, pool, JIT
        cuda.synchronize();
        double[] ms = new double[repetitions];
        for (int rep = 0; rep < repetitions; rep++) {
            ms[rep] = cuda.elapsedMillis(work);
        }
        return median(ms);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
