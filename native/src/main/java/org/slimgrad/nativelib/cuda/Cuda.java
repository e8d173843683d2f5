package org.slimgrad.nativelib.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

import org.slimgrad.nativelib.loader.NativeLibraries;

/**
 * The CUDA driver API (libcuda.so.1) through FFM: just what the vendor-library bindings need, device memory,
 * copies, streams and the primary context. No CUDA runtime library is required; cuBLAS and cuSOLVER use the
 * primary context this class makes current.
 *
 * <p>{@link #unavailableReason()} says why CUDA cannot be used here (no driver library, no device) without
 * throwing, so GPU tests skip with that reason and nothing else fails on a machine without a GPU.
 */
public final class Cuda {

    private static final int JIT_ERROR_LOG_BUFFER = 5;
    private static final int JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    private static final int JIT_LOG_BYTES = 8192;
    private static final int MEMORY_TYPE_HOST = 1;   // CU_MEMORYTYPE_HOST
    private static final int MEMORY_TYPE_DEVICE = 2; // CU_MEMORYTYPE_DEVICE

    private static final Linker LINKER = Linker.nativeLinker();

    private final MethodHandle cuInit;
    private final MethodHandle deviceGetCount;
    private final MethodHandle deviceGet;
    private final MethodHandle deviceGetName;
    private final MethodHandle primaryCtxRetain;
    private final MethodHandle primaryCtxRelease;
    private final MethodHandle ctxSetCurrent;
    private final MethodHandle memAlloc;
    private final MethodHandle memFree;
    private final MethodHandle memcpyHtoD;
    private final MethodHandle memcpyDtoH;
    private final MethodHandle memcpy2D;
    private final MethodHandle memcpyHtoDAsync;
    private final MethodHandle memcpy2DAsync;
    private final MethodHandle memGetInfo;
    private final MethodHandle streamCreate;
    private final MethodHandle streamDestroy;
    private final MethodHandle streamSynchronize;
    private final MethodHandle getErrorString;
    private final MethodHandle moduleLoadDataEx;
    private final MethodHandle moduleUnload;
    private final MethodHandle moduleGetFunction;
    private final MethodHandle launchKernel;
    private final MethodHandle eventCreate;
    private final MethodHandle eventRecord;
    private final MethodHandle eventSynchronize;
    private final MethodHandle eventElapsedTime;
    private final MethodHandle eventDestroy;
    private final MethodHandle driverGetVersion;
    private final MethodHandle deviceGetAttribute;

    private static final class Holder {
        static final Object LOADED = load();

        private static Object load() {
            try {
                Cuda cuda = new Cuda(NativeLibraries.load("the CUDA driver", null, List.of("libcuda.so.1", "libcuda.so")));
                cuda.check("cuInit", (int) cuda.cuInit.invokeExact(0));
                int count = cuda.intResult("cuDeviceGetCount", out -> (int) cuda.deviceGetCount.invokeExact(out));
                if (count == 0) {
                    return "the CUDA driver loaded but reports no device";
                }
                return cuda;
            } catch (Throwable t) {
                return t.getMessage() == null ? t.toString() : t.getMessage();
            }
        }
    }

