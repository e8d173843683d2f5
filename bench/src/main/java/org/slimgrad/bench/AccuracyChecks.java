package org.slimgrad.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.jtransforms.dct.FloatDCT_1D;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;
import org.slimgrad.bench.report.Case;
import org.slimgrad.bench.report.Report.Accuracy;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.linalg.RandomizedSvd;
import org.slimgrad.nativelib.NativeBackend;
import org.slimgrad.train.DctProjector;
import org.slimgrad.train.NonFinitePolicy;
import org.slimgrad.train.SparsePlusLowRankLinear;

import pl.edu.icm.jlargearrays.ConcurrencyUtils;

/**
 * The error column of the report: each kernel's answer measured against a float64 (or exact-method) reference on
 * the benchmark's data, untimed, so that a speed-up never hides a worse answer.
 */
final class AccuracyChecks {

    private final List<Case> suite;
    private final List<Accuracy> out = new ArrayList<>();
    private final Backend cpu = CpuBackend.withThreads(2);
    private final Backend reference = Backends.reference();

    private AccuracyChecks(List<Case> suite) {
        this.suite = suite;
    }

    /** Measures every group of the suite that has a check. */
    static List<Accuracy> measure(List<Case> suite) {
        AccuracyChecks checks = new AccuracyChecks(suite);
        checks.gemm();
        checks.blas();
        checks.randomizedSvd();
        checks.factorisations();
        checks.dct();
        checks.refresh();
        checks.backProjection();
        checks.sparse();
        return checks.out;
    }

    private void add(String kernel, String shape, String implementation, String metric, double value) {
        boolean known = suite.stream().anyMatch(c -> c.kernel().equals(kernel) && c.shape().equals(shape)
                && c.implementation().equals(implementation));
        if (known) {
            out.add(new Accuracy(kernel + " " + shape, implementation, metric, value));
        }
    }

    private void gemm() {
        for (Case c : suite) {
            if (!c.kernel().startsWith("gemm")) {
                continue;
            }
            String impl = c.params().get("impl");
            Map<String, Double> errors = GemmComparison.measureErrors(GemmShape.parse(c.shape()), List.of(impl));
            add(c.kernel(), c.shape(), c.implementation(), "max |err| / (u·Σ|a||b|)", errors.get(impl));
        }
    }

    // axpy and the low-rank update against the reference backend, the update on 64 of the layer's rows
    private void blas() {
        Backend lapack = NativeBackend.withThreads(1);
        Matrix x = cpu.allocate(1024, 2736);
        Matrix y0 = cpu.allocate(1024, 2736);
        org.slimgrad.CounterRandom.fillSketch(x, 1);
        org.slimgrad.CounterRandom.fillSketch(y0, 2);
        Matrix want = reference.allocate(1024, 2736);
        reference.copy(y0, want);
        reference.axpy(1e-3f, x, want);
        for (Backend backend : List.of(cpu, lapack)) {
            Matrix y = backend.allocate(1024, 2736);
            backend.copy(y0, y);
            backend.axpy(1e-3f, x, y);
            add("axpy, 1 thread", "1024x2736", backend == cpu ? "slimgrad" : "OpenBLAS saxpy", "‖y − y₆₄‖/‖y₆₄‖",
                    relative(y, want));
        }
        Matrix scaledRef = reference.allocate(1024, 2736);
        reference.copy(y0, scaledRef);
        reference.scale(0.999f, scaledRef);
        for (Backend backend : List.of(cpu, lapack)) {
            Matrix y = backend.allocate(1024, 2736);
            backend.copy(y0, y);
            backend.scale(0.999f, y);
            add("scale, 1 thread", "1024x2736", backend == cpu ? "slimgrad" : "OpenBLAS sscal", "‖y − y₆₄‖/‖y₆₄‖",
                    relative(y, scaledRef));
        }
        Matrix copied = cpu.allocate(1024, 2736);
        cpu.copy(x, copied);
        add("copy, 1 thread", "1024x2736", "slimgrad", "‖y − x‖/‖x‖", relative(copied, x));
        Matrix u = cpu.allocate(64, 256);
        Matrix v = cpu.allocate(2736, 256);
        org.slimgrad.CounterRandom.fillSketch(u, 3);
        org.slimgrad.CounterRandom.fillSketch(v, 4);
        Matrix w0 = y0.view(0, 0, 64, 2736);
        Matrix wantW = reference.allocate(64, 2736);
        reference.copy(w0, wantW);
        reference.lowRankUpdate(wantW, -1e-3f, u, v);
        for (Backend backend : List.of(cpu, lapack)) {
            Matrix w = backend.allocate(64, 2736);
            backend.copy(w0, w);
            backend.lowRankUpdate(w, -1e-3f, u, v);
            add("lowRankUpdate r=256, 2 threads", "1024x2736", backend == cpu ? "slimgrad" : "OpenBLAS sgemm",
                    "‖W − W₆₄‖/‖W₆₄‖ (64 rows)", relative(w, wantW));
        }
    }

