package org.slimgrad;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A row-major fp32 matrix view: element (i, j) lives at element index {@code offset + i·ld + j} of a memory
 * segment. The leading dimension {@code ld} (row stride, in elements) may exceed {@code cols}, so sub-blocks of
 * a larger matrix are views, never copies.
 *
 * <p>Host matrices wrap a {@code float[]} (through a heap segment) or any host {@link MemorySegment} without
 * copying; writes through a view are writes to the wrapped memory. A device backend makes matrices of its own
 * {@link MemoryDomain} whose segment carries a device address that Java code must not dereference.
 *
 * <p>A {@code Matrix} is an immutable descriptor; the memory it views is mutable and not synchronised.
 */
public final class Matrix {

    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private final MemoryDomain domain;
    private final MemorySegment segment;
    private final long offset;
    private final int rows;
    private final int cols;
    private final int ld;

    private Matrix(MemoryDomain domain, MemorySegment segment, long offset, int rows, int cols, int ld) {
        if (domain == null || segment == null) {
            throw new IllegalArgumentException("Matrix: domain and segment must not be null");
        }
        if (rows < 0 || cols < 0 || offset < 0 || ld < cols || ld < 1) {
            throw new IllegalArgumentException("Matrix: invalid layout " + rows + "x" + cols + " (ld " + ld
                    + ", offset " + offset + "); need rows, cols, offset >= 0 and ld >= max(cols, 1)");
        }
        if (domain.isHost()) {
            requireFloatMemory(segment, rows, cols);
        }
        long span = span(rows, cols, ld);
        long needed = span == 0 ? 0 : offset + span;
        if (needed * Float.BYTES > segment.byteSize()) {
            throw new IllegalArgumentException("Matrix: " + rows + "x" + cols + " (ld " + ld + ", offset " + offset
                    + ") needs " + needed + " floats but the memory holds " + segment.byteSize() / Float.BYTES);
        }
        this.domain = domain;
        this.segment = segment;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.ld = ld;
    }

