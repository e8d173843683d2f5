package org.slimgrad.cuda;

import jcuda.driver.CUdeviceptr;

import org.slimgrad.Matrix;

/**
 * Device memory a JCuda user allocated ({@code JCudaDriver.cuMemAlloc}) as slimgrad matrices, without a copy: the
 * JCuda form of {@link CudaBackend#wrap}, whose rules apply (allocated in the device's primary context, which JCuda
 * code selects with {@code cuDevicePrimaryCtxRetain} + {@code cuCtxSetCurrent}; the owner frees it, after
 * {@link CudaBackend#synchronize()} when slimgrad work on it may still be queued). JCuda ({@code org.jcuda:jcuda}) is
 * an optional dependency of kernels-cuda: only callers of this class need it on their class path. JCuda 12.6's
 * driver binding needs only libcuda.so.1, so it works beside CUDA 13 (its cuBLAS binding, which wants
 * libcublas.so.12, is not used).
 */
public final class JCudaMemory {

    private JCudaMemory() {
    }

    /**
     * A rows×cols row-major matrix over JCuda device memory, element (i, j) at {@code pointer + 4·(i·ld + j)} (a
     * pointer made with {@code withByteOffset} included); refused like {@link CudaBackend#wrap} for a null pointer, a
     * misaligned one, or a bad shape.
     */
    public static Matrix wrap(CudaBackend cuda, CUdeviceptr pointer, int rows, int cols, int ld) {
        if (cuda == null || pointer == null) {
            throw new IllegalArgumentException("JCudaMemory.wrap: backend " + cuda + " and pointer " + pointer
                    + " must not be null");
        }
        return cuda.wrap(address(pointer), rows, cols, ld);
    }

    /** The device address a JCuda pointer stands for: its allocation's address plus its byte offset. */
    public static long address(CUdeviceptr pointer) {
        return new Address(pointer).value();
    }

    // JCuda keeps a pointer's address and offset behind protected accessors; a subclass copies them from any pointer
    private static final class Address extends CUdeviceptr {

        Address(CUdeviceptr pointer) {
            super(pointer, 0);
        }

        long value() {
            return getNativePointer() + getByteOffset();
        }
    }
}