    // rank-256 error ‖A − UΣVᵀ‖_F over the optimal one, with LAPACK's singular values as the oracle
    private void randomizedSvd() {
        String kernel = "SVD refresh (rank 256)";
        if (suite.stream().noneMatch(c -> c.kernel().equals(kernel))) {
            return;
        }
        Backend lapack = NativeBackend.withThreads(2);
        Matrix a = SvdData.harmonic(cpu, 1024, 2736, 1);
        float[] sigma = lapack.svd(a).sigma();
        double optimal = 0;
        for (int i = 256; i < sigma.length; i++) {
            optimal += (double) sigma[i] * sigma[i];
        }
        optimal = Math.sqrt(optimal);
        for (Backend backend : List.of(cpu, lapack)) {
            Svd svd = new RandomizedSvd(backend, 1024, 2736, 256, 10).compute(a, 2, 7, null);
            add(kernel, "1024x2736", backend == cpu ? "slimgrad randomized SVD, q = 2" : "same algorithm on OpenBLAS GEMM",
                    "rank-256 error / optimal", SvdAccuracy.residual(cpu, a, svd) / optimal);
        }
    }

    private void factorisations() {
        Backend lapack = NativeBackend.withThreads(2);
        Matrix tall = cpu.allocate(2736, 256);
        org.slimgrad.CounterRandom.fillSketch(tall, 3);
        for (Backend backend : List.of(cpu, lapack)) {
            Matrix q = backend.allocate(2736, 256);
            backend.copy(tall, q);
            backend.orthonormalize(q);
            Matrix gram = cpu.allocate(256, 256);
            cpu.gemm(true, false, 1f, q, q, 0f, gram);
            double worst = 0;
            for (int i = 0; i < 256; i++) {
                for (int j = 0; j < 256; j++) {
                    worst = Math.max(worst, Math.abs(gram.get(i, j) - (i == j ? 1 : 0)));
                }
            }
            add("orthonormalize", "2736x256", backend == cpu ? "slimgrad CholeskyQR2" : "LAPACK sgeqrf + sorgqr",
                    "max |QᵀQ − I|", worst);
        }
        Matrix small = SvdData.harmonic(cpu, 256, 256, 4);
        Matrix symmetric = cpu.allocate(256, 256);
        cpu.gemm(true, false, 1f, small, small, 0f, symmetric);
        for (Backend backend : List.of(cpu, lapack)) {
            String who = backend == cpu ? "slimgrad" : "LAPACK sgesdd";
            add("small exact SVD", "256x256", who, "‖A − UΣVᵀ‖/‖A‖",
                    SvdAccuracy.residual(cpu, small, backend.svd(small)) / frobenius(small));
            SymmetricEigen eig = backend.symmetricEigen(symmetric);
            Matrix v = eig.vectors();
            Matrix sv = cpu.allocate(256, 256);
            cpu.gemm(false, false, 1f, symmetric, v, 0f, sv);
            double residual = 0;
            for (int i = 0; i < 256; i++) {
                for (int j = 0; j < 256; j++) {
                    double d = sv.get(i, j) - v.get(i, j) * eig.values()[j];
                    residual += d * d;
                }
            }
            add("symmetric eigen", "256x256", backend == cpu ? "slimgrad" : "LAPACK ssyevd", "‖SV − VΛ‖/‖S‖",
                    Math.sqrt(residual) / frobenius(symmetric));
        }
    }

