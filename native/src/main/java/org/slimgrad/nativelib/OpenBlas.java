package org.slimgrad.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

import org.slimgrad.nativelib.loader.NativeLibraries;

/**
 * OpenBLAS and its LAPACKE, bound through FFM. Row-major throughout (CBLAS 101 / LAPACK_ROW_MAJOR); matrices are
 * passed as segments starting at element (0, 0) with their leading dimension. Calls are {@code critical}, so heap
 * segments over {@code float[]} go to native code without a copy (the garbage collector waits for the call).
 *
 * <p>The library comes from the org.bytedeco:openblas linux-x86_64 jar when it is on the class path (OpenBLAS
 * 0.3.31 with LAPACK, 32-bit integers), else from the system ({@code libopenblas.so.0}); before it loads, {@link
 * CoreType} points it at the widest kernels the processor has. OpenBLAS's thread count is process-global:
 * {@link #setThreads} affects every caller.
 */
public final class OpenBlas {

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private static final NativeLibraries.Bundled BUNDLED = new NativeLibraries.Bundled(
            "org/bytedeco/openblas/linux-x86_64", "libopenblas.so.0",
            List.of("libgfortran.so.5", "libquadmath.so.0", "libgcc_s.so.1"));

    private final MethodHandle sgemm;
    private final MethodHandle sgemv;
    private final MethodHandle saxpy;
    private final MethodHandle sscal;
    private final MethodHandle sgesdd;
    private final MethodHandle sgesvd;
    private final MethodHandle sgeqrf;
    private final MethodHandle sorgqr;
    private final MethodHandle ssyevd;
    private final MethodHandle spotrf;
    private final MethodHandle setThreads;
    private final MethodHandle getThreads;
    private final MethodHandle corename;
    private final MethodHandle config;

    private static final class Holder {
        static final String CORE_TYPE = CoreType.prepare(); // before the library's constructor reads it
        static final OpenBlas INSTANCE = new OpenBlas(NativeLibraries.load("OpenBLAS", BUNDLED,
                List.of("libopenblas.so.0", "libopenblas.so")));
    }

