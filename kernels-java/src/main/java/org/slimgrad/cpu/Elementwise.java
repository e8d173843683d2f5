package org.slimgrad.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.Bf16;
import org.slimgrad.Matrix;
import org.slimgrad.simd.LaneSums;
import org.slimgrad.simd.VectorWidth;

/**
 * Element-wise kernels over matrix views. A contiguous matrix is treated as one long row; otherwise each row is
 * one vector loop with a masked tail.
 */
final class Elementwise {

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private Elementwise() {
    }

    // Y = α·X + Y
    static void axpy(float alpha, Matrix x, Matrix y) {
        boolean flat = x.isContiguous() && y.isContiguous();
        int rows = flat ? 1 : y.rows();
        long length = flat ? y.size() : y.cols();
        FloatVector va = FloatVector.broadcast(S, alpha);
        MemorySegment xs = x.segment();
        MemorySegment ys = y.segment();
        for (int i = 0; i < rows; i++) {
            long xAt = x.index(i, 0) * Float.BYTES;
            long yAt = y.index(i, 0) * Float.BYTES;
            long j = 0;
            for (long bound = length - length % L; j < bound; j += L) {
                long dx = xAt + j * Float.BYTES;
                long dy = yAt + j * Float.BYTES;
                FloatVector.fromMemorySegment(S, xs, dx, ORDER)
                        .fma(va, FloatVector.fromMemorySegment(S, ys, dy, ORDER))
                        .intoMemorySegment(ys, dy, ORDER);
            }
            if (j < length) {
                VectorMask<Float> tail = S.indexInRange(j, length);
                long dx = xAt + j * Float.BYTES;
                long dy = yAt + j * Float.BYTES;
                FloatVector.fromMemorySegment(S, xs, dx, ORDER, tail)
                        .fma(va, FloatVector.fromMemorySegment(S, ys, dy, ORDER, tail))
                        .intoMemorySegment(ys, dy, ORDER, tail);
            }
        }
    }

    // X = α·X, and exactly 0 where α = 0 (so NaN in X does not survive, as BLAS's β = 0 promises)
    static void scale(float alpha, Matrix x) {
        boolean flat = x.isContiguous();
        int rows = flat ? 1 : x.rows();
        long length = flat ? x.size() : x.cols();
        MemorySegment xs = x.segment();
        for (int i = 0; i < rows; i++) {
            long at = x.index(i, 0) * Float.BYTES;
            if (alpha == 0f) {
                xs.asSlice(at, length * Float.BYTES).fill((byte) 0);
                continue;
            }
            long j = 0;
            for (long bound = length - length % L; j < bound; j += L) {
                long d = at + j * Float.BYTES;
                FloatVector.fromMemorySegment(S, xs, d, ORDER).mul(alpha).intoMemorySegment(xs, d, ORDER);
            }
            if (j < length) {
                VectorMask<Float> tail = S.indexInRange(j, length);
                long d = at + j * Float.BYTES;
                FloatVector.fromMemorySegment(S, xs, d, ORDER, tail).mul(alpha).intoMemorySegment(xs, d, ORDER, tail);
            }
        }
    }