    /** Wraps a dense row-major array of exactly {@code rows·cols} floats (ld = cols) without copying. */
    public static Matrix wrap(float[] data, int rows, int cols) {
        if (data == null) {
            throw new IllegalArgumentException("Matrix.wrap: data is null");
        }
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("Matrix.wrap: " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " floats but the array holds " + data.length);
        }
        return new Matrix(MemoryDomain.HOST, MemorySegment.ofArray(data), 0, rows, cols, Math.max(cols, 1));
    }

    /** Wraps part of an array: element (i, j) is {@code data[offset + i·ld + j]}. No copy. */
    public static Matrix wrap(float[] data, int offset, int rows, int cols, int ld) {
        if (data == null) {
            throw new IllegalArgumentException("Matrix.wrap: data is null");
        }
        return new Matrix(MemoryDomain.HOST, MemorySegment.ofArray(data), offset, rows, cols, ld);
    }

    /**
     * Wraps a host memory segment (heap or native): element (i, j) is float number {@code offset + i·ld + j}. The
     * segment must be a {@code float[]}'s or native memory aligned to 4 bytes ({@link IllegalArgumentException}
     * otherwise). A read-only segment can be read, and is refused as any operation's output; a confined arena's
     * segment is usable only from its owner thread.
     */
    public static Matrix wrap(MemorySegment segment, long offset, int rows, int cols, int ld) {
        return new Matrix(MemoryDomain.HOST, segment, offset, rows, cols, ld);
    }

    /**
     * A matrix in another memory domain, for device backends: {@code segment} spans the device allocation
     * (address and byte size) and is never dereferenced by Java code.
     */
    public static Matrix inDomain(MemoryDomain domain, MemorySegment segment, long offset, int rows, int cols,
                                  int ld) {
        return new Matrix(domain, segment, offset, rows, cols, ld);
    }

    /** Floats a {@code rows × cols} view with leading dimension ld reaches from its first element (0 if empty). */
    public static long span(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    // host memory the kernels can read as floats: a float[] or native memory aligned to 4 bytes
    private static void requireFloatMemory(MemorySegment segment, int rows, int cols) {
        Object base = segment.heapBase().orElse(null);
        if (base != null && !(base instanceof float[])) {
            throw new IllegalArgumentException("Matrix: " + rows + "x" + cols + " over a heap segment of "
                    + base.getClass().getSimpleName() + "; host matrices wrap a float[] or native memory");
        }
        if (segment.address() % Float.BYTES != 0) {
            throw new IllegalArgumentException("Matrix: " + rows + "x" + cols + " over memory at address 0x"
                    + Long.toHexString(segment.address()) + ", not aligned to 4 bytes for floats");
        }
    }

    /** The {@code rows × cols} sub-block whose top-left element is (row, col) of this matrix. No copy. */
    public Matrix view(int row, int col, int rows, int cols) {
        if (row < 0 || col < 0 || rows < 0 || cols < 0 || row + rows > this.rows || col + cols > this.cols) {
            throw new IllegalArgumentException("Matrix.view: block " + rows + "x" + cols + " at (" + row + ", " + col
                    + ") does not fit in " + shape());
        }
        return new Matrix(domain, segment, offset + (long) row * ld + col, rows, cols, ld);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Row stride in elements. */
    public int ld() {
        return ld;
    }

    /** Index, in floats from the start of {@link #segment()}, of element (0, 0). */
    public long offset() {
        return offset;
    }

    public MemorySegment segment() {
        return segment;
    }

    public MemoryDomain domain() {
        return domain;
    }

    /** Number of elements, rows·cols. */
    public long size() {
        return (long) rows * cols;
    }

    /** Whether rows follow each other without padding, so the elements form one contiguous run. */
    public boolean isContiguous() {
        return ld == cols || rows <= 1;
    }

    /** Index in floats from the start of the segment of element (i, j); unchecked. */
    public long index(int i, int j) {
        return offset + (long) i * ld + j;
    }

    /** Element (i, j) of a host matrix. */
    public float get(int i, int j) {
        checkElement(i, j);
        return segment.getAtIndex(FLOAT, index(i, j));
    }

    /** Sets element (i, j) of a host matrix. */
    public void set(int i, int j, float value) {
        checkElement(i, j);
        segment.setAtIndex(FLOAT, index(i, j), value);
    }

    /** A dense row-major copy of a host matrix. */
    public float[] toArray() {
        requireHost("Matrix.toArray");
        float[] out = new float[Math.toIntExact(size())];
        for (int i = 0; i < rows; i++) {
            MemorySegment.copy(segment, FLOAT, index(i, 0) * Float.BYTES, out, i * cols, cols);
        }
        return out;
    }

    /** "rows x cols", plus the leading dimension where it differs from cols: the form error messages use. */
    public String shape() {
        return ld == cols ? rows + "x" + cols : rows + "x" + cols + " (ld " + ld + ")";
    }

    @Override
    public String toString() {
        return "Matrix[" + shape() + ", " + domain + "]";
    }

    /**
     * Whether this view and {@code other} may share an element. Exact for views of the same memory with the same
     * leading dimension (the usual case: blocks of one matrix); conservative (overlapping address spans) otherwise.
     */
    public boolean overlaps(Matrix other) {
        if (size() == 0 || other.size() == 0) {
            return false;
        }
        long start = segment.address() + offset * Float.BYTES;
        long end = segment.address() + (index(rows - 1, cols - 1) + 1) * Float.BYTES;
        long otherStart = other.segment.address() + other.offset * Float.BYTES;
        long otherEnd = other.segment.address() + (other.index(other.rows - 1, other.cols - 1) + 1) * Float.BYTES;
        // Heap segments' addresses are offsets into their array: compare them only within one array.
        boolean sameBase = segment.heapBase().equals(other.segment.heapBase());
        if (!sameBase || end <= otherStart || otherEnd <= start) {
            return false;
        }
        if (ld != other.ld) {
            return true;
        }
        long delta = (otherStart - start) / Float.BYTES; // element distance, same stride on both sides
        long rowShift = Math.floorDiv(delta, ld);
        long colShift = Math.floorMod(delta, ld);
        // other's element (r, c) sits at our row r + rowShift (+1 if the column wraps), column c + colShift (mod ld).
        return blocksIntersect(rowShift, colShift, other) || blocksIntersect(rowShift + 1, colShift - ld, other);
    }

    private boolean blocksIntersect(long rowShift, long colShift, Matrix other) {
        boolean rowsMeet = rowShift < rows && rowShift + other.rows > 0;
        boolean colsMeet = colShift < cols && colShift + other.cols > 0;
        return rowsMeet && colsMeet;
    }

    void requireHost(String operation) {
        if (!domain.isHost()) {
            throw new IllegalArgumentException(operation + ": matrix " + shape() + " lives in " + domain
                    + " memory, not host memory");
        }
    }

    private void checkElement(int i, int j) {
        requireHost("Matrix.get/set");
        if (i < 0 || i >= rows || j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("Matrix: element (" + i + ", " + j + ") is outside " + shape());
        }
    }
}
