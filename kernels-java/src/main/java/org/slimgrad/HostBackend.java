package org.slimgrad;

import java.util.function.Function;

import org.slimgrad.simd.ArrayAlignment;

/**
 * A backend that computes on {@link MemoryDomain#HOST} memory and allocates plain Java arrays, element (0, 0) placed
 * on a cache line: host memory is its memory, so {@link #toHost} and {@link #fromHost} return their argument.
 */
public abstract class HostBackend extends AbstractBackend {

    protected HostBackend(String name, Function<Backend, Capabilities> assemble) {
        super(name, MemoryDomain.HOST, assemble);
    }

    @Override
    public final Matrix allocate(int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8 - ArrayAlignment.SLACK) {
            throw new IllegalArgumentException(name() + ".allocate: " + rows + "x" + cols
                    + " is negative or exceeds the 2^31 elements of a Java array");
        }
        // element (0, 0) on a cache line: the collector never moves a large array (G1 keeps it where it was
        // allocated, its data 16 bytes past a region's start), so there the placement holds for the matrix's life,
        // and every 512-bit load of a row whose length is a multiple of 16 stays within one line (axpy + scale on
        // 1024x2736 placed so: 0.66 ms, as Java places it: 0.92 ms)
        float[] data = new float[rows * cols + ArrayAlignment.SLACK];
        return Matrix.wrap(data, ArrayAlignment.offset(data), rows, cols, Math.max(cols, 1));
    }

    /** Ordinary arrays: closing the scope does nothing, the garbage collector reclaims them. */
    @Override
    public final Scratch scratch() {
        return new Scratch() {
            @Override
            public Matrix allocate(int rows, int cols) {
                return HostBackend.this.allocate(rows, cols);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    protected final Matrix toHostKernel(Matrix m) {
        return m;
    }

    @Override
    protected final Matrix fromHostKernel(Matrix h) {
        return h;
    }

    @Override
    protected final void copyFromHostKernel(Matrix h, Matrix into) {
        copy(h, into);
    }
}
