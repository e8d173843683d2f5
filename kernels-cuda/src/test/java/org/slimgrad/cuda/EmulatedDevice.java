package org.slimgrad.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;
import org.slimgrad.collective.Collective;
import org.slimgrad.cpu.CpuBackend;
import org.slimgrad.linalg.Parallel;
import org.slimgrad.linalg.SmallSvd;
import org.slimgrad.linalg.SymmetricEigenSolver;

/**
 * A device for the GPU-less checks: "device memory" is native host memory, kernels are the same .cu sources built
 * by g++ against src/emulation/cuda_emulation.h (a block's threads as fibers on the calling thread; one launch at a
 * time) and called through their {@code emu_<kernel>} entry points with the
 * very parameter arrays cuLaunchKernel would get, and the vendor routines are written here in Java with cuBLAS's and
 * cuSOLVER's exact layouts and conventions (column-major, upper-triangle, ascending eigenvalues, LAPACK reflectors).
 * What this checks: every kernel's indexing, striding, barriers and shuffles, the parameter packing, and every layout
 * translation of the backend. What it cannot check: PTX code generation, the real libraries, timing.
 */
final class EmulatedDevice implements Device {

    /**
     * The emulation library's scheduler (block and thread indices, fibers) is process-wide: one launch at a time in
     * the process, whichever emulated device makes it (the collective tests run one device per thread).
     */
    private static final Object LAUNCHES = new Object();

    /** System property naming the emulation library; Maven's Surefire sets it for kernels-cuda's tests. */
    static final String LIBRARY_PROPERTY = "slimgrad.cuda.emulation";
    /** A nominal memory size for {@link #memoryInfo()}: leak tests compare free bytes before and after. */
    private static final long NOMINAL_BYTES = 1L << 32;
    /** Small, odd grids: every kernel's grid-stride loops take several turns even on test-sized matrices. */
    private static final int MAX_GRID = 3;

    private final SymbolLookup library;
    private final Map<String, MethodHandle> entries = new HashMap<>();
    private final Map<Long, Allocation> allocations = new HashMap<>();
    private final Backend host = CpuBackend.withThreads(1);
    private long allocatedBytes;

    private EmulatedDevice(SymbolLookup library) {
        this.library = library;
    }

    /** The emulation library named by {@value #LIBRARY_PROPERTY}, or an exception saying why it cannot be used. */
    static EmulatedDevice load() {
        return new EmulatedDevice(SymbolLookup.libraryLookup(libraryPath(), Arena.global()));
    }

    /** The emulation library's file, or an exception saying why there is none. */
    static Path libraryPath() {
        String path = System.getProperty(LIBRARY_PROPERTY);
        if (path == null || !Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException("cuda emulation: no library at " + LIBRARY_PROPERTY + " = " + path
                    + " (kernels-cuda's build makes it with g++)");
        }
        return Path.of(path);
    }

    @Override
    public String description() {
        return "cuda-emulated (host threads)";
    }

    @Override
    public int ordinal() {
        return 0;
    }

    @Override
    public int maxGrid() {
        return MAX_GRID;
    }

    @Override
    public synchronized long allocate(long bytes) {
        Arena arena = Arena.ofShared();
        long address = arena.allocate(Math.max(bytes, 1), 256).address();
        allocations.put(address, new Allocation(arena, bytes));
        allocatedBytes += bytes;
        return address;
    }

    @Override
    public synchronized void free(long address) {
        Allocation allocation = allocations.remove(address);
        if (allocation == null) {
            throw new IllegalStateException("cuda emulation: free of 0x" + Long.toHexString(address)
                    + ", which is not a live allocation");
        }
        allocatedBytes -= allocation.bytes();
        allocation.arena().close();
    }

    @Override
    public void upload(MemorySegment host, long device, long bytes) {
        MemorySegment.copy(host, 0, at(device, bytes), 0, bytes);
    }

