package org.slimgrad;

/**
 * The kernels slimgrad offers, one implementation per backend: {@code reference} (plain Java, float64
 * accumulation, the oracle), {@code cpu} (Vector API SIMD) and, with kernels-cuda, {@code cuda}.
 *
 * <p>Every operation validates its arguments before it writes anything: a null, a shape mismatch, a matrix of
 * another {@link MemoryDomain}, an output that overlaps an input, or closed memory raises an
 * {@link IllegalArgumentException} (or {@link IllegalStateException} for closed memory) whose message names the
 * operation and the shapes, and leaves every output untouched.
 *
 * <p>Outputs are the arguments named as modified; every other argument is only read, and an output that views
 * read-only memory is refused. Every backend is thread-safe: an instance may be used from several threads at once as
 * long as no concurrent call writes what another reads or writes, and each caller gets bit for bit what it would get
 * alone. The host backends run concurrent calls in parallel; the cuda backend runs them one after another on its
 * stream.
 *
 * <p>Non-finite values stay where they are: in the line-wise DCT operations a NaN or ±Inf in one line affects only
 * that line's output, and finite input whose exact result is representable in float32 gives a finite result. The
 * factorisations refuse NaN or ±Inf input with an {@link IllegalArgumentException} before modifying anything.
 *
 * <p>The operations come in five capabilities, one interface each ({@link DenseOps}, {@link Factorizations},
 * {@link DctOps}, {@link SparseOps}, {@link OptimizerOps}); code that needs only one may ask for just that one.
 */
public interface Backend extends DenseOps, Factorizations, DctOps, SparseOps, OptimizerOps {

    /** The name {@link Backends#named(String)} knows this backend by. */
    String name();

    /** The memory domain whose matrices this backend computes on. */
    MemoryDomain domain();

    /** A new zero-filled {@code rows × cols} matrix in this backend's domain. */
    Matrix allocate(int rows, int cols);

    /** A scope for temporaries, given back together when it closes (see {@link Scratch}). */
    Scratch scratch();

    /**
     * m's contents in host memory, for saving or inspecting state: m itself on a host backend (no copy), else a new
     * dense row-major host copy. m must be a matrix of this backend.
     */
    Matrix toHost(Matrix m);

    /**
     * A matrix of this backend with the host matrix h's contents: h itself on a host backend (no copy), else a new
     * dense copy in this backend's memory.
     */
    Matrix fromHost(Matrix h);

    /**
     * Copies the host matrix h into {@code into}, a matrix of this backend of h's shape, allocating nothing: a plain
     * copy on a host backend, one transfer on a device. For state a step rebuilds on the host (a rotation, a loaded
     * checkpoint) without a new device matrix each time.
     */
    void copyFromHost(Matrix h, Matrix into);
}
