package org.slimgrad.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.slimgrad.Axis;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.Spectra;
import org.slimgrad.TestData;
import org.slimgrad.collective.Collective;
import org.slimgrad.collective.InProcessCollective;

/** A randomized SVD refresh of a matrix split across ranks by its lines, against the mathematics of the whole. */
class ShardedSvdProjectorTest {

    private static final Backend CPU = Backends.cpu();
    private static final int RANKS = 3;
    private static final int RANK = 6;

    /**
     * Rows split (a tall 120×48 gradient) and columns split (a wide 48×120 one), 40 lines a rank, geometric spectrum:
     * every rank gets the same basis, bit for bit, and projecting the whole gradient onto it leaves within 2% of the
     * optimal rank-r error (Eckart–Young).
     */
    @Test
    void everyRankGetsTheSameNearOptimalBasis() throws Exception {
        for (Axis lines : Axis.values()) {
            int m = lines == Axis.ROWS ? 120 : 48;
            int n = lines == Axis.ROWS ? 48 : 120;
            double[] sigma = Spectra.geometric(48, 0.8);
            Matrix whole = Spectra.withSpectrum(new SplittableRandom(3), m, n, sigma);
            List<CompletableFuture<Matrix>> bases = onEveryRank(c -> {
                Matrix block = block(whole, lines, c.rank());
                SvdProjector mine = SvdProjector.sharded(CPU, block.rows(), block.cols(), lines, RANK, 10, 1f,
                        SvdProjector.Refresh.randomized(6, 2), NonFinitePolicy.THROW, 11, c);
                mine.project(block, CPU.allocate(mine.projectedRows(), mine.projectedCols()));
                return TestData.copy(mine.basis());
            });
            Matrix p = bases.get(0).get();
            for (int rank = 1; rank < RANKS; rank++) {
                TestData.assertSameBits(p, bases.get(rank).get(), lines + ": rank " + rank + "'s basis");
            }
            double error = residual(whole, p, lines == Axis.ROWS);
            double optimal = Spectra.optimalError(sigma, RANK);
            assertTrue(error <= 1.02 * optimal, lines + ": ‖G − projection‖ " + error + ", optimal " + optimal);
            assertTrue(Spectra.orthogonalityError(p) <= 1e-5, lines + ": PᵀP − I " + Spectra.orthogonalityError(p));
        }
    }

    /** A NaN in one rank's block makes every rank refuse the refresh; an exact refresh is refused up front. */
    @Test
    void aNonFiniteBlockOnOneRankFailsTheRefreshOnEveryRank() {
        Matrix whole = TestData.random(new SplittableRandom(4), 120, 48, false);
        whole.set(100, 7, Float.NaN); // rank 2's block
        List<CompletableFuture<Matrix>> bases = onEveryRank(c -> {
            SvdProjector mine = SvdProjector.sharded(CPU, 40, 48, Axis.ROWS, RANK, 10, 1f,
                    SvdProjector.Refresh.randomized(6, 1), NonFinitePolicy.THROW, 11, c);
            mine.project(block(whole, Axis.ROWS, c.rank()), CPU.allocate(40, RANK));
            return mine.basis();
        });
        for (CompletableFuture<Matrix> result : bases) {
            assertThrows(ExecutionException.class, result::get);
        }
        Collective alone = InProcessCollective.create(1, Duration.ofSeconds(1)).get(0);
        assertThrows(IllegalArgumentException.class, () -> SvdProjector.sharded(CPU, 40, 48, Axis.ROWS, RANK, 10, 1f,
                SvdProjector.Refresh.exact(), NonFinitePolicy.THROW, 11, alone));
    }

    // ‖G − G·P·Pᵀ‖_F (right) or ‖G − P·Pᵀ·G‖_F (left), in float64
    private static double residual(Matrix g, Matrix p, boolean right) {
        int m = g.rows();
        int n = g.cols();
        int r = p.cols();
        double sum = 0;
        if (right) {
            for (int i = 0; i < m; i++) {
                double[] coefficients = new double[r];
                for (int k = 0; k < r; k++) {
                    for (int j = 0; j < n; j++) {
                        coefficients[k] += (double) g.get(i, j) * p.get(j, k);
                    }
                }
                for (int j = 0; j < n; j++) {
                    double approx = 0;
                    for (int k = 0; k < r; k++) {
                        approx += coefficients[k] * p.get(j, k);
                    }
                    sum += Math.pow(g.get(i, j) - approx, 2);
                }
            }
        } else {
            return residual(transposed(g), p, true);
        }
        return Math.sqrt(sum);
    }

    private static Matrix transposed(Matrix g) {
        Matrix t = Matrix.wrap(new float[g.rows() * g.cols()], g.cols(), g.rows());
        for (int i = 0; i < g.rows(); i++) {
            for (int j = 0; j < g.cols(); j++) {
                t.set(j, i, g.get(i, j));
            }
        }
        return t;
    }

    private static Matrix block(Matrix whole, Axis lines, int rank) {
        return lines == Axis.ROWS ? whole.view(40 * rank, 0, 40, whole.cols())
                : whole.view(0, 40 * rank, whole.rows(), 40);
    }

    private static <T> List<CompletableFuture<T>> onEveryRank(Function<Collective, T> work) {
        List<CompletableFuture<T>> results = new ArrayList<>();
        for (Collective rank : InProcessCollective.create(RANKS, Duration.ofSeconds(30))) {
            results.add(CompletableFuture.supplyAsync(() -> work.apply(rank), r -> new Thread(r).start()));
        }
        return results;
    }
}