    // worst normwise error of 4 rows against the reference backend's float64 sums, relative to the row's norm
    private void dct() {
        ConcurrencyUtils.setNumberOfThreads(1);
        for (Case c : suite) {
            if (!c.kernel().equals("row DCT-II") || !c.slimgrad()) {
                continue;
            }
            String[] mn = c.shape().split("x");
            int n = Integer.parseInt(mn[1]);
            Matrix rows = SvdData.harmonic(cpu, 4, n, 5);
            Matrix want = reference.allocate(4, n);
            reference.dct(rows, want, Axis.ROWS);
            Matrix ours = cpu.allocate(4, n);
            cpu.dct(rows, ours, Axis.ROWS);
            FloatDCT_1D jt = new FloatDCT_1D(n);
            double oursWorst = 0;
            double jtWorst = 0;
            for (int i = 0; i < 4; i++) {
                float[] line = rows.view(i, 0, 1, n).toArray();
                jt.forward(line, true);
                double norm = 0;
                double eo = 0;
                double ej = 0;
                for (int k = 0; k < n; k++) {
                    double w = want.get(i, k);
                    norm += w * w;
                    eo += (ours.get(i, k) - w) * (ours.get(i, k) - w);
                    ej += (line[k] - w) * (line[k] - w);
                }
                oursWorst = Math.max(oursWorst, Math.sqrt(eo / norm));
                jtWorst = Math.max(jtWorst, Math.sqrt(ej / norm));
            }
            add(c.kernel(), c.shape(), "slimgrad", "‖y − y₆₄‖/‖y₆₄‖", oursWorst);
            add(c.kernel(), c.shape(), "JTransforms FloatDCT_1D", "‖y − y₆₄‖/‖y₆₄‖", jtWorst);
        }
    }

    // ΔW = Q[:, idx]·R by the inverse DCT, on 16 of the 2736 columns, against the reference's float64 sums
    private void backProjection() {
        String kernel = "DCT back-projection r=256";
        if (suite.stream().noneMatch(c -> c.kernel().equals(kernel))) {
            return;
        }
        Matrix r = SvdData.harmonic(cpu, 256, 16, 11);
        int[] idx = new int[256];
        for (int t = 0; t < 256; t++) {
            idx[t] = t * 4;
        }
        Matrix got = cpu.allocate(1024, 16);
        Matrix want = reference.allocate(1024, 16);
        cpu.idctScatter(r, Axis.COLUMNS, idx, 1f, 0f, got);
        reference.idctScatter(r, Axis.COLUMNS, idx, 1f, 0f, want);
        add(kernel, "1024x2736", "slimgrad inverse DCT (idctScatter)", "‖ΔW − ΔW₆₄‖/‖ΔW₆₄‖ (16 columns)",
                relative(got, want));
    }

