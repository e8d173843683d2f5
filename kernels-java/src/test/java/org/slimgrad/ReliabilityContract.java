package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/**
 * The reliability promises every backend keeps (issue 25's findings 2, 3, 5, 6 and 7, one named test each, and a
 * seeded fuzz over all of them): a non-finite value in one line touches only that line's output; finite input whose
 * exact result is finite gives a finite result; refused memory (read-only, confined to another thread) fails with
 * a message naming the operation and the shapes before anything is written. Subclasses name the backend.
 */
public abstract class ReliabilityContract {

    protected abstract Backend backend();

    private final Backend reference = Backends.reference();

    // ---- the thread-safety rule (Backend): any backend may be called from several threads at once ----

    /**
     * Four threads calling the backend at once on their own matrices (large enough to use the backend's worker
     * threads, where the CPU backend has them) get bit for bit what each computation gives alone.
     */
    @Test
    void concurrentCallersGetWhatEachGetsAlone() throws Exception {
        int callers = 4;
        Matrix[][] inputs = new Matrix[callers][];
        Matrix[] alone = new Matrix[callers];
        for (int c = 0; c < callers; c++) {
            SplittableRandom rng = new SplittableRandom(100 + c);
            inputs[c] = new Matrix[]{TestData.random(rng, 300, 256, false), TestData.random(rng, 256, 200, false)};
            alone[c] = mixedWork(inputs[c]);
        }
        java.util.List<CompletableFuture<Matrix>> together = new java.util.ArrayList<>();
        for (int c = 0; c < callers; c++) {
            Matrix[] mine = inputs[c];
            together.add(CompletableFuture.supplyAsync(() -> {
                Matrix last = null;
                for (int round = 0; round < 3; round++) {
                    last = mixedWork(mine);
                }
                return last;
            }, runnable -> new Thread(runnable).start()));
        }
        for (int c = 0; c < callers; c++) {
            TestData.assertSameBits(alone[c], together.get(c).get(), backend() + ": caller " + c);
        }
    }

    // gemm, a column DCT, a DCT selection and an Adam step: parallel kernels, scratch buffers and workers all used
    private Matrix mixedWork(Matrix[] in) {
        Matrix a = in[0];
        Matrix product = backend().allocate(a.rows(), in[1].cols());
        backend().gemm(false, false, 1f, a, in[1], 0f, product);
        Matrix transformed = backend().allocate(product.rows(), product.cols());
        backend().dct(product, transformed, Axis.COLUMNS);
        Matrix scores = backend().allocate(1, transformed.cols());
        Matrix r = backend().allocate(transformed.rows(), 16);
        backend().dctSelect(transformed, Axis.ROWS, ScoreNorm.L1, scores, 16, r);
        Matrix m = backend().allocate(r.rows(), r.cols());
        Matrix v = backend().allocate(r.rows(), r.cols());
        Matrix w = TestData.copy(r);
        backend().adam(r, m, v, 0.9f, 0.999f, 1e-8f, 1, -1e-3f, 1f, w);
        return w;
    }

    // ---- finding 2: per-line isolation ----

