package org.slimgrad.nativelib.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

import org.slimgrad.nativelib.loader.LibraryOnce;

/**
 * cuBLAS through FFM (libcublas.so.13, else .12; JCuda's own binding wants .12 exactly). One handle on a
 * {@link Context}'s stream. The GEMMs take row-major operands, the layout of slimgrad's matrices: a row-major C = A·B
 * is the column-major Cᵀ = Bᵀ·Aᵀ, so the operands are handed to cuBLAS swapped.
 */
public final class CuBlas implements AutoCloseable {

    /** How an fp32 GEMM may compute internally. */
    public enum Precision {
        /** Plain fp32 (CUBLAS_COMPUTE_32F). */
        FP32(68),
        /** TF32 tensor cores, fp32 accumulation (CUBLAS_COMPUTE_32F_FAST_TF32). */
        TF32(77),
        /** BF16 tensor cores, fp32 accumulation (CUBLAS_COMPUTE_32F_FAST_16BF). */
        BF16(75);

        final int computeType;

        Precision(int computeType) {
            this.computeType = computeType;
        }
    }

    private static final int OP_N = 0;
    private static final int OP_T = 1;
    private static final int SIDE_LEFT = 0;
    private static final int FILL_LOWER = 0;
    private static final int DIAG_NON_UNIT = 0;
    private static final int CUDA_R_32F = 0;
    private static final int GEMM_DEFAULT = -1;

    private static final LibraryOnce LIBRARY = new LibraryOnce("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so"));

    private final MethodHandle destroy;
    private final MethodHandle sgemm;
    private final MethodHandle gemmEx;
    private final MethodHandle sgemmStridedBatched;
    private final MethodHandle strsm;
    private final MemorySegment handle;
    private boolean closed;

    /** The loaded cuBLAS's version, e.g. "13.1.0" (see {@link Cuda#libraryVersion}); loads the library if need be. */
    public static String version() {
        return Cuda.libraryVersion(LIBRARY.get(), "cublasGetProperty");
    }

    /** A cuBLAS handle on {@code context}'s stream. */
    public CuBlas(Context context) {
        SymbolLookup lib = LIBRARY.get();
        MethodHandle create = Cuda.bind(lib, "cublasCreate_v2", ADDRESS);
        MethodHandle setStream = Cuda.bind(lib, "cublasSetStream_v2", ADDRESS, ADDRESS);
        destroy = Cuda.bind(lib, "cublasDestroy_v2", ADDRESS);
        sgemm = Cuda.bind(lib, "cublasSgemm_v2", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        gemmEx = Cuda.bind(lib, "cublasGemmEx", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT);
        sgemmStridedBatched = Cuda.bind(lib, "cublasSgemmStridedBatched", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS,
                JAVA_INT, JAVA_LONG, JAVA_INT);
        strsm = Cuda.bind(lib, "cublasStrsm_v2", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            call("cublasCreate_v2", () -> (int) create.invokeExact(out));
            MemorySegment created = out.get(ADDRESS, 0);
            handle = created;
            call("cublasSetStream_v2", () -> (int) setStream.invokeExact(created, context.stream()));
        }
    }

    /**
     * Row-major {@code C = α·op(A)·op(B) + β·C} (op(A) m×k, op(B) k×n, C m×n, leading dimensions in elements) in
     * fp32 with cublasSgemm.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, DeviceBuffer a, int lda,
                      DeviceBuffer b, int ldb, float beta, DeviceBuffer c, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a.address(), lda, b.address(), ldb, beta, c.address(), ldc);
    }

    /** As {@link #sgemm(boolean, boolean, int, int, int, float, DeviceBuffer, int, DeviceBuffer, int, float,
     * DeviceBuffer, int)} on raw device addresses. */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                      MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            call("cublasSgemm_v2", () -> (int) sgemm.invokeExact(handle(), transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m,
                    k, arena.allocateFrom(JAVA_FLOAT, alpha), b, ldb, a, lda, arena.allocateFrom(JAVA_FLOAT, beta), c,
                    ldc));
        }
    }

    /**
     * Row-major {@code A := A·R⁻¹} for A m×k (leading dimension lda) and R k×k upper triangular (ldr), the
     * triangular step of Cholesky QR. Column-major, A is Aᵀ and R is the lower triangular Rᵀ, so this is
     * cublasStrsm(left, lower, no transpose): Aᵀ := (Rᵀ)⁻¹·Aᵀ.
     */
    public void solveUpperRight(int m, int k, MemorySegment r, int ldr, MemorySegment a, int lda) {
        try (Arena arena = Arena.ofConfined()) {
            call("cublasStrsm_v2", () -> (int) strsm.invokeExact(handle(), SIDE_LEFT, FILL_LOWER, OP_N, DIAG_NON_UNIT,
                    k, m, arena.allocateFrom(JAVA_FLOAT, 1f), r, ldr, a, lda));
        }
    }

    /** As {@link #sgemm}, fp32 in and out, computing at the given {@link Precision} (cublasGemmEx). */
    public void gemm(Precision precision, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     DeviceBuffer a, int lda, DeviceBuffer b, int ldb, float beta, DeviceBuffer c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            call("cublasGemmEx", () -> (int) gemmEx.invokeExact(handle(), transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m,
                    k, arena.allocateFrom(JAVA_FLOAT, alpha), b.address(), CUDA_R_32F, ldb, a.address(), CUDA_R_32F,
                    lda, arena.allocateFrom(JAVA_FLOAT, beta), c.address(), CUDA_R_32F, ldc, precision.computeType,
                    GEMM_DEFAULT));
        }
    }

    /**
     * {@code batch} independent row-major products, matrix i of each operand starting {@code i·stride} floats after
     * the first (cublasSgemmStridedBatched).
     */
    public void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    DeviceBuffer a, int lda, long strideA, DeviceBuffer b, int ldb, long strideB,
                                    float beta, DeviceBuffer c, int ldc, long strideC, int batch) {
        try (Arena arena = Arena.ofConfined()) {
            call("cublasSgemmStridedBatched", () -> (int) sgemmStridedBatched.invokeExact(handle(), transB ? OP_T : OP_N,
                    transA ? OP_T : OP_N, n, m, k, arena.allocateFrom(JAVA_FLOAT, alpha), b.address(), ldb, strideB,
                    a.address(), lda, strideA, arena.allocateFrom(JAVA_FLOAT, beta), c.address(), ldc, strideC, batch));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            call("cublasDestroy_v2", () -> (int) destroy.invokeExact(handle));
        }
    }

    // one downcall whose non-zero status is an error
    private static void call(String name, Cuda.Call call) {
        status(name, Cuda.invoke(name, call));
    }

    private MemorySegment handle() {
        if (closed) {
            throw new IllegalStateException("CuBlas: the handle was closed");
        }
        return handle;
    }

    static void status(String call, int status) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed: cuBLAS status " + status + " (" + name(status) + ")");
        }
    }

    private static String name(int status) {
        return switch (status) {
            case 1 -> "NOT_INITIALIZED";
            case 3 -> "ALLOC_FAILED";
            case 7 -> "INVALID_VALUE";
            case 8 -> "ARCH_MISMATCH";
            case 11 -> "MAPPING_ERROR";
            case 13 -> "EXECUTION_FAILED";
            case 14 -> "INTERNAL_ERROR";
            case 15 -> "NOT_SUPPORTED";
            default -> "unknown";
        };
    }
}
