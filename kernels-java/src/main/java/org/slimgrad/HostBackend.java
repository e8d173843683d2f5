package org.slimgrad;

import java.util.function.Function;

/**
 * A backend that computes on {@link MemoryDomain#HOST} memory and allocates plain Java arrays: host memory is its
 * memory, so {@link #toHost} and {@link #fromHost} return their argument.
 */
public abstract class HostBackend extends AbstractBackend {

    protected HostBackend(String name, Function<Backend, Capabilities> assemble) {
        super(name, MemoryDomain.HOST, assemble);
    }

    @Override
    public final Matrix allocate(int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name() + ".allocate: " + rows + "x" + cols
                    + " is negative or exceeds the 2^31 elements of a Java array");
        }
        return Matrix.wrap(new float[rows * cols], rows, cols);
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
