package org.slimgrad.bench;

import java.util.SplittableRandom;

import dev.ludovic.netlib.blas.JavaBLAS;
import org.ejml.concurrency.EjmlConcurrency;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.nativelib.NativeBackend;

/**
 * One SGEMM implementation, C = A·B on seeded row-major data, set up in the layout its library wants, so the
 * timed call is the library's multiply and nothing else.
 */
public abstract sealed class GemmImpl {

    /** Benchmark parameter values, in table order. */
    public static final String[] NAMES = {"slimgrad-1t", "slimgrad-2t", "openblas-1t", "openblas-2t", "netlib", "ejml",
        "ejml-2t", "naive"};

    final GemmShape shape;
    final float[] a;
    final float[] b;

    private GemmImpl(GemmShape shape, long seed) {
        this.shape = shape;
        SplittableRandom rng = new SplittableRandom(seed);
        this.a = uniform(rng, shape.m() * shape.k());
        this.b = uniform(rng, shape.k() * shape.n());
    }

    public static GemmImpl create(String name, GemmShape shape, long seed) {
        return switch (name) {
            case "slimgrad-1t" -> new Slimgrad(shape, seed, CpuBackend.withThreads(1));
            case "slimgrad-2t" -> new Slimgrad(shape, seed, CpuBackend.withThreads(2));
            case "openblas-1t" -> new Slimgrad(shape, seed, NativeBackend.withThreads(1));
            case "openblas-2t" -> new Slimgrad(shape, seed, NativeBackend.withThreads(2));
            case "netlib" -> new Netlib(shape, seed);
            case "ejml" -> new Ejml(shape, seed, 1);
            case "ejml-2t" -> new Ejml(shape, seed, 2);
            case "naive" -> new Naive(shape, seed);
            default -> throw new IllegalArgumentException("GemmImpl: unknown implementation '" + name
                    + "'; known: " + String.join(", ", NAMES));
        };
    }

    /** C = A·B. */
    public abstract void multiply();

    /** Element (i, j) of the last product. */
    public abstract float result(int i, int j);

    /** The code that actually runs, for the record (netlib picks its implementation at run time). */
    public String implementation() {
        return getClass().getSimpleName();
    }

    /** The seeded inputs, row-major, shared by every implementation of the same shape and seed. */
    public float a(int i, int p) {
        return a[i * shape.k() + p];
    }

    public float b(int p, int j) {
        return b[p * shape.n() + j];
    }

    private static float[] uniform(SplittableRandom rng, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** A slimgrad backend: our CPU kernels, or OpenBLAS through the native backend (same call, same data). */
    static final class Slimgrad extends GemmImpl {
        private final Backend backend;
        private final Matrix ma;
        private final Matrix mb;
        private final Matrix mc;

        Slimgrad(GemmShape s, long seed, Backend backend) {
            super(s, seed);
            this.backend = backend;
            ma = Matrix.wrap(a, s.m(), s.k());
            mb = Matrix.wrap(b, s.k(), s.n());
            mc = backend.allocate(s.m(), s.n());
        }

        @Override
        public void multiply() {
            backend.gemm(false, false, 1f, ma, mb, 0f, mc);
        }

        @Override
        public float result(int i, int j) {
            return mc.get(i, j);
        }

        @Override
        public String implementation() {
            return backend.toString();
        }
    }

    /** Implementations that write C into a plain row-major array. */
    abstract static sealed class IntoArray extends GemmImpl {
        final float[] c;

        IntoArray(GemmShape s, long seed) {
            super(s, seed);
            c = new float[s.m() * s.n()];
        }

        @Override
        public float result(int i, int j) {
            return c[i * shape.n() + j];
        }
    }

    static final class Netlib extends IntoArray {
        private final JavaBLAS blas = JavaBLAS.getInstance();

        Netlib(GemmShape s, long seed) {
            super(s, seed);
        }

        // Column-major BLAS on row-major data: C = A·B is Cᵀ = Bᵀ·Aᵀ, and a row-major X is a column-major Xᵀ.
        @Override
        public void multiply() {
            blas.sgemm("N", "N", shape.n(), shape.m(), shape.k(), 1f, b, shape.n(), a, shape.k(), 0f, c, shape.n());
        }

        @Override
        public String implementation() {
            return "netlib " + blas.getClass().getSimpleName();
        }
    }

    static final class Ejml extends GemmImpl {
        private final FMatrixRMaj ma;
        private final FMatrixRMaj mb;
        private final FMatrixRMaj mc;
        private final int threads;

        Ejml(GemmShape s, long seed, int threads) {
            super(s, seed);
            this.threads = threads;
            ma = FMatrixRMaj.wrap(s.m(), s.k(), a);
            mb = FMatrixRMaj.wrap(s.k(), s.n(), b);
            mc = new FMatrixRMaj(s.m(), s.n());
            if (threads > 1) {
                EjmlConcurrency.setMaxThreads(threads);
            }
        }

        @Override
        public void multiply() {
            if (threads > 1) {
                CommonOps_MT_FDRM.mult(ma, mb, mc);
            } else {
                CommonOps_FDRM.mult(ma, mb, mc);
            }
        }

        @Override
        public float result(int i, int j) {
            return mc.get(i, j);
        }

        @Override
        public String implementation() {
            return threads > 1 ? "EJML CommonOps_MT_FDRM (" + threads + " threads)" : "EJML CommonOps_FDRM";
        }
    }

    /** The textbook i-j-k triple loop with an fp32 dot product: what "no library" costs. */
    static final class Naive extends IntoArray {

        Naive(GemmShape s, long seed) {
            super(s, seed);
        }

        @Override
        public void multiply() {
            int m = shape.m(), n = shape.n(), k = shape.k();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += a[i * k + p] * b[p * n + j];
                    }
                    c[i * n + j] = sum;
                }
            }
        }

        @Override
        public String implementation() {
            return "naive i-j-k loop";
        }
    }
}