    private static final float INFINITY = Float.POSITIVE_INFINITY;
    private static final VectorSpecies<Double> DOUBLES = VectorWidth.DOUBLES;
    /** Floats as many as DOUBLES has lanes. */
    private static final VectorSpecies<Float> HALF_FLOATS = VectorSpecies.of(float.class,
            VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));

    /**
     * ‖X‖_F² in float64, as the host backends' scalar loop computes it (squares of fp32 values are exact in float64
     * and no sum of 2^31 of them overflows), with the lanes summed in another (fixed) order: within 1e-12 relative
     * of it, and the same bits whether or not the JIT has compiled it.
     */
    static double sumOfSquares(Matrix x) {
        boolean flat = x.isContiguous();
        int rows = flat ? 1 : x.rows();
        long length = flat ? x.size() : x.cols();
        DoubleVector low = DoubleVector.zero(DOUBLES);
        DoubleVector high = DoubleVector.zero(DOUBLES);
        int half = HALF_FLOATS.length();
        for (int i = 0; i < rows; i++) {
            long at = x.index(i, 0) * Float.BYTES;
            for (long j = 0; j < length; j += 2 * half) {
                DoubleVector first = widened(x.segment(), at, j, length);
                DoubleVector second = widened(x.segment(), at, j + half, length);
                low = first.fma(first, low);
                high = second.fma(second, high);
            }
        }
        return LaneSums.sum(low.add(high));
    }

    // Floats [j, j + half) of the run at byte offset at (zero past length) as doubles: a half-width load widened in
    // one instruction (widening the upper half of a full-width vector took a non-intrinsic path that allocated)
    private static DoubleVector widened(MemorySegment segment, long at, long j, long length) {
        FloatVector v = j + HALF_FLOATS.length() <= length
                ? FloatVector.fromMemorySegment(HALF_FLOATS, segment, at + j * Float.BYTES, ORDER)
                : FloatVector.fromMemorySegment(HALF_FLOATS, segment, at + j * Float.BYTES, ORDER,
                        HALF_FLOATS.indexInRange(j, length));
        return (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /**
     * The largest |x| over the matrix; NaN if it holds a NaN, +Inf if it holds an infinity (and no NaN). Four
     * independent maxima over unmasked loads per row, a scalar tail: the guards of the DCTs pay this pass on every
     * call.
     */
    static float maxAbs(Matrix x) {
        boolean flat = x.isContiguous();
        int rows = flat ? 1 : x.rows();
        long length = flat ? x.size() : x.cols();
        float max = 0f;
        for (int i = 0; i < rows; i++) {
            max = Math.max(max, maxAbs(x.segment(), x.index(i, 0) * Float.BYTES, length));
        }
        return max;
    }

    // the largest |value| of `length` floats from byte `at` on (NaN if one is NaN). Vectors live only within the
    // one whole-vector loop, the tail (under four vectors) is scalar: the earlier form, its maxima carried across
    // rows and through a masked tail, was compiled in about half of the JMH forks with max() left as a library call
    // that allocated a vector per 16 floats scanned (2–4 MB per DCT step or row DCT); so was, in 2 of 6, this form
    // with a second loop over the tail's whole vectors. This one was not, in 34 fork runs.
    private static float maxAbs(MemorySegment segment, long at, long length) {
        long bound = length - length % (4L * L);
        FloatVector m0 = FloatVector.zero(S);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        for (long j = 0; j < bound; j += 4L * L) {
            long d = at + j * Float.BYTES;
            m0 = m0.max(FloatVector.fromMemorySegment(S, segment, d, ORDER).abs());
            m1 = m1.max(FloatVector.fromMemorySegment(S, segment, d + (long) L * Float.BYTES, ORDER).abs());
            m2 = m2.max(FloatVector.fromMemorySegment(S, segment, d + 2L * L * Float.BYTES, ORDER).abs());
            m3 = m3.max(FloatVector.fromMemorySegment(S, segment, d + 3L * L * Float.BYTES, ORDER).abs());
        }
        float max = m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX);
        for (long j = bound; j < length; j++) {
            max = Math.max(max, Math.abs(segment.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + j * Float.BYTES)));
        }
        return max;
    }

    /**
     * The Adam step: m and v updated in place, out = α·m̂/(√v̂ + ε) + β·out; out may be g itself (each element is
     * read before it is written). Row by row, or as one row when every operand is contiguous.
     */
    static void adam(Matrix g, Matrix m, Matrix v, float beta1, float beta2, float epsilon, long step, float alpha,
                     float beta, Matrix out) {
        boolean flat = g.isContiguous() && m.isContiguous() && v.isContiguous() && out.isContiguous();
        int rows = flat ? 1 : g.rows();
        long length = flat ? g.size() : g.cols();
        float inverseBias1 = (float) (1 / (1 - Math.pow(beta1, step)));
        float inverseBias2 = (float) (1 / (1 - Math.pow(beta2, step)));
        FloatVector b1 = FloatVector.broadcast(S, beta1);
        FloatVector c1 = FloatVector.broadcast(S, 1 - beta1);
        FloatVector b2 = FloatVector.broadcast(S, beta2);
        FloatVector c2 = FloatVector.broadcast(S, 1 - beta2);
        FloatVector eps = FloatVector.broadcast(S, epsilon);
        float gScale = (float) Math.sqrt(1 - beta2);
        float rootInverseBias2 = (float) Math.sqrt(1 / (1 - Math.pow(beta2, step)));
        for (int i = 0; i < rows; i++) {
            long gAt = g.index(i, 0) * Float.BYTES;
            long mAt = m.index(i, 0) * Float.BYTES;
            long vAt = v.index(i, 0) * Float.BYTES;
            long oAt = out.index(i, 0) * Float.BYTES;
            for (long j = 0; j < length; j += L) {
                VectorMask<Float> lanes = S.indexInRange(j, length);
                long d = j * Float.BYTES;
                FloatVector gv = FloatVector.fromMemorySegment(S, g.segment(), gAt + d, ORDER, lanes);
                FloatVector mv = FloatVector.fromMemorySegment(S, m.segment(), mAt + d, ORDER, lanes)
                        .mul(b1).add(gv.mul(c1));
                // (1−β₂)·g² as (√(1−β₂)·g)² and √v̂ as √v·√(1/(1−β₂ᵗ)) only in lanes where g² or v/(1−β₂ᵗ)
                // overflows: a finite g whose moment is representable never makes v or the update infinite, and
                // every other lane keeps the plain formula's bits. Both are ≥ 0, so overflow is +∞ exactly: compare
                // with it (intrinsified; test(IS_INFINITE) is not, and boxed every vector, 20x slower)
                FloatVector squares = gv.mul(gv);
                FloatVector scaled = gv.mul(gScale);
                squares = squares.mul(c2).blend(scaled.mul(scaled), squares.compare(VectorOperators.EQ, INFINITY));
                FloatVector vv = FloatVector.fromMemorySegment(S, v.segment(), vAt + d, ORDER, lanes)
                        .mul(b2).add(squares);
                mv.intoMemorySegment(m.segment(), mAt + d, ORDER, lanes);
                vv.intoMemorySegment(v.segment(), vAt + d, ORDER, lanes);
                FloatVector vHat = vv.mul(inverseBias2);
                FloatVector root = vHat.sqrt().blend(vv.sqrt().mul(rootInverseBias2),
                        vHat.compare(VectorOperators.EQ, INFINITY));
                FloatVector update = mv.mul(inverseBias1).div(root.add(eps)).mul(alpha);
                if (beta != 0f) {
                    update = FloatVector.fromMemorySegment(S, out.segment(), oAt + d, ORDER, lanes).mul(beta)
                            .add(update);
                }
                update.intoMemorySegment(out.segment(), oAt + d, ORDER, lanes);
            }
        }
    }

    // adam's fp32 arithmetic on moments packed two bf16 to a word (Bf16); one word, two elements, per iteration
    static void adamBf16(Matrix g, Matrix m16, Matrix v16, float beta1, float beta2, float epsilon, long step,
                         float alpha, float beta, Matrix out) {
        float inverseBias1 = (float) (1 / (1 - Math.pow(beta1, step)));
        float inverseBias2 = (float) (1 / (1 - Math.pow(beta2, step)));
        int cols = g.cols();
        for (int i = 0; i < g.rows(); i++) {
            for (int w = 0; w < Bf16.packedCols(cols); w++) {
                int mWord = Bf16.word(m16, i, w);
                int vWord = Bf16.word(v16, i, w);
                int mNew = 0;
                int vNew = 0;
                for (int half = 0; half < 2 && 2 * w + half < cols; half++) {
                    int j = 2 * w + half;
                    float gij = g.get(i, j);
                    float mij = beta1 * Bf16.toFloat(mWord >>> (16 * half)) + (1 - beta1) * gij;
                    float vij = beta2 * Bf16.toFloat(vWord >>> (16 * half)) + secondMomentTerm(gij, beta2);
                    mNew |= Bf16.fromFloat(mij) << (16 * half);
                    vNew |= Bf16.fromFloat(vij) << (16 * half);
                    float update = alpha * (mij * inverseBias1 / (rootOfCorrected(vij, inverseBias2, step, beta2)
                            + epsilon));
                    out.set(i, j, beta == 0f ? update : beta * out.get(i, j) + update);
                }
                Bf16.setWord(m16, i, w, mNew);
                Bf16.setWord(v16, i, w, vNew);
            }
        }
    }

    // (1−β₂)·g², through (√(1−β₂)·g)² where g² alone overflows (as adam does lane by lane)
    private static float secondMomentTerm(float g, float beta2) {
        float squares = g * g;
        if (Float.isInfinite(squares)) {
            float scaled = g * (float) Math.sqrt(1 - beta2);
            return scaled * scaled;
        }
        return (1 - beta2) * squares;
    }

    // √(v/(1−β₂ᵗ)), through √v·√(1/(1−β₂ᵗ)) where the corrected moment alone overflows
    private static float rootOfCorrected(float v, float inverseBias2, long step, float beta2) {
        float corrected = v * inverseBias2;
        if (Float.isInfinite(corrected)) {
            return (float) Math.sqrt(v) * (float) Math.sqrt(1 / (1 - Math.pow(beta2, step)));
        }
        return (float) Math.sqrt(corrected);
    }
}
