package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcuda.driver.CUdeviceptr;

import org.junit.jupiter.api.Test;
import org.slimgrad.Matrix;

/**
 * How a JCuda pointer becomes a slimgrad matrix, without a driver: the address JCuda holds (allocation plus byte
 * offset) is the matrix's, and what {@link CudaBackend#wrap} refuses is refused. GpuJCudaTest allocates with JCuda
 * for real.
 */
class JCudaMemoryTest {

    private final CudaBackend cuda = EmulatedCuda.shared();

    @Test
    void aPointersByteOffsetsAddUpInTheMatrixAddress() {
        CUdeviceptr pointer = (CUdeviceptr) new CUdeviceptr().withByteOffset(4096).withByteOffset(64);
        assertEquals(4160, JCudaMemory.address(pointer));
        Matrix m = JCudaMemory.wrap(cuda, pointer, 3, 5, 8);
        assertEquals(4160, m.segment().address());
        assertEquals(3, m.rows());
        assertEquals(5, m.cols());
        assertEquals(8, m.ld());
    }

    @Test
    void nullAndMisalignedPointersAreRefused() {
        IllegalArgumentException unallocated = assertThrows(IllegalArgumentException.class,
                () -> JCudaMemory.wrap(cuda, new CUdeviceptr(), 2, 2, 2));
        assertTrue(unallocated.getMessage().contains("wrap") && unallocated.getMessage().contains("2x2"),
                unallocated.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> JCudaMemory.wrap(cuda, (CUdeviceptr) new CUdeviceptr().withByteOffset(4098), 2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> JCudaMemory.wrap(cuda, null, 2, 2, 2));
    }
}
