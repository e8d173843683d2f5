package org.slimgrad.collective;

import org.slimgrad.Matrix;

/**
 * What every {@link Collective} implementation shares, so that all of them give the same bits: the argument checks,
 * and the results formed from every rank's contribution in rank order.
 */
public final class RankOrder {

    private RankOrder() {
    }

    /** Characters of a call's description that {@link #agree} compares. */
    private static final int DESCRIPTION_CHARS = 96;

    /**
     * Refuses, on every rank, a call that is not the same on every rank of {@code group}: each rank's description
     * (operation and shapes; its first 96 characters) is gathered over {@code group} and compared, and the exception
     * names each rank's call. For a collective that runs its data through another engine (a device library) and its
     * checks through {@code group}.
     */
    public static void agree(Collective group, String who, String call) {
        float[] mine = new float[DESCRIPTION_CHARS];
        for (int c = 0; c < Math.min(call.length(), DESCRIPTION_CHARS); c++) {
            mine[c] = call.charAt(c); // a char is exact in a float
        }
        Matrix all = Matrix.wrap(new float[group.size() * DESCRIPTION_CHARS], group.size(), DESCRIPTION_CHARS);
        group.allGather(Matrix.wrap(mine, 1, DESCRIPTION_CHARS), all);
        String[] calls = new String[group.size()];
        for (int r = 0; r < calls.length; r++) {
            StringBuilder text = new StringBuilder();
            for (int c = 0; c < DESCRIPTION_CHARS && all.get(r, c) != 0; c++) {
                text.append((char) all.get(r, c));
            }
            calls[r] = text.toString();
        }
        // decided from the gathered calls alone, so every rank decides the same
        if (java.util.Arrays.stream(calls).distinct().count() > 1) {
            throw new IllegalArgumentException(who + " on rank " + group.rank() + ": the ranks' calls differ: "
                    + java.util.Arrays.toString(calls));
        }
    }

    /** Refuses a root outside [0, size). */
    public static void requireRoot(String op, int root, int size) {
        if (root < 0 || root >= size) {
            throw new IllegalArgumentException("collective." + op + ": root " + root + " of " + size + " ranks");
        }
    }

    /** Refuses a whole matrix that is not the size parts of part's shape stacked. */
    public static void requireStacked(String op, Matrix part, Matrix all, int size) {
        if (all.rows() != size * part.rows() || all.cols() != part.cols()) {
            throw new IllegalArgumentException("collective." + op + ": part " + part.shape() + ", whole "
                    + all.shape() + "; need the whole " + size * part.rows() + "x" + part.cols() + " for " + size
                    + " ranks");
        }
    }

    /** The float32 sum of elements [from, from + length) of every rank's contribution, added in rank order from 0. */
    public static float[] sum(float[][] contributions, int from, int length) {
        float[] sum = new float[length];
        for (float[] part : contributions) {
            for (int e = 0; e < length; e++) {
                sum[e] += part[from + e];
            }
        }
        return sum;
    }

    /** The float64 element-wise sum of every rank's contribution, added in rank order from 0. */
    public static double[] sum(double[][] contributions, int length) {
        double[] sum = new double[length];
        for (double[] part : contributions) {
            for (int e = 0; e < length; e++) {
                sum[e] += part[e];
            }
        }
        return sum;
    }

    /** The contributions one after another, in rank order. */
    public static float[] stack(float[][] contributions) {
        int length = 0;
        for (float[] part : contributions) {
            length += part.length;
        }
        float[] stacked = new float[length];
        int at = 0;
        for (float[] part : contributions) {
            System.arraycopy(part, 0, stacked, at, part.length);
            at += part.length;
        }
        return stacked;
    }

    /** m = the row-major values (a host matrix of values.length elements). */
    public static void write(float[] values, Matrix m) {
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                m.set(i, j, values[i * m.cols() + j]);
            }
        }
    }
}
