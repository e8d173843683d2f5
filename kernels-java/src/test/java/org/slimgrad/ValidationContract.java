package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input to any backend raises a clear exception that names the operation and the shapes, and leaves every
 * output exactly as it was. Subclasses name the backend.
 */
public abstract class ValidationContract {

    private final SplittableRandom rng = new SplittableRandom(7);

    protected abstract Backend backend();

    private <T extends Throwable> void rejects(Class<T> type, Matrix output, Executable call, String... mentions) {
        Matrix before = TestData.copy(output);
        T e = assertThrows(type, call);
        for (String word : mentions) {
            assertTrue(e.getMessage().contains(word), "message '" + e.getMessage() + "' should mention " + word);
        }
        TestData.assertSameBits(before, output, backend() + " after rejected call");
    }

    @Test
    void gemmRejectsMismatchedShapes() {
        Matrix a = TestData.random(rng, 3, 4, false);
        Matrix b = TestData.random(rng, 5, 6, false);
        Matrix c = TestData.random(rng, 3, 6, true);
        rejects(IllegalArgumentException.class, c, () -> backend().gemm(false, false, 1, a, b, 0, c),
                "gemm", "3x4", "5x6", "3x6");
        Matrix wrongC = TestData.random(rng, 4, 6, false);
        Matrix bt = TestData.random(rng, 6, 4, false);
        rejects(IllegalArgumentException.class, wrongC, () -> backend().gemm(false, true, 1, a, bt, 0, wrongC),
                "gemm", "4x6");
    }

    @Test
    void dctSelectRejectsBadRankAndShapesBeforeWritingScores() {
        Matrix g = TestData.random(rng, 6, 10, false);
        Matrix scores = TestData.random(rng, 1, 10, true);
        Matrix scoresBefore = TestData.copy(scores);
        Matrix r = TestData.random(rng, 6, 3, true);
        rejects(IllegalArgumentException.class, r,
                () -> backend().dctSelect(g, Axis.ROWS, ScoreNorm.L1, scores, 0, r), "dctSelect", "6x10", "k = 0");
        rejects(IllegalArgumentException.class, r,
                () -> backend().dctSelect(g, Axis.ROWS, ScoreNorm.L1, scores, 11, r), "dctSelect", "k = 11");
        Matrix wrong = TestData.random(rng, 3, 6, true);
        rejects(IllegalArgumentException.class, wrong,
                () -> backend().dctSelect(g, Axis.ROWS, ScoreNorm.L1, scores, 3, wrong), "dctSelect", "3x6", "6x3");
        rejects(IllegalArgumentException.class, r,
                () -> backend().dctSelect(g, Axis.COLUMNS, ScoreNorm.L1, scores, 3, r), "dctSelect", "3x10");
        Matrix shortScores = TestData.random(rng, 1, 6, true);
        rejects(IllegalArgumentException.class, r,
                () -> backend().dctSelect(g, Axis.ROWS, ScoreNorm.L1, shortScores, 3, r), "dctSelect", "1x10");
        TestData.assertSameBits(scoresBefore, scores, backend() + " scores after rejected dctSelect");
    }

