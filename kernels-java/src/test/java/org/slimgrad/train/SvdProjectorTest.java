package org.slimgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slimgrad.Accuracy;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.Spectra;
import org.slimgrad.TestData;
import org.slimgrad.train.SvdProjector.Refresh;

class SvdProjectorTest {

    private final Backend cpu = Backends.cpu();
    private final Backend reference = Backends.reference();

    private SvdProjector projector(int m, int n, int rank, int gap, Refresh refresh, NonFinitePolicy policy) {
        return new SvdProjector(cpu, m, n, rank, gap, 0.25f, refresh, policy, 3);
    }

    @Test
    void sideFollowsTheShapeAsInGaLore() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int[] s : new int[][]{{60, 40}, {40, 60}, {50, 50}}) {
            SvdProjector p = projector(s[0], s[1], 8, 10, Refresh.randomized(6, 2), NonFinitePolicy.THROW);
            boolean right = s[0] >= s[1];
            assertEquals(right, p.projectsRight(), "m >= n (square included) projects on the right");
            Matrix g = TestData.random(rng, s[0], s[1], false);
            Matrix r = cpu.allocate(p.projectedRows(), p.projectedCols());
            p.project(g, r);
            Matrix basis = p.basis();
            assertEquals(right ? s[1] : s[0], basis.rows());
            assertTrue(Spectra.orthogonalityError(basis) <= 1e-5, "P has orthonormal columns");
            // R = G·P or Pᵀ·G, and ΔW = α·R·Pᵀ or α·P·R, against the reference backend
            Matrix want = reference.allocate(r.rows(), r.cols());
            reference.gemm(!right, false, 1f, right ? g : basis, right ? basis : g, 0f, want);
            Accuracy.assertClose(want, r, 1e-5, 1, "projection " + g.shape());
            Matrix back = cpu.allocate(s[0], s[1]);
            p.projectBack(r, back);
            Matrix wantBack = reference.allocate(s[0], s[1]);
            reference.gemm(false, right, 0.25f, right ? r : basis, right ? basis : r, 0f, wantBack);
            Accuracy.assertClose(wantBack, back, 1e-5, 1, "back-projection " + g.shape());
        }
    }

    @Test
    void lowRankGradientsSurviveTheRoundTrip() {
        SplittableRandom rng = new SplittableRandom(2);
        double[] sigma = {5, 4, 3, 2, 1};
        Matrix g = Spectra.withSpectrum(rng, 90, 70, sigma); // rank 5 ≤ projector rank
        for (Refresh refresh : new Refresh[]{Refresh.exact(), Refresh.randomized(4, 2)}) {
            SvdProjector p = new SvdProjector(cpu, 90, 70, 8, 200, 1f, refresh, NonFinitePolicy.THROW, 4);
            Matrix r = cpu.allocate(p.projectedRows(), p.projectedCols());
            p.project(g, r);
            Matrix back = cpu.allocate(90, 70);
            p.projectBack(r, back);
            Accuracy.assertClose(g, back, 1e-4, 1, refresh + ": P·Pᵀ·G = G for G in the subspace");
        }
    }

    @Test
    void refreshesExactlyEveryUpdateGapSteps() {
        SplittableRandom rng = new SplittableRandom(3);
        SvdProjector p = projector(30, 20, 4, 3, Refresh.randomized(2, 1), NonFinitePolicy.THROW);
        Matrix r = cpu.allocate(p.projectedRows(), p.projectedCols());
        float[] previous = null;
        for (int step = 0; step < 7; step++) {
            p.project(TestData.random(rng, 30, 20, false), r);
            float[] now = p.basis().toArray();
            if (previous != null) {
                boolean changed = !java.util.Arrays.equals(previous, now);
                assertEquals(step % 3 == 0, changed, "basis changes at step " + step + " only if step % 3 == 0");
            }
            previous = now;
        }
    }

    @Test
    void nonFiniteGradientsAreReportedOrSkipped() {
        SplittableRandom rng = new SplittableRandom(4);
        Matrix bad = TestData.random(rng, 30, 20, false);
        bad.set(3, 4, Float.NaN);
        SvdProjector strict = projector(30, 20, 4, 1, Refresh.randomized(2, 1), NonFinitePolicy.THROW);
        Matrix r = cpu.allocate(30, 4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> strict.project(bad, r));
        assertTrue(e.getMessage().contains("30x20") && e.getMessage().contains("NaN"), e.getMessage());

        SvdProjector lenient = projector(30, 20, 4, 1, Refresh.randomized(2, 1), NonFinitePolicy.KEEP_PREVIOUS);
        assertThrows(IllegalStateException.class, () -> lenient.project(bad, r), "no previous basis to keep");
        lenient.project(TestData.random(rng, 30, 20, false), r);
        float[] before = lenient.basis().toArray();
        Matrix inf = TestData.random(rng, 30, 20, false);
        inf.set(0, 0, Float.POSITIVE_INFINITY);
        lenient.project(inf, r);
        assertEquals(1, lenient.skippedRefreshes());
        assertTrue(java.util.Arrays.equals(before, lenient.basis().toArray()), "previous basis kept");
    }

    @Test
    void rankIsClampedAndZeroGradientsGiveABasis() {
        SvdProjector p = projector(12, 9, 50, 5, Refresh.randomized(4, 2), NonFinitePolicy.THROW);
        assertEquals(9, p.rank(), "rank clamps to min(m, n)");
        Matrix r = cpu.allocate(p.projectedRows(), p.projectedCols());
        p.project(cpu.allocate(12, 9), r);
        assertTrue(Spectra.orthogonalityError(p.basis()) <= 1e-5, "zero gradient still gives an orthonormal basis");
        assertThrows(IllegalArgumentException.class, () -> p.project(cpu.allocate(9, 12), r));
        assertThrows(IllegalArgumentException.class,
                () -> new SvdProjector(cpu, 0, 9, 4, 5, 1f, Refresh.exact(), NonFinitePolicy.THROW, 0));
    }

    @Test
    void holdsTheBasisAndTheRotationWhileTheRefreshWorkspaceIsTransient() {
        SvdProjector exact = projector(100, 40, 8, 5, Refresh.exact(), NonFinitePolicy.THROW);
        assertEquals(40L * 8 * Float.BYTES, exact.bytesHeld(), "exact refresh keeps only P (n×r)");
        assertEquals(0, exact.refreshWorkspaceBytes());
        SvdProjector randomized = projector(100, 40, 8, 1, Refresh.randomized(4, 2), NonFinitePolicy.THROW);
        assertEquals(40L * 8 * Float.BYTES, randomized.bytesHeld(), "the plan is not kept between refreshes");
        SplittableRandom rng = new SplittableRandom(9);
        Matrix r = cpu.allocate(100, 8);
        randomized.project(TestData.random(rng, 100, 40, false), r);
        randomized.project(TestData.random(rng, 100, 40, false), r);
        assertEquals((40L * 8 + 8 * 8) * Float.BYTES, randomized.bytesHeld(), "P and the r×r rotation");
        long planBytes = new org.slimgrad.linalg.RandomizedSvd(cpu, 100, 40, 8, 4).workspaceBytes();
        assertEquals(planBytes, randomized.refreshWorkspaceBytes(), "the static count equals an allocated plan's");
    }
}
