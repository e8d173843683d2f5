package org.slimgrad;

import java.util.Arrays;

/**
 * The fixed sparsity pattern of an m×n sparse matrix S (SLTrain, Han et al. 2024): positions only, values live in a
 * separate 1×nnz {@link Matrix} so that a support is shared by the values, their gradient and their optimizer state.
 * Stored as int32 CSR: row i holds positions {@code rowStart(i) … rowEnd(i)−1}, whose columns ascend strictly.
 * Value p of a values row belongs to position p.
 *
 * <p>{@link #random} draws nnz = round(δ·m·n) positions uniformly without replacement by {@link SupportDraw}'s rule
 * (the positions of the nnz smallest counter-based keys), so a support is regenerated from (m, n, δ, seed) instead
 * of stored or shipped, on the host or, drawn in parallel, on a device.
 */
public final class FixedSupport {

    private final int rows;
    private final int cols;
    private final int[] rowPointers;
    private final int[] columns;

    private FixedSupport(int rows, int cols, int[] rowPointers, int[] columns) {
        this.rows = rows;
        this.cols = cols;
        this.rowPointers = rowPointers;
        this.columns = columns;
    }

    /**
     * A uniformly random support of round(δ·rows·cols) positions (at least one), the same for the same arguments on
     * every machine.
     */
    public static FixedSupport random(int rows, int cols, double density, long seed) {
        long[] flat = draw((long) rows * cols, drawSize(rows, cols, density), seed);
        int[] pointers = new int[rows + 1];
        int[] columns = new int[flat.length];
        for (int p = 0; p < flat.length; p++) {
            pointers[(int) (flat[p] / cols) + 1]++;
            columns[p] = (int) (flat[p] % cols);
        }
        for (int i = 0; i < rows; i++) {
            pointers[i + 1] += pointers[i];
        }
        return new FixedSupport(rows, cols, pointers, columns);
    }

