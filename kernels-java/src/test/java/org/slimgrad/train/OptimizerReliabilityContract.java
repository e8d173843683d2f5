package org.slimgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.TestData;
import org.slimgrad.train.LowRankAdam.OnRefresh;
import org.slimgrad.train.LowRankAdam.Settings;

/**
 * Issue 25's findings 1, 4 and 8 on one backend: a refused load leaves the optimizer bit-identical to a twin that
 * never saw the file; a non-finite or overflowing gradient never reaches W or the moments; overlapping calls from
 * two threads fail fast. Subclasses name the backend.
 */
public abstract class OptimizerReliabilityContract {

    protected abstract Backend backend();

    private static final int M = 24;
    private static final int N = 18;

    private Supplier<GradientProjector> projector(String kind, NonFinitePolicy policy) {
        return switch (kind) {
            case "dct" -> () -> new DctProjector(backend(), M, N, 4, 3, 0.5f, ScoreNorm.L1, policy);
            case "dct-left" -> () -> new DctProjector(backend(), N, M, 4, 3, 0.5f, ScoreNorm.L2, policy);
            default -> () -> new SvdProjector(backend(), M, N, 4, 3, 0.5f, SvdProjector.Refresh.randomized(3, 1),
                    policy, 5);
        };
    }

    private Matrix[] gradients(int count, int rows, int cols) {
        SplittableRandom rng = new SplittableRandom(44);
        Matrix[] grads = new Matrix[count];
        for (int t = 0; t < count; t++) {
            grads[t] = TestData.random(rng, rows, cols, false);
        }
        return grads;
    }