    @Override
    public void download(long device, MemorySegment host, long bytes) {
        MemorySegment.copy(at(device, bytes), 0, host, 0, bytes);
    }

    @Override
    public void copy2D(boolean toDevice, MemorySegment host, long device, long pitch, long width, long rows) {
        if (!host.isNative()) {
            throw new IllegalArgumentException("cuda emulation: copy2D of heap memory; cuMemcpy2D needs native memory");
        }
        for (long row = 0; row < rows; row++) {
            MemorySegment onDevice = at(device + row * pitch, width);
            if (toDevice) {
                MemorySegment.copy(host, row * width, onDevice, 0, width);
            } else {
                MemorySegment.copy(onDevice, 0, host, row * width, width);
            }
        }
    }

    @Override
    public synchronized void launch(String kernel, int gridX, int gridY, int blockX, int blockY,
                                    KernelArgs params) {
        String declared = KernelSignatures.of(kernel);
        if (!params.kinds().equals(declared)) {
            throw new IllegalStateException("cuda emulation: " + kernel + " launched with parameters of kinds "
                    + params.kinds() + " but src/main/cuda declares " + declared + " (i int, f float, d double,"
                    + " l long long, p pointer)");
        }
        if ((blockX * blockY) % 32 != 0) {
            throw new IllegalArgumentException("cuda emulation: " + kernel + " launched with a " + blockX + "x"
                    + blockY + " block; the emulation needs full warps");
        }
        MethodHandle entry = entries.computeIfAbsent(kernel, name -> Linker.nativeLinker().downcallHandle(
                library.find("emu_" + name).orElseThrow(() -> new IllegalStateException(
                        "cuda emulation: no kernel " + name + " in the library")),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)));
        try {
            synchronized (LAUNCHES) {
                entry.invokeExact(gridX, gridY, blockX, blockY, params.array());
            }
        } catch (Throwable t) {
            throw new IllegalStateException("cuda emulation: launching " + kernel + " failed", t);
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b,
                     int ldb, float beta, long c, int ldc) {
        host.gemm(transA, transB, alpha, view(a, transA ? k : m, transA ? m : k, lda),
                view(b, transB ? n : k, transB ? k : n, ldb), beta, view(c, m, n, ldc));
    }

    @Override
    public void solveUpperRight(int m, int k, long r, int ldr, long a, int lda) {
        Matrix rm = view(r, k, k, ldr);
        Matrix am = view(a, m, k, lda);
        double[] x = new double[k];
        for (int i = 0; i < m; i++) {
            // x·R = a(i, :), by forward substitution over the columns of R
            for (int j = 0; j < k; j++) {
                double sum = am.get(i, j);
                for (int p = 0; p < j; p++) {
                    sum -= x[p] * rm.get(p, j);
                }
                x[j] = sum / rm.get(j, j);
            }
            for (int j = 0; j < k; j++) {
                am.set(i, j, (float) x[j]);
            }
        }
    }

    @Override
    public void potrf(int n, long a, int lda, long info) {
        setInfo(info, cholesky(n, a, lda));
    }

    // cuSOLVER's info: 0, or the order of the first leading minor that is not positive definite
    private static int cholesky(int n, long a, int lda) {
        ColumnMajor g = new ColumnMajor(a, n, n, lda);
        double[] u = new double[n * n];
        for (int j = 0; j < n; j++) {
            double pivot = g.get(j, j);
            for (int p = 0; p < j; p++) {
                pivot -= u[p * n + j] * u[p * n + j];
            }
            if (!(pivot > 0)) {
                return j + 1;
            }
            u[j * n + j] = Math.sqrt(pivot);
            g.set(j, j, (float) u[j * n + j]);
            for (int c = j + 1; c < n; c++) {
                double sum = g.get(j, c);
                for (int p = 0; p < j; p++) {
                    sum -= u[p * n + j] * u[p * n + c];
                }
                u[j * n + c] = sum / u[j * n + j];
                g.set(j, c, (float) u[j * n + c]);
            }
        }
        return 0;
    }

