package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slimgrad.Axis;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.Svd;
import org.slimgrad.TestData;
import org.slimgrad.train.DctProjector;
import org.slimgrad.train.LowRankAdam;
import org.slimgrad.train.NonFinitePolicy;
import org.slimgrad.train.SparsePlusLowRankLinear;
import org.slimgrad.train.SvdProjector;

/**
 * What a warm training step costs in driver calls, counted at the device seam on the emulated device (the same
 * counter runs on a GPU): after one warm-up call no operation allocates device memory, and each waits for the GPU only
 * to hand a value back to the host.
 */
class WarmStepDriverCallsTest {

    private final CudaBackend cuda = EmulatedCuda.create();
    private final SplittableRandom rng = new SplittableRandom(9);

    /** The driver calls of {@code repeats} runs of {@code step} after one warm-up run. */
    private DriverCalls warm(int repeats, Runnable step) {
        step.run();
        return calls(repeats, step);
    }

    private DriverCalls calls(int repeats, Runnable step) {
        DriverCalls before = cuda.driverCalls();
        for (int i = 0; i < repeats; i++) {
            step.run();
        }
        return cuda.driverCalls().since(before);
    }

    @Test
    void adamStepsNeitherAllocateNorWait() {
        Matrix g = cuda.fromHost(TestData.random(rng, 48, 40, false));
        Matrix m = cuda.allocate(48, 40);
        Matrix v = cuda.allocate(48, 40);
        Matrix w = cuda.fromHost(TestData.random(rng, 48, 40, false));
        long[] step = {1};
        DriverCalls calls = warm(5, () -> cuda.adam(g, m, v, 0.9f, 0.999f, 1e-8f, step[0]++, -1e-3f, 1f, w));
        assertEquals(0, calls.allocations(), "allocations: " + calls);
        assertEquals(0, calls.syncs(), "syncs: " + calls);
    }

    @Test
    void orthonormalizeWaitsOnceAndReusesItsPlan() {
        Matrix a = cuda.fromHost(TestData.random(rng, 70, 12, false));
        DriverCalls calls = warm(3, () -> cuda.orthonormalize(a));
        assertEquals(0, calls.allocations(), "allocations: " + calls);
        assertEquals(2 * 3, calls.syncs(), "two waits per call: the input's norm and the deferred checks: " + calls);
    }

    @Test
    void randomizedSvdIntoTheCallersMatricesWaitsThreeTimesAndAllocatesNothing() {
        Matrix a = cuda.fromHost(TestData.random(rng, 90, 60, false));
        Matrix u = cuda.allocate(90, 8);
        Matrix vt = cuda.allocate(8, 60);
        DriverCalls calls = warm(3, () -> cuda.randomizedSvd(a, 8, 4, 2, 7, null, u, vt));
        assertEquals(0, calls.allocations(), "allocations: " + calls);
        assertEquals(3 * 3, calls.syncs(), "three waits per call (q = 2): the input's norm, the checks and σ: "
                + calls);
    }

    @Test
    void randomizedSvdAllocatesOnlyTheResultsItReturns() {
        Matrix a = cuda.fromHost(TestData.random(rng, 90, 60, false));
        Svd[] kept = new Svd[4];
        int[] call = {0};
        DriverCalls calls = warm(3, () -> kept[call[0]++] = cuda.randomizedSvd(a, 8, 4, 2, 7, null));
        assertEquals(6, calls.allocations(), "U and Vᵀ of each of the three kept results only: " + calls);
        assertEquals(3 * 3, calls.syncs(), "the input's norm, the deferred checks and σ: " + calls);
    }

    @Test
    void dctRefreshWaitsOnlyForItsIndices() {
        Matrix g = cuda.fromHost(TestData.random(rng, 48, 40, false));
        Matrix scores = cuda.allocate(1, 40);
        Matrix r = cuda.allocate(48, 8);
        DriverCalls calls = warm(3, () -> cuda.dctSelect(g, Axis.ROWS, ScoreNorm.L1, scores, 8, r));
        assertEquals(0, calls.allocations(), "allocations: " + calls);
        assertEquals(3, calls.syncs(), "one wait per refresh, for the indices: " + calls);
    }

