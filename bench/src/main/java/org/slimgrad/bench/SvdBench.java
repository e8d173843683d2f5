package org.slimgrad.bench;

import java.util.concurrent.TimeUnit;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F32;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F32;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.CounterRandom;
import org.slimgrad.Matrix;
import org.slimgrad.linalg.CholeskyQr;
import org.slimgrad.linalg.RandomizedSvd;
import org.slimgrad.nativelib.NativeBackend;

/**
 * The GaLore refresh and the factorisations around it: slimgrad's randomized SVD (CPU backend, both cores) beside
 * EJML's full float SVD and LAPACK's sgesdd (OpenBLAS, both cores) of the same matrix, and beside the same
 * randomized algorithm run on OpenBLAS's GEMM, once with slimgrad's Cholesky QR and once with LAPACK's QR and
 * sgesdd for its factorisations; CholeskyQR2 beside EJML's and LAPACK's Householder QR; the small exact SVD and
 * symmetric eigendecomposition beside LAPACK's and EJML's. Layer shapes from the 350M and 1B LLaMA configurations.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SvdBench {

    /** Randomized SVD: "MxN" layer with its GaLore rank, oversample 10. */
    @State(Scope.Benchmark)
    public static class Randomized {
        @Param({"1024x2736", "2048x5461"})
        public String shape;

        @Param({"0", "2"})
        public int powerIterations;

        /**
         * "cpu": slimgrad's kernels; "native": the same algorithm on OpenBLAS's GEMM; "native-lapack-qr": the same
         * algorithm with every orthonormalisation LAPACK's Householder QR and the small SVD sgesdd
         * ({@link LapackQrRandomizedSvd}).
         */
        @Param({"cpu", "native", "native-lapack-qr"})
        public String backend;

        RandomizedSvd plan;
        LapackQrRandomizedSvd lapackQrPlan;
        Matrix a;

        @Setup
        public void setUp() {
            Backend chosen = backend.startsWith("native") ? NativeBackend.withThreads(2) : Backends.cpu();
            a = SvdData.harmonic(chosen, shape, 1);
            int rank = a.rows() == 1024 ? 256 : 512;
            if (backend.equals("native-lapack-qr")) {
                lapackQrPlan = new LapackQrRandomizedSvd(chosen, a.rows(), a.cols(), rank, 10);
            } else {
                plan = new RandomizedSvd(chosen, a.rows(), a.cols(), rank, 10);
            }
        }
    }

    /** LAPACK sgesdd through OpenBLAS on both cores: the vendor's exact SVD. */
    @State(Scope.Benchmark)
    public static class Lapack {
        @Param({"1024x2736"})
        public String shape;

        Backend lapack;
        Matrix a;

        @Setup
        public void setUp() {
            lapack = NativeBackend.withThreads(2);
            a = SvdData.harmonic(lapack, shape, 1);
        }
    }

    /** EJML's full SVD, U and V included, timed on the 350M shape only (the 1B shape takes minutes per call). */
    @State(Scope.Benchmark)
    public static class EjmlFull {
        @Param({"1024x2736"})
        public String shape;

        FMatrixRMaj a;
        SingularValueDecomposition_F32<FMatrixRMaj> svd;

        @Setup
        public void setUp() {
            Matrix source = SvdData.harmonic(Backends.cpu(), shape, 1);
            a = SvdData.toEjml(source);
            svd = DecompositionFactory_FDRM.svd(source.rows(), source.cols(), true, true, true);
        }
    }

    /**
     * Orthonormalising a 2736×256 Gaussian block, the well-conditioned case a 350M-layer refresh meets; input of
     * condition ≳ 10⁴ goes to the Householder fallback instead (see the README).
     */
    @State(Scope.Benchmark)
    public static class Tall {
        final int m = 2736;
        final int k = 256;
        Matrix source;
        Matrix work;
        CholeskyQr qr;
        Backend lapack;
        FMatrixRMaj ejmlSource;
        QRDecomposition<FMatrixRMaj> ejmlQr;

        @Setup
        public void setUp() {
            Backend cpu = Backends.cpu();
            source = cpu.allocate(m, k);
            CounterRandom.fillSketch(source, 3);
            work = cpu.allocate(m, k);
            qr = new CholeskyQr(cpu, m, k);
            lapack = NativeBackend.withThreads(2);
            ejmlSource = SvdData.toEjml(source);
            ejmlQr = DecompositionFactory_FDRM.qr(m, k);
        }
    }

    /** The small exact SVD and symmetric eigendecomposition on 256×256. */
    @State(Scope.Benchmark)
    public static class Small {
        Matrix a;
        Matrix symmetric;
        Backend lapack;
        FMatrixRMaj ejmlA;
        FMatrixRMaj ejmlSymmetric;
        SingularValueDecomposition_F32<FMatrixRMaj> ejmlSvd;
        EigenDecomposition_F32<FMatrixRMaj> ejmlEigen;

        @Setup
        public void setUp() {
            Backend cpu = Backends.cpu();
            a = SvdData.harmonic(cpu, 256, 256, 4);
            symmetric = cpu.allocate(256, 256);
            cpu.gemm(true, false, 1f, a, a, 0f, symmetric);
            lapack = NativeBackend.withThreads(2);
            ejmlA = SvdData.toEjml(a);
            ejmlSymmetric = SvdData.toEjml(symmetric);
            ejmlSvd = DecompositionFactory_FDRM.svd(256, 256, true, true, true);
            ejmlEigen = DecompositionFactory_FDRM.eig(256, true, true);
        }
    }

    @Benchmark
    public Object randomizedSvd(Randomized s) {
        if (s.lapackQrPlan != null) {
            return s.lapackQrPlan.compute(s.a, s.powerIterations, 7);
        }
        return s.plan.compute(s.a, s.powerIterations, 7, null);
    }

    @Benchmark
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 2, time = 1)
    public Object ejmlFullSvd(EjmlFull s) {
        if (!s.svd.decompose(s.a.copy())) {
            throw new IllegalStateException("EJML SVD failed");
        }
        return s.svd;
    }

    @Benchmark
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 3, time = 1)
    public Object lapackSgesdd(Lapack s) {
        return s.lapack.svd(s.a);
    }

    @Benchmark
    public Object lapackHouseholderQr(Tall s) {
        s.lapack.copy(s.source, s.work);
        return s.lapack.orthonormalize(s.work);
    }

    @Benchmark
    public Object orthonormalizeCholeskyQr2(Tall s) {
        Backends.cpu().copy(s.source, s.work);
        return s.qr.orthonormalize(s.work, null);
    }

    @Benchmark
    public Object ejmlHouseholderQr(Tall s) {
        FMatrixRMaj a = s.ejmlSource.copy();
        s.ejmlQr.decompose(a);
        return s.ejmlQr.getQ(null, true);
    }

    @Benchmark
    public Object smallSvd(Small s) {
        return Backends.cpu().svd(s.a);
    }

    @Benchmark
    public Object lapackSmallSvd(Small s) {
        return s.lapack.svd(s.a);
    }

    @Benchmark
    public Object symmetricEigen(Small s) {
        return Backends.cpu().symmetricEigen(s.symmetric);
    }

    @Benchmark
    public Object lapackSsyevd(Small s) {
        return s.lapack.symmetricEigen(s.symmetric);
    }

    @Benchmark
    public Object ejmlSymmetricEigen(Small s) {
        s.ejmlEigen.decompose(s.ejmlSymmetric.copy());
        return s.ejmlEigen;
    }

    @Benchmark
    public Object ejmlSmallSvd(Small s) {
        s.ejmlSvd.decompose(s.ejmlA.copy());
        return s.ejmlSvd;
    }
}
