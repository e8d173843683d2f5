package org.slimgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.linalg.RandomizedSvd;
import org.slimgrad.nativelib.NativeBackend;

/** The LAPACK-built peer computes the same triplets as slimgrad's randomized SVD, so the benchmark compares like. */
class LapackQrRandomizedSvdTest {

    @Test
    void matchesTheLibrarysRandomizedSvd() {
        Backend lapack = NativeBackend.withThreads(1);
        for (int[] shape : new int[][]{{150, 90}, {61, 173}}) {
            Matrix a = SvdData.harmonic(lapack, shape[0], shape[1], 5);
            int rank = 12;
            Svd peer = new LapackQrRandomizedSvd(lapack, shape[0], shape[1], rank, 6).compute(a, 2, 7);
            Svd ours = new RandomizedSvd(lapack, shape[0], shape[1], rank, 6).compute(a, 2, 7, null);
            for (int j = 0; j < rank; j++) {
                String where = shape[0] + "x" + shape[1] + " triplet " + j;
                assertEquals(ours.sigma()[j], peer.sigma()[j], 1e-4 * ours.sigma()[0], where + " sigma");
                double uu = 0;
                double vv = 0;
                for (int i = 0; i < shape[0]; i++) {
                    uu += (double) ours.u().get(i, j) * peer.u().get(i, j);
                }
                for (int i = 0; i < shape[1]; i++) {
                    vv += (double) ours.vt().get(j, i) * peer.vt().get(j, i);
                }
                // singular vectors are unique up to sign; well separated here (harmonic spectrum)
                assertTrue(Math.abs(uu) > 1 - 1e-3 && Math.abs(vv) > 1 - 1e-3 && uu * vv > 0,
                        where + ": <u, u'> = " + uu + ", <v, v'> = " + vv);
            }
        }
    }
}
