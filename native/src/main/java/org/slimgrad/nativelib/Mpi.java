package org.slimgrad.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

import org.slimgrad.nativelib.loader.NativeLibraries;

/**
 * The few MPI calls slimgrad makes, bound through FFM to Open MPI's {@code libmpi.so.40} (Debian's
 * {@code libopenmpi3}/{@code openmpi-bin}), on {@code MPI_COMM_WORLD} with byte buffers. Open MPI's handles are the
 * addresses of its predefined globals ({@code MPI_COMM_WORLD} is {@code &ompi_mpi_comm_world}, {@code MPI_BYTE}
 * {@code &ompi_mpi_byte}), so no C shim is needed. The library is loaded RTLD_GLOBAL: its components, loaded by
 * Open MPI itself, resolve symbols against it. A non-zero return code (with the default MPI_ERRORS_ARE_FATAL Open
 * MPI aborts first) becomes an {@link IllegalStateException} naming the call.
 */
final class Mpi {

    private static final int THREAD_SERIALIZED = 2;

    private final MemorySegment world;
    private final MemorySegment byteType;
    private final MethodHandle initialized;
    private final MethodHandle initThread;
    private final MethodHandle finalizeCall;
    private final MethodHandle commRank;
    private final MethodHandle commSize;
    private final MethodHandle allgather;
    private final MethodHandle bcast;
    private final MethodHandle barrier;

    private Mpi(SymbolLookup library) {
        Linker linker = Linker.nativeLinker();
        this.world = symbol(library, "ompi_mpi_comm_world");
        this.byteType = symbol(library, "ompi_mpi_byte");
        this.initialized = linker.downcallHandle(symbol(library, "MPI_Initialized"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        this.initThread = linker.downcallHandle(symbol(library, "MPI_Init_thread"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        this.finalizeCall = linker.downcallHandle(symbol(library, "MPI_Finalize"), FunctionDescriptor.of(JAVA_INT));
        this.commRank = linker.downcallHandle(symbol(library, "MPI_Comm_rank"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        this.commSize = linker.downcallHandle(symbol(library, "MPI_Comm_size"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        this.allgather = linker.downcallHandle(symbol(library, "MPI_Allgather"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        this.bcast = linker.downcallHandle(symbol(library, "MPI_Bcast"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        this.barrier = linker.downcallHandle(symbol(library, "MPI_Barrier"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** Open MPI, loaded once per process; {@link IllegalStateException} saying why it cannot be. */
    static Mpi load() {
        return new Mpi(NativeLibraries.loadGlobal("Open MPI (libmpi.so.40; Debian: openmpi-bin)",
                List.of("libmpi.so.40", "libmpi.so")));
    }

    /** MPI_Init_thread(SERIALIZED) unless MPI is already initialised. */
    void init() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flag = arena.allocate(JAVA_INT);
            call("MPI_Initialized", () -> (int) initialized.invokeExact(flag));
            if (flag.get(JAVA_INT, 0) == 0) {
                MemorySegment provided = arena.allocate(JAVA_INT);
                call("MPI_Init_thread", () -> (int) initThread.invokeExact(MemorySegment.NULL, MemorySegment.NULL,
                        THREAD_SERIALIZED, provided));
            }
        }
    }

    int rank() {
        return query("MPI_Comm_rank", commRank);
    }

    int size() {
        return query("MPI_Comm_size", commSize);
    }

    /** received (size × bytes) = every rank's {@code sent} (bytes long), in rank order. */
    void allgather(MemorySegment sent, MemorySegment received, int bytes) {
        call("MPI_Allgather", () -> (int) allgather.invokeExact(sent, bytes, byteType, received, bytes, byteType,
                world));
    }

    /** buffer (bytes long) = root's buffer. */
    void broadcast(MemorySegment buffer, int bytes, int root) {
        call("MPI_Bcast", () -> (int) bcast.invokeExact(buffer, bytes, byteType, root, world));
    }

    void barrier() {
        call("MPI_Barrier", () -> (int) barrier.invokeExact(world));
    }

    void finish() {
        call("MPI_Finalize", () -> (int) finalizeCall.invokeExact());
    }

    private int query(String name, MethodHandle handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            call(name, () -> (int) handle.invokeExact(world, out));
            return out.get(JAVA_INT, 0);
        }
    }

    /** An MPI call returning its error code. */
    @FunctionalInterface
    private interface Call {
        int run() throws Throwable;
    }

    private static void call(String name, Call call) {
        int code;
        try {
            code = call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + " failed", t);
        }
        if (code != 0) {
            throw new IllegalStateException(name + " returned MPI error " + code);
        }
    }

    private static MemorySegment symbol(SymbolLookup library, String name) {
        return library.find(name).orElseThrow(() -> new IllegalStateException("Open MPI: no symbol " + name
                + " in libmpi (is this Open MPI 4 or later?)"));
    }
}
