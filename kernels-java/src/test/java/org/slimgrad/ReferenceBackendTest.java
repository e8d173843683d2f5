package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The oracle checked against hand-computed results, and held to the same validation contract. */
class ReferenceBackendTest extends ValidationContract {

    @Override
    protected Backend backend() {
        return Backends.reference();
    }

    @Test
    void gemmOnSmallIntegersIsExact() {
        Matrix a = Matrix.wrap(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Matrix b = Matrix.wrap(new float[]{7, 8, 9, 10, 11, 12}, 3, 2);
        Matrix c = Matrix.wrap(new float[]{1, 1, 1, 1}, 2, 2);
        // C = 2·A·B − C: A·B = [[58, 64], [139, 154]]
        backend().gemm(false, false, 2f, a, b, -1f, c);
        assertArrayEquals(new float[]{115, 127, 277, 307}, c.toArray());
        // Aᵀ·Aᵀᵀ... (3x2)·(2x3) with both transposes: Cᵀ-shaped check of op handling
        Matrix d = backend().allocate(3, 3);
        backend().gemm(true, true, 1f, a, b, 0f, d);
        // Aᵀ = [[1,4],[2,5],[3,6]], Bᵀ = [[7,9,11],[8,10,12]]
        assertArrayEquals(new float[]{39, 49, 59, 54, 68, 82, 69, 87, 105}, d.toArray());
    }

    @Test
    void lowRankUpdateAddsOuterProducts() {
        Matrix w = Matrix.wrap(new float[]{1, 0, 0, 1}, 2, 2);
        Matrix u = Matrix.wrap(new float[]{1, 2}, 2, 1);
        Matrix v = Matrix.wrap(new float[]{3, 4}, 2, 1);
        backend().lowRankUpdate(w, 0.5f, u, v); // W + ½·[[3, 4], [6, 8]]
        assertArrayEquals(new float[]{2.5f, 2, 3, 5}, w.toArray());
    }

    @Test
    void axpyAndScale() {
        Matrix x = Matrix.wrap(new float[]{1, 2, 3}, 1, 3);
        Matrix y = Matrix.wrap(new float[]{10, 20, 30}, 1, 3);
        backend().axpy(-2f, x, y);
        assertArrayEquals(new float[]{8, 16, 24}, y.toArray());
        backend().scale(0.5f, y);
        assertArrayEquals(new float[]{4, 8, 12}, y.toArray());
    }
}
