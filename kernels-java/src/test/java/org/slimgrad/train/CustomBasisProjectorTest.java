package org.slimgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slimgrad.Accuracy;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.TestData;

/** A user's own basis through the public projector: a fixed orthonormal P, one lambda. */
class CustomBasisProjectorTest {

    private final Backend cpu = Backends.cpu();
    private final Backend reference = Backends.reference();

    @Test
    void aFixedUserBasisProjectsAndBacksProjectsAndSavesItsState() throws IOException {
        SplittableRandom rng = new SplittableRandom(8);
        int m = 30, n = 20, r = 5;
        Matrix p = TestData.random(rng, n, r, false);
        cpu.orthonormalize(p);
        int[] calls = {0};
        CustomBasisProjector projector = new CustomBasisProjector(cpu, m, n, r, 4, 1f, NonFinitePolicy.THROW,
                (backend, g, current, into) -> {
                    calls[0]++;
                    backend.copy(p, into);
                    return true;
                });
        Matrix g = TestData.random(rng, m, n, true);
        Matrix projected = cpu.allocate(m, r);
        projector.project(g, projected);
        Matrix expected = reference.allocate(m, r);
        reference.gemm(false, false, 1f, g, p, 0f, expected);
        Accuracy.assertClose(expected, projected, 1e-5, 1, "R = G·P on the user's basis");
        TestData.assertSameBits(p, projector.basis(), "the basis is the user's P");

        LowRankAdam adam = new LowRankAdam(cpu, projector, LowRankAdam.Settings.defaults(1e-2f));
        Matrix w = cpu.allocate(m, n);
        for (int t = 0; t < 5; t++) {
            adam.step(w, g);
        }
        assertEquals(2, calls[0], "refreshes at steps 0 (project) and 4 (the fourth optimizer step)");

        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        projector.saveState(new DataOutputStream(saved));
        CustomBasisProjector restored = new CustomBasisProjector(cpu, m, n, r, 4, 1f, NonFinitePolicy.THROW,
                (backend, gradient, current, into) -> false);
        restored.loadState(new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
        TestData.assertSameBits(p, restored.basis(), "restored basis");
        SvdProjector svd = new SvdProjector(cpu, m, n, r, 4, 1f, SvdProjector.Refresh.exact(), NonFinitePolicy.THROW,
                1);
        assertThrows(IllegalArgumentException.class,
                () -> svd.loadState(new DataInputStream(new ByteArrayInputStream(saved.toByteArray()))));
    }
}