    private Cuda(SymbolLookup lib) {
        cuInit = bind(lib, "cuInit", JAVA_INT);
        deviceGetCount = bind(lib, "cuDeviceGetCount", ADDRESS);
        deviceGet = bind(lib, "cuDeviceGet", ADDRESS, JAVA_INT);
        deviceGetName = bind(lib, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        primaryCtxRetain = bind(lib, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        primaryCtxRelease = bind(lib, "cuDevicePrimaryCtxRelease_v2", JAVA_INT);
        ctxSetCurrent = bind(lib, "cuCtxSetCurrent", ADDRESS);
        memAlloc = bind(lib, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        memFree = bind(lib, "cuMemFree_v2", JAVA_LONG);
        memcpyHtoD = bind(lib, "cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        memcpyDtoH = bind(lib, "cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        memcpy2D = bind(lib, "cuMemcpy2D_v2", ADDRESS);
        memcpyHtoDAsync = bind(lib, "cuMemcpyHtoDAsync_v2", JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
        memcpy2DAsync = bind(lib, "cuMemcpy2DAsync_v2", ADDRESS, ADDRESS);
        memGetInfo = bind(lib, "cuMemGetInfo_v2", ADDRESS, ADDRESS);
        streamCreate = bind(lib, "cuStreamCreate", ADDRESS, JAVA_INT);
        streamDestroy = bind(lib, "cuStreamDestroy_v2", ADDRESS);
        streamSynchronize = bind(lib, "cuStreamSynchronize", ADDRESS);
        getErrorString = bind(lib, "cuGetErrorString", JAVA_INT, ADDRESS);
        moduleLoadDataEx = bind(lib, "cuModuleLoadDataEx", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        moduleUnload = bind(lib, "cuModuleUnload", ADDRESS);
        moduleGetFunction = bind(lib, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        launchKernel = bind(lib, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        eventCreate = bind(lib, "cuEventCreate", ADDRESS, JAVA_INT);
        eventRecord = bind(lib, "cuEventRecord", ADDRESS, ADDRESS);
        eventSynchronize = bind(lib, "cuEventSynchronize", ADDRESS);
        eventElapsedTime = bind(lib, "cuEventElapsedTime_v2", ADDRESS, ADDRESS, ADDRESS); // cuda.h 13 maps the name
        eventDestroy = bind(lib, "cuEventDestroy_v2", ADDRESS);
        driverGetVersion = bind(lib, "cuDriverGetVersion", ADDRESS);
        deviceGetAttribute = bind(lib, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
    }

    /** The CUDA version the driver supports, e.g. "13.0" (cuDriverGetVersion). */
    public String driverVersion() {
        int version = intResult("cuDriverGetVersion", out -> (int) driverGetVersion.invokeExact(out));
        return version / 1000 + "." + version % 1000 / 10;
    }

    // device attribute (a CUdevice_attribute) of device dev
    int attribute(int attribute, int dev) {
        return intResult("cuDeviceGetAttribute", out -> (int) deviceGetAttribute.invokeExact(out, attribute, dev));
    }

    /** A downcall that writes one int through its pointer argument and returns a status. */
    @FunctionalInterface
    interface IntOut {
        int call(MemorySegment out) throws Throwable;
    }

    // the int a checked downcall wrote
    private int intResult(String name, IntOut call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            call(name, () -> call.call(out));
            return out.get(JAVA_INT, 0);
        }
    }

    /**
     * A CUDA library's version from its {@code <prefix>GetProperty} (libraryPropertyType MAJOR_VERSION, MINOR_VERSION,
     * PATCH_LEVEL), e.g. "13.1.0"; where the library lacks the function or it fails, says so instead: the version is
     * for the report, never a reason to stop.
     */
    static String libraryVersion(SymbolLookup lib, String getProperty) {
        Optional<MemorySegment> symbol = lib.find(getProperty);
        if (symbol.isEmpty()) {
            return "version unknown (no " + getProperty + ")";
        }
        MethodHandle handle = LINKER.downcallHandle(symbol.get(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        StringBuilder version = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            for (int type = 0; type < 3; type++) {
                int property = type;
                int status = invoke(getProperty, () -> (int) handle.invokeExact(property, out));
                if (status != 0) {
                    return "version unknown (" + getProperty + " returned " + status + ")";
                }
                version.append(type == 0 ? "" : ".").append(out.get(JAVA_INT, 0));
            }
        }
        return version.toString();
    }

    /** Empty when a CUDA device can be used here; otherwise why not. */
    public static Optional<String> unavailableReason() {
        return Holder.LOADED instanceof Cuda ? Optional.empty() : Optional.of((String) Holder.LOADED);
    }

    /** The driver, or {@link IllegalStateException} saying why there is none. */
    public static Cuda get() {
        if (Holder.LOADED instanceof Cuda cuda) {
            return cuda;
        }
        throw new IllegalStateException("CUDA is unavailable: " + Holder.LOADED);
    }

    /** Makes device {@code ordinal}'s primary context current on this thread and returns it with a new stream. */
    public Context open(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment device = arena.allocate(JAVA_INT);
            check("cuDeviceGet", (int) deviceGet.invokeExact(device, ordinal));
            int dev = device.get(JAVA_INT, 0);
            MemorySegment ctx = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) primaryCtxRetain.invokeExact(ctx, dev));
            MemorySegment context = ctx.get(ADDRESS, 0);
            check("cuCtxSetCurrent", (int) ctxSetCurrent.invokeExact(context));
            MemorySegment stream = arena.allocate(ADDRESS);
            check("cuStreamCreate", (int) streamCreate.invokeExact(stream, 0));
            MemorySegment name = arena.allocate(256);
            check("cuDeviceGetName", (int) deviceGetName.invokeExact(name, 256, dev));
            return new Context(this, dev, context, stream.get(ADDRESS, 0), name.getString(0));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("CUDA: opening device " + ordinal + " failed", t);
        }
    }

    long alloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            int status = (int) memAlloc.invokeExact(out, bytes);
            if (status != 0) {
                long[] info = memInfo();
                throw new IllegalStateException("cuMemAlloc: " + bytes + " bytes asked for, " + info[0] + " of "
                        + info[1] + " bytes free on the device: " + errorName(status));
            }
            return out.get(JAVA_LONG, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuMemAlloc failed", t);
        }
    }

    void free(long pointer) {
        call("cuMemFree", () -> (int) memFree.invokeExact(pointer));
    }

    // A downcall takes only native segments: heap memory (a float[]) goes through a native staging copy.
    void copyToDevice(long device, MemorySegment host, long bytes) {
        if (host.isNative()) {
            call("cuMemcpyHtoD", () -> (int) memcpyHtoD.invokeExact(device, host, bytes));
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(bytes, 16);
            MemorySegment.copy(host, 0, staging, 0, bytes);
            call("cuMemcpyHtoD", () -> (int) memcpyHtoD.invokeExact(device, staging, bytes));
        }
    }

    /**
     * Queues a host-to-device copy on {@code stream}, after its queued work, without waiting for the GPU. The bytes go
     * through a pageable copy of our own, which the driver stages before it returns (it may wait for the stream to do
     * so): the caller's memory may change at once even where it is pinned, and ours is freed on return.
     */
    void copyToDeviceQueued(long device, MemorySegment host, long bytes, MemorySegment stream) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(bytes, 16).copyFrom(host.asSlice(0, bytes));
            call("cuMemcpyHtoDAsync", () -> (int) memcpyHtoDAsync.invokeExact(device, source, bytes, stream));
        }
    }

    void copyToHost(MemorySegment host, long device, long bytes) {
        if (host.isNative()) {
            call("cuMemcpyDtoH", () -> (int) memcpyDtoH.invokeExact(host, device, bytes));
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(bytes, 16);
            call("cuMemcpyDtoH", () -> (int) memcpyDtoH.invokeExact(staging, device, bytes));
            MemorySegment.copy(staging, 0, host, 0, bytes);
        }
    }

    /**
     * Copies {@code rows} rows of {@code width} bytes between packed native host memory (pitch = width) and device
     * memory whose rows are {@code pitch} bytes apart: one CUDA_MEMCPY2D (cuda.h's layout), synchronous with
     * {@code stream} null (cuMemcpy2D), else queued on it (cuMemcpy2DAsync, from pageable memory, which the driver
     * stages before it returns).
     */
    void copy2D(boolean toDevice, MemorySegment host, long device, long pitch, long width, long rows,
                MemorySegment stream) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(128, 8); // zeroed: x and y offsets 0, no arrays
            long hostSide = toDevice ? 0 : 56;           // src fields at 0, dst fields at 56
            long deviceSide = toDevice ? 56 : 0;
            copy.set(JAVA_INT, hostSide + 16, MEMORY_TYPE_HOST);
            copy.set(ADDRESS, hostSide + 24, host);
            copy.set(JAVA_LONG, hostSide + 48, width);
            copy.set(JAVA_INT, deviceSide + 16, MEMORY_TYPE_DEVICE);
            copy.set(JAVA_LONG, deviceSide + 32, device);
            copy.set(JAVA_LONG, deviceSide + 48, pitch);
            copy.set(JAVA_LONG, 112, width);
            copy.set(JAVA_LONG, 120, rows);
            if (stream == null) {
                call("cuMemcpy2D", () -> (int) memcpy2D.invokeExact(copy));
            } else {
                call("cuMemcpy2DAsync", () -> (int) memcpy2DAsync.invokeExact(copy, stream));
            }
        }
    }

    void synchronize(MemorySegment stream) {
        call("cuStreamSynchronize", () -> (int) streamSynchronize.invokeExact(stream));
    }

    void destroy(MemorySegment stream, int device) {
        call("cuStreamDestroy", () -> (int) streamDestroy.invokeExact(stream));
        call("cuDevicePrimaryCtxRelease", () -> (int) primaryCtxRelease.invokeExact(device));
    }

    void makeCurrent(MemorySegment context) {
        call("cuCtxSetCurrent", () -> (int) ctxSetCurrent.invokeExact(context));
    }

    /** Loads a PTX module (JIT-compiled by the driver for the current context's device); returns its handle. */
    // with the JIT's error log (CU_JIT_ERROR_LOG_BUFFER and its size, cuda.h's CUjit_option 5 and 6): a PTX the
    // driver cannot compile says why, not only CUDA_ERROR_INVALID_PTX
    MemorySegment loadModule(String ptx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment image = arena.allocateFrom(ptx);
            MemorySegment log = arena.allocate(JIT_LOG_BYTES);
            MemorySegment options = arena.allocateFrom(JAVA_INT, JIT_ERROR_LOG_BUFFER, JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            MemorySegment values = arena.allocate(ADDRESS, 2);
            values.setAtIndex(ADDRESS, 0, log);
            values.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(JIT_LOG_BYTES)); // an unsigned int in a void* slot
            int status = invoke("cuModuleLoadDataEx",
                    () -> (int) moduleLoadDataEx.invokeExact(out, image, 2, options, values));
            if (status != 0) {
                String jit = log.getString(0).strip();
                throw new IllegalStateException("cuModuleLoadDataEx failed: " + errorName(status)
                        + (jit.isEmpty() ? "" : "; the JIT's log: " + jit));
            }
            return out.get(ADDRESS, 0);
        }
    }

