package org.slimgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;
import org.slimgrad.TestData;

/**
 * The eigendecomposition split over the backend's workers (rows of Q, then columns for QL), and the exact and
 * randomized SVDs built on it, give the same bits on 1, 2 and 3 threads (3 is more than this machine's cores), on
 * sizes that split into uneven parts.
 */
class CpuFactorizationThreadsTest {

    private static final Backend[] BACKENDS = {
            CpuBackend.withThreads(1), CpuBackend.withThreads(2), CpuBackend.withThreads(3)};

    @Test
    void eigenAndSvdAreBitIdenticalForAnyThreadCount() {
        SplittableRandom rng = new SplittableRandom(31);
        Matrix x = TestData.random(rng, 197, 197, false);
        Matrix symmetric = BACKENDS[0].allocate(197, 197);
        BACKENDS[0].gemm(true, false, 1f, x, x, 0f, symmetric);
        Matrix tall = TestData.random(rng, 300, 211, false);
        SymmetricEigen eigen = BACKENDS[0].symmetricEigen(symmetric);
        Svd svd = BACKENDS[0].svd(tall);
        Svd randomized = BACKENDS[0].randomizedSvd(tall, 190, 10, 1, 5, null);
        for (int b = 1; b < BACKENDS.length; b++) {
            String threads = BACKENDS[b].toString();
            SymmetricEigen otherEigen = BACKENDS[b].symmetricEigen(symmetric);
            assertArrayEquals(eigen.values(), otherEigen.values(), threads + " eigenvalues");
            TestData.assertSameBits(eigen.vectors(), otherEigen.vectors(), threads + " eigenvectors");
            Svd otherSvd = BACKENDS[b].svd(tall);
            assertSameSvd(svd, otherSvd, threads + " svd");
            assertSameSvd(randomized, BACKENDS[b].randomizedSvd(tall, 190, 10, 1, 5, null), threads + " rSVD");
        }
    }

    private static void assertSameSvd(Svd expected, Svd actual, String context) {
        assertArrayEquals(expected.sigma(), actual.sigma(), context + " sigma");
        TestData.assertSameBits(expected.u(), actual.u(), context + " U");
        TestData.assertSameBits(expected.vt(), actual.vt(), context + " Vt");
    }
}