    private OpenBlas(SymbolLookup lib) {
        sgemm = bind(lib, "cblas_sgemm", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
        sgemv = bind(lib, "cblas_sgemv", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
        saxpy = bind(lib, "cblas_saxpy", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS,
                JAVA_INT));
        sscal = bind(lib, "cblas_sscal", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
        sgesdd = bind(lib, "LAPACKE_sgesdd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
        sgesvd = bind(lib, "LAPACKE_sgesvd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_BYTE, JAVA_INT,
                JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        sgeqrf = bind(lib, "LAPACKE_sgeqrf", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS));
        sorgqr = bind(lib, "LAPACKE_sorgqr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS));
        ssyevd = bind(lib, "LAPACKE_ssyevd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_BYTE, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS));
        spotrf = bind(lib, "LAPACKE_spotrf", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_INT, ADDRESS,
                JAVA_INT));
        setThreads = bind(lib, "openblas_set_num_threads", FunctionDescriptor.ofVoid(JAVA_INT));
        getThreads = bind(lib, "openblas_get_num_threads", FunctionDescriptor.of(JAVA_INT));
        corename = Linker.nativeLinker().downcallHandle(find(lib, "openblas_get_corename"),
                FunctionDescriptor.of(ADDRESS));
        config = Linker.nativeLinker().downcallHandle(find(lib, "openblas_get_config"),
                FunctionDescriptor.of(ADDRESS));
    }

    /** The process's OpenBLAS, loaded on first use; throws {@link IllegalStateException} saying why it cannot load. */
    public static OpenBlas get() {
        return Holder.INSTANCE;
    }

    // C = α·op(A)·op(B) + β·C
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                      MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        try {
            // invokeExact: the benchmarked call must not box its arguments
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda,
                    b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw rethrow("cblas_sgemm", t);
        }
    }

    // y = α·op(A)·x + β·y
    public void sgemv(boolean transA, int m, int n, float alpha, MemorySegment a, int lda, MemorySegment x,
                      float beta, MemorySegment y) {
        invoke(sgemv, ROW_MAJOR, transA ? TRANS : NO_TRANS, m, n, alpha, a, lda, x, 1, beta, y, 1);
    }

    // y = α·x + y over n contiguous floats
    public void saxpy(int n, float alpha, MemorySegment x, MemorySegment y) {
        invoke(saxpy, n, alpha, x, 1, y, 1);
    }

    // x = α·x over n contiguous floats
    public void sscal(int n, float alpha, MemorySegment x) {
        invoke(sscal, n, alpha, x, 1);
    }

    /** Thin SVD by divide and conquer (jobz 'S'): A (m×n, destroyed) = U·diag(s)·Vᵀ. */
    public void sgesdd(int m, int n, MemorySegment a, int lda, MemorySegment s, MemorySegment u, int ldu,
                       MemorySegment vt, int ldvt) {
        check("LAPACKE_sgesdd", invokeInt(sgesdd, ROW_MAJOR, (byte) 'S', m, n, a, lda, s, u, ldu, vt, ldvt));
    }

    /** Thin SVD by QR iteration (jobu = jobvt = 'S'); {@code superb} holds min(m, n) − 1 floats of scratch. */
    public void sgesvd(int m, int n, MemorySegment a, int lda, MemorySegment s, MemorySegment u, int ldu,
                       MemorySegment vt, int ldvt, MemorySegment superb) {
        check("LAPACKE_sgesvd", invokeInt(sgesvd, ROW_MAJOR, (byte) 'S', (byte) 'S', m, n, a, lda, s, u, ldu, vt, ldvt,
                superb));
    }

    /** Householder QR: A (m×n) holds R and the reflectors afterwards, {@code tau} their scalars. */
    public void sgeqrf(int m, int n, MemorySegment a, int lda, MemorySegment tau) {
        check("LAPACKE_sgeqrf", invokeInt(sgeqrf, ROW_MAJOR, m, n, a, lda, tau));
    }

    /** Forms the m×n Q of {@link #sgeqrf}'s first k reflectors in place. */
    public void sorgqr(int m, int n, int k, MemorySegment a, int lda, MemorySegment tau) {
        check("LAPACKE_sorgqr", invokeInt(sorgqr, ROW_MAJOR, m, n, k, a, lda, tau));
    }

    /** Symmetric eigendecomposition from the upper triangle: eigenvalues ascending in w, vectors in A's columns. */
    public void ssyevd(int n, MemorySegment a, int lda, MemorySegment w) {
        check("LAPACKE_ssyevd", invokeInt(ssyevd, ROW_MAJOR, (byte) 'V', (byte) 'U', n, a, lda, w));
    }

    /** Cholesky factorisation A = UᵀU of the upper triangle in place. */
    public void spotrf(int n, MemorySegment a, int lda) {
        check("LAPACKE_spotrf", invokeInt(spotrf, ROW_MAJOR, (byte) 'U', n, a, lda));
    }

    /** Sets OpenBLAS's thread count for the whole process. */
    public void setThreads(int threads) {
        try {
            setThreads.invokeExact(threads);
        } catch (Throwable t) {
            throw rethrow("openblas_set_num_threads", t);
        }
    }

    public int threads() {
        try {
            return (int) getThreads.invokeExact();
        } catch (Throwable t) {
            throw rethrow("openblas_get_num_threads", t);
        }
    }

    /** OpenBLAS's build description, its version first (e.g. "OpenBLAS 0.3.31  DYNAMIC_ARCH NO_AFFINITY ..."). */
    public String config() {
        try {
            return ((MemorySegment) config.invokeExact()).reinterpret(4096).getString(0).trim();
        } catch (Throwable t) {
            throw rethrow("openblas_get_config", t);
        }
    }

    /** OPENBLAS_CORETYPE as this process loaded the library: set by slimgrad, from the environment, or null. */
    public String coreTypeSetting() {
        return Holder.CORE_TYPE;
    }

    /** The kernel family OpenBLAS picked for this processor (e.g. "SkylakeX", "Zen"). */
    public String coreName() {
        try {
            return ((MemorySegment) corename.invokeExact()).reinterpret(64).getString(0);
        } catch (Throwable t) {
            throw rethrow("openblas_get_corename", t);
        }
    }

    /**
     * LAPACK's info code as an exception: negative means argument −info was illegal, positive that the algorithm
     * did not converge or the matrix is singular / not positive definite at step info.
     */
    static void check(String function, int info) {
        if (info < 0) {
            throw new IllegalArgumentException(function + ": argument " + (-info) + " had an illegal value (info "
                    + info + ")");
        }
        if (info > 0) {
            throw new ArithmeticException(function + ": failed at step " + info + " (info " + info
                    + "): no convergence, or a singular / not positive definite matrix");
        }
    }

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(find(lib, name), descriptor, Linker.Option.critical(true));
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("OpenBLAS: the loaded library has no symbol "
                + name + " (a build without LAPACK?)"));
    }

    private static void invoke(MethodHandle handle, Object... args) {
        try {
            handle.invokeWithArguments(args);
        } catch (Throwable t) {
            throw rethrow(handle.toString(), t);
        }
    }

    private static int invokeInt(MethodHandle handle, Object... args) {
        try {
            return (int) handle.invokeWithArguments(args);
        } catch (Throwable t) {
            throw rethrow(handle.toString(), t);
        }
    }

    private static RuntimeException rethrow(String call, Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("OpenBLAS call " + call + " failed", t);
    }
}
