package org.slimgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every peer in the GEMM comparison computes the same product, so the table compares like with like. */
class GemmImplTest {

    @Test
    void everyImplementationComputesTheProduct() {
        GemmShape shape = GemmShape.parse("37x19x53");
        for (String name : GemmImpl.NAMES) {
            GemmImpl gemm = GemmImpl.create(name, shape, 3);
            gemm.multiply();
            for (int i = 0; i < shape.m(); i++) {
                for (int j = 0; j < shape.n(); j++) {
                    double exact = 0;
                    double abs = 0;
                    for (int p = 0; p < shape.k(); p++) {
                        exact += (double) gemm.a(i, p) * gemm.b(p, j);
                        abs += Math.abs((double) gemm.a(i, p) * gemm.b(p, j));
                    }
                    double bound = 4 * Math.sqrt(shape.k()) * 0x1p-24 * abs;
                    assertTrue(Math.abs(gemm.result(i, j) - exact) <= bound,
                            name + " C(" + i + ", " + j + ") = " + gemm.result(i, j) + ", exact " + exact);
                }
            }
        }
    }

    @Test
    void shapesParseAndRejectNonsense() {
        GemmShape s = GemmShape.parse("1024x2736x256");
        assertEquals(new GemmShape(1024, 2736, 256), s);
        assertEquals("(1024×2736)·(2736×256)", s.label());
        assertEquals(2.0 * 1024 * 2736 * 256, s.flops());
        assertThrows(IllegalArgumentException.class, () -> GemmShape.parse("12x5"));
        assertThrows(IllegalArgumentException.class, () -> GemmShape.parse("0x1x1"));
        assertThrows(IllegalArgumentException.class, () -> GemmImpl.create("mkl", s, 1));
    }
}