    // the projected gradient R of the DCT projector and of the dense-matmul formulation against float64 sums
    private void refresh() {
        for (Case c : suite) {
            if (!c.kernel().equals("projector refresh") || !c.slimgrad()) {
                continue;
            }
            String[] mn = c.shape().split("x");
            int m = Integer.parseInt(mn[0]);
            int n = Integer.parseInt(mn[1]);
            int rank = m == 512 ? 128 : m == 2048 ? 512 : 256;
            Matrix g = SvdData.harmonic(cpu, m, n, 9);
            DctProjector p = new DctProjector(cpu, m, n, rank, 1, 1f, ScoreNorm.L1, NonFinitePolicy.THROW);
            Matrix r = cpu.allocate(rank, n);
            p.project(g, r);
            int[] idx = p.indices();
            Matrix want = reference.allocate(rank, n);
            reference.dctGather(g, Axis.COLUMNS, idx, want);
            add(c.kernel(), c.shape(), "slimgrad DCT projector", "‖R − R₆₄‖/‖R₆₄‖", relative(r, want));
            // the dense formulation: Q materialised in fp32, Qᵀ·G by our GEMM, rows idx
            Matrix q = cpu.allocate(m, m);
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < m; k++) {
                    double s = k == 0 ? Math.sqrt(1.0 / m) : Math.sqrt(2.0 / m);
                    q.set(j, k, (float) (s * Math.cos(Math.PI * k * (2 * j + 1) / (2.0 * m))));
                }
            }
            Matrix full = cpu.allocate(m, n);
            cpu.gemm(true, false, 1f, q, g, 0f, full);
            Matrix dense = cpu.allocate(rank, n);
            for (int t = 0; t < rank; t++) {
                cpu.copy(full.view(idx[t], 0, 1, n), dense.view(t, 0, 1, n));
            }
            add(c.kernel(), c.shape(), "dense DCT matmul (reference formulation)", "‖R − R₆₄‖/‖R₆₄‖",
                    relative(dense, want));
        }
    }

    // the layer on 64 tokens against the same layer on the reference backend (float64 accumulation)
    private void sparse() {
        for (Case c : suite) {
            if (!c.slimgrad() || !c.kernel().startsWith("sparse+low-rank forward")) {
                continue;
            }
            boolean large = c.params().get("model").equals("350M");
            int m = large ? 2736 : 1376;
            int n = large ? 1024 : 512;
            int r = large ? 256 : 128;
            SparsePlusLowRankLinear ours = new SparsePlusLowRankLinear(cpu, m, n, r, 2f * r, 0.03, 17);
            SparsePlusLowRankLinear oracle = new SparsePlusLowRankLinear(reference, m, n, r, 2f * r, 0.03, 17);
            org.slimgrad.CounterRandom.fillSketch(ours.b(), 18);
            org.slimgrad.CounterRandom.fillSketch(oracle.b(), 18);
            Matrix x = cpu.allocate(64, n);
            Matrix dy = cpu.allocate(64, m);
            org.slimgrad.CounterRandom.fillSketch(x, 19);
            org.slimgrad.CounterRandom.fillSketch(dy, 20);
            Matrix y = cpu.allocate(64, m);
            Matrix yRef = reference.allocate(64, m);
            ours.forward(x, y);
            oracle.forward(x, yRef);
            add(c.kernel(), c.shape(), "slimgrad layer", "‖Y − Y₆₄‖/‖Y₆₄‖ (64 tokens)", relative(y, yRef));
            Matrix dx = cpu.allocate(64, n);
            Matrix dxRef = reference.allocate(64, n);
            ours.backward(x, dy, dx);
            oracle.backward(x, dy, dxRef);
            double worst = Math.max(Math.max(relative(dx, dxRef), relative(ours.gradB(), oracle.gradB())),
                    Math.max(relative(ours.gradA(), oracle.gradA()), relative(ours.gradValues(), oracle.gradValues())));
            add("sparse+low-rank backward", c.shape(), "slimgrad layer", "worst ‖d − d₆₄‖/‖d₆₄‖ (64 tokens)", worst);
            add("sddmm (dS values)", c.shape(), "slimgrad sddmm", "‖dS − dS₆₄‖/‖dS₆₄‖ (64 tokens)",
                    relative(ours.gradValues(), oracle.gradValues()));
            Matrix sy = cpu.allocate(64, m);
            Matrix syRef = reference.allocate(64, m);
            cpu.spmm(true, 1f, x, ours.support(), ours.values(), 0f, sy);
            reference.spmm(true, 1f, x, oracle.support(), oracle.values(), 0f, syRef);
            add("spmm X·Sᵀ", c.shape(), "slimgrad spmm", "‖Y − Y₆₄‖/‖Y₆₄‖ (64 tokens)", relative(sy, syRef));
        }
    }

    private static double relative(Matrix got, Matrix want) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < want.rows(); i++) {
            for (int j = 0; j < want.cols(); j++) {
                double w = want.get(i, j);
                diff += (got.get(i, j) - w) * (got.get(i, j) - w);
                norm += w * w;
            }
        }
        return Math.sqrt(diff / norm);
    }

    private static double frobenius(Matrix a) {
        return Math.sqrt(Arrays.stream(toDoubles(a)).map(v -> v * v).sum());
    }

    private static double[] toDoubles(Matrix a) {
        float[] f = a.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
