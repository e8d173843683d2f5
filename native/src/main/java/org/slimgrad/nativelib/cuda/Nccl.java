package org.slimgrad.nativelib.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.slimgrad.nativelib.loader.LibraryOnce;

/**
 * NCCL through FFM (libnccl.so.2): one communicator per rank on a {@link Context}'s stream. The library is looked up
 * by the dynamic linker, else in the {@code nvidia/nccl/lib} folder that PyTorch's CUDA wheels install under a
 * Python {@code site-packages} or {@code dist-packages} (the GPU machines this project visits have NCCL only
 * there). Operations queue on the stream; the caller synchronises.
 */
public final class Nccl implements AutoCloseable {

    /** NCCL's element types (ncclDataType_t). */
    public enum Type {
        INT32(2, 4), FLOAT32(7, 4), FLOAT64(8, 8);

        final int code;
        /** Bytes per element. */
        public final int bytes;

        Type(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }
    }

    /** Bytes of an ncclUniqueId, which rank 0 makes and every rank passes (by value) to ncclCommInitRank. */
    public static final int UNIQUE_ID_BYTES = 128;
    private static final MemoryLayout UNIQUE_ID = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(UNIQUE_ID_BYTES, JAVA_BYTE));
    private static final int SUM = 0;

    private static final LibraryOnce LIBRARY = new LibraryOnce("NCCL", sonames());

    private final Context context;
    private final MethodHandle allReduce;
    private final MethodHandle broadcast;
    private final MethodHandle allGather;
    private final MethodHandle reduceScatter;
    private final MethodHandle destroy;
    private final MethodHandle errorString;
    private final MemorySegment comm;
    private boolean closed;

    private Nccl(Context context, byte[] uniqueId, int size, int rank) {
        SymbolLookup lib = LIBRARY.get();
        this.context = context;
        allReduce = Cuda.bind(lib, "ncclAllReduce", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        broadcast = Cuda.bind(lib, "ncclBroadcast", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        allGather = Cuda.bind(lib, "ncclAllGather", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        reduceScatter = Cuda.bind(lib, "ncclReduceScatter", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS);
        destroy = Cuda.bind(lib, "ncclCommDestroy", ADDRESS);
        errorString = Linker.nativeLinker().downcallHandle(lib.find("ncclGetErrorString").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle init = Linker.nativeLinker().downcallHandle(lib.find("ncclCommInitRank").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, UNIQUE_ID, JAVA_INT));
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment id = arena.allocate(UNIQUE_ID);
            MemorySegment.copy(uniqueId, 0, id, JAVA_BYTE, 0, UNIQUE_ID_BYTES);
            call("ncclCommInitRank", () -> (int) init.invokeExact(out, size, id, rank));
            comm = out.get(ADDRESS, 0);
        }
    }

    /** The reason NCCL cannot be loaded here, if it cannot. */
    public static java.util.Optional<String> unavailableReason() {
        try {
            LIBRARY.get();
            return java.util.Optional.empty();
        } catch (IllegalStateException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    /** A new unique id (rank 0 makes it; the others receive it from rank 0). */
    public static byte[] uniqueId() {
        MethodHandle get = Cuda.bind(LIBRARY.get(), "ncclGetUniqueId", ADDRESS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment id = arena.allocate(UNIQUE_ID);
            status("ncclGetUniqueId", Cuda.invoke("ncclGetUniqueId", () -> (int) get.invokeExact(id)), null);
            return id.toArray(JAVA_BYTE);
        }
    }

    /** This rank's communicator of {@code size} ranks on {@code context}'s device and stream. */
    public static Nccl join(Context context, byte[] uniqueId, int size, int rank) {
        if (uniqueId == null || uniqueId.length != UNIQUE_ID_BYTES || size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("Nccl.join: id of " + (uniqueId == null ? "null" : uniqueId.length
                    + " bytes") + ", rank " + rank + " of " + size + "; need a " + UNIQUE_ID_BYTES + "-byte id and"
                    + " 0 <= rank < size");
        }
        return new Nccl(context, uniqueId, size, rank);
    }

    /** In place: the element-wise sum over the ranks of {@code count} elements at {@code buffer}. */
    public void allReduceSum(long buffer, long count, Type type) {
        MemorySegment b = MemorySegment.ofAddress(buffer);
        call("ncclAllReduce", () -> (int) allReduce.invokeExact(b, b, count, type.code, SUM, comm(), context.stream()));
    }

    /** In place: root's {@code count} elements at {@code buffer} on every rank. */
    public void broadcast(long buffer, long count, Type type, int root) {
        MemorySegment b = MemorySegment.ofAddress(buffer);
        call("ncclBroadcast", () -> (int) broadcast.invokeExact(b, b, count, type.code, root, comm(),
                context.stream()));
    }

    /** receive = every rank's {@code count} elements at send, in rank order. */
    public void allGather(long send, long receive, long count, Type type) {
        call("ncclAllGather", () -> (int) allGather.invokeExact(MemorySegment.ofAddress(send),
                MemorySegment.ofAddress(receive), count, type.code, comm(), context.stream()));
    }

    /** receive = the sum over the ranks of block {@code rank} ({@code count} elements) of their send buffers. */
    public void reduceScatterSum(long send, long receive, long count, Type type) {
        call("ncclReduceScatter", () -> (int) reduceScatter.invokeExact(MemorySegment.ofAddress(send),
                MemorySegment.ofAddress(receive), count, type.code, SUM, comm(), context.stream()));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            call("ncclCommDestroy", () -> (int) destroy.invokeExact(comm));
        }
    }

    private MemorySegment comm() {
        if (closed) {
            throw new IllegalStateException("Nccl: the communicator was closed");
        }
        return comm;
    }

    private void call(String name, Cuda.Call call) {
        context.makeCurrent();
        status(name, Cuda.invoke(name, call), errorString);
    }

    private static void status(String name, int status, MethodHandle errorString) {
        if (status != 0) {
            String text = "";
            try {
                if (errorString != null) {
                    text = ": " + ((MemorySegment) errorString.invokeExact(status)).reinterpret(256).getString(0);
                }
            } catch (Throwable ignored) {
                // the status number alone
            }
            throw new IllegalStateException(name + " failed: NCCL status " + status + text);
        }
    }

    // libnccl.so.2 for the dynamic linker, then the copies PyTorch's CUDA wheels install
    private static List<String> sonames() {
        List<String> names = new ArrayList<>(List.of("libnccl.so.2"));
        for (String root : List.of("/usr/lib", "/usr/local/lib", System.getProperty("user.home") + "/.local/lib",
                "/opt/conda/lib")) {
            try (Stream<Path> pythons = Files.list(Path.of(root))) {
                pythons.filter(p -> p.getFileName().toString().startsWith("python3"))
                        .flatMap(p -> Stream.of(p.resolve("site-packages"), p.resolve("dist-packages")))
                        .map(p -> p.resolve("nvidia/nccl/lib/libnccl.so.2"))
                        .filter(Files::isReadable)
                        .forEach(p -> names.add(p.toString()));
            } catch (IOException | RuntimeException e) {
                // no such folder
            }
        }
        return names;
    }
}
