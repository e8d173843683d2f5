// The orthonormal DCT-II and DCT-III of every line of a matrix, any length N, by Makhoul's reordering and a complex
// FFT of length N (Stockham autosort, one launch per stage, a direct radix-p butterfly for every prime factor).
// A line is a row (element j of line l at l·lineStride + j·elemStride with lineStride = ld, elemStride = 1) or a
// column (the strides swapped). The transform works in a complex workspace of lines × N float2 values; per-length
// tables come from the Java side in float64-rounded floats:
//   roots[t]   = e^{−2πi·t/N}            (every twiddle of every stage is one of them)
//   shift[k]   = e^{−iπk/(2N)}           (Makhoul's post-twiddle; its conjugate pre-twiddles the inverse)
// Orthonormal scales: c_0 = √(1/N), c_k = √(2/N).
//
// Coalescing: for rows (linesInner = 0) the elements of a line are adjacent in memory and the threads of a warp run
// along a line; for columns (linesInner = 1) the lines are adjacent and the warp runs across lines, and the complex
// workspace is stored the same way round (element k of line l at k·lines + l), so every load, stage and store reads
// and writes consecutive addresses.
#include "common.cuh"

// Headroom: the load kernels scale every value by 2⁻²⁴ and the store kernels scale back by 2²⁴, exactly (powers of
// two), so the unnormalised FFT, whose values grow up to N·max|x|, cannot overflow for any finite line of length
// N < 2²³; results are bit for bit the unscaled ones except for lines whose values lie below ~2⁻¹⁰² (subnormal in the
// workspace). A finite line whose exact transform is finite so gives a finite result, as on the cpu backend.
#define SG_HEADROOM 0x1p-24f
#define SG_HEADROOM_BACK 0x1p24f

// 8-byte aligned, so that one complex value is one 64-bit load or store
struct __align__(8) sg_complex {
    float re;
    float im;
};

