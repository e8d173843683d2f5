package org.slimgrad;

/**
 * Which lines of a matrix a transform runs along. {@link #ROWS}: every row is one line, so an m×n matrix holds m
 * lines of length n and the transform is {@code G·Q}; {@link #COLUMNS}: every column is one line (n lines of
 * length m), and the transform is {@code Qᵀ·G}.
 */
public enum Axis {
    ROWS,
    COLUMNS;

    /** Length of each line of m: its column count for {@link #ROWS}, its row count for {@link #COLUMNS}. */
    public int lineLength(Matrix m) {
        return this == ROWS ? m.cols() : m.rows();
    }

    /** Number of lines in m. */
    public int lineCount(Matrix m) {
        return this == ROWS ? m.rows() : m.cols();
    }
}
