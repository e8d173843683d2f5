package org.slimgrad.reference;

import org.slimgrad.AbstractSparseOps;
import org.slimgrad.Backend;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;

/** The oracle's sparse operations: one float64 sum per output element over the support. */
final class ReferenceSparse extends AbstractSparseOps {

    ReferenceSparse(Backend owner) {
        super(owner);
    }

    // Y = α·X·op(S) + β·Y, one float64 sum per output element over the support
    @Override
    protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                              float beta, Matrix y) {
        double[][] sums = new double[y.rows()][y.cols()];
        for (int i = 0; i < support.rows(); i++) {
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                int j = support.column(p);
                double v = values.get(0, p);
                for (int t = 0; t < x.rows(); t++) {
                    if (transposeS) {
                        sums[t][i] += x.get(t, j) * v;
                    } else {
                        sums[t][j] += x.get(t, i) * v;
                    }
                }
            }
        }
        for (int t = 0; t < y.rows(); t++) {
            for (int c = 0; c < y.cols(); c++) {
                double prior = beta == 0f ? 0 : (double) beta * y.get(t, c);
                y.set(t, c, (float) (alpha * sums[t][c] + prior));
            }
        }
    }

    @Override
    protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        for (int i = 0; i < support.rows(); i++) {
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                int j = support.column(p);
                double sum = 0;
                for (int t = 0; t < a.rows(); t++) {
                    sum += (double) a.get(t, i) * b.get(t, j);
                }
                double prior = beta == 0f ? 0 : (double) beta * values.get(0, p);
                values.set(0, p, (float) (alpha * sum + prior));
            }
        }
    }

    @Override
    protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        for (int i = 0; i < support.rows(); i++) {
            for (int p = support.rowStart(i); p < support.rowEnd(i); p++) {
                int j = support.column(p);
                dense.set(i, j, (float) ((double) alpha * values.get(0, p) + dense.get(i, j)));
            }
        }
    }

    @Override
    protected void sparseGatherKernel(Matrix dense, FixedSupport support, Matrix values) {
        support.gather(dense, values);
    }

    @Override
    protected void sparseScatterKernel(FixedSupport support, Matrix values, Matrix dense) {
        support.scatter(values, dense);
    }
}
