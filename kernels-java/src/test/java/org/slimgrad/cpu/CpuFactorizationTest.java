package org.slimgrad.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.FactorizationContract;
import org.slimgrad.Matrix;
import org.slimgrad.Spectra;
import org.slimgrad.Svd;

class CpuFactorizationTest extends FactorizationContract {

    @Override
    protected Backend backend() {
        return Backends.cpu();
    }

    @Test
    void randomizedSvdMatchesTheReferenceBackend() {
        SplittableRandom rng = new SplittableRandom(21);
        for (int[] s : new int[][]{{150, 90}, {61, 173}}) {
            Matrix a = Spectra.withSpectrum(rng, s[0], s[1], Spectra.harmonic(Math.min(s[0], s[1])));
            Svd fast = backend().randomizedSvd(a, 10, 6, 2, 31, null);
            Svd oracle = Backends.reference().randomizedSvd(a, 10, 6, 2, 31, null);
            for (int j = 0; j < 10; j++) {
                String context = "rSVD " + a.shape() + " triplet " + j;
                assertEquals(oracle.sigma()[j], fast.sigma()[j], 1e-4 * oracle.sigma()[j], context + " sigma");
                double dot = 0;
                for (int i = 0; i < a.rows(); i++) {
                    dot += (double) fast.u().get(i, j) * oracle.u().get(i, j);
                }
                assertTrue(Math.abs(dot) >= 1 - 1e-3, context + ": |<u_cpu, u_ref>| = " + Math.abs(dot));
            }
        }
    }
}
