package org.slimgrad.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.Matrix;
import org.slimgrad.simd.VectorWidth;

/**
 * Moves up to 2·{@link LaneFft#LANES} lines of a matrix into and out of the lane layout of {@link LaneFft}, through
 * a position map: element t of a line goes to (or comes from) buffer element {@code position[t]}.
 *
 * <p>Lines are the rows of the matrix or its columns. Columns are already lane-shaped (neighbouring columns are
 * neighbouring floats), so they move as whole vectors; a full block of rows is transposed LANES×LANES tile by tile
 * through {@link TileTranspose}, a partial one through a scalar row copy.
 */
final class LaneTransfer {

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int LANES = LaneFft.LANES;
    private static final int W = 2 * LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    /** One row of a line, for the scalar path. */
    private float[] row = new float[0];
    /** A LANES×LANES tile for {@link TileTranspose}: its input (a store's columns) or output (a load's columns). */
    private final float[] tile = new float[LANES * LANES];
    private final MemorySegment tileSegment = MemorySegment.ofArray(tile);
    /** A store's tile transposed: LANES elements of each of LANES lines. */
    private final float[] transposed = new float[LANES * LANES];

    /** The number of lines of x: its rows when lines are rows, else its columns. */
    static int lines(Matrix x, boolean rowLines) {
        return rowLines ? x.rows() : x.cols();
    }

    /**
     * Writes element t of lines {@code first … first+count−1} of x to buffer element {@code position[t]}, lane
     * {@code line − first}; lanes of lines past {@code count} become zero at those elements. Elements the map does
     * not name are left as they are. The buffer's lane layout starts at {@code buf[base]}.
     */
    void load(Matrix x, boolean rowLines, int first, int count, int[] position, float[] buf, int base) {
        int length = position.length;
        MemorySegment seg = x.segment();
        if (rowLines && count == W) {
            // a full block of rows, LANES columns at a time: load a LANES×LANES tile per half block, transpose it
            // in registers, store each column as one lane vector
            int vectorEnd = length - length % LANES;
            for (int t = 0; t < vectorEnd; t += LANES) {
                for (int half = 0; half < W; half += LANES) {
                    TileTranspose.transpose(seg, x.index(first + half, t), x.ld(), tile, 0, LANES);
                    for (int c = 0; c < LANES; c++) {
                        FloatVector.fromArray(S, tile, c * LANES).intoArray(buf, base + position[t + c] * W + half);
                    }
                }
            }
            for (int t = vectorEnd; t < length; t++) {
                for (int l = 0; l < W; l++) {
                    buf[base + position[t] * W + l] = seg.get(F, x.index(first + l, t) * Float.BYTES);
                }
            }
            return;
        }
        if (rowLines) {
            float[] line = row(length);
            for (int l = 0; l < W; l++) {
                if (l < count) {
                    MemorySegment.copy(seg, F, x.index(first + l, 0) * Float.BYTES, line, 0, length);
                    for (int t = 0; t < length; t++) {
                        buf[base + position[t] * W + l] = line[t];
                    }
                } else {
                    for (int t = 0; t < length; t++) {
                        buf[base + position[t] * W + l] = 0f;
                    }
                }
            }
            return;
        }
        long highOffset = (long) LANES * Float.BYTES;
        if (count == W) {
            for (int t = 0; t < length; t++) {
                long at = x.index(t, first) * Float.BYTES;
                int to = base + position[t] * W;
                FloatVector.fromMemorySegment(S, seg, at, ORDER).intoArray(buf, to);
                FloatVector.fromMemorySegment(S, seg, at + highOffset, ORDER).intoArray(buf, to + LANES);
            }
            return;
        }
        VectorMask<Float> low = S.indexInRange(0, count);
        VectorMask<Float> high = S.indexInRange(LANES, count);
        for (int t = 0; t < length; t++) {
            long at = x.index(t, first) * Float.BYTES;
            int to = base + position[t] * W;
            FloatVector.fromMemorySegment(S, seg, at, ORDER, low).intoArray(buf, to);
            if (count > LANES) {
                FloatVector.fromMemorySegment(S, seg, at + highOffset, ORDER, high).intoArray(buf, to + LANES);
            } else {
                FloatVector.zero(S).intoArray(buf, to + LANES);
            }
        }
    }

    /**
     * {@link #load} of the full block of 2·LANES columns from {@code first} on, fused with a first radix-2 FFT stage
     * (unit twiddles): buffer elements i and i + n/2 (n = source.length, even) become the sum and the difference of
     * column elements (rows) {@code source[i]} and {@code source[i + n/2]}, which a plain load would have put
     * there. In registers, where the staged first stage of other radices costs a round trip through L1 that a sum
     * and a difference do not repay.
     */
    void loadHalved(Matrix x, int first, int[] source, float[] buf, int base) {
        MemorySegment seg = x.segment();
        long highOffset = (long) LANES * Float.BYTES;
        int half = source.length / 2;
        for (int i = 0; i < half; i++) {
            long p = x.index(source[i], first) * Float.BYTES;
            long q = x.index(source[i + half], first) * Float.BYTES;
            FloatVector pl = FloatVector.fromMemorySegment(S, seg, p, ORDER);
            FloatVector ph = FloatVector.fromMemorySegment(S, seg, p + highOffset, ORDER);
            FloatVector ql = FloatVector.fromMemorySegment(S, seg, q, ORDER);
            FloatVector qh = FloatVector.fromMemorySegment(S, seg, q + highOffset, ORDER);
            int sum = base + i * W;
            int difference = base + (i + half) * W;
            pl.add(ql).intoArray(buf, sum);
            ph.add(qh).intoArray(buf, sum + LANES);
            pl.sub(ql).intoArray(buf, difference);
            ph.sub(qh).intoArray(buf, difference + LANES);
        }
    }

