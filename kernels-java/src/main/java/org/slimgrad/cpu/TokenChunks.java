package org.slimgrad.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.slimgrad.Matrix;
import org.slimgrad.simd.VectorWidth;

/**
 * Moves a chunk of up to {@link #TOKENS} consecutive rows (tokens) of a matrix into a token-major buffer and back:
 * {@code buf[j·TOKENS + t]} holds element (t0 + t, j), so one column's chunk of tokens is {@code TOKENS} contiguous
 * floats — what sparse kernels load as vectors while they hop between columns. Full LANES×LANES blocks go through
 * {@link TileTranspose} straight from the matrix's rows; the ragged edges are copied one element at a time.
 */
final class TokenChunks {

    private static final VectorSpecies<Float> S = VectorWidth.FLOATS;
    static final int LANES = S.length();
    /**
     * Tokens per chunk: 8 vectors, enough to amortise the per-position index and value loads; {@link SparseKernels}
     * unrolls over exactly these 8.
     */
    static final int TOKENS = 8 * LANES;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    /** {@link #store}'s transposed tile: LANES rows of LANES tokens' elements. */
    private final float[] tile = new float[LANES * LANES];

    /** buf[base + j·TOKENS + t] = x[t0 + t, j] for t &lt; tokens; zero for tokens ≤ t &lt; TOKENS. */
    void load(Matrix x, int t0, int tokens, float[] buf, int base) {
        int cols = x.cols();
        MemorySegment seg = x.segment();
        int fullTokens = tokens - tokens % LANES;
        int fullCols = cols - cols % LANES;
        for (int t = 0; t < fullTokens; t += LANES) {
            for (int j = 0; j < fullCols; j += LANES) {
                TileTranspose.transpose(seg, x.index(t0 + t, j), x.ld(), buf, base + j * TOKENS + t, TOKENS);
            }
        }
        for (int t = 0; t < TOKENS; t++) {
            boolean inside = t < tokens;
            for (int j = (t < fullTokens ? fullCols : 0); j < cols; j++) {
                buf[base + j * TOKENS + t] = inside ? seg.get(F, x.index(t0 + t, j) * Float.BYTES) : 0f;
            }
        }
    }

    /** y[t0 + t, i] = α·buf[base + i·TOKENS + t] + β·y[t0 + t, i] for t &lt; tokens (y not read when β = 0). */
    void store(float[] buf, int base, float alpha, float beta, Matrix y, int t0, int tokens) {
        int cols = y.cols();
        MemorySegment seg = y.segment();
        int fullTokens = tokens - tokens % LANES;
        int fullCols = cols - cols % LANES;
        MemorySegment columns = MemorySegment.ofArray(buf);
        for (int t = 0; t < fullTokens; t += LANES) {
            for (int i = 0; i < fullCols; i += LANES) {
                TileTranspose.transpose(columns, base + i * TOKENS + t, TOKENS, tile, 0, LANES);
                for (int q = 0; q < LANES; q++) {
                    long at = y.index(t0 + t + q, i) * Float.BYTES;
                    FloatVector v = FloatVector.fromArray(S, tile, q * LANES).mul(alpha);
                    if (beta != 0f) {
                        v = FloatVector.fromMemorySegment(S, seg, at, ORDER).mul(beta).add(v);
                    }
                    v.intoMemorySegment(seg, at, ORDER);
                }
            }
        }
        for (int t = 0; t < tokens; t++) {
            for (int i = (t < fullTokens ? fullCols : 0); i < cols; i++) {
                long at = y.index(t0 + t, i) * Float.BYTES;
                float v = alpha * buf[base + i * TOKENS + t];
                seg.set(F, at, beta == 0f ? v : v + beta * seg.get(F, at));
            }
        }
    }
}
