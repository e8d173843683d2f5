package org.slimgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.TestData;
import org.slimgrad.train.LowRankAdam.OnRefresh;
import org.slimgrad.train.LowRankAdam.Settings;
import org.slimgrad.train.SvdProjector.Refresh;

class LowRankAdamTest {

    private final Backend cpu = Backends.cpu();

    private Supplier<GradientProjector> projector(String kind, int m, int n, int rank, int gap) {
        return switch (kind) {
            case "svd" -> () -> new SvdProjector(cpu, m, n, rank, gap, 0.5f, Refresh.exact(), NonFinitePolicy.THROW, 1);
            case "random" -> () -> new RandomProjector(cpu, m, n, rank, gap, 0.5f, 3);
            default -> () -> new DctProjector(cpu, m, n, rank, gap, 0.5f, ScoreNorm.L1, NonFinitePolicy.THROW);
        };
    }

    /**
     * The fused step (Adam written over R, W updated in the back-projection's epilogue) against the unfused
     * sequence computed in float64 by the test: project, rotate on refresh, Adam, back-project into an m×n
     * temporary, W ← (1 − lr·λ)·W − lr·ΔW.
     */
    @Test
    void fusedStepEqualsTheUnfusedSequence() {
        SplittableRandom rng = new SplittableRandom(31);
        for (String kind : new String[]{"svd", "dct", "random"}) {
            for (int[] s : new int[][]{{40, 24}, {24, 40}}) {
                int m = s[0], n = s[1], r = 5;
                Supplier<GradientProjector> make = projector(kind, m, n, r, 2);
                Settings settings = new Settings(1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, OnRefresh.ROTATE);
                LowRankAdam adam = new LowRankAdam(cpu, make.get(), settings);
                GradientProjector mirror = make.get();
                Matrix w = TestData.random(rng, m, n, false);
                double[][] wRef = toDoubles(w);
                Matrix r0 = cpu.allocate(mirror.projectedRows(), mirror.projectedCols());
                Matrix mRef = cpu.allocate(r0.rows(), r0.cols());
                Matrix vRef = cpu.allocate(r0.rows(), r0.cols());
                for (int t = 1; t <= 5; t++) {
                    Matrix g = TestData.random(rng, m, n, false);
                    adam.step(w, g);
                    mirror.project(g, r0);
                    if (mirror.changedSubspace()) {
                        mirror.rotate(mRef);
                        mirror.rotateSquares(vRef);
                    }
                    Matrix update = cpu.allocate(r0.rows(), r0.cols());
                    for (int i = 0; i < r0.rows(); i++) {
                        for (int j = 0; j < r0.cols(); j++) {
                            double gij = r0.get(i, j);
                            float mij = (float) (0.9 * mRef.get(i, j) + 0.1 * gij);
                            float vij = (float) (0.999 * vRef.get(i, j) + 0.001 * gij * gij);
                            mRef.set(i, j, mij);
                            vRef.set(i, j, vij);
                            double mHat = mij / (1 - Math.pow(0.9, t));
                            double vHat = vij / (1 - Math.pow(0.999, t));
                            update.set(i, j, (float) (mHat / (Math.sqrt(vHat) + 1e-8)));
                        }
                    }
                    Matrix delta = cpu.allocate(m, n);
                    mirror.projectBack(update, delta);
                    double worst = 0;
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            wRef[i][j] = (1 - 1e-2 * 0.1) * wRef[i][j] - 1e-2 * delta.get(i, j);
                            worst = Math.max(worst, Math.abs(w.get(i, j) - wRef[i][j]));
                        }
                    }
                    assertTrue(worst <= 1e-5, kind + " " + m + "x" + n + " step " + t + ": max |W − W_ref| = " + worst);
                }
            }
        }
    }

    /** Refreshing into the same subspace: rotation must leave the moments exactly as keeping them would. */
    @Test
    void rotationIntoAnUnchangedSubspaceKeepsTheMoments() {
        SplittableRandom rng = new SplittableRandom(32);
        Matrix g = TestData.random(rng, 36, 20, false);
        for (String kind : new String[]{"svd", "dct"}) {
            Supplier<GradientProjector> make = projector(kind, 36, 20, 4, 1);
            LowRankAdam rotating = new LowRankAdam(cpu, make.get(), Settings.defaults(1e-3f));
            LowRankAdam keeping = new LowRankAdam(cpu, make.get(),
                    new Settings(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, OnRefresh.KEEP));
            Matrix w1 = TestData.random(new SplittableRandom(1), 36, 20, false);
            Matrix w2 = TestData.copy(w1);
            for (int t = 0; t < 3; t++) {
                rotating.step(w1, g);
                keeping.step(w2, g);
            }
            assertTrue(rotating.projector().changedSubspace(), "every step refreshes (gap 1)");
            double tol = kind.equals("dct") ? 0 : 1e-5; // the SVD's C is the identity to rounding
            assertClose(keeping.firstMoment(), rotating.firstMoment(), tol, kind + " m");
            assertClose(keeping.secondMoment(), rotating.secondMoment(), tol, kind + " v");
        }
    }

    /** SvdProjector's rotation is M·(P_oldᵀ·P_new), checked on M = [I; 0] against bases captured around a refresh. */
    @Test
    void svdRotationIsTheChangeOfBasis() {
        SplittableRandom rng = new SplittableRandom(33);
        SvdProjector p = new SvdProjector(cpu, 30, 12, 4, 1, 1f, Refresh.exact(), NonFinitePolicy.THROW, 1);
        Matrix r = cpu.allocate(30, 4);
        p.project(TestData.random(rng, 30, 12, false), r);
        Matrix old = TestData.copy(p.basis());
        p.project(TestData.random(rng, 30, 12, false), r);
        Matrix state = cpu.allocate(30, 4);
        for (int i = 0; i < 4; i++) {
            state.set(i, i, 1f);
        }
        p.rotate(state);
        Matrix want = Backends.reference().allocate(4, 4);
        Backends.reference().gemm(true, false, 1f, old, p.basis(), 0f, want);
        assertClose(want, state.view(0, 0, 4, 4), 1e-6, "C = P_oldᵀ·P_new");
    }

    /**
     * Least squares with a planted rank-3 solution and noise: targets Y = X·W*ᵀ + E (W* 24×16 of rank 3, E uniform
     * in ±0.1), minimise ‖X·Wᵀ − Y‖²/t from W = 0 with full-rank AdamW (the adam kernel writing straight into W)
     * and with SVD- and DCT-projected low-rank Adam at rank 4, 600 steps each. The noise sets a floor no method can
     * pass; each low-rank run must end within 1.5× of full Adam's final loss (the figures are printed).
     */
    @Test
    void lowRankAdamConvergesOnAPlantedLowRankProblem() {
        SplittableRandom rng = new SplittableRandom(34);
        int m = 24, n = 16, tokens = 64;
        Matrix u = TestData.random(rng, m, 3, false);
        Matrix vt = TestData.random(rng, 3, n, false);
        Matrix planted = cpu.allocate(m, n);
        cpu.gemm(false, false, 1f, u, vt, 0f, planted);
        Matrix x = TestData.random(rng, tokens, n, false);
        Matrix y = TestData.random(rng, tokens, m, false);
        cpu.gemm(false, true, 1f, x, planted, 0.1f, y);
        double start = loss(cpu.allocate(m, n), x, y);
        double full = train(null, x, y, 600);
        double svd = train(projector("svd", m, n, 4, 50).get(), x, y, 600);
        double dct = train(projector("dct", m, n, 4, 50).get(), x, y, 600);
        double random = train(projector("random", m, n, 4, 50).get(), x, y, 600);
        System.out.printf("least squares 24x16, planted rank 3 + noise: initial %.4e, full Adam %.4e, SVD rank 4 %.4e,"
                + " DCT rank 4 %.4e, random rank 4 %.4e%n", start, full, svd, dct, random);
        assertTrue(full <= start / 100, "full Adam " + full + " from " + start);
        assertTrue(svd <= 1.5 * full, "SVD-projected " + svd + " vs full " + full);
        assertTrue(dct <= 1.5 * full, "DCT-projected " + dct + " vs full " + full);
    }

    @Test
    void bf16MomentsHalveTheStateConvergeLikeFp32AndResumeBitIdentically() throws IOException {
        SplittableRandom rng = new SplittableRandom(35);
        int m = 24, n = 16, tokens = 64;
        Matrix x = TestData.random(rng, tokens, n, false);
        Matrix y = TestData.random(rng, tokens, m, false);
        Settings fp32 = new Settings(0.05f, 0.9f, 0.999f, 1e-8f, 0f, OnRefresh.KEEP);
        Settings bf16 = new Settings(0.05f, 0.9f, 0.999f, 1e-8f, 0f, OnRefresh.KEEP, LowRankAdam.State.BF16);
        double lossFp32 = train(projector("svd", m, n, 4, 50).get(), x, y, 600, fp32);
        double lossBf16 = train(projector("svd", m, n, 4, 50).get(), x, y, 600, bf16);
        System.out.printf("least squares 24x16, SVD rank 4, keep: fp32 moments %.4e, bf16 moments %.4e%n", lossFp32,
                lossBf16);
        assertTrue(lossBf16 <= 1.05 * lossFp32, "bf16 " + lossBf16 + " vs fp32 " + lossFp32);
        GradientProjector p = projector("svd", m, n, 4, 50).get();
        LowRankAdam half = new LowRankAdam(cpu, p, bf16);
        LowRankAdam full = new LowRankAdam(cpu, projector("svd", m, n, 4, 50).get(), fp32);
        long projectedBytes = (long) p.projectedRows() * p.projectedCols() * Float.BYTES;
        assertEquals(full.bytesHeld() - projectedBytes, half.bytesHeld(), "two bf16 moments = one fp32 moment");
        assertThrows(IllegalArgumentException.class,
                () -> new Settings(0.05f, 0.9f, 0.999f, 1e-8f, 0f, OnRefresh.ROTATE, LowRankAdam.State.BF16));

        Matrix w = cpu.allocate(m, n);
        Matrix g = TestData.random(rng, m, n, false);
        for (int t = 0; t < 7; t++) {
            half.step(w, g);
        }
        java.io.ByteArrayOutputStream saved = new java.io.ByteArrayOutputStream();
        half.save(saved);
        LowRankAdam resumed = new LowRankAdam(cpu, projector("svd", m, n, 4, 50).get(), bf16);
        resumed.load(new java.io.ByteArrayInputStream(saved.toByteArray()));
        Matrix w2 = TestData.copy(w);
        for (int t = 0; t < 5; t++) {
            half.step(w, g);
            resumed.step(w2, g);
        }
        TestData.assertSameBits(w, w2, "bf16 state saved and resumed");
        LowRankAdam other = new LowRankAdam(cpu, projector("svd", m, n, 4, 50).get(), fp32);
        assertThrows(IllegalArgumentException.class,
                () -> other.load(new java.io.ByteArrayInputStream(saved.toByteArray())));
    }

    private double train(GradientProjector projector, Matrix x, Matrix y, int steps) {
        return train(projector, x, y, steps, new Settings(0.05f, 0.9f, 0.999f, 1e-8f, 0f, OnRefresh.ROTATE));
    }

    // Adam on W from zero with the gradient 2/t·(X·Wᵀ − Y)ᵀ·X; returns the final loss
    private double train(GradientProjector projector, Matrix x, Matrix y, int steps, Settings settings) {
        int m = y.cols(), n = x.cols();
        Matrix w = cpu.allocate(m, n);
        Matrix g = cpu.allocate(m, n);
        Matrix residual = cpu.allocate(x.rows(), m);
        Matrix moment1 = cpu.allocate(m, n);
        Matrix moment2 = cpu.allocate(m, n);
        LowRankAdam adam = projector == null ? null
                : new LowRankAdam(cpu, projector, settings);
        for (int t = 1; t <= steps; t++) {
            cpu.copy(y, residual);
            cpu.gemm(false, true, 1f, x, w, -1f, residual);
            cpu.gemm(true, false, 2f / x.rows(), residual, x, 0f, g);
            if (adam == null) {
                cpu.adam(g, moment1, moment2, 0.9f, 0.999f, 1e-8f, t, -0.05f, 1f, w);
            } else {
                adam.step(w, g);
            }
        }
        return loss(w, x, y);
    }

    private double loss(Matrix w, Matrix x, Matrix y) {
        Matrix residual = cpu.allocate(x.rows(), w.rows());
        cpu.copy(y, residual);
        cpu.gemm(false, true, 1f, x, w, -1f, residual);
        double sum = 0;
        for (float e : residual.toArray()) {
            sum += (double) e * e;
        }
        return sum / x.rows();
    }

    /**
     * State bytes at the 1B MLP shape (W 5461×2048, rank 512, right side): GaLore's formula 2·m·r + n·r (+ r² for
     * the rotation once the subspace has changed) for SVD, 2·m·r plus r indices (twice) and one score per column
     * for DCT, with a shared workspace; both ≤ 35% of full-rank Adam's 2·m·n.
     */
    @Test
    void stateAtThe1BShapeIsUnder35PercentOfFullAdam() {
        int m = 5461, n = 2048, r = 512;
        Matrix shared = cpu.allocate(m, r);
        LowRankAdam svd = new LowRankAdam(cpu, new SvdProjector(cpu, m, n, r, 200, 0.25f, Refresh.randomized(10, 2),
                NonFinitePolicy.THROW, 1), Settings.defaults(1e-3f), shared);
        LowRankAdam dct = new LowRankAdam(cpu, new DctProjector(cpu, m, n, r, 200, 0.25f, ScoreNorm.L1,
                NonFinitePolicy.THROW), Settings.defaults(1e-3f), shared);
        long full = 2L * m * n * 4;
        assertEquals(full, svd.fullRankAdamBytes());
        assertEquals((2L * m * r + (long) n * r) * 4, svd.bytesHeld(), "before any change of subspace");
        assertEquals(2L * m * r * 4 + 2L * r * 4 + n * 4L, dct.bytesHeld());
        double svdShare = (double) (svd.bytesHeld() + (long) r * r * 4) / full;
        double dctShare = (double) dct.bytesHeld() / full;
        System.out.printf("1B layer 5461x2048 r=512: SVD low-rank Adam %.1f%%, DCT %.1f%% of full Adam's bytes%n",
                100 * svdShare, 100 * dctShare);
        assertTrue(svdShare <= 0.35 && dctShare <= 0.35, svdShare + " / " + dctShare);
        assertThrows(IllegalArgumentException.class, () -> new LowRankAdam(cpu, new DctProjector(cpu, m, n, r, 200,
                0.25f, ScoreNorm.L1, NonFinitePolicy.THROW), Settings.defaults(1e-3f), cpu.allocate(10, 10)));
    }

    /** Accumulating two micro-batches equals one step with their sum, on refresh and on ordinary steps. */
    @Test
    void accumulatedMicroBatchesEqualOneStepWithTheirSum() {
        SplittableRandom rng = new SplittableRandom(35);
        for (String kind : new String[]{"svd", "dct", "random"}) {
            Supplier<GradientProjector> make = projector(kind, 30, 44, 6, 3);
            LowRankAdam whole = new LowRankAdam(cpu, make.get(), Settings.defaults(1e-2f));
            LowRankAdam parts = new LowRankAdam(cpu, make.get(), Settings.defaults(1e-2f));
            Matrix w1 = TestData.random(rng, 30, 44, false);
            Matrix w2 = TestData.copy(w1);
            for (int t = 0; t < 5; t++) { // steps 0 and 3 refresh
                Matrix g1 = TestData.random(rng, 30, 44, false);
                Matrix g2 = TestData.random(rng, 30, 44, false);
                Matrix sum = TestData.copy(g1);
                cpu.axpy(1f, g2, sum);
                whole.step(w1, sum);
                parts.accumulate(g1);
                parts.accumulate(g2);
                parts.step(w2);
                assertClose(w1, w2, 1e-5, kind + " step " + t);
            }
            assertThrows(IllegalStateException.class, () -> parts.step(w2), "nothing accumulated");
            parts.accumulate(TestData.random(rng, 30, 44, false));
            assertThrows(IllegalStateException.class, () -> parts.step(w2, w2), "pending accumulation");
        }
    }

    /** Save after 4 steps, restore into a fresh optimizer, continue: bit-identical to never stopping. */
    @Test
    void savedAndRestoredTrainingContinuesBitIdentically() throws Exception {
        SplittableRandom rng = new SplittableRandom(36);
        Matrix[] grads = new Matrix[10];
        for (int t = 0; t < grads.length; t++) {
            grads[t] = TestData.random(rng, 40, 26, false);
        }
        for (String kind : new String[]{"svd-randomized", "dct"}) {
            Supplier<GradientProjector> make = kind.equals("dct") ? projector("dct", 40, 26, 5, 3)
                    : () -> new SvdProjector(cpu, 40, 26, 5, 3, 0.5f, Refresh.randomized(4, 1), NonFinitePolicy.THROW,
                    7);
            Settings settings = new Settings(1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, OnRefresh.ROTATE);
            LowRankAdam straight = new LowRankAdam(cpu, make.get(), settings);
            LowRankAdam first = new LowRankAdam(cpu, make.get(), settings);
            Matrix w = TestData.random(new SplittableRandom(1), 40, 26, false);
            Matrix w2 = TestData.copy(w);
            java.io.ByteArrayOutputStream saved = new java.io.ByteArrayOutputStream();
            for (int t = 0; t < 4; t++) {
                straight.step(w, grads[t]);
                first.step(w2, grads[t]);
            }
            first.save(saved);
            LowRankAdam resumed = new LowRankAdam(cpu, make.get(), settings);
            resumed.load(new java.io.ByteArrayInputStream(saved.toByteArray()));
            for (int t = 4; t < grads.length; t++) {
                straight.step(w, grads[t]);
                resumed.step(w2, grads[t]);
            }
            TestData.assertSameBits(w, w2, kind + ": resumed training");
            TestData.assertSameBits(straight.firstMoment(), resumed.firstMoment(), kind + ": first moment");

            byte[] bytes = saved.toByteArray();
            LowRankAdam otherShape = new LowRankAdam(cpu, kind.equals("dct") ? projector("dct", 40, 27, 5, 3).get()
                    : new SvdProjector(cpu, 40, 27, 5, 3, 0.5f, Refresh.randomized(4, 1), NonFinitePolicy.THROW, 7),
                    settings);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> otherShape.load(new java.io.ByteArrayInputStream(bytes)));
            assertTrue(e.getMessage().contains("40x26") && e.getMessage().contains("40x27"), e.getMessage());
            byte[] future = bytes.clone();
            future[11] = 4; // format version 4
            e = assertThrows(IllegalArgumentException.class,
                    () -> resumed.load(new java.io.ByteArrayInputStream(future)));
            assertTrue(e.getMessage().contains("format version") && e.getMessage().contains("found 4"), e.getMessage());
            LowRankAdam otherSettings = new LowRankAdam(cpu, make.get(), Settings.defaults(1e-2f));
            assertThrows(IllegalArgumentException.class,
                    () -> otherSettings.load(new java.io.ByteArrayInputStream(bytes)));
        }
    }

    /** Phases i·T/L spread the refreshes of L layers over the gap: after step 0, one layer refreshes per step. */
    @Test
    void staggeredPhasesSpreadTheRefreshes() {
        int layers = 4, gap = 8;
        SplittableRandom rng = new SplittableRandom(37);
        DctProjector[] projectors = new DctProjector[layers];
        for (int i = 0; i < layers; i++) {
            projectors[i] = new DctProjector(cpu, 20, 12, 3, gap, 1f, ScoreNorm.L1, NonFinitePolicy.THROW);
            projectors[i].setRefreshPhase(i * gap / layers);
        }
        Matrix r = cpu.allocate(20, 3);
        int[] perStep = new int[3 * gap];
        for (int t = 0; t < perStep.length; t++) {
            for (DctProjector p : projectors) {
                perStep[t] += p.refreshDue() ? 1 : 0;
                p.project(TestData.random(rng, 20, 12, false), r);
            }
        }
        assertEquals(layers, perStep[0], "step 0 refreshes every layer");
        for (int t = 1; t < perStep.length; t++) {
            assertTrue(perStep[t] <= 1, "step " + t + " refreshes " + perStep[t] + " layers");
        }
        for (int from = 1; from + gap <= perStep.length; from++) {
            int window = java.util.Arrays.stream(perStep, from, from + gap).sum();
            assertEquals(layers, window, "each layer refreshes once in steps " + from + "…" + (from + gap - 1));
        }
        assertThrows(IllegalStateException.class, () -> projectors[0].setRefreshPhase(1), "only before the first step");
    }

    /**
     * GaLore's formulas for one MLP matrix W (intermediate × hidden, right side) of every LLaMA size: SVD-projected
     * Adam holds 2·m·r + n·r floats (moments and P; r² more once the subspace has changed), DCT-projected 2·m·r
     * floats plus r int32 indices twice and n scores, against full Adam's 2·m·n; a shared workspace m·r counts
     * once in the report.
     */
    @Test
    void memoryReportsMatchTheFormulasFrom60MTo7B() {
        int[][] layers = {{1376, 512, 128}, {2048, 768, 256}, {2736, 1024, 256}, {5461, 2048, 512},
                {11008, 4096, 1024}};
        for (int[] l : layers) {
            long m = l[0], n = l[1], r = l[2];
            Matrix shared = cpu.allocate(l[0], l[2]);
            LowRankAdam svd = new LowRankAdam(cpu, new SvdProjector(cpu, l[0], l[1], l[2], 200, 0.25f,
                    Refresh.randomized(10, 2), NonFinitePolicy.THROW, 1), Settings.defaults(1e-3f), shared);
            LowRankAdam dct = new LowRankAdam(cpu, new DctProjector(cpu, l[0], l[1], l[2], 200, 0.25f, ScoreNorm.L1,
                    NonFinitePolicy.THROW), Settings.defaults(1e-3f), shared);
            MemoryReport report = new MemoryReport().add("svd", svd).add("dct", dct).addShared("workspace",
                    m * r * 4);
            assertEquals((2 * m * r + n * r) * 4, svd.bytesHeld(), m + "x" + n + " SVD");
            assertEquals(2 * m * r * 4 + 2 * r * 4 + n * 4, dct.bytesHeld(), m + "x" + n + " DCT");
            assertEquals(2 * 2 * m * n * 4, report.fullRankAdamBytes());
            assertEquals(svd.bytesHeld() + dct.bytesHeld() + m * r * 4, report.heldBytes());
            long svdRefresh = org.slimgrad.linalg.RandomizedSvd.workspaceBytes(l[0], l[1], l[2], 10)
                    + (n * r + r * r + m * r + r * n + r * n) * 4;
            assertEquals(svdRefresh, svd.peakStepBytes(),
                    "randomized workspace, new P, C∘C, rotation, warm start, Vᵀ");
            assertEquals(0, dct.peakStepBytes(), "the DCT refresh allocates nothing of this size");
            assertEquals(svdRefresh, report.peakStepBytes());
        }
    }

    private static double[][] toDoubles(Matrix a) {
        double[][] d = new double[a.rows()][a.cols()];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                d[i][j] = a.get(i, j);
            }
        }
        return d;
    }

    private static void assertClose(Matrix want, Matrix got, double tol, String what) {
        assertEquals(want.rows(), got.rows());
        for (int i = 0; i < want.rows(); i++) {
            for (int j = 0; j < want.cols(); j++) {
                assertEquals(want.get(i, j), got.get(i, j), tol, what + " (" + i + ", " + j + ")");
            }
        }
    }
}
