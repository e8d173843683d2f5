package org.slimgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.slimgrad.AbstractBackend;
import org.slimgrad.Axis;
import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;
import org.slimgrad.MemoryDomain;
import org.slimgrad.OrthoMethod;
import org.slimgrad.ScoreNorm;
import org.slimgrad.SupportDraw;
import org.slimgrad.Svd;
import org.slimgrad.SymmetricEigen;

/**
 * The CUDA backend: slimgrad's {@link org.slimgrad.Backend} on one NVIDIA GPU. Matrices live in device memory (its
 * own {@link MemoryDomain}); hand-written kernels (src/main/cuda) do the element-wise and layout work, cuBLAS the
 * GEMMs and the triangular solve, cuSOLVER the Cholesky, Householder, SVD and eigen routines. Randomized SVD and
 * Cholesky QR run entirely on the device, copying only a few scalars per step back (pivots, σ).
 *
 * <p>Memory: {@link #allocate} gives a zero-filled matrix whose device block returns to the backend's caching pool when the
 * matrix becomes unreachable (like a direct ByteBuffer); {@link #arena()} gives matrices returned, and made
 * unusable, when the arena closes. After warm-up a training step does not reach the driver's allocator.
 * {@link #close()} frees everything; the one instance {@code Backends.named("cuda")} shares refuses to close (others may
 * be using it), so code that wants to close its backend opens its own with {@link #open}.
 *
 * <p>Threads: one stream per backend; any thread may call, one at a time (the backend is not thread-safe). Data
 * moves with {@link #fromHost}/{@link #toHost} (every backend's) or {@link #upload}/{@link #download} into
 * existing matrices, which wait for the queued work.
 *
 * <p>Sparse supports are uploaded once per {@link FixedSupport} (CSR and its transpose) and kept while it is
 * reachable; DCT plans (roots of unity, shifts) once per length.
 */
public final class CudaBackend extends AbstractBackend implements AutoCloseable {

    private final Device device;
    private final DeviceMemory memory;
    private final DeviceKernels kernels;
    private final DeviceSupports supports = new DeviceSupports(this);
    private final DeviceDct dct;
    /** 1024 partial results and one total for the reductions. */
    private final Matrix reductionScratch;
    private boolean closed;
    /** The instance {@code Backends.named("cuda")} hands to everyone: it lives as long as the JVM. */
    private final boolean shared;

    /** A backend on {@code device}; kernels-cuda's tests make one on the host emulation ({@code EmulatedCuda}). */
    CudaBackend(String name, Device device, boolean shared) {
        super(name, new MemoryDomain(device.description()));
        this.device = device;
        this.shared = shared;
        this.memory = new DeviceMemory(device);
        this.kernels = new DeviceKernels(device);
        this.reductionScratch = allocate(1, 2 * 1025);
        this.dct = new DeviceDct(this);
    }

    /** The backend on CUDA device {@code ordinal}; {@link IllegalStateException} saying why when there is none. */
    public static CudaBackend open(int ordinal) {
        return new CudaBackend("cuda", new GpuDevice(ordinal), false);
    }

    /** The instance {@code Backends.named("cuda")} shares: {@link #close} refuses, since others may be using it. */
    static CudaBackend openShared(int ordinal) {
        return new CudaBackend("cuda", new GpuDevice(ordinal), true);
    }

    /** The device's name, e.g. "cuda:0 NVIDIA H100 80GB HBM3". */
    public String deviceName() {
        return device.description();
    }

    /** The CUDA device ordinal the backend computes on. */
    public int ordinal() {
        return device.ordinal();
    }

    @Override
    public Matrix allocate(int rows, int cols) {
        Matrix matrix = allocateUninitialised(rows, cols);
        if (matrix.size() != 0) {
            kernels.scale(0f, matrix); // the Backend contract: zero-filled (pooled blocks hold old data)
        }
        return matrix;
    }

    /**
     * A pooled block that returns to the pool when the matrix becomes unreachable, holding whatever it last held: for
     * workspaces whose every element is written before it is read.
     */
    Matrix allocateUninitialised(int rows, int cols) {
        long bytes = bytes(name() + ".allocate", rows, cols);
        long size = DeviceMemory.blockSize(bytes);
        long address = memory.take(bytes);
        DeviceMemory pool = memory;
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(size, Arena.ofAuto(),
                unused -> pool.give(address, size));
        return Matrix.inDomain(domain(), segment, 0, rows, cols, Math.max(cols, 1));
    }

