package org.slimgrad.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A caching allocator over one {@link Device}: blocks are sized in 512-byte granules, and a block given back waits
 * in a free list for the next request of its size instead of being freed. A training step asks for the same shapes
 * every time, so after its first call it reaches the driver's allocator no more. When the device runs out, the free
 * lists are released and the garbage collector is asked to return unreachable matrices' blocks before one retry.
 * Closing frees every block, given back or not. Thread-safe (blocks come back from the cleaner thread).
 */
final class DeviceMemory implements AutoCloseable {

    private static final long GRANULE = 512;

    private final Device device;
    private final Map<Long, ArrayDeque<Long>> idle = new HashMap<>();
    private final Set<Long> live = new HashSet<>();
    private long heldBytes;
    private long idleBytes;
    private boolean closed;

    DeviceMemory(Device device) {
        this.device = device;
    }

    /** The block size a request of {@code bytes} gets. */
    static long blockSize(long bytes) {
        return Math.max(GRANULE, (bytes + GRANULE - 1) / GRANULE * GRANULE);
    }

    /** A block of {@link #blockSize}(bytes) bytes. */
    long take(long bytes) {
        long size = blockSize(bytes);
        synchronized (this) {
            requireOpen();
            ArrayDeque<Long> free = idle.get(size);
            if (free != null && !free.isEmpty()) {
                idleBytes -= size;
                return free.pop();
            }
        }
        try {
            return allocate(size);
        } catch (IllegalStateException outOfMemory) {
            releaseIdle();
            System.gc(); // unreachable device matrices give their blocks back through their cleaners
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            releaseIdle();
            return allocate(size);
        }
    }

    /** Returns a block from {@link #take} for reuse; after {@link #close} it was freed already and this does nothing. */
    synchronized void give(long address, long size) {
        if (closed || !live.contains(address)) {
            return;
        }
        idle.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
        idleBytes += size;
    }

    /** Bytes of device memory held: blocks in use plus blocks waiting in the free lists. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    /** Bytes waiting in the free lists. */
    synchronized long idleBytes() {
        return idleBytes;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            live.forEach(device::free);
            live.clear();
            idle.clear();
            heldBytes = 0;
            idleBytes = 0;
        }
    }

    private synchronized long allocate(long size) {
        requireOpen();
        long address = device.allocate(size);
        live.add(address);
        heldBytes += size;
        return address;
    }

    private synchronized void releaseIdle() {
        idle.forEach((size, addresses) -> {
            for (long address : addresses) {
                device.free(address);
                live.remove(address);
                heldBytes -= size;
            }
        });
        idle.clear();
        idleBytes = 0;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("cuda: the backend was closed; its device memory is gone");
        }
    }
}
