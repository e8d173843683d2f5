package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.CounterRandom;
import org.slimgrad.FactorizationContract;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;
import org.slimgrad.OrthoMethod;
import org.slimgrad.ScoreNorm;
import org.slimgrad.Spectra;
import org.slimgrad.Svd;
import org.slimgrad.TestData;
import org.slimgrad.train.DctProjector;
import org.slimgrad.train.GradientProjector;
import org.slimgrad.train.LowRankAdam;
import org.slimgrad.train.NonFinitePolicy;
import org.slimgrad.train.SparsePlusLowRankLinear;
import org.slimgrad.train.SvdProjector;

/**
 * What the CUDA backend promises beyond the shared backend contracts: the sketch, the uniform fill and drawn supports
 * are the host's bit for bit, allocation is zero-filled, Cholesky QR's R reproduces A on each of its three paths,
 * randomized SVD, the SVD projector, low-rank Adam and the sparse-plus-low-rank layer agree with the CPU backend,
 * and device memory is pooled, scoped and refused after it is gone. Subclasses name the device.
 */
abstract class DeviceContract {

    protected abstract CudaBackend cuda();

    private final SplittableRandom rng = new SplittableRandom(2026);

    @Test
    void sketchIsCounterRandomBitForBit() {
        for (int[] shape : new int[][]{{1, 1}, {37, 45}, {70, 9}}) {
            Matrix expected = Matrix.wrap(new float[shape[0] * shape[1]], shape[0], shape[1]);
            CounterRandom.fillSketch(expected, 77 + shape[0]);
            Matrix z = cuda().allocate(shape[0], shape[1]);
            cuda().context().kernels().fillSketch(z, 0, 77 + shape[0]);
            TestData.assertSameBits(expected, cuda().toHost(z), "sketch " + z.shape());
        }
        // the warm-start form fills only the columns from firstCol on
        Matrix expected = Matrix.wrap(new float[20 * 12], 20, 12);
        CounterRandom.fillSketch(expected, 5);
        Matrix z = cuda().fromHost(Matrix.wrap(new float[20 * 12], 20, 12));
        cuda().context().kernels().fillSketch(z, 4, 5);
        Matrix back = cuda().toHost(z);
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 12; j++) {
                assertEquals(j < 4 ? 0f : expected.get(i, j), back.get(i, j), "(" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void supportsDrawnOnTheDeviceEqualTheHostsDraws() {
        for (Object[] c : new Object[][]{{1, 1, 1.0}, {3, 4, 1.0}, {3, 3, 1e-9}, {17, 29, 0.03}, {200, 333, 0.03},
                {64, 50, 0.5}, {1376, 512, 0.03}}) {
            int m = (Integer) c[0];
            int n = (Integer) c[1];
            double density = (Double) c[2];
            assertEquals(FixedSupport.random(m, n, density, 99), cuda().randomSupport(m, n, density, 99),
                    m + "x" + n + " at density " + density);
        }
        assertThrows(IllegalArgumentException.class, () -> cuda().randomSupport(3, 3, 0, 1));
    }

    @Test
    void sumOfSquaresIsTheFloat64SumAndFlagsNonFiniteValues() {
        Matrix host = TestData.random(rng, 300, 41, true);
        double expected = Backends.reference().sumOfSquares(host);
        assertEquals(expected, cuda().sumOfSquares(cuda().fromHost(host)), 1e-12 * expected);
        host.set(299, 40, Float.NaN);
        assertTrue(Double.isNaN(cuda().sumOfSquares(cuda().fromHost(host))));
        host.set(299, 40, Float.NEGATIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, cuda().sumOfSquares(cuda().fromHost(host)));
        host.set(299, 40, Float.MAX_VALUE); // squares overflow fp32 but not the float64 sum
        assertTrue(Double.isFinite(cuda().sumOfSquares(cuda().fromHost(host))));
    }

    /** Strided views on either side travel in one copy (a 2-D copy on the device), leaving the rest untouched. */
    @Test
    void aStridedViewTravelsInOneCopy() {
        Matrix host = TestData.random(new java.util.SplittableRandom(31), 30, 20, false);
        Matrix onDevice = cuda().allocate(40, 32);
        Matrix view = onDevice.view(5, 7, 30, 20);
        DriverCalls before = cuda().driverCalls();
        cuda().copyFromHost(host, view);
        DriverCalls up = cuda().driverCalls().since(before);
        Matrix back = Matrix.wrap(new float[40 * 32], 40, 32);
        Matrix backView = back.view(3, 4, 30, 20);
        before = cuda().driverCalls();
        cuda().download(view, backView);
        DriverCalls down = cuda().driverCalls().since(before);
        assertEquals(1, up.copies(), "upload: " + up);
        assertEquals(0, up.syncs(), "upload, queued: " + up);
        assertEquals(30 * 20 * Float.BYTES, up.bytesCopied(), "upload: " + up);
        assertEquals(1, down.copies(), "download: " + down);
        assertEquals(1, down.syncs(), "download: " + down);
        Matrix whole = cuda().toHost(onDevice);
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 32; j++) {
                boolean inside = i >= 5 && i < 35 && j >= 7 && j < 27;
                assertEquals(inside ? host.get(i - 5, j - 7) : 0f, whole.get(i, j), "device (" + i + ", " + j + ")");
                boolean insideBack = i >= 3 && i < 33 && j >= 4 && j < 24;
                assertEquals(insideBack ? host.get(i - 3, j - 4) : 0f, back.get(i, j), "host (" + i + ", " + j + ")");
            }
        }
    }
    /**
     * With its checks deferred to one read at the end, orthonormalisation waits for the GPU once when every check
     * passes, and otherwise restores A and reruns with the checks made as they come: on every path it takes the
     * checked policy's path and gives its Q bit for bit.
     */
    @Test
    void deferredChecksTakeTheCheckedPathsResultOnEveryPath() {
        int m = 150;
        int k = 24;
        for (Object[] c : pathCases(m, k)) {
            Matrix checked = cuda().fromHost((Matrix) c[0]);
            Matrix deferred = cuda().fromHost((Matrix) c[0]);
            new DeviceCholeskyQr(cuda().context(), cuda(), m, k).orthonormalize(checked, null);
            DeviceCholeskyQr plan = new DeviceCholeskyQr(cuda().context(), cuda(), m, k);
            DriverCalls before = cuda().driverCalls();
            assertEquals(c[1], plan.orthonormalizeOnce(deferred), "path taken");
            long syncs = cuda().driverCalls().since(before).syncs();
            assertTrue(c[1] == OrthoMethod.CHOLESKY_QR2 ? syncs == 1 : syncs > 1, c[1] + ": " + syncs + " waits");
            Matrix expected = cuda().toHost(checked);
            Matrix actual = cuda().toHost(deferred);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < k; j++) {
                    assertEquals(expected.get(i, j), actual.get(i, j), c[1] + ": Q(" + i + ", " + j + ")");
                }
            }
        }
    }

    /**
     * The randomized SVD's small SVD through RᵀR in float64 (the deferred run) against cuSOLVER's gesvd on the same R
     * (the checked run, which only a failed check takes otherwise), on spectra from slow to fast decay: σ within
     * 4·l·ε₃₂·σ₀ of gesvd's (a backward-stable float32 SVD's own bound), the rank-r error within 0.1% of gesvd's, U
     * and Vᵀ orthonormal to 10⁻⁵. A rank-deficient A (5 < r) fails the Gram route's check and gets gesvd's bits.
     */
    @Test
    void smallSvdThroughTheGramMatrixIsAsAccurateAsGesvd() {
        int m = 90;
        int n = 60;
        int rank = 12;
        int oversample = 6;
        int l = rank + oversample;
        double[][] spectra = {Spectra.harmonic(n), Spectra.geometric(n, 0.8), Spectra.conditioned(n, 1e3),
                Spectra.conditioned(n, 1e6), Spectra.harmonic(5)};
        for (double[] spectrum : spectra) {
            Matrix host = Spectra.withSpectrum(rng, m, n, spectrum);
            Matrix a = cuda().fromHost(host);
            DeviceRandomizedSvd plan = new DeviceRandomizedSvd(cuda().context(), cuda(), m, n, rank, oversample);
            Svd gram = compute(plan, a, rank, true);
            Svd gesvd = compute(plan, a, rank, false);
            String where = spectrum.length + " values from " + spectrum[0] + " to " + spectrum[spectrum.length - 1];
            if (spectrum.length < rank) {
                assertArrayEquals(gesvd.sigma(), gram.sigma(), where + ": gesvd's rerun");
                continue;
            }
            double sigmaGap = 0;
            for (int t = 0; t < rank; t++) {
                sigmaGap = Math.max(sigmaGap, Math.abs(gram.sigma()[t] - gesvd.sigma()[t]));
            }
            double residualGram = Spectra.residual(host, gram);
            double residualGesvd = Spectra.residual(host, gesvd);
            double orthogonality = Math.max(Spectra.orthogonalityError(gram.u()),
                    Spectra.orthogonalityError(FactorizationContract.transpose(gram.vt())));
            System.out.printf(Locale.ROOT, "small SVD via RᵀR vs gesvd, %s: max |Δσ|/σ₀ %.2e, rank-%d error"
                    + " %.6g vs %.6g, orthogonality %.2e%n", where, sigmaGap / gesvd.sigma()[0], rank, residualGram,
                    residualGesvd, orthogonality);
            assertTrue(sigmaGap <= 4 * l * Math.ulp(1f) * gesvd.sigma()[0], where + ": σ gap " + sigmaGap);
            assertTrue(residualGram <= residualGesvd * 1.001, where + ": " + residualGram + " vs " + residualGesvd);
            assertTrue(orthogonality <= 1e-5, where + ": orthogonality " + orthogonality);
        }
    }

    // the plan's result in host matrices: deferred (the Gram route) or checked (gesvd)
    private Svd compute(DeviceRandomizedSvd plan, Matrix a, int rank, boolean deferred) {
        Matrix u = cuda().allocate(a.rows(), rank);
        Matrix vt = cuda().allocate(rank, a.cols());
        float[] sigma = deferred ? plan.computeOnce(a, 2, 11, null, u, vt) : plan.compute(a, 2, 11, null, u, vt);
        return new Svd(cuda().toHost(u), sigma, cuda().toHost(vt));
    }

    // an input for each of Cholesky QR's paths, with the path it takes
    private Object[][] pathCases(int m, int k) {
        return new Object[][]{
                {Spectra.withSpectrum(rng, m, k, Spectra.conditioned(k, 10)), OrthoMethod.CHOLESKY_QR2},
                {Spectra.withSpectrum(rng, m, k, Spectra.conditioned(k, 1e4)), OrthoMethod.SHIFTED_CHOLESKY_QR3},
                {rankDeficient(m, k), OrthoMethod.HOUSEHOLDER_QR},
        };
    }

    @Test
    void choleskyQrReturnsAnRThatReproducesTheInputOnEveryPath() {
        int m = 150;
        int k = 24;
        for (Object[] c : pathCases(m, k)) {
            Matrix a = (Matrix) c[0];
            Matrix q = cuda().fromHost(a);
            Matrix r = cuda().allocate(k, k);
            OrthoMethod method = new DeviceCholeskyQr(cuda().context(), cuda(), m, k).orthonormalize(q, r);
            assertEquals(c[1], method, "path taken");
            Matrix qh = cuda().toHost(q);
            Matrix rh = cuda().toHost(r);
            assertTrue(Spectra.orthogonalityError(qh) <= 1e-5, method + ": ||QtQ - I|| = "
                    + Spectra.orthogonalityError(qh));
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < k; j++) {
                    double sum = 0;
                    for (int p = 0; p <= j; p++) {
                        sum += (double) qh.get(i, p) * rh.get(p, j);
                    }
                    worst = Math.max(worst, Math.abs(sum - a.get(i, j)));
                    scale = Math.max(scale, Math.abs(a.get(i, j)));
                }
            }
            for (int i = 1; i < k; i++) {
                for (int j = 0; j < i; j++) {
                    assertEquals(0f, rh.get(i, j), method + ": R(" + i + ", " + j + ") below the diagonal");
                }
            }
            assertTrue(worst <= 1e-4 * scale, method + ": max |Q·R - A| = " + worst + " for max |A| = " + scale);
        }
    }

    @Test
    void randomizedSvdMatchesTheCpuBackendAndWarmStartsFromTheDevice() {
        for (int[] s : new int[][]{{150, 90}, {61, 173}}) {
            Matrix a = Spectra.withSpectrum(rng, s[0], s[1], Spectra.harmonic(Math.min(s[0], s[1])));
            Matrix onDevice = cuda().fromHost(a);
            Svd gpu = cuda().randomizedSvd(onDevice, 10, 6, 2, 31, null);
            Svd cpu = Backends.cpu().randomizedSvd(a, 10, 6, 2, 31, null);
            assertSameTriplets(cpu, gpu, "rSVD " + a.shape());
            Svd cpuWarm = Backends.cpu().randomizedSvd(a, 10, 6, 1, 32, cpu);
            Svd gpuWarm = cuda().randomizedSvd(onDevice, 10, 6, 1, 32, gpu);
            assertSameTriplets(cpuWarm, gpuWarm, "warm rSVD " + a.shape());
        }
    }

    @Test
    void svdProjectorRefreshesProjectsAndProjectsBackOnTheDevice() {
        for (int[] s : new int[][]{{96, 40}, {40, 96}}) {
            int m = s[0];
            int n = s[1];
            Matrix g = Spectra.withSpectrum(rng, m, n, Spectra.harmonic(Math.min(m, n)));
            SvdProjector onGpu = new SvdProjector(cuda(), m, n, 8, 2, 0.5f, SvdProjector.Refresh.randomized(6, 2),
                    NonFinitePolicy.THROW, 9);
            SvdProjector onCpu = new SvdProjector(Backends.cpu(), m, n, 8, 2, 0.5f,
                    SvdProjector.Refresh.randomized(6, 2), NonFinitePolicy.THROW, 9);
            Matrix dg = cuda().fromHost(g);
            for (int step = 0; step < 4; step++) { // refresh, reuse, refresh with warm start, reuse
                Matrix rGpu = cuda().allocate(onGpu.projectedRows(), onGpu.projectedCols());
                Matrix rCpu = Backends.cpu().allocate(onCpu.projectedRows(), onCpu.projectedCols());
                onGpu.project(dg, rGpu);
                onCpu.project(g, rCpu);
                Matrix backGpu = cuda().allocate(m, n);
                Matrix backCpu = Backends.cpu().allocate(m, n);
                onGpu.projectBack(rGpu, backGpu);
                onCpu.projectBack(rCpu, backCpu);
                // α·P·Pᵀ·G does not depend on the signs of the basis vectors
                assertClose(backCpu, cuda().toHost(backGpu), 1e-4, m + "x" + n + " step " + step);
            }
            Matrix bad = TestData.copy(g); // step 4 refreshes: the check runs on the device gradient
            bad.set(3, 4, Float.NaN);
            Matrix r = cuda().allocate(onGpu.projectedRows(), onGpu.projectedCols());
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> onGpu.project(cuda().fromHost(bad), r));
            assertTrue(thrown.getMessage().contains(m + "x" + n), thrown.getMessage());
        }
    }

    @Test
    void theSparsePlusLowRankLayerTrainsOnTheDeviceAsOnTheCpu() {
        int tokens = 37;
        SparsePlusLowRankLinear onGpu = new SparsePlusLowRankLinear(cuda(), 45, 29, 6, 12f, 0.1, 5);
        SparsePlusLowRankLinear onCpu = new SparsePlusLowRankLinear(Backends.cpu(), 45, 29, 6, 12f, 0.1, 5);
        TestData.assertSameBits(onCpu.a(), cuda().toHost(onGpu.a()), "A initialised from the same seed");
        TestData.assertSameBits(onCpu.values(), cuda().toHost(onGpu.values()), "S initialised from the same seed");
        Matrix b = TestData.random(rng, 45, 6, false); // B starts at zero: give the low-rank path something to do
        Backends.cpu().copy(b, onCpu.b());
        cuda().copyFromHost(b, onGpu.b());
        Matrix x = TestData.random(rng, tokens, 29, false);
        Matrix dy = TestData.random(rng, tokens, 45, false);
        Matrix yCpu = Backends.cpu().allocate(tokens, 45);
        Matrix dxCpu = Backends.cpu().allocate(tokens, 29);
        onCpu.forward(x, yCpu);
        onCpu.backward(x, dy, dxCpu);
        Matrix yGpu = cuda().allocate(tokens, 45);
        Matrix dxGpu = cuda().allocate(tokens, 29);
        Matrix dx = cuda().fromHost(x);
        onGpu.forward(dx, yGpu);
        onGpu.backward(dx, cuda().fromHost(dy), dxGpu);
        assertClose(yCpu, cuda().toHost(yGpu), 1e-5, "forward");
        assertClose(dxCpu, cuda().toHost(dxGpu), 1e-5, "dX");
        assertClose(onCpu.gradB(), cuda().toHost(onGpu.gradB()), 1e-5, "dB");
        assertClose(onCpu.gradA(), cuda().toHost(onGpu.gradA()), 1e-5, "dA");
        assertClose(onCpu.gradValues(), cuda().toHost(onGpu.gradValues()), 1e-5, "dS");
    }

    @Test
    void lowRankAdamStepsOnTheDeviceAsOnTheCpuWithSvdAndDctProjectorsAndBf16State() {
        for (boolean dct : new boolean[]{false, true}) {
            for (int[] s : new int[][]{{64, 40}, {40, 64}, {50, 50}}) {
                int m = s[0];
                int n = s[1];
                // RESET and ROTATE make the step independent of the signs the two backends' SVDs give the basis
                // vectors (KEEP carries moments across a refresh in whatever orientation each basis happens to have)
                LowRankAdam.Settings settings = m == n
                        ? new LowRankAdam.Settings(0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, LowRankAdam.OnRefresh.ROTATE)
                        : new LowRankAdam.Settings(0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, LowRankAdam.OnRefresh.RESET,
                                m > n ? LowRankAdam.State.FP32 : LowRankAdam.State.BF16);
                LowRankAdam onGpu = new LowRankAdam(cuda(), projector(cuda(), dct, m, n), settings);
                LowRankAdam onCpu = new LowRankAdam(Backends.cpu(), projector(Backends.cpu(), dct, m, n), settings);
                Matrix w = TestData.random(rng, m, n, false);
                Matrix wGpu = cuda().fromHost(w);
                for (int step = 0; step < 4; step++) { // refreshes at steps 0 and 2
                    Matrix g = Spectra.withSpectrum(rng, m, n, Spectra.harmonic(Math.min(m, n)));
                    onCpu.step(w, g);
                    onGpu.step(wGpu, cuda().fromHost(g));
                    assertClose(w, cuda().toHost(wGpu), 2e-5, (dct ? "DCT " : "SVD ") + settings.onRefresh() + " "
                            + settings.state() + " " + m + "x" + n + " step " + step);
                }
            }
        }
    }

    /**
     * Optimizer state saved from device matrices resumes bit-identically on the device and loads on the CPU (the
     * format has no backend in it): the CPU's continuation agrees with the device's within their rounding.
     */
    @Test
    void optimizerStateSavedOnTheDeviceResumesThereBitIdenticallyAndLoadsOnTheCpu() throws java.io.IOException {
        int m = 40;
        int n = 64;
        for (boolean dct : new boolean[]{false, true}) {
            for (LowRankAdam.State state : LowRankAdam.State.values()) {
                LowRankAdam.Settings settings = new LowRankAdam.Settings(0.01f, 0.9f, 0.999f, 1e-8f, 0.1f,
                        LowRankAdam.OnRefresh.RESET, state);
                String context = (dct ? "DCT " : "SVD ") + state;
                LowRankAdam first = new LowRankAdam(cuda(), projector(cuda(), dct, m, n), settings);
                Matrix w = cuda().fromHost(TestData.random(rng, m, n, false));
                Matrix[] g = new Matrix[6];
                for (int step = 0; step < g.length; step++) {
                    g[step] = Spectra.withSpectrum(rng, m, n, Spectra.harmonic(n - 24));
                }
                for (int step = 0; step < 3; step++) {
                    first.step(w, cuda().fromHost(g[step]));
                }
                java.io.ByteArrayOutputStream saved = new java.io.ByteArrayOutputStream();
                first.save(saved);
                Matrix atSave = cuda().toHost(w);
                LowRankAdam onDevice = new LowRankAdam(cuda(), projector(cuda(), dct, m, n), settings);
                onDevice.load(new java.io.ByteArrayInputStream(saved.toByteArray()));
                LowRankAdam onCpu = new LowRankAdam(Backends.cpu(), projector(Backends.cpu(), dct, m, n), settings);
                onCpu.load(new java.io.ByteArrayInputStream(saved.toByteArray()));
                Matrix resumed = cuda().fromHost(atSave);
                Matrix resumedOnCpu = TestData.copy(atSave);
                for (int step = 3; step < g.length; step++) { // a refresh at step 4
                    first.step(w, cuda().fromHost(g[step]));
                    onDevice.step(resumed, cuda().fromHost(g[step]));
                    onCpu.step(resumedOnCpu, g[step]);
                }
                TestData.assertSameBits(cuda().toHost(w), cuda().toHost(resumed), context + ": resumed on the device");
                assertClose(cuda().toHost(w), resumedOnCpu, 2e-5, context + ": resumed on the CPU");
            }
        }
    }

    private static GradientProjector projector(Backend backend, boolean dct, int m, int n) {
        return dct ? new DctProjector(backend, m, n, 8, 2, 0.25f, ScoreNorm.L1, NonFinitePolicy.THROW)
                : new SvdProjector(backend, m, n, 8, 2, 0.25f, SvdProjector.Refresh.randomized(6, 2),
                NonFinitePolicy.THROW, 11);
    }

    @Test
    void thePoolServesRepeatedStepsWithoutTheDriverAndScopesAreEnforced() {
        CudaBackend cuda = cuda();
        Matrix outside;
        try (DeviceArena warmUp = cuda.scratch()) {
            warmUp.allocate(64, 33);
            warmUp.allocate(1, 1);
        }
        long allocations = cuda.driverCalls().allocations();
        long pooled = cuda.pooledBytes();
        for (int i = 0; i < 10_000; i++) {
            try (DeviceArena step = cuda.scratch()) {
                step.allocate(64, 33);
                step.allocate(1, 1);
            }
        }
        assertEquals(allocations, cuda.driverCalls().allocations(), "driver allocations after 10^4 scoped steps");
        assertEquals(pooled, cuda.pooledBytes(), "pooled bytes after 10^4 scoped steps");
        try (DeviceArena scope = cuda.scratch()) {
            outside = scope.allocate(4, 4);
            cuda.scale(0f, outside);
        }
        Matrix closed = outside;
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> cuda.scale(2f, closed));
        assertTrue(thrown.getMessage().contains("closed"), thrown.getMessage());
        assertThrows(IllegalStateException.class, () -> cuda.toHost(closed.view(1, 1, 2, 2)));
    }

    @Test
    void allocateZeroFillsEvenAReusedBlockAndFillUniformIsCounterRandoms() {
        try (DeviceArena scope = cuda().scratch()) {
            cuda().fillUniform(scope.allocate(19, 23), 3f, 1); // dirty a block, then give it back to the pool
        }
        Matrix fresh = cuda().toHost(cuda().allocate(19, 23));
        for (float value : fresh.toArray()) {
            assertEquals(0f, value);
        }
        Matrix expected = Matrix.wrap(new float[19 * 23], 19, 23);
        CounterRandom.fillUniform(expected, 0.5f, 42);
        Matrix filled = cuda().allocate(19, 23);
        cuda().fillUniform(filled, 0.5f, 42);
        TestData.assertSameBits(expected, cuda().toHost(filled), "fillUniform");
    }

    @Test
    void aClosedBackendRefusesWorkAndReturnsItsMemory() {
        CudaBackend fresh = newBackend();
        long before = fresh.deviceMemory()[0];
        Matrix m = fresh.fromHost(TestData.random(rng, 100, 100, false));
        fresh.scale(2f, m);
        assertTrue(fresh.deviceMemory()[0] < before, "allocation is visible in the device's free memory");
        fresh.close();
        assertThrows(IllegalStateException.class, () -> fresh.scale(2f, m));
        assertThrows(IllegalStateException.class, () -> fresh.allocate(2, 2));
        fresh.close(); // twice is harmless
    }

    @Test
    void transfersAndForeignMemoryAreValidated() {
        Matrix host = TestData.random(rng, 5, 7, true);
        Matrix device = cuda().allocate(5, 7);
        cuda().copyFromHost(host, device);
        TestData.assertSameBits(host, cuda().toHost(device), "round trip of a padded view");
        assertThrows(IllegalArgumentException.class, () -> cuda().copyFromHost(host, cuda().allocate(7, 5)));
        assertThrows(IllegalArgumentException.class, () -> cuda().copyFromHost(device, device));
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> Backends.cpu().scale(2f, device));
        assertTrue(foreign.getMessage().contains("lives in"), foreign.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cuda().scale(2f, host));
        assertThrows(IllegalArgumentException.class, () -> cuda().fromHost(device));
        assertThrows(IllegalArgumentException.class, () -> cuda().toHost(host));
        assertThrows(IllegalArgumentException.class, () -> Backends.cpu().toHost(device));
    }

    @Test
    void wrapsDeviceMemoryAllocatedByItsOwnerWithoutCopyingIt() {
        int rows = 6;
        int cols = 5;
        int ld = 8;
        Matrix host = TestData.random(rng, rows, ld, false);
        long bytes = (long) rows * ld * Float.BYTES;
        long address = cuda().context().device().allocate(bytes); // as a foreign allocator (libtorch, JCuda) would
        try {
            cuda().context().device().upload(host.segment(), address, bytes);
            Matrix wrapped = cuda().wrap(address, rows, cols, ld);
            assertEquals(rows + "x" + cols + " (ld " + ld + ")", wrapped.shape());
            cuda().scale(2f, wrapped);
            Matrix back = Matrix.wrap(new float[rows * ld], rows, ld);
            cuda().context().device().download(address, back.segment(), bytes);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < ld; j++) {
                    float expected = j < cols ? 2f * host.get(i, j) : host.get(i, j); // the padding is not touched
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(back.get(i, j)),
                            "(" + i + ", " + j + ")");
                }
            }
            Matrix product = cuda().allocate(rows, rows);
            cuda().gemm(false, true, 1f, wrapped, wrapped, 0f, product);
            Matrix result = cuda().toHost(product);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < rows; j++) {
                    double exact = 0;
                    double magnitude = 0;
                    for (int k = 0; k < cols; k++) {
                        exact += (double) back.get(i, k) * back.get(j, k);
                        magnitude += Math.abs((double) back.get(i, k) * back.get(j, k));
                    }
                    // fp32 accumulation of cols products: |error| <= cols·2^-24·Σ|a·b| (plus the final rounding)
                    assertEquals(exact, result.get(i, j), (cols + 1) * 0x1p-24 * magnitude, "W·Wᵀ (" + i + ", " + j + ")");
                }
            }
        } finally {
            cuda().context().device().free(address);
        }
        for (long[] bad : new long[][]{{0, 2, 2, 2}, {address + 2, 2, 2, 2}, {address, -1, 2, 2}, {address, 2, 3, 2}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda().wrap(bad[0], (int) bad[1], (int) bad[2], (int) bad[3]));
            assertTrue(e.getMessage().contains(".wrap: "), e.getMessage());
        }
    }

    /** A second backend on the same device, closed by the test that makes it. */
    protected abstract CudaBackend newBackend();

    private Matrix rankDeficient(int m, int k) {
        Matrix a = TestData.random(rng, m, k, false);
        for (int i = 0; i < m; i++) {
            a.set(i, 5, a.get(i, 2)); // two equal columns
            a.set(i, 9, 0f);          // and a zero one
        }
        return a;
    }

    // σ to 1e-4 relative, and each left singular vector equal up to sign (|<u_cpu, u_gpu>| ≥ 1 − 10⁻³)
    private void assertSameTriplets(Svd expected, Svd actual, String context) {
        Matrix u = cuda().toHost(actual.u());
        for (int j = 0; j < expected.rank(); j++) {
            assertEquals(expected.sigma()[j], actual.sigma()[j], 1e-4 * expected.sigma()[j], context + " sigma " + j);
            double dot = 0;
            for (int i = 0; i < u.rows(); i++) {
                dot += (double) expected.u().get(i, j) * u.get(i, j);
            }
            assertTrue(Math.abs(dot) >= 1 - 1e-3, context + " triplet " + j + ": |<u_cpu, u_cuda>| = " + dot);
        }
    }

    private static void assertClose(Matrix expected, Matrix actual, double tol, String context) {
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.rows(); i++) {
            for (int j = 0; j < expected.cols(); j++) {
                scale = Math.max(scale, Math.abs(expected.get(i, j)));
                worst = Math.max(worst, Math.abs(expected.get(i, j) - actual.get(i, j)));
            }
        }
        assertTrue(worst <= tol * scale, context + ": max difference " + worst + " for max |value| " + scale);
    }
}