    /** A scope for device matrices that go back to the pool, and become unusable, when it closes. */
    public DeviceArena arena() {
        requireOpen("arena");
        return new DeviceArena(this, memory);
    }

    /** Copies the host matrix {@code from} into the device matrix {@code to} of the same shape. */
    public void upload(Matrix from, Matrix to) {
        transfer("upload", from, to, true);
    }

    /** Copies the device matrix {@code from} into the host matrix {@code to} of the same shape. */
    public void download(Matrix from, Matrix to) {
        transfer("download", to, from, false);
    }

    // a dense row-major host copy
    @Override
    protected Matrix toHostKernel(Matrix from) {
        Matrix host = Matrix.wrap(new float[Math.toIntExact((long) from.rows() * from.cols())], from.rows(),
                from.cols());
        download(from, host);
        return host;
    }

    // a new device matrix; every element is uploaded, so it needs no zero fill
    @Override
    protected Matrix fromHostKernel(Matrix from) {
        Matrix device = allocateUninitialised(from.rows(), from.cols());
        upload(from, device);
        return device;
    }

    /**
     * A matrix over device memory that someone else allocated in this device's primary context (libtorch's caching
     * allocator, JCuda's {@code cuMemAlloc}): row-major, element (i, j) at {@code address + 4·(i·ld + j)}. No copy;
     * slimgrad never frees it and does not keep it alive, so the owner keeps it allocated while the matrix is used.
     * Ordering: the backend's stream is a blocking stream, so work the owner queued on the legacy default stream
     * (PyTorch's default) finishes before slimgrad's next operation starts, and the owner's later work there waits
     * for slimgrad's; an owner on its own non-blocking stream synchronises it first.
     */
    public Matrix wrap(long address, int rows, int cols, int ld) {
        requireOpen("wrap");
        if (address == 0 || address % Float.BYTES != 0 || rows < 0 || cols < 0 || ld < Math.max(cols, 1)) {
            throw new IllegalArgumentException(name() + ".wrap: " + rows + "x" + cols + ", ld " + ld + " at 0x"
                    + Long.toHexString(address) + "; need a non-null address aligned to 4 bytes, non-negative sizes"
                    + " and ld >= max(cols, 1)");
        }
        return Matrix.inDomain(domain(),
                MemorySegment.ofAddress(address).reinterpret(Matrix.span(rows, cols, ld) * Float.BYTES), 0, rows, cols, ld);
    }

    /** Waits until the work queued on the backend's stream has finished (for timing). */
    public void synchronize() {
        device().synchronize();
    }

    /**
     * {@link FixedSupport#random}'s support, drawn on the device by the same rule ({@link SupportDraw}): the passes
     * over all m·n positions run as kernels, the host settles the threshold bucket's few members. Equal to the host's
     * draw for the same arguments. (The sparse kernels upload its CSR and CSC forms on first use, like any support.)
     */
    public FixedSupport randomSupport(int rows, int cols, double density, long seed) {
        int nnz = FixedSupport.drawSize(rows, cols, density);
        long total = (long) rows * cols;
        try (DeviceArena scratch = arena()) {
            Matrix histogram = scratch.allocate(1, SupportDraw.BUCKETS);
            kernels().scale(0f, histogram);
            kernels().supportHistogram(total, seed, histogram);
            long[] counts = new long[SupportDraw.BUCKETS];
            int[] raw = ints(histogram, SupportDraw.BUCKETS);
            for (int b = 0; b < counts.length; b++) {
                counts[b] = Integer.toUnsignedLong(raw[b]);
            }
            long[] threshold = SupportDraw.threshold(counts, nnz);
            int bucket = (int) threshold[0];
            int members = (int) counts[bucket];
            Matrix count = scratch.allocate(1, 1);
            kernels().scale(0f, count);
            Matrix keys = scratch.allocate(1, 2 * members);
            Matrix positions = scratch.allocate(1, 2 * members);
            kernels().supportMembers(total, seed, bucket, count, keys, positions);
            long[] chosen = SupportDraw.choose(longs(keys, members), longs(positions, members), (int) threshold[1]);

            Matrix rowCounts = scratch.allocate(1, rows);
            kernels().supportRowCounts(rows, cols, seed, bucket, rowCounts);
            int[] pointers = new int[rows + 1];
            int[] chosenStart = new int[rows + 1];
            int[] below = ints(rowCounts, rows);
            for (long f : chosen) {
                chosenStart[(int) (f / cols) + 1]++;
            }
            for (int i = 0; i < rows; i++) {
                chosenStart[i + 1] += chosenStart[i];
                pointers[i + 1] = pointers[i] + below[i] + chosenStart[i + 1] - chosenStart[i];
            }
            Matrix columns = scratch.allocate(1, nnz);
            kernels().supportColumns(rows, cols, seed, bucket, fromHost(pointers, scratch), fromHost(chosen, scratch),
                    fromHost(chosenStart, scratch), columns);
            return FixedSupport.of(rows, cols, pointers, ints(columns, nnz));
        }
    }

