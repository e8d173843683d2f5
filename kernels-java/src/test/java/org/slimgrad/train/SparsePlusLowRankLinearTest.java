package org.slimgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.slimgrad.Accuracy;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;
import org.slimgrad.TestData;

/**
 * The layer against the dense formulation (W merged, then dense products on the reference backend) and against
 * central finite differences of a float64 loss L = Σ C ⊙ Y, so dY = C.
 */
class SparsePlusLowRankLinearTest {

    private final Backend cpu = Backends.cpu();
    private final Backend reference = Backends.reference();

    private SparsePlusLowRankLinear layer(int m, int n, int r, double density) {
        SparsePlusLowRankLinear layer = new SparsePlusLowRankLinear(cpu, m, n, r, 2f * r, density, 5);
        // B starts at zero (as in SLTrain); give it values so every term of the gradients is exercised
        Matrix random = TestData.random(new SplittableRandom(6), m, r, false);
        cpu.copy(random, layer.b());
        return layer;
    }

    @Test
    void forwardAndBackwardMatchTheDenseFormulation() {
        SplittableRandom rng = new SplittableRandom(21);
        for (int[] s : new int[][]{{37, 23, 4, 19}, {64, 48, 8, 130}, {20, 70, 3, 1}}) {
            int m = s[0], n = s[1], r = s[2], tokens = s[3];
            SparsePlusLowRankLinear layer = layer(m, n, r, 0.1);
            Matrix x = TestData.random(rng, tokens, n, false);
            Matrix dy = TestData.random(rng, tokens, m, false);
            Matrix w = reference.allocate(m, n);
            layer.mergeInto(w);
            Matrix wRef = reference.allocate(m, n);
            reference.gemm(false, false, layer.scaling(), layer.b(), layer.a(), 0f, wRef);
            reference.sparseAddTo(layer.support(), layer.values(), 1f, wRef);
            Accuracy.assertClose(wRef, w, 1e-5, 1, "merged W");

            Matrix y = cpu.allocate(tokens, m);
            layer.forward(x, y);
            Matrix yRef = reference.allocate(tokens, m);
            reference.gemm(false, true, 1f, x, wRef, 0f, yRef);
            Accuracy.assertClose(yRef, y, 1e-4, 1, "Y = X·Wᵀ " + m + "x" + n);

            Matrix dx = cpu.allocate(tokens, n);
            layer.backward(x, dy, dx);
            Matrix dxRef = reference.allocate(tokens, n);
            reference.gemm(false, false, 1f, dy, wRef, 0f, dxRef);
            Accuracy.assertClose(dxRef, dx, 1e-4, 1, "dX = dY·W");
            // dW = dYᵀ·X; dB = s·dW·Aᵀ, dA = s·Bᵀ·dW, dS = dW on the support
            Matrix dw = reference.allocate(m, n);
            reference.gemm(true, false, 1f, dy, x, 0f, dw);
            Matrix dbRef = reference.allocate(m, r);
            reference.gemm(false, true, layer.scaling(), dw, layer.a(), 0f, dbRef);
            Accuracy.assertClose(dbRef, layer.gradB(), 1e-4, 1, "dB");
            Matrix daRef = reference.allocate(r, n);
            reference.gemm(true, false, layer.scaling(), layer.b(), dw, 0f, daRef);
            Accuracy.assertClose(daRef, layer.gradA(), 1e-4, 1, "dA");
            Matrix dsRef = reference.allocate(1, layer.support().nnz());
            reference.sparseGather(dw, layer.support(), dsRef);
            Accuracy.assertClose(dsRef, layer.gradValues(), 1e-4, 1, "dS values");
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesOfAFloat64Loss() {
        SplittableRandom rng = new SplittableRandom(22);
        int m = 15, n = 11, r = 3, tokens = 9;
        SparsePlusLowRankLinear layer = layer(m, n, r, 0.3);
        Matrix x = TestData.random(rng, tokens, n, false);
        Matrix c = TestData.random(rng, tokens, m, false);
        Matrix dx = cpu.allocate(tokens, n);
        layer.forward(x, cpu.allocate(tokens, m));
        layer.backward(x, c, dx);
        double h = 1e-2; // L is linear in each parameter, so the central difference is exact up to rounding
        for (Matrix[] pair : new Matrix[][]{{layer.b(), layer.gradB()}, {layer.a(), layer.gradA()},
                {layer.values(), layer.gradValues()}, {x, dx}}) {
            Matrix param = pair[0];
            Matrix grad = pair[1];
            for (int probe = 0; probe < 6; probe++) {
                int i = rng.nextInt(param.rows());
                int j = rng.nextInt(param.cols());
                float saved = param.get(i, j);
                param.set(i, j, (float) (saved + h));
                double up = loss(layer, x, c);
                param.set(i, j, (float) (saved - h));
                double down = loss(layer, x, c);
                param.set(i, j, saved);
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, grad.get(i, j), 1e-4 * (1 + Math.abs(numeric)),
                        "gradient (" + i + ", " + j + ") of a " + param.shape() + " parameter");
            }
        }
    }

    // L = Σ C ⊙ (X·Wᵀ), every product in float64 from the layer's current fp32 parameters
    private static double loss(SparsePlusLowRankLinear layer, Matrix x, Matrix c) {
        int m = layer.outFeatures(), n = layer.inFeatures(), r = layer.rank();
        double[][] w = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < r; k++) {
                    sum += (double) layer.b().get(i, k) * layer.a().get(k, j);
                }
                w[i][j] = layer.scaling() * sum;
            }
        }
        FixedSupport s = layer.support();
        for (int i = 0; i < m; i++) {
            for (int p = s.rowStart(i); p < s.rowEnd(i); p++) {
                w[i][s.column(p)] += layer.values().get(0, p);
            }
        }
        double total = 0;
        for (int t = 0; t < x.rows(); t++) {
            for (int i = 0; i < m; i++) {
                double y = 0;
                for (int j = 0; j < n; j++) {
                    y += x.get(t, j) * w[i][j];
                }
                total += c.get(t, i) * y;
            }
        }
        return total;
    }

    @Test
    void holdsUnder45PercentOfADenseLayerAtThe350MShape() {
        SparsePlusLowRankLinear layer = new SparsePlusLowRankLinear(cpu, 2736, 1024, 256, 32f, 0.03, 1);
        long nnz = Math.round(0.03 * 2736 * 1024);
        assertEquals((2736L * 256 + 256L * 1024 + nnz) * 4, layer.parameterBytes());
        assertEquals((2737L + nnz) * 4, layer.supportBytes());
        double fraction = (double) (layer.parameterBytes() + layer.supportBytes()) / layer.denseWeightBytes();
        assertTrue(fraction <= 0.45, "parameters + support = " + fraction + " of a dense layer");
        assertEquals(0, layer.workspaceBytes());
        layer.forward(cpu.allocate(8, 1024), cpu.allocate(8, 2736));
        assertEquals(2L * 8 * 256 * 4, layer.workspaceBytes());
        MemoryReport report = new MemoryReport().add("mlp up", layer);
        assertEquals(2 * layer.parameterBytes() + layer.supportBytes() + layer.workspaceBytes(), report.heldBytes());
        assertEquals(2L * 2736 * 1024 * 4, report.fullRankAdamBytes(), "two fp32 moments of a dense W");
    }

    @Test
    void rejectsWrongShapesAndBackwardWithoutForward() {
        SparsePlusLowRankLinear layer = layer(10, 6, 2, 0.5);
        assertThrows(IllegalArgumentException.class, () -> layer.forward(cpu.allocate(4, 7), cpu.allocate(4, 10)));
        assertThrows(IllegalArgumentException.class, () -> layer.forward(cpu.allocate(4, 6), cpu.allocate(5, 10)));
        assertThrows(IllegalStateException.class,
                () -> layer.backward(cpu.allocate(4, 6), cpu.allocate(4, 10), null));
    }
}