    @Test
    void transposeRejectsWrongShapesAndOverlapAndWarmStartsMustMatch() {
        Matrix x = TestData.random(rng, 3, 5, false);
        Matrix y = TestData.random(rng, 3, 5, true);
        rejects(IllegalArgumentException.class, y, () -> backend().transpose(x, y), "transpose", "3x5", "5x3");
        Matrix whole = Matrix.wrap(new float[10 * 10], 10, 10);
        Matrix out = whole.view(2, 2, 5, 3);
        rejects(IllegalArgumentException.class, out, () -> backend().transpose(whole.view(0, 0, 3, 5), out),
                "transpose", "overlaps");
        assertThrows(IllegalArgumentException.class, () -> backend().sumOfSquares(null));
        Matrix filled = TestData.random(rng, 4, 4, true);
        rejects(IllegalArgumentException.class, filled, () -> backend().fillUniform(filled, -1f, 3), "fillUniform",
                "bound");
        Matrix a = TestData.random(rng, 8, 6, false);
        Svd wrong = new Svd(backend().allocate(0, 2), new float[2], backend().allocate(2, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend().randomizedSvd(a, 2, 1, 1, 0, wrong));
        assertTrue(e.getMessage().contains("randomizedSvd") && e.getMessage().contains("2x7"), e.getMessage());
    }

    @Test
    void gemmRejectsNull() {
        Matrix a = TestData.random(rng, 3, 4, false);
        Matrix c = TestData.random(rng, 3, 4, false);
        rejects(IllegalArgumentException.class, c, () -> backend().gemm(false, false, 1, a, null, 0, c),
                "gemm", "B is null");
        assertThrows(IllegalArgumentException.class, () -> backend().gemm(false, false, 1, a, a, 0, null));
    }

    @Test
    void gemmRejectsOutputOverlappingInput() {
        float[] shared = new float[40 * 40];
        Matrix whole = Matrix.wrap(shared, 40, 40);
        Matrix a = whole.view(0, 0, 20, 20);
        Matrix c = whole.view(10, 10, 20, 20);
        Matrix b = TestData.random(rng, 20, 20, false);
        TestData.fill(c, 3f);
        rejects(IllegalArgumentException.class, c, () -> backend().gemm(false, false, 1, a, b, 0, c),
                "gemm", "overlaps");
        // Side-by-side blocks of one array share no element: allowed.
        Matrix left = whole.view(0, 0, 40, 20);
        Matrix right = whole.view(0, 20, 40, 20);
        assertDoesNotThrow(() -> backend().gemm(false, false, 1, left, b, 0, right));
    }

    @Test
    void rejectsMatricesOfAnotherDomain() {
        MemoryDomain fake = new MemoryDomain("fake-device");
        Matrix foreign = Matrix.inDomain(fake, MemorySegment.ofArray(new float[12]), 0, 3, 4, 4);
        Matrix b = TestData.random(rng, 4, 2, false);
        Matrix c = TestData.random(rng, 3, 2, false);
        rejects(IllegalArgumentException.class, c, () -> backend().gemm(false, false, 1, foreign, b, 0, c),
                "gemm", "fake-device", "3x4");
        assertThrows(IllegalArgumentException.class, () -> backend().scale(2f, foreign));
    }

    @Test
    void rejectsClosedMemory() {
        Matrix c = TestData.random(rng, 2, 2, false);
        Matrix closed;
        try (Arena arena = Arena.ofConfined()) {
            closed = Matrix.wrap(arena.allocate(4L * Float.BYTES), 0, 2, 2, 2);
        }
        Matrix freed = closed;
        Matrix out = TestData.random(rng, 2, 2, false);
        rejects(IllegalStateException.class, out, () -> backend().gemm(false, false, 1, freed, c, 0, out),
                "gemm", "closed");
        rejects(IllegalStateException.class, c, () -> backend().axpy(1f, freed, c), "axpy", "closed");
    }

    @Test
    void axpyRejectsMismatchAndPartialOverlap() {
        Matrix x = TestData.random(rng, 4, 5, false);
        Matrix y = TestData.random(rng, 5, 4, true);
        rejects(IllegalArgumentException.class, y, () -> backend().axpy(1f, x, y), "axpy", "4x5", "5x4");
        float[] shared = new float[100];
        Matrix whole = Matrix.wrap(shared, 10, 10);
        Matrix shifted = whole.view(1, 1, 5, 5);
        Matrix base = whole.view(0, 0, 5, 5);
        rejects(IllegalArgumentException.class, base, () -> backend().axpy(1f, shifted, base), "axpy", "overlaps");
    }

    @Test
    void lowRankUpdateRejectsMismatchedRanks() {
        Matrix w = TestData.random(rng, 6, 7, true);
        Matrix u = TestData.random(rng, 6, 3, false);
        Matrix v = TestData.random(rng, 7, 2, false);
        rejects(IllegalArgumentException.class, w, () -> backend().lowRankUpdate(w, 1f, u, v),
                "lowRankUpdate", "6x7", "6x3", "7x2");
        Matrix vTooShort = TestData.random(rng, 6, 3, false);
        rejects(IllegalArgumentException.class, w, () -> backend().lowRankUpdate(w, 1f, u, vTooShort),
                "lowRankUpdate");
    }

    @Test
    void emptyShapesAreNoOps() {
        Matrix a = TestData.random(rng, 0, 5, false);
        Matrix b = TestData.random(rng, 5, 3, false);
        Matrix c = TestData.random(rng, 0, 3, false);
        assertDoesNotThrow(() -> backend().gemm(false, false, 1, a, b, 0, c));
        assertDoesNotThrow(() -> backend().scale(3f, c));
    }

    @Test
    void allocateGivesZeroedHostMatrixOfThisDomain() {
        Matrix m = backend().allocate(3, 5);
        assertTrue(m.rows() == 3 && m.cols() == 5 && m.domain() == backend().domain());
        for (float v : m.toArray()) {
            assertTrue(v == 0f);
        }
        assertThrows(IllegalArgumentException.class, () -> backend().allocate(-1, 5));
    }
}
