package org.slimgrad.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slimgrad.collective.Collective;
import org.slimgrad.nativelib.cuda.Context;
import org.slimgrad.nativelib.cuda.CuBlas;
import org.slimgrad.nativelib.cuda.CuSolver;
import org.slimgrad.nativelib.cuda.Cuda;
import org.slimgrad.nativelib.cuda.Nccl;

/**
 * A real GPU: the CUDA driver's primary context of one device with one stream (the native module's FFM bindings),
 * the PTX modules built from src/main/cuda loaded once, and cuBLAS and cuSOLVER handles on the same stream. Kernels,
 * GEMMs and factorisations queue in order on that stream; copies to and from the host wait for it. Every call makes
 * the context current on the calling thread first, so any thread may use the device, one at a time.
 */
final class GpuDevice implements Device {

    /** The list of PTX modules the build made, one per src/main/cuda/*.cu, next to them in the jar. */
    static final String MODULES_RESOURCE = "/org/slimgrad/cuda/modules.txt";

    private final Context context;
    private final List<MemorySegment> modules = new ArrayList<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private final CuBlas blas;
    private final CuSolver solver;
    private final String description;
    private final int ordinal;

    GpuDevice(int ordinal) {
        this.ordinal = ordinal;
        List<String> ptx = ptx().orElseThrow(() -> new IllegalStateException("cuda: kernels not compiled ("
                + MODULES_RESOURCE + " is not on the class path: nvcc was missing when kernels-cuda was built)"));
        this.context = Cuda.get().open(ordinal);
        CuBlas madeBlas = null;
        try {
            for (String text : ptx) {
                modules.add(context.loadModule(text));
            }
            madeBlas = new CuBlas(context);
            this.solver = new CuSolver(context);
        } catch (RuntimeException | Error e) { // a missing cuBLAS or cuSOLVER: give back what was made so far
            if (madeBlas != null) {
                madeBlas.close();
            }
            context.close();
            throw e;
        }
        this.blas = madeBlas;
        this.description = "cuda:" + ordinal + " " + context.deviceName();
    }