    void unloadModule(MemorySegment module) {
        call("cuModuleUnload", () -> (int) moduleUnload.invokeExact(module));
    }

    MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment symbol = arena.allocateFrom(name);
            call("cuModuleGetFunction(" + name + ")", () -> (int) moduleGetFunction.invokeExact(out, module, symbol));
            return out.get(ADDRESS, 0);
        }
    }

    void launch(MemorySegment function, int gridX, int gridY, int blockX, int blockY, MemorySegment stream,
                MemorySegment params) {
        call("cuLaunchKernel", () -> (int) launchKernel.invokeExact(function, gridX, gridY, 1, blockX, blockY, 1, 0,
                stream, params, MemorySegment.NULL));
    }

    /**
     * Milliseconds between two CUDA events recorded on {@code stream} around what {@code queue} puts there: GPU time,
     * with no host overhead in it. Waits for the second event.
     */
    float elapsedMillis(MemorySegment stream, Runnable queue) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(ADDRESS, 2);
            call("cuEventCreate", () -> (int) eventCreate.invokeExact(events, 0));
            MemorySegment start = events.getAtIndex(ADDRESS, 0);
            try {
                MemorySegment second = events.asSlice(ADDRESS.byteSize());
                call("cuEventCreate", () -> (int) eventCreate.invokeExact(second, 0));
                MemorySegment end = events.getAtIndex(ADDRESS, 1);
                try {
                    call("cuEventRecord", () -> (int) eventRecord.invokeExact(start, stream));
                    queue.run();
                    call("cuEventRecord", () -> (int) eventRecord.invokeExact(end, stream));
                    call("cuEventSynchronize", () -> (int) eventSynchronize.invokeExact(end));
                    MemorySegment ms = arena.allocate(JAVA_FLOAT);
                    call("cuEventElapsedTime", () -> (int) eventElapsedTime.invokeExact(ms, start, end));
                    return ms.get(JAVA_FLOAT, 0);
                } finally {
                    call("cuEventDestroy", () -> (int) eventDestroy.invokeExact(end));
                }
            } finally {
                call("cuEventDestroy", () -> (int) eventDestroy.invokeExact(start));
            }
        }
    }

    /** {free, total} bytes of device memory. */
    long[] memInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            check("cuMemGetInfo", (int) memGetInfo.invokeExact(free, total));
            return new long[]{free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuMemGetInfo failed", t);
        }
    }

    private void check(String call, int status) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed: " + errorName(status));
        }
    }

    private String errorName(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(ADDRESS);
            int ok = (int) getErrorString.invokeExact(status, text);
            MemorySegment string = text.get(ADDRESS, 0);
            return ok == 0 && !string.equals(MemorySegment.NULL)
                    ? "CUDA error " + status + " (" + string.reinterpret(256).getString(0) + ")"
                    : "CUDA error " + status;
        } catch (Throwable t) {
            return "CUDA error " + status;
        }
    }

    @FunctionalInterface
    interface Call {
        int run() throws Throwable;
    }

    void call(String name, Call call) {
        check(name, invoke(name, call));
    }

    /**
     * Runs one downcall and returns its status: unchecked exceptions pass through, anything else a method handle may
     * throw becomes an {@link IllegalStateException} naming the call. Shared by every binding in this package.
     */
    static int invoke(String name, Call call) {
        try {
            return call.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + " failed", t);
        }
    }

    static MethodHandle bind(SymbolLookup lib, String name, java.lang.foreign.MemoryLayout... args) {
        MemorySegment symbol = lib.find(name).orElseThrow(
                () -> new IllegalStateException("the loaded library has no symbol " + name));
        return LINKER.downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, args));
    }
}
