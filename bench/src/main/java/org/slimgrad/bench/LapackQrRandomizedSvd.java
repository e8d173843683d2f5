package org.slimgrad.bench;

import org.slimgrad.Backend;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.linalg.RandomizedSvd;

/**
 * The randomized SVD of {@link RandomizedSvd} (the same seeded sketch, q power iterations re-orthonormalised after
 * every product, the small SVD of the projected matrix) built the way a user of OpenBLAS and LAPACK would write it:
 * every orthonormalisation is the backend's {@code orthonormalize} (on the native backend LAPACK's Householder QR,
 * sgeqrf + sorgqr) and the l×l SVD is its {@code svd} (sgesdd). A benchmark peer, not part of the library.
 *
 * <pre>
 * Y = A·Ω; repeat q times: Y = qr(Y); Z = Aᵀ·Y; Z = qr(Z); Y = A·Z
 * Q = qr(Y); Z = Aᵀ·Q = Bᵀ; Q₂ = qr(Z), R = Q₂ᵀ·Z; R = U_R·Σ·V_Rᵀ  ⇒  U = Q·V_R, Vᵀ = U_Rᵀ·Q₂ᵀ (first rank columns)
 * </pre>
 */
final class LapackQrRandomizedSvd {

    private final Backend backend;
    private final int rank;
    private final Matrix y;
    private final Matrix z;
    private final Matrix q2;
    private final Matrix r;
    private final Matrix u;
    private final Matrix vt;

    LapackQrRandomizedSvd(Backend backend, int m, int n, int rank, int oversample) {
        int width = Math.min(rank + oversample, Math.min(m, n));
        this.backend = backend;
        this.rank = rank;
        this.y = backend.allocate(m, width);
        this.z = backend.allocate(n, width);
        this.q2 = backend.allocate(n, width);
        this.r = backend.allocate(width, width);
        this.u = backend.allocate(m, rank);
        this.vt = backend.allocate(rank, n);
    }

    Svd compute(Matrix a, int powerIterations, long seed) {
        CounterRandom.fillSketch(z, seed);
        backend.gemm(false, false, 1f, a, z, 0f, y);
        for (int it = 0; it < powerIterations; it++) {
            backend.orthonormalize(y);
            backend.gemm(true, false, 1f, a, y, 0f, z);
            backend.orthonormalize(z);
            backend.gemm(false, false, 1f, a, z, 0f, y);
        }
        backend.orthonormalize(y);
        backend.gemm(true, false, 1f, a, y, 0f, z);
        backend.copy(z, q2);
        backend.orthonormalize(q2);
        backend.gemm(true, false, 1f, q2, z, 0f, r);
        Svd small = backend.svd(r);
        int width = r.rows();
        backend.gemm(false, true, 1f, y, small.vt().view(0, 0, rank, width), 0f, u);
        backend.gemm(true, true, 1f, small.u().view(0, 0, width, rank), q2, 0f, vt);
        float[] sigma = new float[rank];
        System.arraycopy(small.sigma(), 0, sigma, 0, rank);
        return new Svd(u, sigma, vt);
    }
}