    /** The PTX text of every kernel module, if the build produced them. */
    static Optional<List<String>> ptx() {
        try (InputStream index = GpuDevice.class.getResourceAsStream(MODULES_RESOURCE)) {
            if (index == null) {
                return Optional.empty();
            }
            List<String> texts = new ArrayList<>();
            for (String name : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\\s+")) {
                if (name.isEmpty()) {
                    continue;
                }
                try (InputStream in = GpuDevice.class.getResourceAsStream("/org/slimgrad/cuda/" + name + ".ptx")) {
                    if (in == null) {
                        return Optional.empty();
                    }
                    texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            return texts.isEmpty() ? Optional.empty() : Optional.of(texts);
        } catch (IOException e) {
            throw new IllegalStateException("cuda: reading the PTX modules failed", e);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public int ordinal() {
        return ordinal;
    }

    @Override
    public int maxGrid() {
        return 65_535;
    }

    @Override
    public long allocate(long bytes) {
        context.makeCurrent();
        return context.malloc(bytes);
    }

    @Override
    public void free(long address) {
        context.makeCurrent();
        context.free(address);
    }

    @Override
    public void upload(MemorySegment host, long device, long bytes) {
        context.makeCurrent();
        context.upload(host, device, bytes);
    }

    @Override
    public void download(long device, MemorySegment host, long bytes) {
        context.makeCurrent();
        context.download(device, host, bytes);
    }

    @Override
    public void copy2D(boolean toDevice, MemorySegment host, long device, long pitch, long width, long rows) {
        context.makeCurrent();
        context.copy2D(toDevice, host, device, pitch, width, rows);
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArgs params) {
        context.makeCurrent();
        MemorySegment function = functions.computeIfAbsent(kernel, this::find);
        context.launch(function, gridX, gridY, blockX, blockY, params.array());
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b,
                     int ldb, float beta, long c, int ldc) {
        context.makeCurrent();
        blas.sgemm(transA, transB, m, n, k, alpha, at(a), lda, at(b), ldb, beta, at(c), ldc);
    }

    @Override
    public void solveUpperRight(int m, int k, long r, int ldr, long a, int lda) {
        context.makeCurrent();
        blas.solveUpperRight(m, k, at(r), ldr, at(a), lda);
    }

    @Override
    public void potrf(int n, long a, int lda, long info) {
        context.makeCurrent();
        solver.spotrf(n, at(a), lda, at(info));
    }

    @Override
    public void geqrf(int m, int n, long a, int lda, long tau, long info) {
        context.makeCurrent();
        solver.sgeqrf(m, n, at(a), lda, at(tau), at(info));
    }

    @Override
    public void orgqr(int m, int n, long a, int lda, long tau, long info) {
        context.makeCurrent();
        solver.sorgqr(m, n, at(a), lda, at(tau), at(info));
    }

    @Override
    public void gesvd(int m, int n, long a, int lda, long s, long u, int ldu, long vt, int ldvt, long info) {
        context.makeCurrent();
        solver.sgesvd(m, n, at(a), lda, at(s), at(u), ldu, at(vt), ldvt, at(info));
    }

    @Override
    public void syevd(int n, long a, int lda, long w, long info) {
        context.makeCurrent();
        solver.ssyevd(n, at(a), lda, at(w), at(info));
    }

    @Override
    public void dsyevd(int n, long a, int lda, long w, long info) {
        context.makeCurrent();
        solver.dsyevd(n, at(a), lda, at(w), at(info));
    }

    @Override
    public void synchronize() {
        context.makeCurrent();
        context.synchronize();
    }

    @Override
    public double elapsedMillis(Runnable queue) {
        context.makeCurrent();
        return context.elapsedMillis(queue);
    }

    @Override
    public long[] memoryInfo() {
        context.makeCurrent();
        return context.memoryInfo();
    }

    /**
     * NCCL: every rank first learns whether every rank can load it (so that none waits for an id that will not
     * come), then rank 0's unique id reaches the others through {@code bootstrap} and each joins on this stream.
     */
    @Override
    public DeviceCommunicator communicator(Collective bootstrap) {
        Optional<String> missing = Nccl.unavailableReason();
        double[] unable = new double[bootstrap.size()];
        unable[bootstrap.rank()] = missing.isPresent() ? 1 : 0;
        bootstrap.allReduceSum(unable);
        for (int r = 0; r < unable.length; r++) {
            if (unable[r] != 0) {
                throw new IllegalStateException("NCCL on rank " + bootstrap.rank() + ": rank " + r
                        + " cannot load NCCL" + (r == bootstrap.rank() ? " (" + missing.orElse("") + ")" : ""));
            }
        }
        int[] words = new int[Nccl.UNIQUE_ID_BYTES / Integer.BYTES];
        if (bootstrap.rank() == 0) {
            java.nio.ByteBuffer.wrap(Nccl.uniqueId()).asIntBuffer().get(words);
        }
        bootstrap.broadcast(words, 0);
        byte[] id = new byte[Nccl.UNIQUE_ID_BYTES];
        java.nio.ByteBuffer.wrap(id).asIntBuffer().put(words);
        Nccl nccl = Nccl.join(context, id, bootstrap.size(), bootstrap.rank());
        return new DeviceCommunicator() {
            @Override
            public void allReduceSum(long buffer, long count, Nccl.Type type) {
                nccl.allReduceSum(buffer, count, type);
            }

            @Override
            public void broadcast(long buffer, long count, Nccl.Type type, int root) {
                nccl.broadcast(buffer, count, type, root);
            }

            @Override
            public void allGather(long send, long receive, long count) {
                nccl.allGather(send, receive, count, Nccl.Type.FLOAT32);
            }

            @Override
            public void reduceScatterSum(long send, long receive, long count) {
                nccl.reduceScatterSum(send, receive, count, Nccl.Type.FLOAT32);
            }

            @Override
            public void close() {
                nccl.close();
            }
        };
    }

    @Override
    public void close() {
        try {
            solver.close();
            blas.close();
            modules.forEach(context::unloadModule);
        } finally {
            context.close();
        }
    }

    // the module that defines the kernel: cuModuleGetFunction fails (CUDA_ERROR_NOT_FOUND) in the others
    private MemorySegment find(String kernel) {
        for (MemorySegment module : modules) {
            try {
                return context.function(module, kernel);
            } catch (IllegalStateException notInThisModule) {
                // try the next one
            }
        }
        throw new IllegalStateException("cuda: no kernel " + kernel + " in the " + modules.size() + " PTX modules");
    }

    private static MemorySegment at(long address) {
        return MemorySegment.ofAddress(address);
    }
}
