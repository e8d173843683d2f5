package org.slimgrad.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.slimgrad.djl.pretrain.DjlPretrain;
import org.slimgrad.djl.pretrain.DjlPretrain.Result;
import org.slimgrad.djl.pretrain.DjlPretrain.Run;
import org.slimgrad.djl.pretrain.JdkCorpus;

/** DJL's Trainer driving a small GPT on the JDK's sources through the adapter, against DJL's own AdamW. */
class DjlTrainingTest {

    private static final DjlPretrain.Config TINY = new DjlPretrain.Config(32, 1, 2, 16, 4, 20, 3e-3f, 0.01f, 4, 10,
            1f, 11, 4, 5);

    /**
     * Full AdamW through the adapter follows DJL's AdamW step for step (the same model, seed and batches; only the
     * rounding of the two kernels differs): a gradient left to accumulate, or a missed update, would not.
     */
    @Test
    void fullAdamWThroughTheAdapterTracksDjlsAdamW() throws IOException {
        JdkCorpus corpus = JdkCorpus.load(JdkCorpus.jdkSources(), 1 << 16, 1 << 14);
        Result djl = DjlPretrain.train(Run.DJL_ADAMW, TINY, corpus);
        Result slimgrad = DjlPretrain.train(Run.SLIMGRAD_ADAMW, TINY, corpus);
        assertArrayEquals(djl.trainLoss(), slimgrad.trainLoss(), 1e-2, "training loss every 5 steps");
        assertEquals(djl.validationLoss(), slimgrad.validationLoss(), 1e-2, "validation loss");
        assertTrue(djl.trainLoss()[3] < djl.trainLoss()[0], "the model learns");
        for (Run run : new Run[]{Run.SLIMGRAD_SVD, Run.SLIMGRAD_DCT}) {
            Result lowRank = DjlPretrain.train(run, TINY, corpus);
            assertTrue(lowRank.validationLoss() < Math.log(256) - 0.3, run + ": validation loss "
                    + lowRank.validationLoss() + " did not fall below chance");
            assertTrue(lowRank.lowRankBytes() > 0 && lowRank.lowRankBytes() < lowRank.lowRankFullAdamBytes() / 2,
                    run + ": low-rank state " + lowRank.lowRankBytes() + " vs " + lowRank.lowRankFullAdamBytes());
        }
    }

    /**
     * The same run with the garbage collector running all along gives the same losses bit for bit: no tensor of the
     * model or the optimizer lives in memory that the collector can free (DJL's scalar ops make such tensors; a
     * backward pass that read one gave garbage gradients once in four runs of the main job, and in every run here).
     */
    @Test
    void trainingIsTheSameWhileTheCollectorRuns() throws Exception {
        JdkCorpus corpus = JdkCorpus.load(JdkCorpus.jdkSources(), 1 << 16, 1 << 14);
        Result quiet = DjlPretrain.train(Run.SLIMGRAD_DCT, TINY, corpus);
        AtomicBoolean training = new AtomicBoolean(true);
        Thread collector = new Thread(() -> {
            while (training.get()) {
                System.gc();
                LockSupport.parkNanos(2_000_000);
            }
        });
        collector.start();
        Result collected;
        try {
            collected = DjlPretrain.train(Run.SLIMGRAD_DCT, TINY, corpus);
        } finally {
            training.set(false);
            collector.join();
        }
        assertArrayEquals(quiet.trainLoss(), collected.trainLoss(), 0, "training loss every 5 steps");
        assertEquals(quiet.validationLoss(), collected.validationLoss(), 0, "validation loss");
    }

    /** The split is by file and fixed by the paths: no file's bytes are in both parts. */
    @Test
    void corpusSplitsByFileDeterministically() throws IOException {
        JdkCorpus first = JdkCorpus.load(JdkCorpus.jdkSources(), 1 << 16, 1 << 14);
        JdkCorpus second = JdkCorpus.load(JdkCorpus.jdkSources(), 1 << 16, 1 << 14);
        assertArrayEquals(first.train(), second.train());
        assertArrayEquals(first.validation(), second.validation());
        assertEquals(1 << 16, first.train().length);
        assertEquals(1 << 14, first.validation().length);
        String train = new String(first.train(), java.nio.charset.StandardCharsets.UTF_8);
        String validation = new String(first.validation(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(train.contains("package ") && validation.contains("package "), "Java sources in both parts");
        String firstValidationLine = validation.lines().filter(l -> l.startsWith("package ")).findFirst()
                .orElseThrow();
        assertTrue(!train.contains(validation.substring(0, 2000)), "validation text is not in the training part: "
                + firstValidationLine);
    }
}
