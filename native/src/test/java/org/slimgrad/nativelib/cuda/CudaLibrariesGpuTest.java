package org.slimgrad.nativelib.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slimgrad.Accuracy;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.Spectra;
import org.slimgrad.TestData;
import org.slimgrad.linalg.Transpose;

/**
 * cuBLAS and cuSOLVER through our FFM bindings, against the reference backend and against mathematics. Tagged
 * {@code gpu}: excluded from the default build, run on a GPU machine with {@code -Dgroups=gpu} (or the device
 * runner's {@code --include-tag gpu}); skipped with the reason where no CUDA device is present.
 */
@Tag("gpu")
class CudaLibrariesGpuTest {

    private static Context context;
    private static CuBlas blas;
    private static CuSolver solver;

    @BeforeAll
    static void open() {
        Assumptions.assumeTrue(Cuda.unavailableReason().isEmpty(), () -> Cuda.unavailableReason().orElse(""));
        context = Cuda.get().open(0);
        blas = new CuBlas(context);
        solver = new CuSolver(context);
    }

    @AfterAll
    static void close() {
        if (context != null) {
            solver.close();
            blas.close();
            context.close();
        }
    }

    private static Matrix random(SplittableRandom rng, int rows, int cols) {
        return TestData.random(rng, rows, cols, false);
    }

    private static DeviceBuffer upload(Matrix m) {
        DeviceBuffer b = context.allocate(Math.max(1, m.size()));
        b.upload(m.toArray());
        return b;
    }

    private static Matrix download(DeviceBuffer b, int rows, int cols) {
        float[] x = new float[rows * cols];
        b.download(x);
        return Matrix.wrap(x, rows, cols);
    }

