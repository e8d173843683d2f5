package org.slimgrad.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.Matrix;
import org.slimgrad.TestData;

/**
 * A JCuda user's device memory through slimgrad on a real GPU (run with -Dgroups=gpu): JCuda allocates and fills
 * A, B and C in the primary context, slimgrad computes C = A·B on views of them (one a padded sub-matrix, through a
 * byte offset), and JCuda reads C back; compared with the host reference GEMM.
 */
@Tag("gpu")
class GpuJCudaTest {

    @Test
    void slimgradComputesOnJCudaAllocatedMemory() {
        CudaBackend cuda = GpuCuda.shared();
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        CUdevice device = new CUdevice();
        cuDeviceGet(device, cuda.ordinal());
        CUcontext primary = new CUcontext();
        cuDevicePrimaryCtxRetain(primary, device);
        cuCtxSetCurrent(primary);

        SplittableRandom rng = new SplittableRandom(3);
        int m = 37;
        int k = 29;
        int n = 45;
        int ldA = k + 3; // A is the right part of a padded block: its pointer carries a byte offset
        Matrix hostA = TestData.random(rng, m, k, false);
        Matrix hostB = TestData.random(rng, k, n, false);
        float[] blockA = new float[m * ldA];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                blockA[i * ldA + 3 + j] = hostA.get(i, j);
            }
        }
        CUdeviceptr a = new CUdeviceptr();
        CUdeviceptr b = new CUdeviceptr();
        CUdeviceptr c = new CUdeviceptr();
        cuMemAlloc(a, (long) blockA.length * Sizeof.FLOAT);
        cuMemAlloc(b, (long) k * n * Sizeof.FLOAT);
        cuMemAlloc(c, (long) m * n * Sizeof.FLOAT);
        try {
            cuMemcpyHtoD(a, Pointer.to(blockA), (long) blockA.length * Sizeof.FLOAT);
            cuMemcpyHtoD(b, Pointer.to(hostB.toArray()), (long) k * n * Sizeof.FLOAT);
            Matrix viewA = JCudaMemory.wrap(cuda, (CUdeviceptr) a.withByteOffset(3L * Sizeof.FLOAT), m, k, ldA);
            cuda.gemm(false, false, 1f, viewA, JCudaMemory.wrap(cuda, b, k, n, n), 0f,
                    JCudaMemory.wrap(cuda, c, m, n, n));
            cuda.synchronize();
            float[] result = new float[m * n];
            cuMemcpyDtoH(Pointer.to(result), c, (long) m * n * Sizeof.FLOAT);
            Backend reference = Backends.named("reference");
            Matrix expected = reference.allocate(m, n);
            reference.gemm(false, false, 1f, hostA, hostB, 0f, expected);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    // k-term float32 sums against float64-accumulated ones: k·ε·Σ|a||b| ≤ k·ε·k (|values| ≤ 1)
                    assertEquals(expected.get(i, j), result[i * n + j], k * k * Math.ulp(1f), "C(" + i + ", " + j + ")");
                }
            }
        } finally {
            cuMemFree(a);
            cuMemFree(b);
            cuMemFree(c);
        }
    }
}