    /** A NaN or ±Inf in line i leaves every other line's output bit-identical to the output with line i zeroed. */
    @Test
    void nonFiniteLineTouchesOnlyItsOwnOutput() {
        SplittableRandom rng = new SplittableRandom(25);
        int[][] shapes = {{17, 4}, {4, 17}, {33, 16}, {40, 131}, {131, 40}, {70, 128}};
        for (int[] shape : shapes) {
            for (Axis axis : Axis.values()) {
                for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    Matrix x = TestData.random(rng, shape[0], shape[1], true);
                    int lines = axis.lineCount(x);
                    int line = rng.nextInt(lines);
                    int at = rng.nextInt(axis.lineLength(x));
                    Matrix zeroed = TestData.copy(x);
                    setLine(zeroed, axis, line, 0f);
                    Matrix poisoned = TestData.copy(zeroed);
                    set(poisoned, axis, line, at, bad);
                    String context = backend() + " " + x.shape() + " " + axis + ", line " + line + " holds " + bad;
                    for (boolean inverse : new boolean[]{false, true}) {
                        Matrix expected = backend().allocate(x.rows(), x.cols());
                        Matrix actual = backend().allocate(x.rows(), x.cols());
                        if (inverse) {
                            backend().idct(zeroed, expected, axis);
                            backend().idct(poisoned, actual, axis);
                        } else {
                            backend().dct(zeroed, expected, axis);
                            backend().dct(poisoned, actual, axis);
                        }
                        assertOtherLinesSame(expected, actual, axis, line, (inverse ? "idct " : "dct ") + context);
                    }
                    int[] indices = firstIndices(axis.lineLength(x), Math.max(1, axis.lineLength(x) / 3));
                    Matrix rExpected = backend().allocate(coefficientRows(axis, lines, indices.length),
                            coefficientCols(axis, lines, indices.length));
                    Matrix rActual = backend().allocate(rExpected.rows(), rExpected.cols());
                    backend().dctGather(zeroed, axis, indices, rExpected);
                    backend().dctGather(poisoned, axis, indices, rActual);
                    assertOtherLinesSame(rExpected, rActual, axis, line, "dctGather " + context);

                    Matrix r = TestData.random(rng, rExpected.rows(), rExpected.cols(), false);
                    Matrix rPoisoned = TestData.copy(r);
                    setLine(r, axis, line, 0f);
                    setLine(rPoisoned, axis, line, 0f);
                    set(rPoisoned, axis, line, rng.nextInt(indices.length), bad);
                    Matrix out = TestData.random(rng, x.rows(), x.cols(), false);
                    Matrix outPoisoned = TestData.copy(out);
                    backend().idctScatter(r, axis, indices, 0.5f, 1f, out);
                    backend().idctScatter(rPoisoned, axis, indices, 0.5f, 1f, outPoisoned);
                    assertOtherLinesSame(out, outPoisoned, axis, line, "idctScatter " + context);
                }
            }
        }
    }

    // ---- finding 3: finite input, finite exact result, finite output ----

    @Test
    void dctOfValuesNearFloatMaxDoesNotOverflow() {
        Matrix x = Matrix.wrap(new float[]{1e38f, -1e38f}, 1, 2);
        Matrix y = backend().allocate(1, 2);
        backend().dct(x, y, Axis.ROWS);
        assertEquals(0f, y.get(0, 0), 1e31f, backend() + " dct [1e38, -1e38]");
        assertEquals(1.4142135e38f, y.get(0, 1), 1e32f, backend() + " dct [1e38, -1e38]");
        SplittableRandom rng = new SplittableRandom(3);
        for (Axis axis : Axis.values()) {
            Matrix big = TestData.random(rng, 24, 40, true);
            Matrix small = TestData.copy(big);
            backend().scale(0x1p120f, big); // elements up to 1.3e36: the transforms' sums would overflow unscaled
            Matrix expected = backend().allocate(24, 40);
            Matrix actual = backend().allocate(24, 40);
            backend().dct(small, expected, axis);
            backend().dct(big, actual, axis);
            backend().scale(0x1p120f, expected);
            Accuracy.assertClose(expected, actual, Accuracy.dctBound(axis.lineLength(big)), 0x1p120 * 8,
                    backend() + " dct of large finite input, " + axis);
        }
    }

    @Test
    void scoresOfLargeFiniteGradientsStayFinite() {
        SplittableRandom rng = new SplittableRandom(5);
        for (ScoreNorm norm : ScoreNorm.values()) {
            for (Axis axis : Axis.values()) {
                Matrix g = TestData.random(rng, 30, 20, false);
                backend().scale(2e19f, g); // |coefficient| ≈ 1e19 and above: the L2 squares exceed float32
                int length = axis.lineLength(g);
                Matrix expected = reference.allocate(1, length);
                reference.dctScores(g, axis, norm, expected);
                Matrix scores = backend().allocate(1, length);
                backend().dctScores(g, axis, norm, scores);
                Accuracy.assertClose(expected, scores, 1e-4, Accuracy.maxAbs(expected),
                        backend() + " " + norm + " " + axis);
                Matrix selectScores = backend().allocate(1, length);
                int k = Math.max(1, length / 4);
                Matrix r = backend().allocate(coefficientRows(axis, axis.lineCount(g), k),
                        coefficientCols(axis, axis.lineCount(g), k));
                int[] chosen = backend().dctSelect(g, axis, norm, selectScores, k, r);
                assertNotNull(chosen, backend() + ": dctSelect refused a finite gradient");
                assertTrue(Float.isFinite(Accuracy.maxAbs(r)), backend() + ": dctSelect's R is not finite");
            }
        }
    }

    @Test
    void adamSecondMomentDoesNotOverflowForLargeFiniteGradients() {
        for (float g0 : new float[]{2e19f, -2e19f, 5e20f}) { // (1 − β₂)·g² up to 2.5e38: v representable
            Matrix g = Matrix.wrap(new float[]{g0, 1f, -3f}, 1, 3);
            Matrix m = backend().allocate(1, 3);
            Matrix v = backend().allocate(1, 3);
            Matrix out = backend().allocate(1, 3);
            backend().adam(g, m, v, 0.9f, 0.999f, 1e-8f, 1, 1f, 0f, out);
            assertTrue(Float.isFinite(v.get(0, 0)), backend() + ": v for g = " + g0 + " is " + v.get(0, 0));
            assertEquals(Math.signum(g0), out.get(0, 0), 1e-5, backend() + ": first Adam update for g = " + g0);
        }
    }

    @Test
    void factorisationsOfExtremeFiniteInputStayFinite() {
        SplittableRandom rng = new SplittableRandom(9);
        Matrix a = TestData.random(rng, 30, 12, false);
        a.set(3, 4, Float.MAX_VALUE);
        Svd svd = backend().randomizedSvd(a, 4, 4, 2, 11, null);
        assertTrue(Float.isFinite(svd.sigma()[0]) && Float.isFinite(Accuracy.maxAbs(svd.u()))
                        && Float.isFinite(Accuracy.maxAbs(svd.vt())),
                backend() + ": randomizedSvd of a matrix holding Float.MAX_VALUE");
        assertEquals(Float.MAX_VALUE, svd.sigma()[0], Float.MAX_VALUE * 1e-5f, backend() + ": sigma_1");
        Svd exact = backend().svd(a);
        assertEquals(Float.MAX_VALUE, exact.sigma()[0], Float.MAX_VALUE * 1e-5f, backend() + ": exact sigma_1");
        for (float scale : new float[]{1e38f, 1e-38f}) {
            Matrix q = TestData.random(rng, 40, 6, false);
            backend().scale(scale, q);
            backend().orthonormalize(q);
            Matrix gram = reference.allocate(6, 6);
            reference.gemm(true, false, 1f, q, q, 0f, gram);
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    assertEquals(i == j ? 1 : 0, gram.get(i, j), 1e-4, backend() + ": QᵀQ after scale " + scale);
                }
            }
        }
    }

    // ---- finding 5: the symmetric part, and no work on non-finite factorisation input ----

    @Test
    void symmetricEigenUsesTheSymmetricPart() {
        SplittableRandom rng = new SplittableRandom(13);
        Matrix s = TestData.random(rng, 9, 9, false);
        Matrix symmetric = reference.allocate(9, 9);
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                symmetric.set(i, j, 0.5f * s.get(i, j) + 0.5f * s.get(j, i));
            }
        }
        float[] expected = reference.symmetricEigen(symmetric).values();
        float[] actual = backend().symmetricEigen(s).values();
        for (int j = 0; j < 9; j++) {
            assertEquals(expected[j], actual[j], 1e-5, backend() + ": eigenvalue " + j + " of a non-symmetric S");
        }
    }

    @Test
    void factorisationsRefuseNonFiniteInputBeforeWriting() {
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY}) {
            Matrix a = TestData.random(new SplittableRandom(1), 12, 5, true);
            a.set(2, 3, bad);
            Matrix before = TestData.copy(a);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend().orthonormalize(a));
            assertMessageNames(e, "orthonormalize", "12x5");
            TestData.assertSameBits(before, a, backend() + " orthonormalize refused " + bad);
            assertMessageNames(assertThrows(IllegalArgumentException.class,
                    () -> backend().randomizedSvd(a, 2, 2, 1, 1, null)), "randomizedSvd", "12x5");
            assertMessageNames(assertThrows(IllegalArgumentException.class, () -> backend().svd(a)), "svd", "12x5");
        }
    }

    // ---- finding 6: memory the kernels must not write, or may not touch from this thread ----

    @Test
    void readOnlyOutputsAreRefusedBeforeWriting() {
        SplittableRandom rng = new SplittableRandom(17);
        Matrix a = TestData.random(rng, 8, 8, false);
        Matrix writable = TestData.random(rng, 8, 8, false);
        Matrix readOnly = Matrix.wrap(writable.segment().asReadOnly(), 0, 8, 8, 8);
        Matrix before = TestData.copy(writable);
        String op = null;
        for (int call = 0; call < 6; call++) {
            final int which = call;
            op = switch (which) {
                case 0 -> "gemm";
                case 1 -> "axpy";
                case 2 -> "scale";
                case 3 -> "copy";
                case 4 -> "dct";
                default -> "adam";
            };
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                switch (which) {
                    case 0 -> backend().gemm(false, false, 1f, a, a, 0f, readOnly);
                    case 1 -> backend().axpy(1f, a, readOnly);
                    case 2 -> backend().scale(2f, readOnly);
                    case 3 -> backend().copy(a, readOnly);
                    case 4 -> backend().dct(a, readOnly, Axis.ROWS);
                    default -> backend().adam(a, backend().allocate(8, 8), backend().allocate(8, 8), 0.9f, 0.99f,
                            1e-8f, 1, 1f, 0f, readOnly);
                }
            });
            assertMessageNames(e, op, "8x8", "read-only");
            TestData.assertSameBits(before, writable, backend() + " " + op + " into read-only memory");
        }
    }

    @Test
    void memoryConfinedToAnotherThreadIsRefused() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment shared = arena.allocate(64 * Float.BYTES, Float.BYTES);
            Matrix x = Matrix.wrap(shared, 0, 8, 8, 8);
            // a confined arena owned by another thread: its segment may not even be read from here
            CompletableFuture<MemorySegment> owned = new CompletableFuture<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try (Arena confined = Arena.ofConfined()) {
                    owned.complete(confined.allocate(64 * Float.BYTES, Float.BYTES));
                    done.join();
                }
            });
            thread.start();
            try {
                Matrix y = Matrix.wrap(owned.get(), 0, 8, 8, 8);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> backend().gemm(false, false, 1f, x, x, 0f, y));
                assertMessageNames(e, "gemm", "8x8", "another thread");
                assertThrows(IllegalArgumentException.class, () -> backend().axpy(1f, y, x));
            } finally {
                done.complete(null);
                thread.join();
            }
        }
    }

    /** A confined arena of the calling thread is usable, also by an operation large enough to run on several threads. */
    @Test
    void memoryConfinedToTheCallerWorks() {
        int n = 160;
        SplittableRandom rng = new SplittableRandom(19);
        Matrix a = TestData.random(rng, n, n, false);
        Matrix expected = backend().allocate(n, n);
        backend().gemm(false, false, 1f, a, a, 0f, expected);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate((long) n * n * Float.BYTES, Float.BYTES);
            Matrix c = Matrix.wrap(segment, 0, n, n, n);
            Matrix confinedA = Matrix.wrap(arena.allocate((long) n * n * Float.BYTES, Float.BYTES), 0, n, n, n);
            backend().copy(a, confinedA);
            backend().gemm(false, false, 1f, confinedA, confinedA, 0f, c);
            TestData.assertSameBits(expected, Matrix.wrap(c.toArray(), n, n), backend() + " gemm on confined memory");
            Matrix y = Matrix.wrap(arena.allocate((long) n * n * Float.BYTES, Float.BYTES), 0, n, n, n);
            backend().dct(confinedA, y, Axis.COLUMNS);
        }
    }

    @Test
    void misalignedAndByteArrayMemoryIsRefusedAtWrap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Matrix.wrap(MemorySegment.ofArray(new byte[64]), 0, 4, 4, 4));
        assertTrue(e.getMessage().contains("4x4") && e.getMessage().contains("byte[]"), e.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment odd = arena.allocate(80, 8).asSlice(2);
            e = assertThrows(IllegalArgumentException.class, () -> Matrix.wrap(odd, 0, 4, 4, 4));
            assertTrue(e.getMessage().contains("aligned"), e.getMessage());
        }
    }

    // ---- finding 7: every refusal names the operation and the shapes ----

    @Test
    void nullArgumentsAndBadValuesNameTheOperationAndShapes() {
        Matrix g = TestData.random(new SplittableRandom(2), 6, 5, false);
        Matrix r = backend().allocate(6, 2);
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> backend().dctGather(g, null, new int[]{0, 1}, r)), "dctGather", "6x5", "6x2");
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> backend().dctGather(g, Axis.ROWS, new int[]{0, 9}, r)), "dctGather", "6x5", "6x2", "9");
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> backend().adam(g, backend().allocate(6, 5), backend().allocate(6, 5), 1.5f, 0.9f, 1e-8f, 1, 1f,
                        0f, g)), "adam", "6x5", "1.5");
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> backend().dctScores(g, Axis.ROWS, null, backend().allocate(1, 5))), "dctScores", "6x5", "1x5");
        assertMessageNames(assertThrows(IllegalArgumentException.class, () -> backend().fillUniform(g, -1f, 3)),
                "fillUniform", "6x5");
        assertMessageNames(assertThrows(IllegalArgumentException.class, () -> Backends.named(null)),
                "Backends.named", "null");
    }

    // ---- the fuzz: many seeded random cases over all of the above ----

    /**
     * Random operations on random shapes and views, with NaN, ±Inf, subnormal and near-FLT_MAX values planted: every
     * refused call names the operation and leaves its output as it was; every accepted call whose inputs are finite
     * and whose reference result is finite gives a finite result; and for line-wise DCTs a line whose input is
     * finite gets a finite output whenever the reference's is.
     */
    @Test
    void fuzz() {
        long seed = 20261205;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int trial = 0; trial < 600; trial++) {
            String context = backend() + " fuzz seed " + seed + " trial " + trial;
            int rows = 1 + rng.nextInt(40);
            int cols = 1 + rng.nextInt(40);
            Matrix x = plant(rng, TestData.random(rng, rows, cols, rng.nextBoolean()));
            Axis axis = rng.nextBoolean() ? Axis.ROWS : Axis.COLUMNS;
            boolean misshape = rng.nextInt(8) == 0;
            boolean readOnly = rng.nextInt(8) == 0;
            Matrix writableY = TestData.random(rng, misshape ? rows + 1 : rows, cols, rng.nextBoolean());
            Matrix y = readOnly ? Matrix.wrap(writableY.segment().asReadOnly(), writableY.offset(), writableY.rows(),
                    writableY.cols(), writableY.ld()) : writableY;
            Matrix before = TestData.copy(writableY);
            Matrix expected = reference.allocate(rows, cols);
            int op = rng.nextInt(5);
            String name = switch (op) {
                case 0 -> "dct";
                case 1 -> "idct";
                case 2 -> "axpy";
                case 3 -> "adam";
                default -> "symmetricEigen";
            };
            if (op == 4) {
                fuzzSymmetricEigen(x.view(0, 0, Math.min(rows, cols), Math.min(rows, cols)), context);
                continue;
            }
            Runnable call = switch (op) {
                case 0 -> () -> backend().dct(x, y, axis);
                case 1 -> () -> backend().idct(x, y, axis);
                case 2 -> () -> backend().axpy(0.5f, x, y);
                default -> () -> backend().adam(x, backend().allocate(rows, cols), backend().allocate(rows, cols), 0.9f,
                        0.999f, 1e-8f, 1 + rng.nextInt(5), 1f, 0f, y);
            };
            try {
                call.run();
            } catch (IllegalArgumentException e) {
                assertTrue(misshape || readOnly, context + ": refused a valid call: " + e.getMessage());
                assertMessageNames(e, name, x.shape(), y.shape());
                TestData.assertSameBits(before, writableY, context + " refused " + name);
                continue;
            }
            assertFalse(misshape || readOnly, context + ": accepted " + name + " with X " + x.shape() + ", Y "
                    + y.shape() + (readOnly ? " (read-only)" : ""));
            if (op > 1) {
                continue; // element-wise: finiteness is checked by the named adam test; nothing crosses elements
            }
            if (op == 0) {
                reference.dct(x, expected, axis);
            } else {
                reference.idct(x, expected, axis);
            }
            for (int l = 0; l < axis.lineCount(x); l++) {
                if (lineFinite(x, axis, l) && lineFinite(expected, axis, l) && !lineFinite(y, axis, l)) {
                    fail(context + ": " + name + " along " + axis + " of " + x.shape() + ": line " + l
                            + " is finite with a finite exact transform, but its output is not");
                }
            }
        }
    }

    // non-finite input is refused naming the operation and the shape; finite input (symmetric or not) gives the
    // reference's eigenvalues of the symmetric part, finite
    private void fuzzSymmetricEigen(Matrix s, String context) {
        float max = Accuracy.maxAbs(s);
        if (!Float.isFinite(max)) {
            assertMessageNames(assertThrows(IllegalArgumentException.class, () -> backend().symmetricEigen(s)),
                    "symmetricEigen", s.shape());
            return;
        }
        float[] expected;
        try {
            expected = reference.symmetricEigen(s).values();
        } catch (IllegalArgumentException beyondFloat) { // an exact eigenvalue beyond float32: refused alike
            assertMessageNames(beyondFloat, "symmetricEigen", "float32");
            assertMessageNames(assertThrows(IllegalArgumentException.class, () -> backend().symmetricEigen(s)),
                    "symmetricEigen", s.shape(), "float32");
            return;
        }
        float[] actual = backend().symmetricEigen(s).values();
        for (int j = 0; j < expected.length; j++) {
            assertTrue(Float.isFinite(actual[j]), context + ": eigenvalue " + j + " of a finite " + s.shape());
            assertEquals(expected[j], actual[j], 1e-4 * Math.max(max, 1f) * s.rows(),
                    context + ": eigenvalue " + j + " of " + s.shape());
        }
    }

    // NaN, ±Inf, a subnormal or a value near FLT_MAX in a few random places
    private static Matrix plant(SplittableRandom rng, Matrix m) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 1e38f,
                -3e38f};
        int count = rng.nextInt(3);
        for (int t = 0; t < count; t++) {
            m.set(rng.nextInt(m.rows()), rng.nextInt(m.cols()), specials[rng.nextInt(specials.length)]);
        }
        return m;
    }

    private static void assertMessageNames(RuntimeException e, String... words) {
        for (String word : words) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(word),
                    "message '" + e.getMessage() + "' should name " + word);
        }
    }

    private static void assertOtherLinesSame(Matrix expected, Matrix actual, Axis axis, int badLine, String context) {
        boolean badShows = false;
        for (int l = 0; l < axis.lineCount(expected); l++) {
            for (int t = 0; t < axis.lineLength(expected); t++) {
                float e = get(expected, axis, l, t);
                float a = get(actual, axis, l, t);
                if (l == badLine) {
                    badShows |= !Float.isFinite(a);
                } else if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(a)) {
                    fail(context + ": line " + l + " element " + t + " is " + a + ", " + e + " without the bad line");
                }
            }
        }
        assertTrue(badShows, context + ": the bad line's output shows no NaN or Inf");
    }

    private static boolean lineFinite(Matrix m, Axis axis, int line) {
        for (int t = 0; t < axis.lineLength(m); t++) {
            if (!Float.isFinite(get(m, axis, line, t))) {
                return false;
            }
        }
        return true;
    }

    private static float get(Matrix m, Axis axis, int line, int t) {
        return axis == Axis.ROWS ? m.get(line, t) : m.get(t, line);
    }

    private static void set(Matrix m, Axis axis, int line, int t, float value) {
        if (axis == Axis.ROWS) {
            m.set(line, t, value);
        } else {
            m.set(t, line, value);
        }
    }

    private static void setLine(Matrix m, Axis axis, int line, float value) {
        for (int t = 0; t < axis.lineLength(m); t++) {
            set(m, axis, line, t, value);
        }
    }

    // k distinct ascending indices spread over the line
    private static int[] firstIndices(int length, int k) {
        int[] indices = new int[k];
        for (int t = 0; t < k; t++) {
            indices[t] = (int) ((long) t * length / k);
        }
        return indices;
    }

    private static int coefficientRows(Axis axis, int lines, int k) {
        return axis == Axis.ROWS ? lines : k;
    }

    private static int coefficientCols(Axis axis, int lines, int k) {
        return axis == Axis.ROWS ? k : lines;
    }
}
