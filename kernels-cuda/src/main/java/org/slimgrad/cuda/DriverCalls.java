package org.slimgrad.cuda;

/**
 * How many driver calls of each kind a CUDA backend has made, counted at its {@code Device} seam (the same counts on
 * a GPU and on the emulated device): {@code allocations} (cuMemAlloc) and {@code frees} (cuMemFree, which also
 * waits for the device), {@code syncs} (every call that waits for the stream: copies to the host, event timing and
 * explicit synchronisation; copies to the device are queued and do not wait), {@code launches} of slimgrad's kernels, {@code libraryCalls} to cuBLAS and cuSOLVER,
 * {@code copies} between host and device (either way) and their {@code bytesCopied}. A warm training step should show no allocations and as few syncs as
 * the values it must hand back to the host.
 */
public record DriverCalls(long allocations, long frees, long syncs, long launches, long libraryCalls, long copies,
                          long bytesCopied) {

    /** The calls made between {@code before} and this count. */
    public DriverCalls since(DriverCalls before) {
        return new DriverCalls(allocations - before.allocations, frees - before.frees, syncs - before.syncs,
                launches - before.launches, libraryCalls - before.libraryCalls, copies - before.copies,
                bytesCopied - before.bytesCopied);
    }
}