    @Test
    void sgemmMatchesTheReferenceOnAllTransposes() {
        SplittableRandom rng = new SplittableRandom(1);
        int m = 67;
        int n = 45;
        int k = 129;
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            Matrix a = ta ? random(rng, k, m) : random(rng, m, k);
            Matrix b = tb ? random(rng, n, k) : random(rng, k, n);
            Matrix c0 = random(rng, m, n);
            Matrix expected = Matrix.wrap(c0.toArray(), m, n);
            Backends.reference().gemm(ta, tb, 0.5f, a, b, 2f, expected);
            try (DeviceBuffer da = upload(a); DeviceBuffer db = upload(b); DeviceBuffer dc = upload(c0)) {
                blas.sgemm(ta, tb, m, n, k, 0.5f, da, a.cols(), db, b.cols(), 2f, dc, n);
                context.synchronize();
                Accuracy.assertGemmClose(ta, tb, 0.5f, a, b, 2f, c0, expected, download(dc, m, n),
                        "cublasSgemm transA=" + ta + " transB=" + tb);
            }
        }
    }

    @Test
    void gemmExAtTf32AndBatchedGemm() {
        SplittableRandom rng = new SplittableRandom(2);
        int m = 64;
        int n = 48;
        int k = 256;
        Matrix a = random(rng, m, k);
        Matrix b = random(rng, k, n);
        Matrix expected = Backends.reference().allocate(m, n);
        Backends.reference().gemm(false, false, 1f, a, b, 0f, expected);
        try (DeviceBuffer da = upload(a); DeviceBuffer db = upload(b); DeviceBuffer dc = context.allocate(m * n)) {
            blas.gemm(CuBlas.Precision.TF32, false, false, m, n, k, 1f, da, k, db, n, 0f, dc, n);
            context.synchronize();
            // TF32 keeps 10 mantissa bits: unit roundoff 2^-11 per input, fp32 accumulation
            Accuracy.assertClose(expected, download(dc, m, n), Math.sqrt(k) * 0x1p-10, 1, "cublasGemmEx TF32");
            blas.sgemmStridedBatched(false, false, m, n, k / 2, 1f, da, k, k / 2, db, n, (long) (k / 2) * n, 0f, dc,
                    n, 0, 1);
            context.synchronize();
            Matrix half = Backends.reference().allocate(m, n);
            Backends.reference().gemm(false, false, 1f, a.view(0, 0, m, k / 2), b.view(0, 0, k / 2, n), 0f, half);
            Accuracy.assertClose(half, download(dc, m, n), 1e-4, 1, "cublasSgemmStridedBatched, batch 1");
        }
    }

    @Test
    void solversKeepTheirMathematicalPromises() {
        SplittableRandom rng = new SplittableRandom(3);
        int m = 120;
        int n = 40;
        double[] sigma = Spectra.geometric(n, 0.85);
        // Column-major m×n A is the row-major n×m matrix Aᵀ.
        Matrix at = Spectra.withSpectrum(rng, n, m, sigma);
        try (DeviceBuffer a = upload(at); DeviceBuffer s = context.allocate(n); DeviceBuffer u = context.allocate(m * n);
             DeviceBuffer vt = context.allocate(n * n)) {
            solver.sgesvd(m, n, a, s, u, vt);
            float[] values = new float[n];
            s.download(values);
            for (int i = 0; i < n; i++) {
                assertEquals(sigma[i], values[i], 1e-4, "cusolverDnSgesvd sigma " + i);
            }
        }
        try (DeviceBuffer a = upload(at); DeviceBuffer tau = context.allocate(n)) {
            solver.orthonormalize(m, n, a, tau);
            Matrix qt = download(a, n, m); // column-major m×n Q = row-major n×m Qᵀ
            Matrix q = Matrix.wrap(new float[m * n], m, n);
            Transpose.into(qt, q);
            assertTrue(Spectra.orthogonalityError(q) <= 1e-5, "geqrf + orgqr gives orthonormal columns");
        }
        int r = 8;
        try (DeviceBuffer a = upload(at); DeviceBuffer s = context.allocate(Math.min(m, n));
             DeviceBuffer u = context.allocate(m * r);
             DeviceBuffer v = context.allocate(n * r)) {
            solver.randomizedSvd(m, n, r, 8, 2, a, s, u, v);
            float[] values = new float[r];
            s.download(values);
            for (int i = 0; i < r; i++) {
                assertEquals(sigma[i], values[i], 1e-3 * sigma[i], "cusolverDnXgesvdr sigma " + i);
            }
        }
        Matrix spd = Backends.reference().allocate(n, n);
        Backends.reference().gemm(false, true, 1f, at, at, 0f, spd); // AᵀA of the column-major A, symmetric
        try (DeviceBuffer a = upload(spd); DeviceBuffer w = context.allocate(n)) {
            solver.ssyevd(n, a, w);
            float[] values = new float[n];
            w.download(values);
            assertEquals(sigma[0] * sigma[0], values[n - 1], 1e-4, "largest eigenvalue of AᵀA is σ₁²");
        }
        for (int i = 0; i < n; i++) {
            spd.set(i, i, spd.get(i, i) + 1f); // AᵀA + I: comfortably positive definite in fp32
        }
        try (DeviceBuffer a = upload(spd)) {
            solver.spotrf(n, a);
        }
        Matrix indefinite = Matrix.wrap(new float[]{1, 2, 2, 1}, 2, 2);
        try (DeviceBuffer a = upload(indefinite)) {
            assertThrows(ArithmeticException.class, () -> solver.spotrf(2, a), "info > 0 becomes an exception");
        }
    }

    @Test
    void tenThousandAllocationsDoNotLeakAndClosedBuffersThrow() {
        context.synchronize();
        long before = context.memoryInfo()[0];
        for (int i = 0; i < 10_000; i++) {
            try (DeviceBuffer b = context.allocate(1 + (i % 4096))) {
                b.floats();
            }
        }
        long after = context.memoryInfo()[0];
        assertTrue(Math.abs(before - after) < (8L << 20), "free device memory before " + before + ", after " + after);
        DeviceBuffer closed = context.allocate(16);
        closed.close();
        closed.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> closed.upload(new float[4]));
    }
}
