package org.slimgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.slimgrad.Matrix;
import org.slimgrad.MemoryDomain;
import org.slimgrad.Scratch;

/**
 * Device matrices with a scope: everything allocated here goes back to the backend's pool when the arena closes,
 * and from then on any use of those matrices (or views of them) throws {@link IllegalStateException} instead of
 * touching memory that another allocation may own. Not thread-safe; close it on the thread that uses it.
 */
public final class DeviceArena implements Scratch {

    private final MemoryDomain domain;
    private final DeviceMemory memory;
    private final Arena scope = Arena.ofShared();
    private final List<long[]> blocks = new ArrayList<>();

    DeviceArena(MemoryDomain domain, DeviceMemory memory) {
        this.domain = domain;
        this.memory = memory;
    }

    /** A new, uninitialised rows×cols device matrix that lives until this arena closes. */
    @Override
    public Matrix allocate(int rows, int cols) {
        long bytes = CudaContext.bytes("DeviceArena.allocate", rows, cols);
        long size = DeviceMemory.blockSize(bytes);
        long address = memory.take(bytes);
        blocks.add(new long[]{address, size});
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(size, scope, null);
        return Matrix.inDomain(domain, segment, 0, rows, cols, Math.max(cols, 1));
    }

    @Override
    public void close() {
        if (scope.scope().isAlive()) {
            scope.close();
            for (long[] block : blocks) {
                memory.give(block[0], block[1]);
            }
            blocks.clear();
        }
    }
}