    private static byte[] save(LowRankAdam adam) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        adam.save(out);
        return out.toByteArray();
    }

    /**
     * Every corruption of a saved state (another projector's file, another version, a truncation at any of many
     * lengths, flipped bytes, an out-of-range step with a valid checksum, garbage) is refused with a message, and
     * the optimizer then saves the same bytes and steps to the same W as a twin that never saw the file.
     */
    @Test
    void refusedLoadLeavesTheOptimizerUntouched() throws IOException {
        Settings settings = new Settings(1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, OnRefresh.ROTATE);
        for (String kind : new String[]{"svd", "dct", "dct-left"}) {
            Supplier<GradientProjector> make = projector(kind, NonFinitePolicy.THROW);
            boolean left = kind.equals("dct-left");
            Matrix[] grads = gradients(6, left ? N : M, left ? M : N);
            LowRankAdam target = new LowRankAdam(backend(), make.get(), settings);
            LowRankAdam twin = new LowRankAdam(backend(), make.get(), settings);
            Matrix w = TestData.random(new SplittableRandom(2), grads[0].rows(), grads[0].cols(), false);
            Matrix wTwin = TestData.copy(w);
            for (int t = 0; t < 4; t++) {
                target.step(w, grads[t]);
                twin.step(wTwin, grads[t]);
            }
            LowRankAdam donor = new LowRankAdam(backend(), make.get(), settings);
            Matrix wDonor = TestData.copy(w);
            donor.step(wDonor, grads[5]);
            byte[] valid = save(donor);
            byte[] mine = save(target);

            SplittableRandom rng = new SplittableRandom(kind.hashCode());
            java.util.List<byte[]> bad = new java.util.ArrayList<>();
            String otherKind = kind.equals("svd") ? "dct" : "svd";
            if (!left) {
                LowRankAdam other = new LowRankAdam(backend(), projector(otherKind, NonFinitePolicy.THROW).get(),
                        settings);
                other.step(TestData.copy(w), grads[0]);
                bad.add(save(other));
            }
            byte[] version1 = valid.clone();
            version1[11] = 1;
            bad.add(version1);
            for (int length = 0; length < valid.length; length += 1 + rng.nextInt(29)) {
                bad.add(java.util.Arrays.copyOf(valid, length));
            }
            for (int t = 0; t < 60; t++) {
                byte[] flipped = valid.clone();
                flipped[12 + rng.nextInt(valid.length - 12)] ^= (byte) (1 << rng.nextInt(8));
                bad.add(flipped);
            }
            bad.add(withChecksum(withLong(valid, 12 + 4 * 4 + 5 * 4 + 2 * 4, -5))); // step −5, valid checksum
            byte[] garbage = new byte[valid.length];
            rng.nextBytes(garbage);
            bad.add(garbage);

            for (byte[] file : bad) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> target.load(new ByteArrayInputStream(file)), kind + ": a corrupted state was accepted");
                assertNotNull(e.getMessage());
                assertTrue(e.getMessage().contains("load"), e.getMessage());
                assertArrayEquals(mine, save(target), kind + ": a refused load changed the state (" + e.getMessage()
                        + ")");
            }
            for (int t = 4; t < 6; t++) {
                target.step(w, grads[t]);
                twin.step(wTwin, grads[t]);
            }
            TestData.assertSameBits(wTwin, w, kind + ": W after refused loads");
            TestData.assertSameBits(twin.firstMoment(), target.firstMoment(), kind + ": first moment");

            target.load(new ByteArrayInputStream(valid)); // the valid file still loads
            assertArrayEquals(valid, save(target));
        }
    }

    @Test
    void loadWhileAccumulatingIsRefused() throws IOException {
        LowRankAdam adam = new LowRankAdam(backend(), projector("svd", NonFinitePolicy.THROW).get(),
                Settings.defaults(1e-2f));
        Matrix[] grads = gradients(3, M, N);
        adam.step(backend().allocate(M, N), grads[0]);
        byte[] saved = save(adam);
        adam.accumulate(grads[1]);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> adam.load(new ByteArrayInputStream(saved)));
        assertTrue(e.getMessage().contains("accumulated"), e.getMessage());
    }

    /**
     * Under THROW a NaN gradient on an ordinary step throws before W or the moments change; under KEEP_PREVIOUS it
     * is skipped and counted; a huge finite gradient does not poison a warm-started SVD projector.
     */
    @Test
    void nonFiniteGradientsNeverReachWOrTheMoments() {
        for (String kind : new String[]{"svd", "dct"}) {
            Matrix[] grads = gradients(8, M, N);
            Matrix nan = TestData.copy(grads[1]);
            nan.set(5, 7, Float.NaN);

            LowRankAdam strict = new LowRankAdam(backend(), projector(kind, NonFinitePolicy.THROW).get(),
                    Settings.defaults(1e-2f));
            Matrix w = TestData.random(new SplittableRandom(3), M, N, false);
            strict.step(w, grads[0]);
            Matrix wBefore = TestData.copy(w);
            Matrix mBefore = TestData.copy(strict.firstMoment());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> strict.step(w, nan));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            TestData.assertSameBits(wBefore, w, kind + " THROW: W");
            TestData.assertSameBits(mBefore, strict.firstMoment(), kind + " THROW: first moment");

            LowRankAdam lenient = new LowRankAdam(backend(), projector(kind, NonFinitePolicy.KEEP_PREVIOUS).get(),
                    Settings.defaults(1e-2f));
            Matrix w2 = TestData.random(new SplittableRandom(3), M, N, false);
            lenient.step(w2, grads[0]);
            Matrix huge = TestData.copy(grads[2]);
            huge.set(1, 1, 3e38f); // finite: an unscaled randomized SVD would overflow, its R would overflow v
            for (int t = 1; t < 8; t++) {
                Matrix before = TestData.copy(w2);
                lenient.step(w2, t == 3 ? nan : t == 6 ? huge : grads[t]); // both refresh steps (gap 3)
                if (t == 3) {
                    TestData.assertSameBits(before, w2, kind + " KEEP_PREVIOUS: W on the skipped step");
                }
            }
            assertEquals(2, lenient.skippedSteps(), kind + ": skipped steps (NaN, then squares beyond fp32)");
            for (int i = 0; i < M; i++) {
                for (int j = 0; j < N; j++) {
                    assertTrue(Float.isFinite(w2.get(i, j)), kind + ": W(" + i + ", " + j + ") = " + w2.get(i, j));
                }
            }
        }
    }

    /**
     * Seeded fuzz over gradient sequences with NaN, ±Inf and near-FLT_MAX values planted at random steps, refresh
     * steps included, under KEEP_PREVIOUS: W stays finite, a skipped step leaves W bit-identical, and the optimizer
     * keeps training (a later clean step moves W).
     */
    @Test
    void fuzzNonFiniteGradientSequences() {
        long seed = 2512;
        SplittableRandom rng = new SplittableRandom(seed);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e38f, -1e37f};
        for (int run = 0; run < 12; run++) {
            String kind = new String[]{"svd", "dct", "dct-left"}[run % 3];
            boolean left = kind.equals("dct-left");
            int rows = left ? N : M;
            int cols = left ? M : N;
            LowRankAdam adam = new LowRankAdam(backend(), projector(kind, NonFinitePolicy.KEEP_PREVIOUS).get(),
                    Settings.defaults(1e-2f));
            Matrix w = TestData.random(rng, rows, cols, false);
            adam.step(w, TestData.random(rng, rows, cols, false));
            long skipped = 0;
            for (int t = 1; t < 10; t++) {
                Matrix g = TestData.random(rng, rows, cols, false);
                boolean planted = rng.nextInt(3) == 0;
                if (planted) {
                    g.set(rng.nextInt(rows), rng.nextInt(cols), specials[rng.nextInt(specials.length)]);
                }
                Matrix before = TestData.copy(w);
                adam.step(w, g);
                String context = backend() + " " + kind + " seed " + seed + " run " + run + " step " + t;
                if (adam.skippedSteps() > skipped) {
                    assertTrue(planted, context + ": a clean step was skipped");
                    TestData.assertSameBits(before, w, context + ": W on a skipped step");
                    skipped = adam.skippedSteps();
                }
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        assertTrue(Float.isFinite(w.get(i, j)), context + ": W(" + i + ", " + j + ") = " + w.get(i, j));
                    }
                }
            }
        }
    }

    @Test
    void randomProjectorRefusesARefreshOnNaN() {
        RandomProjector random = new RandomProjector(backend(), M, N, 4, 3, 1f, 9);
        Matrix g = TestData.random(new SplittableRandom(4), M, N, false);
        g.set(0, 0, Float.NaN);
        assertThrows(IllegalStateException.class, () -> random.project(g, backend().allocate(M, 4)));
    }

    /** A step entered while another thread's step on the same optimizer is in flight fails instead of racing. */
    @Test
    void overlappingStepsFromTwoThreadsFailFast() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GradientProjector real = projector("dct", NonFinitePolicy.THROW).get();
        GradientProjector blocking = new BlockingProjector(real, inside, release);
        LowRankAdam adam = new LowRankAdam(backend(), blocking, Settings.defaults(1e-2f));
        Matrix[] grads = gradients(2, M, N);
        Matrix w = backend().allocate(M, N);
        FutureTask<Void> first = new FutureTask<>(() -> adam.step(w, grads[0]), null);
        Thread thread = new Thread(first);
        thread.start();
        inside.await();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> adam.step(w, grads[1]));
        assertTrue(e.getMessage().contains("thread"), e.getMessage());
        release.countDown();
        try {
            first.get();
        } catch (ExecutionException failure) {
            throw new AssertionError("the first step should have completed", failure.getCause());
        }
        adam.step(w, grads[1]); // free again once the first step is done
    }

    private static byte[] withLong(byte[] file, int at, long value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).putLong(at, value);
        return copy;
    }

    // the payload's CRC32C recomputed: version-3 files end with it
    private static byte[] withChecksum(byte[] file) {
        CRC32C crc = new CRC32C();
        crc.update(file, 12, file.length - 16);
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).putInt(file.length - 4, (int) crc.getValue());
        return copy;
    }

    /** A projector whose project waits, inside the optimizer's step, until the test lets it go on. */
    private record BlockingProjector(GradientProjector real, CountDownLatch inside, CountDownLatch release)
            implements GradientProjector {

        @Override
        public void project(Matrix g, Matrix r) {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            real.project(g, r);
        }

        @Override
        public int rows() {
            return real.rows();
        }

        @Override
        public int cols() {
            return real.cols();
        }

        @Override
        public int rank() {
            return real.rank();
        }

        @Override
        public boolean refreshDue() {
            return real.refreshDue();
        }

        @Override
        public void projectCurrent(Matrix g, float beta, Matrix r) {
            real.projectCurrent(g, beta, r);
        }

        @Override
        public void advance() {
            real.advance();
        }

        @Override
        public void saveState(java.io.DataOutputStream out) throws IOException {
            real.saveState(out);
        }

        @Override
        public PendingState readState(java.io.DataInputStream in) throws IOException {
            return real.readState(in);
        }

        @Override
        public void projectBack(Matrix r, float c, float beta, Matrix out) {
            real.projectBack(r, c, beta, out);
        }

        @Override
        public boolean changedSubspace() {
            return real.changedSubspace();
        }

        @Override
        public void rotate(Matrix state) {
            real.rotate(state);
        }

        @Override
        public void rotateSquares(Matrix v) {
            real.rotateSquares(v);
        }

        @Override
        public long bytesHeld() {
            return real.bytesHeld();
        }
    }
}