    @Override
    public void geqrf(int m, int n, long a, int lda, long tau, long info) {
        setInfo(info, 0);
        ColumnMajor q = new ColumnMajor(a, m, n, lda);
        MemorySegment taus = at(tau, (long) n * Float.BYTES);
        for (int j = 0; j < n; j++) {
            double alpha = q.get(j, j);
            double tail = 0;
            for (int i = j + 1; i < m; i++) {
                tail += (double) q.get(i, j) * q.get(i, j);
            }
            if (tail == 0) { // H = I, as LAPACK's slarfg
                taus.setAtIndex(JAVA_FLOAT, j, 0f);
                continue;
            }
            double beta = -Math.copySign(Math.sqrt(alpha * alpha + tail), alpha);
            double t = (beta - alpha) / beta;
            double scale = 1 / (alpha - beta);
            for (int i = j + 1; i < m; i++) {
                q.set(i, j, (float) (q.get(i, j) * scale));
            }
            q.set(j, j, (float) beta);
            taus.setAtIndex(JAVA_FLOAT, j, (float) t);
            for (int c = j + 1; c < n; c++) {
                reflect(q, j, t, c);
            }
        }
    }

    @Override
    public void orgqr(int m, int n, long a, int lda, long tau, long info) {
        setInfo(info, 0);
        ColumnMajor q = new ColumnMajor(a, m, n, lda);
        MemorySegment taus = at(tau, (long) n * Float.BYTES);
        // Q = H₀·H₁·…·H_{n−1}·I[:, :n], built from the last reflector back (LAPACK's sorg2r)
        for (int j = n - 1; j >= 0; j--) {
            float t = taus.getAtIndex(JAVA_FLOAT, j);
            if (j < n - 1) {
                q.set(j, j, 1f);
                for (int c = j + 1; c < n; c++) {
                    reflect(q, j, t, c);
                }
            }
            for (int i = j + 1; i < m; i++) {
                q.set(i, j, -t * q.get(i, j));
            }
            q.set(j, j, 1f - t);
            for (int i = 0; i < j; i++) {
                q.set(i, j, 0f);
            }
        }
    }

