package org.slimgrad.cuda;

/**
 * How many driver calls of each kind a CUDA backend has made, counted at its {@code Device} seam (the same counts on
 * a GPU and on the emulated device): {@code allocations} (cuMemAlloc) and {@code frees} (cuMemFree, which also
 * waits for the device), {@code syncs} (every call that waits for the stream: copies to and from the host and
 * explicit synchronisation), {@code launches} of slimgrad's kernels, {@code libraryCalls} to cuBLAS and cuSOLVER, and
 * {@code bytesCopied} between host and device. A warm training step should show no allocations and as few syncs as
 * the values it must hand back to the host.
 */
public record DriverCalls(long allocations, long frees, long syncs, long launches, long libraryCalls,
                          long bytesCopied) {

    /** The calls made between {@code before} and this count. */
    public DriverCalls since(DriverCalls before) {
        return new DriverCalls(allocations - before.allocations, frees - before.frees, syncs - before.syncs,
                launches - before.launches, libraryCalls - before.libraryCalls, bytesCopied - before.bytesCopied);
    }
}
