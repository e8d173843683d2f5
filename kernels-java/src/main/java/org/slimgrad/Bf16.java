package org.slimgrad;

import java.lang.foreign.ValueLayout;

/**
 * bfloat16 values packed two to a 32-bit matrix element, the layout of {@link Backend#adamBf16}'s moments: element
 * (i, j) of an r×c bf16 matrix is the low 16 bits of element (i, j/2) of an r × ⌈c/2⌉ fp32 matrix for even j, the
 * high 16 bits for odd j. A bf16 value is the top 16 bits of an fp32 value.
 */
public final class Bf16 {

    private Bf16() {
    }

    /** Columns of the packed matrix for c bf16 columns. */
    public static int packedCols(int cols) {
        return (cols + 1) / 2;
    }

    /** The fp32 value of bf16 bits. */
    public static float toFloat(int bits16) {
        return Float.intBitsToFloat((bits16 & 0xFFFF) << 16);
    }

    /** The bf16 nearest to x (ties to even); NaN stays a quiet NaN. */
    public static int fromFloat(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (bits >>> 16) | 0x0040;
        }
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }

    /** bf16 element (i, j) of a packed host matrix, as fp32. */
    public static float get(Matrix packed, int i, int j) {
        int word = word(packed, i, j >> 1);
        return toFloat((j & 1) == 0 ? word : word >>> 16);
    }

    /** Sets bf16 element (i, j) of a packed host matrix to the bf16 nearest x. */
    public static void set(Matrix packed, int i, int j, float x) {
        int word = word(packed, i, j >> 1);
        int half = fromFloat(x);
        setWord(packed, i, j >> 1, (j & 1) == 0 ? (word & 0xFFFF0000) | half : (word & 0x0000FFFF) | (half << 16));
    }

    /**
     * Word (i, w) of a packed host matrix, read as an int: two bf16 values can form a 32-bit NaN pattern, which a
     * read through float need not keep bit for bit.
     */
    public static int word(Matrix packed, int i, int w) {
        check(packed, i, w);
        return packed.segment().getAtIndex(ValueLayout.JAVA_INT, packed.index(i, w));
    }

    /** Sets word (i, w) of a packed host matrix. */
    public static void setWord(Matrix packed, int i, int w, int word) {
        check(packed, i, w);
        packed.segment().setAtIndex(ValueLayout.JAVA_INT, packed.index(i, w), word);
    }

    private static void check(Matrix packed, int i, int w) {
        packed.requireHost("Bf16");
        if (i < 0 || i >= packed.rows() || w < 0 || w >= packed.cols()) {
            throw new IndexOutOfBoundsException("Bf16: word (" + i + ", " + w + ") is outside " + packed.shape());
        }
    }
}
