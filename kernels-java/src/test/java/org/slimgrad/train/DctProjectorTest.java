package org.slimgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.slimgrad.Accuracy;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.ScoreNorm;
import org.slimgrad.TestData;
import org.slimgrad.train.SvdProjector.Refresh;

/**
 * The DCT projector against the dense formulas of the method (Q materialised here, in float64, and nowhere in the
 * library): chosen indices = top-r column norms of G·Q, R = (G·Q)[:, idx], ΔW = α·R·Q[:, idx]ᵀ, and the left-side
 * mirror images; refresh schedule, rotation of moments, non-finite gradients and the bytes held.
 */
class DctProjectorTest {

    private final Backend cpu = Backends.cpu();

    /** Q[j][k] = c_k·cos(πk(2j+1)/2n): column k is the k-th orthonormal DCT-II basis vector. */
    private static double[][] denseDct(int n) {
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < n; k++) {
                q[j][k] = (k == 0 ? Math.sqrt(1.0 / n) : Math.sqrt(2.0 / n))
                        * Math.cos(Math.PI * k * (2 * j + 1) / (2.0 * n));
            }
        }
        return q;
    }

    /**
     * G = Σ_f a_f ⊗ Q[:, f] on the right side (each row a combination of the planted frequencies) or its mirror on
     * the left, plus small noise: the planted frequencies' scores stand far above the rest.
     */
    private static Matrix planted(SplittableRandom rng, int m, int n, int[] frequencies, double noise) {
        boolean right = m >= n;
        double[][] q = denseDct(right ? n : m);
        Matrix g = Matrix.wrap(new float[m * n], m, n);
        int lines = right ? m : n;
        int length = right ? n : m;
        for (int i = 0; i < lines; i++) {
            double[] line = new double[length];
            for (int f : frequencies) {
                double a = 1 + rng.nextDouble();
                for (int j = 0; j < length; j++) {
                    line[j] += a * q[j][f];
                }
            }
            for (int j = 0; j < length; j++) {
                float v = (float) (line[j] + noise * (rng.nextDouble() * 2 - 1));
                if (right) {
                    g.set(i, j, v);
                } else {
                    g.set(j, i, v);
                }
            }
        }
        return g;
    }

    @Test
    void projectionAndBackProjectionMatchTheDenseFormulas() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int[] s : new int[][]{{70, 45}, {45, 70}, {40, 40}}) {
            int m = s[0], n = s[1];
            boolean right = m >= n;
            int[] planted = {1, 4, 9, 17, 30};
            Matrix g = planted(rng, m, n, planted, 0.05);
            DctProjector p = new DctProjector(cpu, m, n, 5, 10, 0.5f, ScoreNorm.L1, NonFinitePolicy.THROW);
            assertEquals(right, p.projectsRight());
            Matrix r = cpu.allocate(p.projectedRows(), p.projectedCols());
            p.project(g, r);

            // dense: S = G·Q (right) or Qᵀ·G (left), scores = L1 norms of S's columns (rows)
            int size = right ? n : m;
            double[][] q = denseDct(size);
            double[][] dense = new double[m][n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int t = 0; t < size; t++) {
                        sum += right ? g.get(i, t) * q[t][j] : q[t][i] * g.get(t, j);
                    }
                    dense[i][j] = sum;
                }
            }
            double[] scores = new double[size];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    scores[right ? j : i] += Math.abs(dense[i][j]);
                }
            }
            int[] want = IntStream.range(0, size).boxed()
                    .sorted((a, b) -> Double.compare(scores[b], scores[a])).limit(5).mapToInt(Integer::intValue)
                    .sorted().toArray();
            assertArrayEquals(planted, want, "the planted frequencies have the top dense scores");
            assertArrayEquals(want, p.indices(), "chosen indices " + g.shape());

            Matrix back = cpu.allocate(m, n);
            p.projectBack(r, back);
            double[][] rq = new double[r.rows()][r.cols()];
            for (int a = 0; a < r.rows(); a++) {
                for (int b = 0; b < r.cols(); b++) {
                    rq[a][b] = right ? dense[a][want[b]] : dense[want[a]][b];
                    double tol = Accuracy.dctBound(size) * 10;
                    assertEquals(rq[a][b], r.get(a, b), tol, "R(" + a + ", " + b + ") " + g.shape());
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int t = 0; t < 5; t++) {
                        sum += right ? rq[i][t] * q[j][want[t]] : q[i][want[t]] * rq[t][j];
                    }
                    assertEquals(0.5 * sum, back.get(i, j), 1e-4, "ΔW(" + i + ", " + j + ") " + g.shape());
                }
            }
        }
    }

    @Test
    void indicesChangeOnlyOnRefreshSteps() {
        SplittableRandom rng = new SplittableRandom(12);
        DctProjector p = new DctProjector(cpu, 50, 30, 3, 4, 1f, ScoreNorm.L2, NonFinitePolicy.THROW);
        Matrix r = cpu.allocate(50, 3);
        int[][] plantings = {{2, 5, 9}, {3, 11, 20}};
        int[] before = null;
        for (int step = 0; step < 9; step++) {
            int[] frequencies = plantings[step % 2];
            p.project(planted(rng, 50, 30, frequencies, 0.01), r);
            if (step % 4 == 0) {
                assertArrayEquals(frequencies, p.indices(), "refresh at step " + step);
            } else {
                assertArrayEquals(before, p.indices(), "no refresh at step " + step);
            }
            before = p.indices();
        }
    }

    @Test
    void rotationMovesMomentsWithTheirFrequencies() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int[] s : new int[][]{{40, 24}, {24, 40}}) {
            int m = s[0], n = s[1];
            DctProjector p = new DctProjector(cpu, m, n, 3, 1, 1f, ScoreNorm.L1, NonFinitePolicy.THROW);
            Matrix r = cpu.allocate(p.projectedRows(), p.projectedCols());
            p.project(planted(rng, m, n, new int[]{2, 5, 9}, 0.01), r);
            Matrix moment = TestData.random(rng, p.projectedRows(), p.projectedCols(), false);
            Matrix unchanged = TestData.copy(moment);
            p.rotate(moment); // no previous subspace yet
            TestData.assertSameBits(unchanged, moment, "rotation before a second refresh");

            p.project(planted(rng, m, n, new int[]{2, 5, 9}, 0.01), r);
            p.rotate(moment); // same subspace: identity
            TestData.assertSameBits(unchanged, moment, "rotation into the same subspace");

            p.project(planted(rng, m, n, new int[]{5, 9, 14}, 0.01), r);
            p.rotate(moment);
            // dense: Q[:, old]ᵀ·Q[:, new] over the full basis, then M·C (right) or Cᵀ·M (left)
            double[][] q = denseDct(Math.min(m, n));
            int[] old = {2, 5, 9};
            int[] now = {5, 9, 14};
            Matrix change = p.subspaceChange();
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    double dot = 0;
                    for (int j = 0; j < q.length; j++) {
                        dot += q[j][old[a]] * q[j][now[b]];
                    }
                    assertEquals(dot, change.get(a, b), 1e-12, "Q[:, old]ᵀQ[:, new] (" + a + ", " + b + ")");
                }
            }
            boolean right = m >= n;
            int lines = right ? moment.rows() : moment.cols();
            for (int i = 0; i < lines; i++) {
                float[] was = new float[3];
                float[] is = new float[3];
                for (int t = 0; t < 3; t++) {
                    was[t] = right ? unchanged.get(i, t) : unchanged.get(t, i);
                    is[t] = right ? moment.get(i, t) : moment.get(t, i);
                }
                // frequency 5 was slot 1, now slot 0; 9 was slot 2, now slot 1; 14 is new
                assertArrayEquals(new float[]{was[1], was[2], 0f}, is, "moment line " + i + " " + m + "x" + n);
            }
        }
    }

    @Test
    void plantedLowFrequencyEnergyIsCapturedAndComparedWithSvd() {
        SplittableRandom rng = new SplittableRandom(14);
        int m = 128, n = 96, r = 8;
        int[] frequencies = {0, 1, 2, 3, 5, 7, 10, 12};
        Matrix g = planted(rng, m, n, frequencies, 0.02);
        Matrix clean = planted(new SplittableRandom(14), m, n, frequencies, 0);
        double plantedEnergy = frobenius2(clean);
        DctProjector dct = new DctProjector(cpu, m, n, r, 1, 1f, ScoreNorm.L1, NonFinitePolicy.THROW);
        Matrix rd = cpu.allocate(m, r);
        dct.project(g, rd);
        double dctEnergy = frobenius2(rd);
        assertArrayEquals(frequencies, dct.indices(), "the planted frequencies are chosen");
        // R's energy is ‖P(clean + noise)‖² ≥ ‖clean‖² − 2·‖clean‖·‖noise‖ (Cauchy–Schwarz; P fixes clean)
        double noise = Math.sqrt(frobenius2(difference(g, clean)));
        double floor = plantedEnergy - 2 * Math.sqrt(plantedEnergy) * noise;
        assertTrue(dctEnergy >= floor, "DCT top-" + r + " captures " + dctEnergy + " of the planted "
                + plantedEnergy + " (floor " + floor + ")");
        SvdProjector svd = new SvdProjector(cpu, m, n, r, 1, 1f, Refresh.exact(), NonFinitePolicy.THROW, 1);
        Matrix rs = cpu.allocate(m, r);
        svd.project(g, rs);
        double svdEnergy = frobenius2(rs);
        // the SVD is optimal for energy at rank r: the DCT choice can only match it
        assertTrue(svdEnergy >= dctEnergy * (1 - 1e-5), "SVD " + svdEnergy + " vs DCT " + dctEnergy);
        System.out.printf("planted-frequency gradient %dx%d, rank %d: energy captured / total: DCT %.6f, SVD %.6f,"
                + " planted %.6f%n", m, n, r, dctEnergy / frobenius2(g), svdEnergy / frobenius2(g),
                plantedEnergy / frobenius2(g));
    }

    @Test
    void nonFiniteGradientsFollowThePolicy() {
        SplittableRandom rng = new SplittableRandom(15);
        Matrix good = planted(rng, 30, 20, new int[]{1, 2}, 0.01);
        Matrix bad = TestData.copy(good);
        bad.set(7, 3, Float.POSITIVE_INFINITY);
        Matrix r = cpu.allocate(30, 2);
        DctProjector strict = new DctProjector(cpu, 30, 20, 2, 1, 1f, ScoreNorm.L1, NonFinitePolicy.THROW);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> strict.project(bad, r));
        assertTrue(e.getMessage().contains("30x20") && e.getMessage().contains("step 0"), e.getMessage());
        DctProjector lenient = new DctProjector(cpu, 30, 20, 2, 1, 1f, ScoreNorm.L1, NonFinitePolicy.KEEP_PREVIOUS);
        assertThrows(IllegalStateException.class, () -> lenient.project(bad, r), "nothing to keep yet");
        lenient.project(good, r);
        int[] kept = lenient.indices();
        bad.set(7, 3, Float.NaN);
        lenient.project(bad, r);
        assertArrayEquals(kept, lenient.indices());
        assertEquals(1, lenient.skippedRefreshes());
    }

    @Test
    void holdsOnlyIndicesAndTheScoreRow() {
        DctProjector p = new DctProjector(cpu, 1024, 2736, 256, 200, 0.25f, ScoreNorm.L1, NonFinitePolicy.THROW);
        assertEquals(false, p.projectsRight());
        assertEquals(2 * 256 * 4 + 1024 * 4, p.bytesHeld(), "current and previous indices, one score per row");
        DctProjector clamped = new DctProjector(cpu, 12, 9, 50, 5, 1f, ScoreNorm.L1, NonFinitePolicy.THROW);
        assertEquals(9, clamped.rank());
        Matrix g = TestData.random(new SplittableRandom(16), 12, 9, false);
        Matrix r = cpu.allocate(12, 9);
        clamped.project(g, r);
        assertArrayEquals(IntStream.range(0, 9).toArray(), clamped.indices(), "full rank keeps every frequency");
        Matrix back = cpu.allocate(12, 9);
        clamped.projectBack(r, back);
        Accuracy.assertClose(g, back, 1e-5, 1, "full-rank round trip is the identity");
        assertThrows(IllegalArgumentException.class, () -> clamped.project(cpu.allocate(9, 12), r));
        assertThrows(IllegalStateException.class, () -> new DctProjector(cpu, 5, 5, 2, 1, 1f, ScoreNorm.L1,
                NonFinitePolicy.THROW).projectBack(cpu.allocate(5, 2), cpu.allocate(5, 5)));
    }

    private static Matrix difference(Matrix a, Matrix b) {
        Matrix d = Matrix.wrap(new float[a.rows() * a.cols()], a.rows(), a.cols());
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                d.set(i, j, a.get(i, j) - b.get(i, j));
            }
        }
        return d;
    }

    private static double frobenius2(Matrix m) {
        double sum = 0;
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                sum += (double) m.get(i, j) * m.get(i, j);
            }
        }
        return sum;
    }
}
