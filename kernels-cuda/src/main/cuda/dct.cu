// The orthonormal DCT-II and DCT-III of every line of a matrix, any length N, by Makhoul's reordering and a complex
// FFT of length N (Stockham autosort, one launch per stage, a direct radix-p butterfly for every prime factor).
// A line is a row (element j of line l at l·lineStride + j·elemStride with lineStride = ld, elemStride = 1) or a
// column (the strides swapped). The transform works in a complex workspace of lines × N float2 values; per-length
// tables come from the Java side in float64-rounded floats:
//   roots[t]   = e^{−2πi·t/N}            (every twiddle of every stage is one of them)
//   shift[k]   = e^{−iπk/(2N)}           (Makhoul's post-twiddle; its conjugate pre-twiddles the inverse)
// Orthonormal scales: c_0 = √(1/N), c_k = √(2/N).
#include "common.cuh"

struct sg_complex {
    float re;
    float im;
};

__device__ __forceinline__ sg_complex sg_mul(sg_complex a, sg_complex b) {
    return sg_complex{a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}

__device__ __forceinline__ float sg_scale(int k, int n) {
    return k == 0 ? sqrtf(1.0f / n) : sqrtf(2.0f / n);
}

// Forward: work(l, k) = v_k, Makhoul's even-then-reversed-odd order: v_k = x_{2k} for 2k < N, else x_{2(N−1−k)+1}.
extern "C" __global__ void sg_dct_load(int lines, int n, const float* x, int lineStride, int elemStride,
                                       sg_complex* work) {
    FOR_ROWS(l, lines) {
        FOR_COLS(k, n) {
            int j = 2 * k < n ? 2 * k : 2 * (n - 1 - k) + 1;
            work[(long long)l * n + k] = sg_complex{x[(long long)l * lineStride + (long long)j * elemStride], 0.0f};
        }
    }
}
SLIMGRAD_EXPORT(sg_dct_load)

// Inverse: coefficient k of line l is y(l, slot[k]) when slot is given (−1: zero; idctScatter's sparse rows), else
// y(l, k). work(l, k) = conj(V_k) with V_k = e^{iπk/2N}·(y_k/(N·c_k) − i·y_{N−k}/(N·c_{N−k})), y_N = 0, so that
// the forward FFT of work, read as its real part, is the inverse transform (x_{2m} = v_m, x_{2m+1} = v_{N−1−m}).
extern "C" __global__ void sg_idct_load(int lines, int n, const float* y, int lineStride, int elemStride,
                                        const int* slot, const sg_complex* shift, sg_complex* work) {
    FOR_ROWS(l, lines) {
        FOR_COLS(k, n) {
            const float* line = y + (long long)l * lineStride;
            int a = slot == nullptr ? k : slot[k];
            int b = k == 0 ? -1 : (slot == nullptr ? n - k : slot[n - k]);
            float ya = a < 0 ? 0.0f : line[(long long)a * elemStride] / (n * sg_scale(k, n));
            float yb = b < 0 ? 0.0f : line[(long long)b * elemStride] / (n * sg_scale(n - k, n));
            // conj(V_k) = conj(e^{iπk/2N})·(ya + i·yb) = shift[k]·(ya + i·yb)
            work[(long long)l * n + k] = sg_mul(shift[k], sg_complex{ya, yb});
        }
    }
}
SLIMGRAD_EXPORT(sg_idct_load)

// One Stockham radix-p stage: p transforms of length L become one of length L·p. Butterfly i < N/p of line l reads
// a_q = in(l, i + q·N/p)·e^{−2πi·q·k/(L·p)} (k = i mod L) and writes Σ_q a_q·e^{−2πi·q·t/p} to
// out(l, (i − k)·p + k + t·L) for t < p: a direct DFT of size p, O(p) per point.
extern "C" __global__ void sg_fft_stage(int lines, int n, int p, int span, const sg_complex* roots,
                                        const sg_complex* in, sg_complex* out) {
    int butterflies = n / p;
    int twiddleStep = n / (span * p);  // e^{−2πi·q·k/(L·p)} = roots[q·k·N/(L·p)]
    int radixStep = n / p;             // e^{−2πi·r/p}        = roots[r·N/p]
    FOR_ROWS(l, lines) {
        const sg_complex* src = in + (long long)l * n;
        sg_complex* dst = out + (long long)l * n;
        FOR_COLS(i, butterflies) {
            int k = i % span;
            int base = (i - k) * p + k;
            for (int t = 0; t < p; t++) {
                sg_complex sum{0.0f, 0.0f};
                for (int q = 0; q < p; q++) {
                    sg_complex a = src[i + q * butterflies];
                    if (q != 0 && k != 0) {
                        a = sg_mul(a, roots[(long long)q * k * twiddleStep % n]);
                    }
                    sg_complex w = roots[(q * t % p) * radixStep];
                    sum.re += a.re * w.re - a.im * w.im;
                    sum.im += a.re * w.im + a.im * w.re;
                }
                dst[base + t * span] = sum;
            }
        }
    }
}
SLIMGRAD_EXPORT(sg_fft_stage)

// Forward result: out(l, o) = c_k·Re(V_k·e^{−iπk/2N}) for k = index[o] (dctGather) or k = o (dct); count outputs.
extern "C" __global__ void sg_dct_store(int lines, int n, int count, const sg_complex* work, const sg_complex* shift,
                                        const int* index, float* out, int lineStride, int elemStride) {
    FOR_ROWS(l, lines) {
        FOR_COLS(o, count) {
            int k = index == nullptr ? o : index[o];
            sg_complex v = work[(long long)l * n + k];
            float value = (v.re * shift[k].re - v.im * shift[k].im) * sg_scale(k, n);
            out[(long long)l * lineStride + (long long)o * elemStride] = value;
        }
    }
}
SLIMGRAD_EXPORT(sg_dct_store)

// Inverse result: x_j = Re v_m with m = j/2 for even j, N−1−(j−1)/2 for odd j; out = α·x + β·out (β = 0: not read).
extern "C" __global__ void sg_idct_store(int lines, int n, const sg_complex* work, float alpha, float beta, float* out,
                                         int lineStride, int elemStride) {
    FOR_ROWS(l, lines) {
        FOR_COLS(j, n) {
            int m = j % 2 == 0 ? j / 2 : n - 1 - (j - 1) / 2;
            float x = work[(long long)l * n + m].re;
            float* at = out + (long long)l * lineStride + (long long)j * elemStride;
            *at = beta == 0.0f ? alpha * x : fmaf(alpha, x, beta * *at);
        }
    }
}
SLIMGRAD_EXPORT(sg_idct_store)

// scores[k] = Σ_l |y(l, k)| (l1 != 0) or √(Σ_l y(l, k)²): the coefficients are formed and reduced here, never stored.
// One thread per coefficient, lines in order, float64 sums: deterministic.
extern "C" __global__ void sg_dct_scores(int lines, int n, int l1, const sg_complex* work, const sg_complex* shift,
                                         float* scores) {
    FOR_COLS(k, n) {
        double sum = 0.0;
        float scale = sg_scale(k, n);
        for (int l = 0; l < lines; l++) {
            sg_complex v = work[(long long)l * n + k];
            double y = (double)((v.re * shift[k].re - v.im * shift[k].im) * scale);
            sum += l1 ? fabs(y) : y * y;
        }
        scores[k] = (float)(l1 ? sum : sqrt(sum));
    }
}
SLIMGRAD_EXPORT(sg_dct_scores)