    /**
     * Buffer element e &lt; count, from {@code base} on, = row {@code rows[from + e]} of the full block of 2·LANES
     * columns from {@code first} on: a run of the {@link #load} of columns, through the inverse of its map.
     */
    void loadColumnElements(Matrix x, int first, int[] rows, int from, int count, float[] buf, int base) {
        MemorySegment seg = x.segment();
        long highOffset = (long) LANES * Float.BYTES;
        for (int e = 0; e < count; e++) {
            long at = x.index(rows[from + e], first) * Float.BYTES;
            int to = base + e * W;
            FloatVector.fromMemorySegment(S, seg, at, ORDER).intoArray(buf, to);
            FloatVector.fromMemorySegment(S, seg, at + highOffset, ORDER).intoArray(buf, to + LANES);
        }
    }

    /**
     * Sets element t of lines {@code first … first+count−1} of y to {@code α·buf[base + position[t]·W + lane] +
     * β·y} (y is not read when β = 0); the buffer's lane layout starts at {@code buf[base]}.
     */
    void store(float[] buf, int base, int[] position, float alpha, float beta, Matrix y, boolean rowLines,
               int first, int count) {
        int length = position.length;
        MemorySegment seg = y.segment();
        if (rowLines && count == W) {
            // the reverse of load: LANES elements of every line of a half block form a tile; transposed, each row
            // of it is LANES consecutive elements of one line
            int vectorEnd = length - length % LANES;
            for (int t = 0; t < vectorEnd; t += LANES) {
                for (int half = 0; half < W; half += LANES) {
                    for (int c = 0; c < LANES; c++) {
                        FloatVector.fromArray(S, buf, base + position[t + c] * W + half).intoArray(tile, c * LANES);
                    }
                    TileTranspose.transpose(tileSegment, 0, LANES, transposed, 0, LANES);
                    for (int l = 0; l < LANES; l++) {
                        storeScaled(transposed, l * LANES, alpha, beta, seg, y.index(first + half + l, t) * Float.BYTES);
                    }
                }
            }
            storeScalar(buf, base, position, alpha, beta, y, first, count, vectorEnd);
            return;
        }
        if (rowLines) {
            storeScalar(buf, base, position, alpha, beta, y, first, count, 0);
            return;
        }
        storeColumns(buf, base, 0, position, alpha, beta, y, first, count);
    }

    /**
     * Sets columns {@code first … first+count−1} of y, row after row, to α·(element {@code position[i]} of their
     * lines, row i of y) + β·y (y not read when β = 0), the lines in consecutive blocks of the lane layout
     * {@code blockStride} floats apart from {@code buf[base]} on: the column {@link #store} of any number of blocks.
     * Each row of y is written in one run of {@code count} floats, which the processor streams; block by block, its
     * 2·LANES floats would be a row apart from the next and each would wait for its cache line.
     */
    void storeColumns(float[] buf, int base, int blockStride, int[] position, float alpha, float beta, Matrix y,
                      int first, int count) {
        MemorySegment seg = y.segment();
        long highOffset = (long) LANES * Float.BYTES;
        int blocks = count / W;
        int rest = count - blocks * W;
        VectorMask<Float> low = S.indexInRange(0, rest);
        VectorMask<Float> high = S.indexInRange(LANES, rest);
        for (int i = 0; i < position.length; i++) {
            long at = y.index(i, first) * Float.BYTES;
            int from = base + position[i] * W;
            for (int q = 0; q < blocks; q++) {
                long to = at + (long) q * W * Float.BYTES;
                int block = from + q * blockStride;
                storeScaled(buf, block, alpha, beta, seg, to);
                storeScaled(buf, block + LANES, alpha, beta, seg, to + highOffset);
            }
            if (rest > 0) {
                long to = at + (long) blocks * W * Float.BYTES;
                int block = from + blocks * blockStride;
                storeScaled(buf, block, alpha, beta, seg, to, low);
                if (rest > LANES) {
                    storeScaled(buf, block + LANES, alpha, beta, seg, to + highOffset, high);
                }
            }
        }
    }

    // y[to …] = α·buf[from …] + β·y[to …] for one whole vector (y not read when β = 0)
    private static void storeScaled(float[] buf, int from, float alpha, float beta, MemorySegment y, long to) {
        FloatVector v = FloatVector.fromArray(S, buf, from).mul(alpha);
        if (beta != 0f) {
            v = FloatVector.fromMemorySegment(S, y, to, ORDER).mul(beta).add(v);
        }
        v.intoMemorySegment(y, to, ORDER);
    }

    // the same in the lanes of mask only
    private static void storeScaled(float[] buf, int from, float alpha, float beta, MemorySegment y, long to,
                                    VectorMask<Float> mask) {
        FloatVector v = FloatVector.fromArray(S, buf, from).mul(alpha);
        if (beta != 0f) {
            v = FloatVector.fromMemorySegment(S, y, to, ORDER, mask).mul(beta).add(v);
        }
        v.intoMemorySegment(y, to, ORDER, mask);
    }

    private float[] row(int length) {
        if (row.length < length) {
            row = new float[length];
        }
        return row;
    }

    // elements from {@code from} on of lines first … first+count−1, one at a time
    private static void storeScalar(float[] buf, int base, int[] position, float alpha, float beta, Matrix y,
                                    int first, int count, int from) {
        MemorySegment seg = y.segment();
        for (int l = 0; l < count; l++) {
            for (int t = from; t < position.length; t++) {
                long to = y.index(first + l, t) * Float.BYTES;
                float v = alpha * buf[base + position[t] * W + l];
                seg.set(F, to, beta == 0f ? v : v + beta * seg.get(F, to));
            }
        }
    }
}
