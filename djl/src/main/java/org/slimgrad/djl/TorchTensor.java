package org.slimgrad.djl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import ai.djl.ndarray.NDArray;
import ai.djl.util.NativeResource;

/**
 * Where a PyTorch-engine NDArray's elements are, read from libtorch itself through its stable C shim (the
 * {@code aoti_torch_*} functions of libtorch_cpu, which DJL has loaded): the data pointer (storage offset included),
 * sizes, strides, element type and device. DJL's own {@code toByteBuffer(true)} silently returns a copy for a
 * non-contiguous tensor, and gives nothing for a CUDA tensor; this gives the tensor's own memory or says why not.
 *
 * @param address  the first element's address (host memory, or device memory for a CUDA tensor)
 * @param sizes    the tensor's sizes
 * @param strides  its strides, in elements
 * @param float32  whether its elements are float32
 * @param cuda     whether it lives on a CUDA device
 * @param device   the device index (-1 for the CPU)
 */
record TorchTensor(long address, long[] sizes, long[] strides, boolean float32, boolean cuda, int device) {

    /** The tensor behind {@code array}, which must come from DJL's PyTorch engine. */
    static TorchTensor of(NDArray array) {
        if (!(array instanceof NativeResource<?> resource) || !(resource.getHandle() instanceof Long handle)
                || !"PyTorch".equals(array.getManager().getEngine().getEngineName())) {
            throw new IllegalArgumentException("SlimgradOptimizer: a " + array.getClass().getSimpleName() + " of engine "
                    + array.getManager().getEngine().getEngineName() + "; the adapter reads tensors of the PyTorch"
                    + " engine");
        }
        return Shim.get().read(handle);
    }

    /** Row-major contiguous: every stride is the product of the sizes after it (size-1 dimensions excepted). */
    boolean contiguous() {
        long expected = 1;
        for (int d = sizes.length - 1; d >= 0; d--) {
            if (sizes[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= sizes[d];
        }
        return true;
    }

    /** The element count. */
    long size() {
        long size = 1;
        for (long s : sizes) {
            size *= s;
        }
        return size;
    }

    /** The libtorch shim's functions, bound once. */
    private static final class Shim {
        private static Shim bound;

        private final MethodHandle dataPtr;
        private final MethodHandle sizesOf;
        private final MethodHandle stridesOf;
        private final MethodHandle dimensions;
        private final MethodHandle dtype;
        private final MethodHandle deviceType;
        private final MethodHandle deviceIndex;
        private final int float32Code;
        private final int cudaCode;

        // bound on first use rather than in a static initialiser, so a failure is a clear exception every time
        static synchronized Shim get() {
            if (bound == null) {
                bound = new Shim(torch());
            }
            return bound;
        }

        // DJL System.loads libtorch_cpu from classes of this class loader; loaded from elsewhere, it is still in the
        // process, where dlopen by its soname finds it
        private static SymbolLookup torch() {
            SymbolLookup loader = SymbolLookup.loaderLookup();
            if (loader.find("aoti_torch_get_data_ptr").isPresent()) {
                return loader;
            }
            try {
                return SymbolLookup.libraryLookup("libtorch_cpu.so", Arena.global());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("SlimgradOptimizer: libtorch_cpu is not loaded (" + e.getMessage()
                        + "); create an NDManager of the PyTorch engine first", e);
            }
        }

        private Shim(SymbolLookup torch) {
            Linker linker = Linker.nativeLinker();
            FunctionDescriptor out = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
            dataPtr = bind(linker, torch, "aoti_torch_get_data_ptr", out);
            sizesOf = bind(linker, torch, "aoti_torch_get_sizes", out);
            stridesOf = bind(linker, torch, "aoti_torch_get_strides", out);
            dimensions = bind(linker, torch, "aoti_torch_get_dim", out);
            dtype = bind(linker, torch, "aoti_torch_get_dtype", out);
            deviceType = bind(linker, torch, "aoti_torch_get_device_type", out);
            deviceIndex = bind(linker, torch, "aoti_torch_get_device_index", out);
            try {
                float32Code = (int) bind(linker, torch, "aoti_torch_dtype_float32", FunctionDescriptor.of(JAVA_INT))
                        .invokeExact();
                cudaCode = (int) bind(linker, torch, "aoti_torch_device_type_cuda", FunctionDescriptor.of(JAVA_INT))
                        .invokeExact();
            } catch (Throwable t) {
                throw new IllegalStateException("SlimgradOptimizer: libtorch's shim constants", t);
            }
        }

        private static MethodHandle bind(Linker linker, SymbolLookup torch, String name, FunctionDescriptor type) {
            return linker.downcallHandle(torch.find(name).orElseThrow(() -> new IllegalStateException(
                    "SlimgradOptimizer: libtorch has no " + name + " (PyTorch 2.2 or later has it)")), type);
        }

        TorchTensor read(long handle) {
            MemorySegment tensor = MemorySegment.ofAddress(handle);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment word = arena.allocate(JAVA_LONG);
                call("aoti_torch_get_dim", dimensions, tensor, word);
                int rank = Math.toIntExact(word.get(JAVA_LONG, 0));
                call("aoti_torch_get_sizes", sizesOf, tensor, word);
                long[] sizes = word.get(ADDRESS, 0).reinterpret((long) rank * Long.BYTES).toArray(JAVA_LONG);
                call("aoti_torch_get_strides", stridesOf, tensor, word);
                long[] strides = word.get(ADDRESS, 0).reinterpret((long) rank * Long.BYTES).toArray(JAVA_LONG);
                call("aoti_torch_get_data_ptr", dataPtr, tensor, word);
                long address = word.get(ADDRESS, 0).address();
                call("aoti_torch_get_dtype", dtype, tensor, word);
                boolean float32 = word.get(JAVA_INT, 0) == float32Code;
                call("aoti_torch_get_device_type", deviceType, tensor, word);
                boolean cuda = word.get(JAVA_INT, 0) == cudaCode;
                call("aoti_torch_get_device_index", deviceIndex, tensor, word);
                return new TorchTensor(address, sizes, strides, float32, cuda, word.get(JAVA_INT, 0));
            }
        }

        private static void call(String name, MethodHandle function, MemorySegment tensor, MemorySegment out) {
            int status;
            try {
                status = (int) function.invokeExact(tensor, out);
            } catch (Throwable t) {
                throw new IllegalStateException("SlimgradOptimizer: " + name, t);
            }
            if (status != 0) {
                throw new IllegalStateException("SlimgradOptimizer: libtorch's " + name + " failed (" + status + ")");
            }
        }
    }
}