    /** Bytes of device memory the backend's pool holds (in use or cached for reuse). */
    public long pooledBytes() {
        return memory.heldBytes();
    }

    /** How many times the pool has called the driver's allocator: flat after warm-up. */
    public long driverAllocations() {
        return memory.driverAllocations();
    }

    /** {free, total} bytes of the device's memory, as the driver reports them. */
    public long[] deviceMemory() {
        requireOpen("deviceMemory");
        return device.memoryInfo();
    }

    @Override
    public void close() {
        if (shared) {
            throw new IllegalStateException(name() + ".close: this backend is the one Backends.named(\"cuda\") shares"
                    + " with every caller and lives as long as the JVM; for one you can close, use CudaBackend.open");
        }
        if (!closed) {
            closed = true;
            try {
                memory.close();
            } finally {
                device.close();
            }
        }
    }

    Device device() {
        requireOpen("device");
        return device;
    }

    DeviceKernels kernels() {
        requireOpen("kernels");
        return kernels;
    }

    static long bytes(String op, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": " + rows + "x" + cols + "; need non-negative sizes");
        }
        return (long) rows * cols * Float.BYTES;
    }

    // ---------------------------------------------------------------- kernels

    @Override
    protected void gemmKernel(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta,
                              Matrix c) {
        int k = transA ? a.rows() : a.cols();
        device().gemm(transA, transB, c.rows(), c.cols(), k, alpha, DeviceKernels.address(a), a.ld(),
                DeviceKernels.address(b), b.ld(), beta, DeviceKernels.address(c), c.ld());
    }

    @Override
    protected void axpyKernel(float alpha, Matrix x, Matrix y) {
        kernels().axpy(alpha, x, y);
    }

    @Override
    protected void copyKernel(Matrix x, Matrix y) {
        kernels().copy(x, y);
    }

    @Override
    protected void scaleKernel(float alpha, Matrix x) {
        kernels().scale(alpha, x);
    }

    @Override
    protected void transposeKernel(Matrix x, Matrix y) {
        kernels().transpose(x, y);
    }

    @Override
    protected void fillKernel(Matrix x, float value) {
        kernels().fill(x, value);
    }

    @Override
    protected void hadamardKernel(Matrix x, Matrix y, Matrix out) {
        kernels().hadamard(x, y, out);
    }

    @Override
    protected void fillUniformKernel(Matrix x, float bound, long seed) {
        kernels().fillUniform(x, bound, seed);
    }

    @Override
    protected double sumOfSquaresKernel(Matrix x) {
        return reduce(x, false);
    }

    /** max |G − I| of a square device matrix, NaN counted as +∞. */
    double deviationFromIdentity(Matrix g) {
        return reduce(g, true);
    }

    @Override
    protected void adamKernel(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step,
                              float alpha, float beta, Matrix out) {
        kernels().adam(g, m, v, beta1, beta2, epsilon, step, alpha, beta, out);
    }

    @Override
    protected void adamBf16Kernel(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon,
                                  long step, float alpha, float beta, Matrix out) {
        kernels().adamBf16(g, m16, v16, beta1, beta2, epsilon, step, alpha, beta, out);
    }

    @Override
    protected OrthoMethod orthonormalizeKernel(Matrix a) {
        return new DeviceCholeskyQr(this, a.rows(), a.cols()).orthonormalize(a, null);
    }

    @Override
    protected SymmetricEigen symmetricEigenKernel(Matrix s) {
        int n = s.rows();
        try (DeviceArena scratch = arena()) {
            Matrix work = scratch.allocate(n, n);
            Matrix values = scratch.allocate(1, n);
            kernels().copy(s, work);
            // row-major work = column-major work (symmetric); syevd leaves vector k in row k, ascending
            check("syevd", device().syevd(n, DeviceKernels.address(work), work.ld(), DeviceKernels.address(values)));
            Matrix vectors = allocate(n, n);
            kernels().transposeReversed(work, vectors);
            float[] ascending = floats(values);
            float[] descending = new float[n];
            for (int k = 0; k < n; k++) {
                descending[k] = ascending[n - 1 - k];
            }
            return new SymmetricEigen(descending, vectors);
        }
    }

    @Override
    protected Svd svdKernel(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        int p = Math.min(m, n);
        try (DeviceArena scratch = arena()) {
            Matrix sigma = scratch.allocate(1, p);
            if (m <= n) {
                Matrix work = scratch.allocate(m, n);
                kernels().copy(a, work);
                Matrix u = allocate(m, m);
                Matrix vt = allocate(m, n);
                wideSvd(work, u, sigma, vt);
                return new Svd(u, floats(sigma), vt);
            }
            // tall: Aᵀ = U₁·Σ·V₁ᵀ is wide, and A = V₁·Σ·U₁ᵀ
            Matrix work = scratch.allocate(n, m);
            kernels().transpose(a, work);
            Matrix u1 = scratch.allocate(n, n);
            Matrix vt1 = scratch.allocate(n, m);
            wideSvd(work, u1, sigma, vt1);
            Matrix u = allocate(m, n);
            Matrix vt = allocate(n, n);
            kernels().transpose(vt1, u);
            kernels().transpose(u1, vt);
            return new Svd(u, floats(sigma), vt);
        }
    }

    /**
     * SVD of a row-major m×n A with m ≤ n (destroyed): U m×m, σ (1×m, descending), Vᵀ m×n. Column-major, A is the
     * tall n×m Aᵀ = U'·Σ·V'ᵀ, so A = V'·Σ·U'ᵀ: cuSOLVER's U' read row-major is U'ᵀ = Vᵀ, and its V'ᵀ read
     * row-major is V' = U. So the outputs are handed over swapped and nothing is transposed.
     */
    void wideSvd(Matrix a, Matrix u, Matrix sigma, Matrix vt) {
        check("gesvd", device().gesvd(a.cols(), a.rows(), DeviceKernels.address(a), a.ld(),
                DeviceKernels.address(sigma), DeviceKernels.address(vt), vt.ld(), DeviceKernels.address(u), u.ld()));
    }

    @Override
    protected Svd randomizedSvdKernel(Matrix a, int rank, int oversample, int powerIterations, long seed,
                                      Svd warmStart) {
        return new DeviceRandomizedSvd(this, a.rows(), a.cols(), rank, oversample)
                .compute(a, powerIterations, seed, warmStart);
    }

    // Small results and int32/int64 index arrays travel in float matrices of the same bytes. Host arrays go straight
    // to the device's copies, which stage heap memory through native memory themselves.

    /** The values of a 1×n device matrix. */
    float[] floats(Matrix row) {
        float[] values = new float[row.cols()];
        device().download(DeviceKernels.address(row), MemorySegment.ofArray(values), (long) values.length * Float.BYTES);
        return values;
    }

    /** The first {@code count} int32 values held in a device matrix. */
    int[] ints(Matrix device, int count) {
        int[] values = new int[count];
        device().download(DeviceKernels.address(device), MemorySegment.ofArray(values), (long) count * Integer.BYTES);
        return values;
    }

    private long[] longs(Matrix device, int count) {
        long[] values = new long[count];
        device().download(DeviceKernels.address(device), MemorySegment.ofArray(values), (long) count * Long.BYTES);
        return values;
    }

    /** A device copy of int32 values that lives while the returned matrix is reachable. */
    Matrix fromHost(int[] values) {
        return put(values, allocateUninitialised(1, Math.max(1, values.length)));
    }

    /** A device copy of int32 values that lives until {@code scope} closes. */
    Matrix fromHost(int[] values, DeviceArena scope) {
        return put(values, scope.allocate(1, Math.max(1, values.length)));
    }

    private Matrix put(int[] values, Matrix device) {
        device().upload(MemorySegment.ofArray(values), DeviceKernels.address(device), (long) values.length * Integer.BYTES);
        return device;
    }

    private Matrix fromHost(long[] values, DeviceArena scope) {
        Matrix device = scope.allocate(1, Math.max(2, 2 * values.length));
        device().upload(MemorySegment.ofArray(values), DeviceKernels.address(device), (long) values.length * Long.BYTES);
        return device;
    }

    private double reduce(Matrix x, boolean deviation) {
        long partials = DeviceKernels.address(reductionScratch);
        long total = partials + 1024L * Double.BYTES;
        kernels().reduce(x, deviation, partials, total);
        double[] result = new double[1];
        device().download(total, MemorySegment.ofArray(result), Double.BYTES);
        return result[0];
    }

    private void check(String routine, int info) {
        if (info != 0) {
            throw new ArithmeticException(name() + ": cuSOLVER " + routine + " did not converge (info " + info + ")");
        }
    }

    private void transfer(String op, Matrix host, Matrix onDevice, boolean toDevice) {
        if (host == null || !host.domain().isHost()) {
            throw new IllegalArgumentException(name() + "." + op + ": the host matrix is "
                    + (host == null ? "null" : "in " + host.domain() + " memory") + "; need a host matrix");
        }
        Call call = new Call(name() + "." + op, "host", host, "device", onDevice);
        if (toDevice) {
            writable(call, "device matrix", onDevice);
        } else {
            readable(call, "device matrix", onDevice);
        }
        if (host.rows() != onDevice.rows() || host.cols() != onDevice.cols()) {
            throw new IllegalArgumentException(name() + "." + op + ": host " + host.shape() + ", device "
                    + onDevice.shape() + "; need equal shapes");
        }
        boolean flat = host.isContiguous() && onDevice.isContiguous();
        int rows = flat ? Math.min(1, host.rows()) : host.rows();
        long length = (flat ? host.size() : host.cols()) * Float.BYTES;
        for (int i = 0; i < rows && length > 0; i++) {
            MemorySegment hostRow = host.segment().asSlice(host.index(i, 0) * Float.BYTES, length);
            long deviceRow = DeviceKernels.address(onDevice) + (long) i * onDevice.ld() * Float.BYTES;
            if (toDevice) {
                device().upload(hostRow, deviceRow, length);
            } else {
                device().download(deviceRow, hostRow, length);
            }
        }
    }

    private void requireOpen(String op) {
        if (closed) {
            throw new IllegalStateException(name() + "." + op + ": the backend was closed");
        }
    }

    // ---------------------------------------------------------------- DCT and sparse

    @Override
    protected void dctKernel(Matrix x, Matrix y, Axis axis, boolean inverse) {
        dct.transform(x, y, axis, inverse);
    }

    @Override
    protected void dctScoresKernel(Matrix g, Axis axis, ScoreNorm norm, Matrix scores) {
        dct.scores(g, axis, norm, scores);
    }

    @Override
    protected int[] topKKernel(Matrix scores, int k) {
        int n = scores.cols();
        try (DeviceArena scratch = arena()) {
            Matrix chosen = scratch.allocate(1, k);
            Matrix firstNaN = scratch.allocate(1, 1);
            kernels().topK(n, k, scores, chosen, firstNaN);
            int nanAt = ints(firstNaN, 1)[0];
            if (nanAt < n) {
                throw new IllegalArgumentException("topK: score " + nanAt + " of " + n + " is NaN");
            }
            return ints(chosen, k);
        }
    }

    @Override
    protected void dctGatherKernel(Matrix g, Axis axis, int[] indices, Matrix r) {
        dct.gather(g, axis, indices, r);
    }

    @Override
    protected void idctScatterKernel(Matrix r, Axis axis, int[] indices, float alpha, float beta, Matrix out) {
        dct.scatter(r, axis, indices, alpha, beta, out);
    }

    @Override
    protected void spmmKernel(boolean transposeS, float alpha, Matrix x, FixedSupport support, Matrix values,
                              float beta, Matrix y) {
        kernels().spmm(transposeS, alpha, x, supports.get(support), values, beta, y);
    }

    @Override
    protected void sddmmKernel(float alpha, Matrix a, Matrix b, FixedSupport support, float beta, Matrix values) {
        kernels().sddmm(alpha, a, b, supports.get(support), support.nnz(), beta, values);
    }

    @Override
    protected void sparseAddToKernel(FixedSupport support, Matrix values, float alpha, Matrix dense) {
        kernels().sparseDense(DeviceKernels.SparseTransfer.ADD_TO_DENSE, alpha, supports.get(support), support.nnz(),
                values, dense);
    }

    @Override
    protected void sparseGatherKernel(Matrix dense, FixedSupport support, Matrix values) {
        kernels().sparseDense(DeviceKernels.SparseTransfer.GATHER, 0f, supports.get(support), support.nnz(), values,
                dense);
    }

    @Override
    protected void sparseScatterKernel(FixedSupport support, Matrix values, Matrix dense) {
        kernels().sparseDense(DeviceKernels.SparseTransfer.SCATTER, 0f, supports.get(support), support.nnz(), values,
                dense);
    }

}
