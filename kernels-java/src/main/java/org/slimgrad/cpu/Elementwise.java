package org.slimgrad.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.Bf16;
import org.slimgrad.Matrix;

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
                FloatVector vv = FloatVector.fromMemorySegment(S, v.segment(), vAt + d, ORDER, lanes)
                        .mul(b2).add(gv.mul(gv).mul(c2));
                mv.intoMemorySegment(m.segment(), mAt + d, ORDER, lanes);
                vv.intoMemorySegment(v.segment(), vAt + d, ORDER, lanes);
                FloatVector update = mv.mul(inverseBias1).div(vv.mul(inverseBias2).sqrt().add(eps)).mul(alpha);
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
                    float vij = beta2 * Bf16.toFloat(vWord >>> (16 * half)) + (1 - beta2) * gij * gij;
                    mNew |= Bf16.fromFloat(mij) << (16 * half);
                    vNew |= Bf16.fromFloat(vij) << (16 * half);
                    float update = alpha * (mij * inverseBias1 / ((float) Math.sqrt(vij * inverseBias2) + epsilon));
                    out.set(i, j, beta == 0f ? update : beta * out.get(i, j) + update);
                }
                Bf16.setWord(m16, i, w, mNew);
                Bf16.setWord(v16, i, w, vNew);
            }
        }
    }
}