__device__ __forceinline__ sg_complex sg_mul(sg_complex a, sg_complex b) {
    return sg_complex{a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}

__device__ __forceinline__ float sg_scale(int k, int n) {
    return k == 0 ? sqrtf(1.0f / n) : sqrtf(2.0f / n);
}

// index of element k of line l in the workspace
__device__ __forceinline__ long long sg_at(int linesInner, int lines, int n, int l, int k) {
    return linesInner ? (long long)k * lines + l : (long long)l * n + k;
}

// Visits every (line l, index k < count): the grid's y dimension takes the outer one, x the inner, adjacent one.
#define FOR_LINE_INDEX(l, k, lines, count, linesInner)                                  \
    FOR_ROWS(outer_, (linesInner) ? (count) : (lines))                                   \
    FOR_COLS(inner_, (linesInner) ? (lines) : (count))                                   \
    for (int l = (linesInner) ? inner_ : outer_, k = (linesInner) ? outer_ : inner_, once_ = 1; once_; once_ = 0)

// Forward: work(l, k) = v_k, Makhoul's even-then-reversed-odd order: v_k = x_{2k} for 2k < N, else x_{2(N−1−k)+1}.
extern "C" __global__ void sg_dct_load(int lines, int n, int linesInner, const float* x, int lineStride,
                                       int elemStride, sg_complex* work) {
    FOR_LINE_INDEX(l, k, lines, n, linesInner) {
        int j = 2 * k < n ? 2 * k : 2 * (n - 1 - k) + 1;
        work[sg_at(linesInner, lines, n, l, k)] =
                sg_complex{x[(long long)l * lineStride + (long long)j * elemStride] * SG_HEADROOM, 0.0f};
    }
}
SLIMGRAD_EXPORT(sg_dct_load)

// Inverse: coefficient k of line l is y(l, slot[k]) when slot is given (−1: zero; idctScatter's sparse rows), else
// y(l, k). work(l, k) = conj(V_k) with V_k = e^{iπk/2N}·(y_k/(N·c_k) − i·y_{N−k}/(N·c_{N−k})), y_N = 0, so that
// the forward FFT of work, read as its real part, is the inverse transform (x_{2m} = v_m, x_{2m+1} = v_{N−1−m}).
extern "C" __global__ void sg_idct_load(int lines, int n, int linesInner, const float* y, int lineStride,
                                        int elemStride, const int* slot, const sg_complex* shift, sg_complex* work) {
    FOR_LINE_INDEX(l, k, lines, n, linesInner) {
        const float* line = y + (long long)l * lineStride;
        int a = slot == nullptr ? k : slot[k];
        int b = k == 0 ? -1 : (slot == nullptr ? n - k : slot[n - k]);
        float ya = a < 0 ? 0.0f : line[(long long)a * elemStride] * SG_HEADROOM / (n * sg_scale(k, n));
        float yb = b < 0 ? 0.0f : line[(long long)b * elemStride] * SG_HEADROOM / (n * sg_scale(n - k, n));
        // conj(V_k) = conj(e^{iπk/2N})·(ya + i·yb) = shift[k]·(ya + i·yb)
        work[sg_at(linesInner, lines, n, l, k)] = sg_mul(shift[k], sg_complex{ya, yb});
    }
}
SLIMGRAD_EXPORT(sg_idct_load)

// One Stockham radix-p stage: p transforms of length L become one of length L·p. Butterfly i < N/p of line l reads
// a_q = in(l, i + q·N/p)·e^{−2πi·q·k/(L·p)} (k = i mod L) and writes Σ_q a_q·e^{−2πi·q·t/p} to
// out(l, (i − k)·p + k + t·L) for t < p. The twiddle's index q·k·N/(L·p) is below N, so no reduction mod N is needed;
// the Java side keeps lines·N below 2³¹, so every index is a 32-bit int.
//
// Radices up to 8 (every power-of-two stage, 3, 5 and 7) are unrolled at compile time: each input is loaded (one 8-byte
// load) and twiddled once into registers, and e^{−2πi·q·t/p} is a constant table index. Larger prime radices take
// their outputs eight at a time: each input is loaded and twiddled once per eight outputs, ⌈p/8⌉ times in all.
#define SG_MAX_UNROLLED_RADIX 8

__device__ __forceinline__ int sg_at32(int linesInner, int lines, int n, int l, int k) {
    return linesInner ? k * lines + l : l * n + k;
}

// a_q of butterfly i: input q of its transform, twiddled
__device__ __forceinline__ sg_complex sg_stage_input(const sg_complex* in, const sg_complex* roots, int linesInner,
                                                     int lines, int n, int l, int i, int k, int q, int butterflies,
                                                     int twiddleStep) {
    sg_complex a = in[sg_at32(linesInner, lines, n, l, i + q * butterflies)];
    return q == 0 || k == 0 ? a : sg_mul(a, roots[q * k * twiddleStep]);
}

__device__ __forceinline__ void sg_accumulate(sg_complex& sum, sg_complex a, sg_complex w) {
    sum.re += a.re * w.re - a.im * w.im;
    sum.im += a.re * w.im + a.im * w.re;
}

template <int P>
__device__ void sg_fft_stage_unrolled(int lines, int n, int span, int linesInner, const sg_complex* roots,
                                      const sg_complex* in, sg_complex* out) {
    int butterflies = n / P;
    int twiddleStep = butterflies / span;  // e^{−2πi·q·k/(L·p)} = roots[q·k·N/(L·p)]
    FOR_LINE_INDEX(l, i, lines, butterflies, linesInner) {
        int k = i % span;
        int base = (i - k) * P + k;
        sg_complex a[P];
#pragma unroll
        for (int q = 0; q < P; q++) {
            a[q] = sg_stage_input(in, roots, linesInner, lines, n, l, i, k, q, butterflies, twiddleStep);
        }
#pragma unroll
        for (int t = 0; t < P; t++) {
            sg_complex sum = a[0];
#pragma unroll
            for (int q = 1; q < P; q++) {
                sg_accumulate(sum, a[q], roots[(q * t % P) * butterflies]);  // e^{−2πi·r/p} = roots[r·N/p]
            }
            out[sg_at32(linesInner, lines, n, l, base + t * span)] = sum;
        }
    }
}

__device__ void sg_fft_stage_chunked(int lines, int n, int p, int span, int linesInner, const sg_complex* roots,
                                     const sg_complex* in, sg_complex* out) {
    int butterflies = n / p;
    int twiddleStep = butterflies / span;
    FOR_LINE_INDEX(l, i, lines, butterflies, linesInner) {
        int k = i % span;
        int base = (i - k) * p + k;
        for (int first = 0; first < p; first += SG_MAX_UNROLLED_RADIX) {
            sg_complex sum[SG_MAX_UNROLLED_RADIX];
#pragma unroll
            for (int t = 0; t < SG_MAX_UNROLLED_RADIX; t++) {
                sum[t] = sg_complex{0.0f, 0.0f};
            }
            for (int q = 0; q < p; q++) {
                sg_complex a = sg_stage_input(in, roots, linesInner, lines, n, l, i, k, q, butterflies, twiddleStep);
                int r = q * first % p;  // q·t mod p for t = first, then stepped by q
#pragma unroll
                for (int t = 0; t < SG_MAX_UNROLLED_RADIX; t++) {
                    sg_accumulate(sum[t], a, roots[r * butterflies]);
                    r += q;
                    r = r >= p ? r - p : r;
                }
            }
            for (int t = 0; t < SG_MAX_UNROLLED_RADIX && first + t < p; t++) {
                out[sg_at32(linesInner, lines, n, l, base + (first + t) * span)] = sum[t];
            }
        }
    }
}

extern "C" __global__ void sg_fft_stage(int lines, int n, int p, int span, int linesInner, const sg_complex* roots,
                                        const sg_complex* in, sg_complex* out) {
    switch (p) {
        case 2: sg_fft_stage_unrolled<2>(lines, n, span, linesInner, roots, in, out); break;
        case 3: sg_fft_stage_unrolled<3>(lines, n, span, linesInner, roots, in, out); break;
        case 4: sg_fft_stage_unrolled<4>(lines, n, span, linesInner, roots, in, out); break;
        case 5: sg_fft_stage_unrolled<5>(lines, n, span, linesInner, roots, in, out); break;
        case 7: sg_fft_stage_unrolled<7>(lines, n, span, linesInner, roots, in, out); break;
        case 8: sg_fft_stage_unrolled<8>(lines, n, span, linesInner, roots, in, out); break;
        default: sg_fft_stage_chunked(lines, n, p, span, linesInner, roots, in, out); break;
    }
}
SLIMGRAD_EXPORT(sg_fft_stage)

// Forward result: out(l, o) = c_k·Re(V_k·e^{−iπk/2N}) for k = index[o] (dctGather) or k = o (dct); count outputs.
// With firstNonFinite given (dctSelect: the top-k kernel's report[1]), nothing is stored when a score was NaN or ±∞
// (firstNonFinite[0] < n): the host refuses that selection, and out must be left as it was.
extern "C" __global__ void sg_dct_store(int lines, int n, int count, int linesInner, const sg_complex* work,
                                        const sg_complex* shift, const int* index, const int* firstNonFinite, float* out,
                                        int lineStride, int elemStride) {
    if (firstNonFinite != nullptr && firstNonFinite[0] < n) {
        return;
    }
    FOR_LINE_INDEX(l, o, lines, count, linesInner) {
        int k = index == nullptr ? o : index[o];
        sg_complex v = work[sg_at(linesInner, lines, n, l, k)];
        float value = (v.re * shift[k].re - v.im * shift[k].im) * sg_scale(k, n) * SG_HEADROOM_BACK;
        out[(long long)l * lineStride + (long long)o * elemStride] = value;
    }
}
SLIMGRAD_EXPORT(sg_dct_store)

// Inverse result: x_j = Re v_m with m = j/2 for even j, N−1−(j−1)/2 for odd j; out = α·x + β·out (β = 0: not read).
extern "C" __global__ void sg_idct_store(int lines, int n, int linesInner, const sg_complex* work, float alpha,
                                         float beta, float* out, int lineStride, int elemStride) {
    FOR_LINE_INDEX(l, j, lines, n, linesInner) {
        int m = j % 2 == 0 ? j / 2 : n - 1 - (j - 1) / 2;
        float x = work[sg_at(linesInner, lines, n, l, m)].re * SG_HEADROOM_BACK;
        float* at = out + (long long)l * lineStride + (long long)j * elemStride;
        *at = beta == 0.0f ? alpha * x : fmaf(alpha, x, beta * *at);
    }
}
SLIMGRAD_EXPORT(sg_idct_store)

// scores[k] = Σ_l |y(l, k)| (l1 != 0) or √(Σ_l y(l, k)²): the coefficients are formed and reduced here, never stored.
// Rows: one thread per coefficient, lines in order. Columns (lines adjacent): one block per coefficient, its threads
// across the lines, a block reduction. Float64 sums in a fixed order either way: deterministic.
__device__ __forceinline__ double sg_coefficient_norm(sg_complex v, sg_complex shift, float scale, int l1) {
    double y = (double)((v.re * shift.re - v.im * shift.im) * scale) * SG_HEADROOM_BACK;
    return l1 ? fabs(y) : y * y;
}

extern "C" __global__ void sg_dct_scores(int lines, int n, int l1, int linesInner, const sg_complex* work,
                                         const sg_complex* shift, float* scores) {
    if (linesInner) {
        for (int k = blockIdx.x; k < n; k += gridDim.x) {
            float scale = sg_scale(k, n);
            double sum = 0.0;
            for (int l = threadIdx.x; l < lines; l += blockDim.x) {
                sum += sg_coefficient_norm(work[(long long)k * lines + l], shift[k], scale, l1);
            }
            sum = sg_block_reduce(sum, 0.0, SgSum());
            if (threadIdx.x == 0) {
                scores[k] = (float)(l1 ? sum : sqrt(sum));
            }
        }
        return;
    }
    FOR_COLS(k, n) {
        double sum = 0.0;
        float scale = sg_scale(k, n);
        for (int l = 0; l < lines; l++) {
            sum += sg_coefficient_norm(work[(long long)l * n + k], shift[k], scale, l1);
        }
        scores[k] = (float)(l1 ? sum : sqrt(sum));
    }
}
SLIMGRAD_EXPORT(sg_dct_scores)