    /**
     * The number of positions {@link #random} draws, round(δ·rows·cols) and at least one; checks the arguments as it
     * does (a device drawing the same support calls this first).
     */
    public static int drawSize(int rows, int cols, double density) {
        if (rows < 1 || cols < 1 || !(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("FixedSupport.random: " + rows + "x" + cols + ", density " + density
                    + "; need positive dimensions and density in (0, 1]");
        }
        long nnz = Math.max(1, Math.round(density * ((long) rows * cols)));
        if (nnz > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("FixedSupport.random: " + nnz + " positions exceed int32 indexing");
        }
        return (int) nnz;
    }

    /** A support from CSR arrays (copied), checked: pointers non-decreasing from 0 to nnz, columns ascending. */
    public static FixedSupport of(int rows, int cols, int[] rowPointers, int[] columns) {
        if (rows < 0 || cols < 0 || rowPointers == null || columns == null || rowPointers.length != rows + 1) {
            throw new IllegalArgumentException("FixedSupport.of: " + rows + "x" + cols + " needs " + (rows + 1)
                    + " row pointers and a column array");
        }
        if (rowPointers[0] != 0 || rowPointers[rows] != columns.length) {
            throw new IllegalArgumentException("FixedSupport.of: row pointers must run from 0 to the " + columns.length
                    + " columns, got " + rowPointers[0] + " … " + rowPointers[rows]);
        }
        for (int i = 0; i < rows; i++) {
            if (rowPointers[i + 1] < rowPointers[i]) {
                throw new IllegalArgumentException("FixedSupport.of: row pointer " + (i + 1) + " decreases");
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int p = rowPointers[i]; p < rowPointers[i + 1]; p++) {
                int c = columns[p];
                if (c < 0 || c >= cols) {
                    throw new IllegalArgumentException("FixedSupport.of: column " + c + " at position " + p
                            + " (row " + i + ") is outside 0…" + (cols - 1));
                }
                if (p > rowPointers[i] && c <= columns[p - 1]) {
                    throw new IllegalArgumentException("FixedSupport.of: row " + i + " has columns " + columns[p - 1]
                            + ", " + c + "; columns must ascend strictly (sorted, no duplicates)");
                }
            }
        }
        return new FixedSupport(rows, cols, rowPointers.clone(), columns.clone());
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Number of positions. */
    public int nnz() {
        return columns.length;
    }

    /** First position of row i. */
    public int rowStart(int i) {
        return rowPointers[i];
    }

    /** One past the last position of row i. */
    public int rowEnd(int i) {
        return rowPointers[i + 1];
    }

    /** Column of position p. */
    public int column(int p) {
        return columns[p];
    }

    /** values[p] = dense[i_p, j_p] for host matrices of the support's shapes (the sparse operations check them). */
    public void gather(Matrix dense, Matrix values) {
        gather(dense, values, 0, rows);
    }

    /** {@link #gather(Matrix, Matrix)} for the positions of rows [firstRow, endRow) only. */
    public void gather(Matrix dense, Matrix values, int firstRow, int endRow) {
        for (int i = firstRow; i < endRow; i++) {
            for (int p = rowStart(i); p < rowEnd(i); p++) {
                values.set(0, p, dense.get(i, column(p)));
            }
        }
    }

    /** dense[i_p, j_p] = values[p] for host matrices, every other element of dense as it was. */
    public void scatter(Matrix values, Matrix dense) {
        scatter(values, dense, 0, rows);
    }

    /** {@link #scatter(Matrix, Matrix)} for the positions of rows [firstRow, endRow) only. */
    public void scatter(Matrix values, Matrix dense, int firstRow, int endRow) {
        for (int i = firstRow; i < endRow; i++) {
            for (int p = rowStart(i); p < rowEnd(i); p++) {
                dense.set(i, column(p), values.get(0, p));
            }
        }
    }

    /** Bytes of the index arrays: (m + 1) row pointers and nnz columns, int32 each. */
    public long bytes() {
        return ((long) rowPointers.length + columns.length) * Integer.BYTES;
    }

    /** "m x n, nnz positions": the form error messages use. */
    public String shape() {
        return rows + "x" + cols + " support with " + nnz() + " positions";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FixedSupport s && s.rows == rows && s.cols == cols
                && Arrays.equals(s.rowPointers, rowPointers) && Arrays.equals(s.columns, columns);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rowPointers) + Arrays.hashCode(columns);
    }

    // SupportDraw's rule in two passes over the keys: the bucket histogram, then every position below the threshold
    // bucket in flat order and the threshold bucket's members, of which the right ones are chosen and merged in
    private static long[] draw(long total, int nnz, long seed) {
        long[] histogram = new long[SupportDraw.BUCKETS];
        for (long f = 0; f < total; f++) {
            histogram[SupportDraw.bucket(SupportDraw.key(seed, f))]++;
        }
        long[] threshold = SupportDraw.threshold(histogram, nnz);
        int bucket = (int) threshold[0];
        int members = (int) histogram[bucket];
        long[] sure = new long[nnz - (int) threshold[1]];
        long[] keys = new long[members];
        long[] positions = new long[members];
        int s = 0;
        int c = 0;
        for (long f = 0; f < total; f++) {
            long key = SupportDraw.key(seed, f);
            int b = SupportDraw.bucket(key);
            if (b < bucket) {
                sure[s++] = f;
            } else if (b == bucket) {
                keys[c] = key;
                positions[c++] = f;
            }
        }
        long[] chosen = SupportDraw.choose(keys, positions, (int) threshold[1]);
        long[] flat = new long[nnz];
        for (int out = 0, a = 0, b = 0; out < nnz; out++) { // merge two ascending lists
            flat[out] = b == chosen.length || (a < sure.length && sure[a] < chosen[b]) ? sure[a++] : chosen[b++];
        }
        return flat;
    }
}