    /**
     * A DCT-projected LowRankAdam step between refreshes allocates nothing and waits once (its projected gradient's
     * sum of squares, the non-finite check that protects W); a refresh adds the selection's one wait (ROTATE's copy of
     * C to the device is queued, not waited for). The rotation's temporaries are scratch, back in the pool before the
     * next refresh.
     */
    @Test
    void dctLowRankAdamStepsAllocateNothing() {
        for (LowRankAdam.OnRefresh onRefresh : LowRankAdam.OnRefresh.values()) {
            LowRankAdam adam = new LowRankAdam(cuda, new DctProjector(cuda, 48, 40, 8, 3, 0.25f, ScoreNorm.L1,
                    NonFinitePolicy.THROW), new LowRankAdam.Settings(1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, onRefresh));
            assertWarmSteps(adam, onRefresh + " DCT", 1, 2);
        }
    }

    /**
     * The same for GaLore's SVD projector (randomized refresh, q = 2, both sides): a refresh computes into scratch
     * and copies over the old basis, so a warm one allocates nothing either; it waits for the gradient's check, the
     * randomized SVD's three and the new basis' finiteness, besides the step's own.
     */
    @Test
    void svdLowRankAdamStepsAllocateNothing() {
        for (int[] shape : new int[][]{{48, 40}, {40, 56}}) {
            for (LowRankAdam.OnRefresh onRefresh : LowRankAdam.OnRefresh.values()) {
                LowRankAdam adam = new LowRankAdam(cuda, new SvdProjector(cuda, shape[0], shape[1], 8, 3, 0.25f,
                        SvdProjector.Refresh.randomized(4, 2), NonFinitePolicy.THROW, 5),
                        new LowRankAdam.Settings(1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, onRefresh));
                assertWarmSteps(adam, onRefresh + " SVD " + shape[0] + "x" + shape[1], 1, 1 + 1 + 3 + 1);
            }
        }
    }

    // steps 1-4 (refreshes at 1 and 4) warm up; steps 5-6 lie between refreshes, step 7 refreshes
    private void assertWarmSteps(LowRankAdam adam, String what, int syncsBetween, int syncsAtRefresh) {
        int rows = adam.projector().rows();
        int cols = adam.projector().cols();
        Matrix g = cuda.fromHost(TestData.random(rng, rows, cols, false));
        Matrix w = cuda.fromHost(TestData.random(rng, rows, cols, false));
        for (int i = 0; i < 4; i++) {
            adam.step(w, g);
        }
        DriverCalls between = calls(2, () -> adam.step(w, g));
        assertEquals(0, between.allocations(), what + ", between refreshes: " + between);
        assertEquals(2 * syncsBetween, between.syncs(), what + ", between refreshes: " + between);
        DriverCalls refresh = calls(1, () -> adam.step(w, g));
        assertEquals(0, refresh.allocations(), what + ", a refresh: " + refresh);
        assertEquals(syncsAtRefresh, refresh.syncs(), what + ", a refresh: " + refresh);
    }

    /** An SLTrain layer's forward and backward pass allocates nothing and never waits for the GPU once warm. */
    @Test
    void layerForwardBackwardNeitherAllocatesNorWaits() {
        SparsePlusLowRankLinear layer = new SparsePlusLowRankLinear(cuda, 40, 56, 6, 1f, 0.05, 3);
        Matrix x = cuda.fromHost(TestData.random(rng, 24, 56, false));
        Matrix dy = cuda.fromHost(TestData.random(rng, 24, 40, false));
        Matrix y = cuda.allocate(24, 40);
        Matrix dx = cuda.allocate(24, 56);
        DriverCalls calls = warm(3, () -> {
            layer.forward(x, y);
            layer.backward(x, dy, dx);
        });
        assertEquals(0, calls.allocations(), "allocations: " + calls);
        assertEquals(0, calls.syncs(), "syncs: " + calls);
    }
}
