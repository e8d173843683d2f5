package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slimgrad.Axis;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.TestData;

/** The device contract on the host emulation: runs in every build. */
class EmulatedDeviceTest extends DeviceContract {

    /** The instance Backends shares refuses close() and stays usable; a private one closes. */
    @Test
    void theSharedBackendCannotBeClosedByOneOfItsUsers() {
        EmulatedCuda.create().close(); // skips the test where the emulation library is missing
        CudaBackend shared = new CudaBackend("cuda", EmulatedDevice.load(), true);
        IllegalStateException e = assertThrows(IllegalStateException.class, shared::close);
        assertTrue(e.getMessage().contains("CudaBackend.open"), e.getMessage());
        shared.scale(2f, shared.allocate(3, 3)); // still open
    }

    /**
     * A DCT projector's step between refreshes gathers and scatters with the indices it used last time: the device
     * keeps them, so the step uploads nothing; other indices are uploaded, and the results follow them.
     */
    @Test
    void repeatedIndicesAreNotUploadedAgain() {
        CudaBackend cuda = cuda();
        EmulatedDevice device = (EmulatedDevice) cuda.context().device();
        Matrix host = TestData.random(new java.util.SplittableRandom(4), 40, 24, false);
        Matrix g = cuda.fromHost(host);
        Matrix r = cuda.allocate(40, 3);
        Matrix out = cuda.allocate(40, 24);
        int[] indices = {1, 5, 7};
        cuda.dctGather(g, Axis.ROWS, indices, r);
        cuda.idctScatter(r, Axis.ROWS, indices, 1f, 0f, out);
        long before = device.uploads();
        for (int step = 0; step < 3; step++) {
            cuda.dctGather(g, Axis.ROWS, indices.clone(), r);
            cuda.idctScatter(r, Axis.ROWS, indices.clone(), 1f, 0f, out);
        }
        assertEquals(before, device.uploads(), "uploads on steps with unchanged indices");
        int[] other = {2, 5, 7};
        cuda.dctGather(g, Axis.ROWS, other, r);
        assertEquals(before + 1, device.uploads(), "the new indices are uploaded once");
        Matrix expected = Matrix.wrap(new float[40 * 3], 40, 3);
        Backends.cpu().dctGather(host, Axis.ROWS, other, expected);
        Matrix actual = cuda.toHost(r);
        for (int i = 0; i < 40; i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(expected.get(i, k), actual.get(i, k), 1e-5f * (1 + Math.abs(expected.get(i, k))),
                        "(" + i + ", " + k + ") gathers the new indices");
            }
        }
    }

    /**
     * After warm-up, an Adam step reaches neither the allocator nor the host, and a DCT-projected LowRankAdam step
     * between refreshes allocates nothing, uploads nothing and reads back one number (its projected gradient's sum of
     * squares, the non-finite check that protects W).
     */
    @Test
    void warmStepsNeitherAllocateNorCopyMoreThanTheirCheck() {
        CudaBackend cuda = cuda();
        EmulatedDevice device = (EmulatedDevice) cuda.context().device();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
        Matrix g = cuda.fromHost(TestData.random(rng, 48, 40, false));
        Matrix m = cuda.allocate(48, 40);
        Matrix v = cuda.allocate(48, 40);
        Matrix w = cuda.fromHost(TestData.random(rng, 48, 40, false));
        cuda.adam(g, m, v, 0.9f, 0.999f, 1e-8f, 1, -1e-3f, 1f, w);
        EmulatedDevice.DriverCalls before = device.driverCalls();
        for (long step = 2; step <= 6; step++) {
            cuda.adam(g, m, v, 0.9f, 0.999f, 1e-8f, step, -1e-3f, 1f, w);
        }
        assertEquals(new EmulatedDevice.DriverCalls(0, 0, 0), device.driverCalls().since(before), "adam steps");

        org.slimgrad.train.LowRankAdam adam = new org.slimgrad.train.LowRankAdam(cuda,
                new org.slimgrad.train.DctProjector(cuda, 48, 40, 8, 1000, 0.25f, org.slimgrad.ScoreNorm.L1,
                        org.slimgrad.train.NonFinitePolicy.THROW),
                new org.slimgrad.train.LowRankAdam.Settings(1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f,
                        org.slimgrad.train.LowRankAdam.OnRefresh.ROTATE));
        adam.step(w, g); // the refresh
        adam.step(w, g); // the first projection with these indices
        before = device.driverCalls();
        int steps = 5;
        for (int step = 0; step < steps; step++) {
            adam.step(w, g);
        }
        assertEquals(new EmulatedDevice.DriverCalls(0, 0, steps), device.driverCalls().since(before),
                "LowRankAdam (DCT) steps between refreshes");
    }

    @Override
    protected CudaBackend cuda() {
        return EmulatedCuda.shared();
    }

    @Override
    protected CudaBackend newBackend() {
        return EmulatedCuda.create();
    }
}
