package org.slimgrad.nativelib.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

import org.slimgrad.nativelib.loader.LibraryOnce;

/**
 * cuSOLVER's dense routines through FFM (libcusolver.so.12, else .11): one handle on a {@link Context}'s stream.
 * Matrices are column-major, as cuSOLVER wants them; a row-major slimgrad matrix is the column-major transpose.
 * Each call sizes its device workspace (one buffer per handle, grown when a call needs more, so repeated calls do
 * not allocate). The raw-address forms only queue the routine, which writes its info to a device int the caller
 * names and reads when it next waits anyway; the {@link DeviceBuffer} forms wait and turn a non-zero info into an
 * exception.
 */
public final class CuSolver implements AutoCloseable {

    private static final int CUDA_R_32F = 0;
    private static final int EIG_MODE_VECTOR = 1;
    private static final int FILL_UPPER = 1;

    private static final LibraryOnce LIBRARY = new LibraryOnce("cuSOLVER", List.of("libcusolver.so.12", "libcusolver.so.11", "libcusolver.so"));

    private final Context context;
    private final MemorySegment handle;
    private final MemorySegment params;
    private final MethodHandle destroy;
    private final MethodHandle destroyParams;
    private final MethodHandle gesvdBufferSize;
    private final MethodHandle gesvd;
    private final MethodHandle syevdBufferSize;
    private final MethodHandle syevd;
    private final MethodHandle dsyevdBufferSize;
    private final MethodHandle dsyevd;
    private final MethodHandle geqrfBufferSize;
    private final MethodHandle geqrf;
    private final MethodHandle orgqrBufferSize;
    private final MethodHandle orgqr;
    private final MethodHandle potrfBufferSize;
    private final MethodHandle potrf;
    private final MethodHandle gesvdrBufferSize;
    private final MethodHandle gesvdr;
    private final DeviceBuffer info;
    private DeviceBuffer work;
    private boolean closed;

