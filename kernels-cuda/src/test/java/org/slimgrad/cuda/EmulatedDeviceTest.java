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
        Matrix host = TestData.random(new java.util.SplittableRandom(4), 40, 24, false);
        Matrix g = cuda.fromHost(host);
        Matrix r = cuda.allocate(40, 3);
        Matrix out = cuda.allocate(40, 24);
        int[] indices = {1, 5, 7};
        cuda.dctGather(g, Axis.ROWS, indices, r);
        cuda.idctScatter(r, Axis.ROWS, indices, 1f, 0f, out);
        long before = cuda.driverCalls().bytesCopied();
        for (int step = 0; step < 3; step++) {
            cuda.dctGather(g, Axis.ROWS, indices.clone(), r);
            cuda.idctScatter(r, Axis.ROWS, indices.clone(), 1f, 0f, out);
        }
        assertEquals(before, cuda.driverCalls().bytesCopied(), "bytes copied on steps with unchanged indices");
        int[] other = {2, 5, 7};
        cuda.dctGather(g, Axis.ROWS, other, r);
        assertEquals(before + other.length * Integer.BYTES, cuda.driverCalls().bytesCopied(),
                "the new indices are uploaded once");
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

    @Override
    protected CudaBackend cuda() {
        return EmulatedCuda.shared();
    }

    @Override
    protected CudaBackend newBackend() {
        return EmulatedCuda.create();
    }
}