    @Override
    public void gesvd(int m, int n, long a, int lda, long s, long u, int ldu, long vt, int ldvt, long info) {
        setInfo(info, 0);
        ColumnMajor am = new ColumnMajor(a, m, n, lda);
        Matrix dense = Matrix.wrap(new float[m * n], m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                dense.set(i, j, am.get(i, j));
            }
        }
        Svd svd = SmallSvd.svd(dense, Parallel.SEQUENTIAL);
        ColumnMajor um = new ColumnMajor(u, m, n, ldu);
        ColumnMajor vtm = new ColumnMajor(vt, n, n, ldvt);
        MemorySegment sigma = at(s, (long) n * Float.BYTES);
        for (int j = 0; j < n; j++) {
            sigma.setAtIndex(JAVA_FLOAT, j, svd.sigma()[j]);
            for (int i = 0; i < m; i++) {
                um.set(i, j, svd.u().get(i, j));
            }
            for (int c = 0; c < n; c++) {
                vtm.set(j, c, svd.vt().get(j, c));
            }
        }
    }

    @Override
    public void syevd(int n, long a, int lda, long w, long info) {
        setInfo(info, 0);
        ColumnMajor am = new ColumnMajor(a, n, n, lda);
        Matrix symmetric = Matrix.wrap(new float[n * n], n, n);
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) { // the upper triangle only, as cuSOLVER reads it
                symmetric.set(i, j, am.get(i, j));
                symmetric.set(j, i, am.get(i, j));
            }
        }
        SymmetricEigen eigen = SmallSvd.symmetricEigen(symmetric, Parallel.SEQUENTIAL);
        MemorySegment values = at(w, (long) n * Float.BYTES);
        for (int k = 0; k < n; k++) {
            int from = n - 1 - k; // descending there, ascending here
            values.setAtIndex(JAVA_FLOAT, k, eigen.values()[from]);
            for (int i = 0; i < n; i++) {
                am.set(i, k, eigen.vectors().get(i, from));
            }
        }
    }

    @Override
    public void dsyevd(int n, long a, int lda, long w, long info) {
        setInfo(info, 0);
        MemorySegment am = at(a, ((long) (n - 1) * lda + n) * Double.BYTES);
        double[] symmetric = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= j; i++) { // the upper triangle only, as cuSOLVER reads it
                double value = am.getAtIndex(JAVA_DOUBLE, i + (long) j * lda);
                symmetric[i * n + j] = value;
                symmetric[j * n + i] = value;
            }
        }
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        SymmetricEigenSolver.decompose(symmetric, n, values, vectors, Parallel.SEQUENTIAL);
        MemorySegment wm = at(w, (long) n * Double.BYTES);
        for (int k = 0; k < n; k++) {
            int from = n - 1 - k; // descending there, ascending here
            wm.setAtIndex(JAVA_DOUBLE, k, values[from]);
            for (int i = 0; i < n; i++) {
                am.setAtIndex(JAVA_DOUBLE, i + (long) k * lda, vectors[i * n + from]);
            }
        }
    }

    @Override
    public void synchronize() {
        // launches and routines run synchronously here
    }

    @Override
    public double elapsedMillis(Runnable queue) {
        long start = System.nanoTime();
        queue.run();
        return (System.nanoTime() - start) / 1e6;
    }

    @Override
    public DeviceCommunicator communicator(Collective bootstrap) {
        return new EmulatedCommunicator(this, bootstrap);
    }

    @Override
    public synchronized long[] memoryInfo() {
        return new long[]{NOMINAL_BYTES - allocatedBytes, NOMINAL_BYTES};
    }

    @Override
    public synchronized void close() {
        allocations.values().forEach(allocation -> allocation.arena().close());
        allocations.clear();
        allocatedBytes = 0;
    }

    private record Allocation(Arena arena, long bytes) {
    }

    // A := (I − t·v·vᵀ)·A for column c, v = (1, A[j+1:, j]) stored below the diagonal of column j
    private static void reflect(ColumnMajor q, int j, double t, int c) {
        double dot = q.get(j, c);
        for (int i = j + 1; i < q.rows; i++) {
            dot += (double) q.get(i, j) * q.get(i, c);
        }
        double scaled = t * dot;
        q.set(j, c, (float) (q.get(j, c) - scaled));
        for (int i = j + 1; i < q.rows; i++) {
            q.set(i, c, (float) (q.get(i, c) - scaled * q.get(i, j)));
        }
    }

    private static void setInfo(long info, int value) {
        at(info, Integer.BYTES).set(JAVA_INT, 0, value);
    }

    private static MemorySegment at(long address, long bytes) {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    private static Matrix view(long address, int rows, int cols, int ld) {
        return Matrix.wrap(at(address, Matrix.span(rows, cols, ld) * Float.BYTES), 0, rows, cols, ld);
    }

    /** A column-major matrix in emulated device memory, element (i, j) at {@code i + j·ld}. */
    private static final class ColumnMajor {
        final int rows;
        private final MemorySegment segment;
        private final int ld;

        ColumnMajor(long address, int rows, int cols, int ld) {
            this.rows = rows;
            this.ld = ld;
            this.segment = at(address, ((long) (cols - 1) * ld + rows) * Float.BYTES);
        }

        float get(int i, int j) {
            return segment.getAtIndex(JAVA_FLOAT, i + (long) j * ld);
        }

        void set(int i, int j, float value) {
            segment.setAtIndex(JAVA_FLOAT, i + (long) j * ld, value);
        }
    }
}