    public CuSolver(Context context) {
        this.context = context;
        SymbolLookup lib = LIBRARY.get();
        MethodHandle create = Cuda.bind(lib, "cusolverDnCreate", ADDRESS);
        MethodHandle setStream = Cuda.bind(lib, "cusolverDnSetStream", ADDRESS, ADDRESS);
        MethodHandle createParams = Cuda.bind(lib, "cusolverDnCreateParams", ADDRESS);
        destroy = Cuda.bind(lib, "cusolverDnDestroy", ADDRESS);
        destroyParams = Cuda.bind(lib, "cusolverDnDestroyParams", ADDRESS);
        gesvdBufferSize = Cuda.bind(lib, "cusolverDnSgesvd_bufferSize", ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
        gesvd = Cuda.bind(lib, "cusolverDnSgesvd", ADDRESS, JAVA_BYTE, JAVA_BYTE, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        syevdBufferSize = Cuda.bind(lib, "cusolverDnSsyevd_bufferSize", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS, ADDRESS);
        syevd = Cuda.bind(lib, "cusolverDnSsyevd", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, ADDRESS);
        dsyevdBufferSize = Cuda.bind(lib, "cusolverDnDsyevd_bufferSize", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        dsyevd = Cuda.bind(lib, "cusolverDnDsyevd", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, ADDRESS);
        geqrfBufferSize = Cuda.bind(lib, "cusolverDnSgeqrf_bufferSize", ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS);
        geqrf = Cuda.bind(lib, "cusolverDnSgeqrf", ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT, ADDRESS);
        orgqrBufferSize = Cuda.bind(lib, "cusolverDnSorgqr_bufferSize", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS, ADDRESS);
        orgqr = Cuda.bind(lib, "cusolverDnSorgqr", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, ADDRESS);
        potrfBufferSize = Cuda.bind(lib, "cusolverDnSpotrf_bufferSize", ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS);
        potrf = Cuda.bind(lib, "cusolverDnSpotrf", ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT,
                ADDRESS);
        gesvdrBufferSize = Cuda.bind(lib, "cusolverDnXgesvdr_bufferSize", ADDRESS, ADDRESS, JAVA_BYTE, JAVA_BYTE,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        gesvdr = Cuda.bind(lib, "cusolverDnXgesvdr", ADDRESS, ADDRESS, JAVA_BYTE, JAVA_BYTE, JAVA_LONG, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            call("cusolverDnCreate", () -> (int) create.invokeExact(out));
            MemorySegment created = out.get(ADDRESS, 0);
            handle = created;
            call("cusolverDnSetStream", () -> (int) setStream.invokeExact(created, context.stream()));
            call("cusolverDnCreateParams", () -> (int) createParams.invokeExact(out));
            params = out.get(ADDRESS, 0);
        }
        info = context.allocate(1);
    }

    /** The loaded cuSOLVER's version, e.g. "12.0.4" (see {@link Cuda#libraryVersion}); loads the library if need be. */
    public static String version() {
        return Cuda.libraryVersion(LIBRARY.get(), "cusolverGetProperty");
    }

    /** Thin SVD of the column-major m×n A (m ≥ n, destroyed): S (n), U (m×n, ld m), Vᵀ (n×n, ld n). */
    public void sgesvd(int m, int n, DeviceBuffer a, DeviceBuffer s, DeviceBuffer u, DeviceBuffer vt) {
        sgesvd(m, n, a.address(), m, s.address(), u.address(), m, vt.address(), n, info.address());
        failOnPositive("cusolverDnSgesvd", info("cusolverDnSgesvd", info));
    }

    /**
     * Thin SVD (jobu = jobvt = 'S') of the column-major m×n A (m ≥ n, destroyed): S (n values, descending), U (m×n,
     * ld ldu), Vᵀ (n×n, ld ldvt). Queued; its info (0, or the number of superdiagonals that did not converge) goes to
     * the device int at {@code devInfo}.
     */
    public void sgesvd(int m, int n, MemorySegment a, int lda, MemorySegment s, MemorySegment u, int ldu,
                       MemorySegment vt, int ldvt, MemorySegment devInfo) {
        if (m < n) {
            throw new IllegalArgumentException("CuSolver.sgesvd: " + m + "x" + n + "; cuSOLVER's gesvd needs m >= n");
        }
        queue("cusolverDnSgesvd", devInfo, (lwork, work, info) -> (int) gesvd.invokeExact(handle(), (byte) 'S',
                (byte) 'S', m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, MemorySegment.NULL, info),
                size -> (int) gesvdBufferSize.invokeExact(handle(), m, n, size));
    }

    /** Eigendecomposition of the symmetric n×n A (upper triangle): eigenvalues ascending in W, vectors in A. */
    public void ssyevd(int n, DeviceBuffer a, DeviceBuffer w) {
        ssyevd(n, a.address(), n, w.address(), info.address());
        failOnPositive("cusolverDnSsyevd", info("cusolverDnSsyevd", info));
    }

    /**
     * Eigendecomposition of the column-major symmetric n×n A (upper triangle read): eigenvalues ascending in W,
     * orthonormal eigenvectors in A's columns. Queued; its info (positive: no convergence) goes to {@code devInfo}.
     */
    public void ssyevd(int n, MemorySegment a, int lda, MemorySegment w, MemorySegment devInfo) {
        queue("cusolverDnSsyevd", devInfo, (lwork, work, info) -> (int) syevd.invokeExact(handle(), EIG_MODE_VECTOR,
                FILL_UPPER, n, a, lda, w, work, lwork, info),
                size -> (int) syevdBufferSize.invokeExact(handle(), EIG_MODE_VECTOR, FILL_UPPER, n, a, lda, w, size));
    }

    /**
     * {@link #ssyevd(int, MemorySegment, int, MemorySegment, MemorySegment)} in float64: A and W hold doubles. For a
     * Gram matrix whose float32 rounding would lose the small eigenvalues (randomized SVD's RᵀR). Queued.
     */
    public void dsyevd(int n, MemorySegment a, int lda, MemorySegment w, MemorySegment devInfo) {
        queue("cusolverDnDsyevd", devInfo, Double.BYTES, (lwork, work, info) -> (int) dsyevd.invokeExact(handle(),
                EIG_MODE_VECTOR, FILL_UPPER, n, a, lda, w, work, lwork, info),
                size -> (int) dsyevdBufferSize.invokeExact(handle(), EIG_MODE_VECTOR, FILL_UPPER, n, a, lda, w, size));
    }

    /** Householder QR of the column-major m×n A, then its explicit m×n Q in place of A. */
    public void orthonormalize(int m, int n, DeviceBuffer a, DeviceBuffer tau) {
        sgeqrf(m, n, a.address(), m, tau.address(), info.address());
        sorgqr(m, n, a.address(), m, tau.address(), info.address());
        info("cusolverDnSorgqr", info);
    }

    /**
     * Householder QR of the column-major m×n A (m ≥ n): R in the upper triangle, reflectors below it and in tau.
     * Queued; its info (negative only for an illegal argument) goes to {@code devInfo}.
     */
    public void sgeqrf(int m, int n, MemorySegment a, int lda, MemorySegment tau, MemorySegment devInfo) {
        queue("cusolverDnSgeqrf", devInfo, (lwork, work, info) -> (int) geqrf.invokeExact(handle(), m, n, a, lda, tau, work,
                lwork, info), size -> (int) geqrfBufferSize.invokeExact(handle(), m, n, a, lda, size));
    }

    /** The explicit m×n Q of {@link #sgeqrf}'s reflectors, in place of A; queued, info as sgeqrf's. */
    public void sorgqr(int m, int n, MemorySegment a, int lda, MemorySegment tau, MemorySegment devInfo) {
        queue("cusolverDnSorgqr", devInfo, (lwork, work, info) -> (int) orgqr.invokeExact(handle(), m, n, n, a, lda, tau, work,
                lwork, info), size -> (int) orgqrBufferSize.invokeExact(handle(), m, n, n, a, lda, tau, size));
    }

    /** Cholesky factorisation of the upper triangle of the symmetric n×n A in place. */
    public void spotrf(int n, DeviceBuffer a) {
        spotrf(n, a.address(), n, info.address());
        failOnPositive("cusolverDnSpotrf", info("cusolverDnSpotrf", info));
    }

    /**
     * Cholesky factorisation A = UᵀU of the column-major symmetric n×n A (upper triangle) in place. Queued; its info
     * (0, or the order of the first leading minor that is not positive definite) goes to {@code devInfo}.
     */
    public void spotrf(int n, MemorySegment a, int lda, MemorySegment devInfo) {
        queue("cusolverDnSpotrf", devInfo, (lwork, work, info) -> (int) potrf.invokeExact(handle(), FILL_UPPER, n, a, lda,
                work, lwork, info), size -> (int) potrfBufferSize.invokeExact(handle(), FILL_UPPER, n, a, lda, size));
    }

    /**
     * NVIDIA's randomized SVD (cusolverDnXgesvdr): the top-{@code rank} triplets of the column-major m×n A (destroyed)
     * with {@code oversample} extra columns and {@code iterations} power iterations; S (min(m, n): gesvdr writes
     * more than rank values there), U (m×rank, ld m), V (n×rank, ld n).
     */
    public void randomizedSvd(int m, int n, int rank, int oversample, int iterations, DeviceBuffer a, DeviceBuffer s,
                              DeviceBuffer u, DeviceBuffer v) {
        if (s.floats() < Math.min(m, n) || u.floats() < (long) m * rank || v.floats() < (long) n * rank
                || a.floats() < (long) m * n) {
            throw new IllegalArgumentException("cusolverDnXgesvdr: A " + m + "x" + n + " rank " + rank + " needs A "
                    + (long) m * n + ", S " + Math.min(m, n) + ", U " + (long) m * rank + ", V " + (long) n * rank
                    + " floats; given " + a.floats() + ", " + s.floats() + ", " + u.floats() + ", " + v.floats());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment deviceBytes = arena.allocate(JAVA_LONG);
            MemorySegment hostBytes = arena.allocate(JAVA_LONG);
            call("cusolverDnXgesvdr_bufferSize", () -> (int) gesvdrBufferSize.invokeExact(handle(), params, (byte) 'S',
                    (byte) 'S', (long) m, (long) n, (long) rank, (long) oversample, (long) iterations, CUDA_R_32F,
                    a.address(), (long) m, CUDA_R_32F, s.address(), CUDA_R_32F, u.address(), (long) m, CUDA_R_32F,
                    v.address(), (long) n, CUDA_R_32F, deviceBytes, hostBytes));
            long deviceFloats = Math.max(1, (deviceBytes.get(JAVA_LONG, 0) + Float.BYTES - 1) / Float.BYTES);
            long hostSize = Math.max(1, hostBytes.get(JAVA_LONG, 0));
            MemorySegment deviceWork = workspace(deviceFloats);
            MemorySegment hostWork = arena.allocate(hostSize, 16);
            call("cusolverDnXgesvdr", () -> (int) gesvdr.invokeExact(handle(), params, (byte) 'S', (byte) 'S', (long) m,
                    (long) n, (long) rank, (long) oversample, (long) iterations, CUDA_R_32F, a.address(), (long) m,
                    CUDA_R_32F, s.address(), CUDA_R_32F, u.address(), (long) m, CUDA_R_32F, v.address(), (long) n,
                    CUDA_R_32F, deviceWork, deviceFloats * Float.BYTES, hostWork, hostSize, info.address()));
            failOnPositive("cusolverDnXgesvdr", info("cusolverDnXgesvdr", info));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            info.close();
            if (work != null) {
                work.close();
            }
            call("cusolverDnDestroyParams", () -> (int) destroyParams.invokeExact(params));
            call("cusolverDnDestroy", () -> (int) destroy.invokeExact(handle));
        }
    }

    @FunctionalInterface
    private interface BufferSize {
        int query(MemorySegment lworkOut) throws Throwable;
    }

    @FunctionalInterface
    private interface Routine {
        int call(int lwork, MemorySegment work, MemorySegment info) throws Throwable;
    }

    // size the workspace (grown, never shrunk: no cudaMalloc once the largest call has run) and queue the routine
    private void queue(String name, MemorySegment devInfo, Routine routine, BufferSize bufferSize) {
        queue(name, devInfo, Float.BYTES, routine, bufferSize);
    }

    // the same for a routine whose workspace is counted in elements of elementBytes
    private void queue(String name, MemorySegment devInfo, int elementBytes, Routine routine, BufferSize bufferSize) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment lwork = arena.allocate(JAVA_INT);
            call(name + "_bufferSize", () -> bufferSize.query(lwork));
            int elements = Math.max(1, lwork.get(JAVA_INT, 0));
            MemorySegment deviceWork = workspace((long) elements * elementBytes / Float.BYTES);
            call(name, () -> routine.call(elements, deviceWork, devInfo));
        }
    }

    // the handle's one device workspace, grown to at least `floats`
    private MemorySegment workspace(long floats) {
        if (work == null || work.floats() < floats) {
            if (work != null) {
                work.close();
            }
            work = context.allocate(floats);
        }
        return work.address();
    }

    private void failOnPositive(String name, int info) {
        if (info > 0) {
            throw new ArithmeticException(name + ": failed at step " + info + " (info " + info + ")");
        }
    }

    private int info(String name, DeviceBuffer info) {
        context.synchronize();
        float[] raw = new float[1];
        info.download(raw);
        int code = Float.floatToRawIntBits(raw[0]); // devInfo is an int; the buffer is reinterpreted
        if (code < 0) {
            throw new IllegalArgumentException(name + ": argument " + (-code) + " had an illegal value (info " + code
                    + ")");
        }
        return code;
    }

    // one downcall whose non-zero status is an error
    private static void call(String name, Cuda.Call call) {
        status(name, Cuda.invoke(name, call));
    }

    private MemorySegment handle() {
        if (closed) {
            throw new IllegalStateException("CuSolver: the handle was closed");
        }
        return handle;
    }

    private static void status(String call, int status) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed: cuSOLVER status " + status);
        }
    }
}
