// slimgrad's hand-written kernels for the dense path: element-wise updates, layout changes, the counter-based
// sketch and the small helpers of Cholesky QR. Matrices are row-major with a leading dimension (row stride) in
// elements, exactly as org.slimgrad.Matrix describes them.
//
// nvcc compiles this file to PTX; g++ compiles it again with cuda_emulation.h for the GPU-less checks, so every
// kernel keeps that header's rules (all threads reach every barrier and shuffle, full warps). Launch shapes are
// chosen on the Java side (org.slimgrad.cuda.Launch); every loop strides over the grid, so any grid size is right.
#include "common.cuh"

// X = alpha·X; alpha = 0 writes zeros, NaN included (the Backend contract).
extern "C" __global__ void sg_scale(int rows, int cols, float alpha, float* x, int ldx) {
    FOR_ROWS(i, rows) {
        FOR_COLS(j, cols) {
            float* at = x + (long long)i * ldx + j;
            *at = alpha == 0.0f ? 0.0f : alpha * *at;
        }
    }
}
SLIMGRAD_EXPORT(sg_scale)

// Y = alpha·X + Y, one rounding (fused multiply-add), as the CPU kernels do.
extern "C" __global__ void sg_axpy(int rows, int cols, float alpha, const float* x, int ldx, float* y, int ldy) {
    FOR_ROWS(i, rows) {
        FOR_COLS(j, cols) {
            float* at = y + (long long)i * ldy + j;
            *at = fmaf(alpha, x[(long long)i * ldx + j], *at);
        }
    }
}
SLIMGRAD_EXPORT(sg_axpy)

extern "C" __global__ void sg_copy(int rows, int cols, const float* x, int ldx, float* y, int ldy) {
    FOR_ROWS(i, rows) {
        FOR_COLS(j, cols) {
            y[(long long)i * ldy + j] = x[(long long)i * ldx + j];
        }
    }
}
SLIMGRAD_EXPORT(sg_copy)

// Y = Xᵀ through a 32×32 tile in shared memory, so that reads and writes are both coalesced. Block 32×8; the grid
// strides over tiles. The tile has 33 columns so that a column read hits 32 different banks.
extern "C" __global__ void sg_transpose(int rows, int cols, const float* x, int ldx, float* y, int ldy) {
    __shared__ float tile[32][33];
    int rowTiles = (rows + 31) / 32;
    int colTiles = (cols + 31) / 32;
    for (int ti = blockIdx.y; ti < rowTiles; ti += gridDim.y) {
        for (int tj = blockIdx.x; tj < colTiles; tj += gridDim.x) {
            int j = tj * 32 + threadIdx.x;
            for (int r = threadIdx.y; r < 32; r += blockDim.y) {
                int i = ti * 32 + r;
                if (i < rows && j < cols) {
                    tile[r][threadIdx.x] = x[(long long)i * ldx + j];
                }
            }
            __syncthreads();
            int outCol = ti * 32 + threadIdx.x;  // a row of X
            for (int c = threadIdx.y; c < 32; c += blockDim.y) {
                int outRow = tj * 32 + c;  // a column of X
                if (outRow < cols && outCol < rows) {
                    y[(long long)outRow * ldy + outCol] = tile[threadIdx.x][c];
                }
            }
            __syncthreads();  // the tile is rewritten by the next iteration
        }
    }
}
SLIMGRAD_EXPORT(sg_transpose)

// Z(i, j) = CounterRandom.sketch(seed, i·cols + j) for firstCol <= j < cols: the Irwin–Hall sum of four 16-bit
// fields, converted exactly, minus 4·65535/2, times √3/65536 rounded to fp32 (0x1.bb67aep-16): two exact steps
// and one rounded multiply, so the value is bit-identical to the Java one.
extern "C" __global__ void sg_fill_sketch(int rows, int cols, int firstCol, unsigned long long seed, float* z,
                                          int ldz) {
    unsigned long long base = sg_mix(seed);
    FOR_ROWS(i, rows) {
        FOR_COLS(j, cols - firstCol) {
            unsigned long long index = (unsigned long long)i * cols + (firstCol + j);
            unsigned long long h = sg_bits(base, index);
            int sum = (int)(h & 0xFFFF) + (int)((h >> 16) & 0xFFFF) + (int)((h >> 32) & 0xFFFF) + (int)(h >> 48);
            z[(long long)i * ldz + firstCol + j] = ((float)sum - 131070.0f) * 0x1.bb67aep-16f;
        }
    }
}
SLIMGRAD_EXPORT(sg_fill_sketch)

// R = the upper triangle of a column-major n×n factor (cuSOLVER's potrf or geqrf output), as a row-major matrix
// with zeros below the diagonal: R(i, j) = a[i + j·lda] for i <= j.
extern "C" __global__ void sg_upper_from_column_major(int n, const float* a, int lda, float* r, int ldr) {
    FOR_ROWS(i, n) {
        FOR_COLS(j, n) {
            r[(long long)i * ldr + j] = i <= j ? a[i + (long long)j * lda] : 0.0f;
        }
    }
}
SLIMGRAD_EXPORT(sg_upper_from_column_major)

// A(i, i) += shift: the shifted Gram matrix of shifted Cholesky QR.
extern "C" __global__ void sg_add_diagonal(int n, float shift, float* a, int lda) {
    FOR_COLS(i, n) {
        a[(long long)i * lda + i] += shift;
    }
}
SLIMGRAD_EXPORT(sg_add_diagonal)

// out(0, j) = A(j, j).
extern "C" __global__ void sg_diagonal(int n, const float* a, int lda, float* out) {
    FOR_COLS(j, n) {
        out[j] = a[(long long)j * lda + j];
    }
}
SLIMGRAD_EXPORT(sg_diagonal)

// Y(i, j) = X(n − 1 − j, i) for n×n X: cuSOLVER's syevd leaves eigenvector k (ascending eigenvalues) in column k of
// a column-major matrix, which is row k of X; this puts them in Y's columns, largest eigenvalue first.
extern "C" __global__ void sg_transpose_reversed(int n, const float* x, int ldx, float* y, int ldy) {
    FOR_ROWS(i, n) {
        FOR_COLS(j, n) {
            y[(long long)i * ldy + j] = x[(long long)(n - 1 - j) * ldx + i];
        }
    }
}
SLIMGRAD_EXPORT(sg_transpose_reversed)

// partials[b] = the float64 sum of squares of the rows block b visits (rows b, b + gridDim.x, ...), the block's
// threads across the columns. NaN and infinity propagate, which is how callers detect them.
extern "C" __global__ void sg_sum_squares(int rows, int cols, const float* x, int ldx, double* partials) {
    double sum = 0.0;
    for (int i = blockIdx.x; i < rows; i += gridDim.x) {
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            double value = x[(long long)i * ldx + j];
            sum += value * value;
        }
    }
    sum = sg_block_reduce(sum, 0.0, SgSum());
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = sum;
    }
}
SLIMGRAD_EXPORT(sg_sum_squares)

// partials[b] = max |G(i, j) − δᵢⱼ| over the rows block b visits: how far a Gram matrix is from the identity.
// NaN counts as infinitely far (fmax would drop it).
extern "C" __global__ void sg_max_deviation_from_identity(int rows, int cols, const float* g, int ldg,
                                                          double* partials) {
    double worst = 0.0;
    for (int i = blockIdx.x; i < rows; i += gridDim.x) {
        for (int j = threadIdx.x; j < cols; j += blockDim.x) {
            double d = fabs((double)g[(long long)i * ldg + j] - (i == j ? 1.0 : 0.0));
            worst = d != d ? INFINITY : fmax(worst, d);
        }
    }
    worst = sg_block_reduce(worst, 0.0, SgMax());
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = worst;
    }
}
SLIMGRAD_EXPORT(sg_max_deviation_from_identity)

// out[0] = the sum (or the max) of count partial results, by one block in a fixed order.
extern "C" __global__ void sg_sum_partials(int count, const double* partials, double* out) {
    double sum = 0.0;
    for (int p = threadIdx.x; p < count; p += blockDim.x) {
        sum += partials[p];
    }
    sum = sg_block_reduce(sum, 0.0, SgSum());
    if (threadIdx.x == 0) {
        out[0] = sum;
    }
}
SLIMGRAD_EXPORT(sg_sum_partials)

extern "C" __global__ void sg_max_partials(int count, const double* partials, double* out) {
    double worst = 0.0;
    for (int p = threadIdx.x; p < count; p += blockDim.x) {
        worst = fmax(worst, partials[p]);
    }
    worst = sg_block_reduce(worst, 0.0, SgMax());
    if (threadIdx.x == 0) {
        out[0] = worst;
    }
}
SLIMGRAD_EXPORT(sg_max_partials)

// (1−β₂)·g², through (√(1−β₂)·g)² where g² alone overflows, and √(v/(1−β₂ᵗ)) through √v·√(1/(1−β₂ᵗ)) where the
// corrected moment alone overflows: a finite g whose moment is representable never makes v or the update infinite
// (the cpu backend's rule); both are ≥ 0, so overflow is +∞ exactly.
__device__ __forceinline__ float sg_second_moment_term(float g, float beta2) {
    float squares = g * g;
    if (squares == __uint_as_float(0x7F800000u)) {
        float scaled = g * sqrtf(1.0f - beta2);
        return scaled * scaled;
    }
    return (1.0f - beta2) * squares;
}

__device__ __forceinline__ float sg_root_of_corrected(float v, float inverseBias2) {
    float corrected = v * inverseBias2;
    return corrected == __uint_as_float(0x7F800000u) ? sqrtf(v) * sqrtf(inverseBias2) : sqrtf(corrected);
}

// One Adam step (org.slimgrad.Backend#adam): m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², out = α·m̂/(√v̂ + ε) + β·out,
// with the bias corrections passed in as reciprocals. β = 0 does not read out; out may be g itself.
extern "C" __global__ void sg_adam(int rows, int cols, float beta1, float beta2, float epsilon, float inverseBias1,
                                   float inverseBias2, float alpha, float beta, const float* g, int ldg, float* m,
                                   int ldm, float* v, int ldv, float* out, int ldo) {
    FOR_ROWS(i, rows) {
        FOR_COLS(j, cols) {
            float gij = g[(long long)i * ldg + j];
            float* mij = m + (long long)i * ldm + j;
            float* vij = v + (long long)i * ldv + j;
            float* oij = out + (long long)i * ldo + j;
            float mNew = beta1 * *mij + (1.0f - beta1) * gij;
            float vNew = beta2 * *vij + sg_second_moment_term(gij, beta2);
            *mij = mNew;
            *vij = vNew;
            float update = alpha * (mNew * inverseBias1 / (sg_root_of_corrected(vNew, inverseBias2) + epsilon));
            *oij = beta == 0.0f ? update : beta * *oij + update;
        }
    }
}
SLIMGRAD_EXPORT(sg_adam)

// X(i, j) = CounterRandom.fillUniform's value: the top 24 bits u of bits(seed, i·cols + j) as (2·u·2⁻²⁴ − 1)·bound
// (u·2⁻²⁴ and 2·that − 1 are exact in fp32, one rounded multiply by bound: bit-identical to the Java side).
extern "C" __global__ void sg_fill_uniform(int rows, int cols, float bound, unsigned long long seed, float* x,
                                           int ldx) {
    unsigned long long base = sg_mix(seed);
    FOR_ROWS(i, rows) {
        FOR_COLS(j, cols) {
            unsigned long long index = (unsigned long long)i * cols + j;
            unsigned long long h = sg_bits(base, index);
            float unit = (float)(h >> 40) * 0x1p-24f;
            x[(long long)i * ldx + j] = (2.0f * unit - 1.0f) * bound;
        }
    }
}
SLIMGRAD_EXPORT(sg_fill_uniform)

// bfloat16 moments packed two to a 32-bit word (org.slimgrad.Bf16): element 2s in the low half, 2s+1 in the high.
__device__ __forceinline__ float sg_bf16_to_float(unsigned bits16) {
    return __uint_as_float((bits16 & 0xFFFFu) << 16);
}

__device__ __forceinline__ unsigned sg_float_to_bf16(float x) {  // nearest, ties to even; NaN stays a quiet NaN
    unsigned bits = __float_as_uint(x);
    if (x != x) {
        return (bits >> 16) | 0x0040u;
    }
    return (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
}

// Adam with bf16 moments (org.slimgrad.Backend#adamBf16): one thread per word, two elements each, fp32 arithmetic
// as sg_adam's, the new moments rounded to bf16.
extern "C" __global__ void sg_adam_bf16(int rows, int cols, float beta1, float beta2, float epsilon,
                                        float inverseBias1, float inverseBias2, float alpha, float beta,
                                        const float* g, int ldg, unsigned* m16, int ldm, unsigned* v16, int ldv,
                                        float* out, int ldo) {
    int words = (cols + 1) / 2;
    FOR_ROWS(i, rows) {
        FOR_COLS(w, words) {
            unsigned* mAt = m16 + (long long)i * ldm + w;
            unsigned* vAt = v16 + (long long)i * ldv + w;
            unsigned mWord = *mAt;
            unsigned vWord = *vAt;
            unsigned mNew = 0;
            unsigned vNew = 0;
            for (int half = 0; half < 2 && 2 * w + half < cols; half++) {
                int j = 2 * w + half;
                float gij = g[(long long)i * ldg + j];
                float mij = beta1 * sg_bf16_to_float(mWord >> (16 * half)) + (1.0f - beta1) * gij;
                float vij = beta2 * sg_bf16_to_float(vWord >> (16 * half)) + sg_second_moment_term(gij, beta2);
                mNew |= sg_float_to_bf16(mij) << (16 * half);
                vNew |= sg_float_to_bf16(vij) << (16 * half);
                float update = alpha * (mij * inverseBias1 / (sg_root_of_corrected(vij, inverseBias2) + epsilon));
                float* oij = out + (long long)i * ldo + j;
                *oij = beta == 0.0f ? update : beta * *oij + update;
            }
            *mAt = mNew;
            *vAt = vNew;
        }
    }
}
SLIMGRAD_EXPORT(sg_adam_bf16)

extern "C" __global__ void sg_fill(int rows, int cols, float value, float* x, int ldx) {
    FOR_ROWS(i, rows) {
        FOR_COLS(j, cols) {
            x[(long long)i * ldx + j] = value;
        }
    }
}
SLIMGRAD_EXPORT(sg_fill)

// out = x ∘ y; out may be x or y itself (each element is read before it is written, by the same thread)
extern "C" __global__ void sg_hadamard(int rows, int cols, const float* x, int ldx, const float* y, int ldy,
                                       float* out, int ldo) {
    FOR_ROWS(i, rows) {
        FOR_COLS(j, cols) {
            out[(long long)i * ldo + j] = x[(long long)i * ldx + j] * y[(long long)i * ldy + j];
        }
    }
}
SLIMGRAD_EXPORT(sg_hadamard)

// The checks of an operation that reads its verdict back once, when it next waits for the device (DeviceStatus):
// status[0] = the first failing check's code (never 0); a later failure leaves it in place. Each check is one block;
// thread 0 writes.
__device__ __forceinline__ void sg_record(int* status, int code) {
    if (status[0] == 0) {
        status[0] = code;
    }
}

// A cuSOLVER routine's info, recorded when it is not 0.
extern "C" __global__ void sg_record_info(const int* info, int* status) {
    if (threadIdx.x == 0 && info[0] != 0) {
        sg_record(status, info[0]);
    }
}
SLIMGRAD_EXPORT(sg_record_info)

// A reduction's result (sg_max_partials' out) recorded (code 1) unless it is at most limit; NaN fails.
extern "C" __global__ void sg_record_above(const double* value, double limit, int* status) {
    if (threadIdx.x == 0 && !(value[0] <= limit)) {
        sg_record(status, 1);
    }
}
SLIMGRAD_EXPORT(sg_record_above)

// CholeskyQrPolicy's breakdown test on the device, for the k×k Gram matrix G (row-major) and potrf's factor R
// (column-major, pivots on the diagonal): a breakdown when potrf's info is not 0, when G's largest diagonal is not
// positive (NaN counts as +∞, which fails every pivot), or when a pivot has R(j, j)² ≤ tolerance·largest.
// Recorded with potrf's info, else 1 + the first failing pivot's index.
extern "C" __global__ void sg_record_cholesky(int k, const float* g, int ldg, const float* r, int ldr, const int* info,
                                              double tolerance, int* status) {
    double largest = 0.0;
    for (int j = threadIdx.x; j < k; j += blockDim.x) {
        double d = g[(long long)j * ldg + j];
        largest = d != d ? INFINITY : fmax(largest, d);
    }
    largest = sg_block_reduce(largest, 0.0, SgMax());
    double firstBad = INFINITY;
    for (int j = threadIdx.x; j < k; j += blockDim.x) {
        double pivot = r[(long long)j * ldr + j];
        if (!(pivot * pivot > tolerance * largest)) {
            firstBad = fmin(firstBad, (double)j);
        }
    }
    firstBad = -sg_block_reduce(-firstBad, -INFINITY, SgMax());
    if (threadIdx.x == 0) {
        if (info[0] != 0) {
            sg_record(status, info[0]);
        } else if (!(largest > 0.0)) {
            sg_record(status, 1);
        } else if (firstBad < k) {
            sg_record(status, 1 + (int)firstBad);
        }
    }
}
SLIMGRAD_EXPORT(sg_record_cholesky)

// The small SVD of randomized SVD's l×l upper-triangular R (row-major, zeros below) through its Gram matrix in
// float64, as the host's RandomizedSvd does: G = RᵀR (here), its eigenvectors V_R by cusolverDnDsyevd, then
// sg_small_singular. G(i, j) = Σ_{p ≤ min(i, j)} R(p, i)·R(p, j); G is symmetric, so its row-major array is also the
// column-major one cuSOLVER reads.
extern "C" __global__ void sg_gram_upper64(int l, const float* r, int ldr, double* g) {
    FOR_ROWS(i, l) {
        FOR_COLS(j, l) {
            int last = i < j ? i : j;
            double sum = 0.0;
            for (int p = 0; p <= last; p++) {
                sum += (double)r[(long long)p * ldr + i] * r[(long long)p * ldr + j];
            }
            g[(long long)i * l + j] = sum;
        }
    }
}
SLIMGRAD_EXPORT(sg_gram_upper64)

// Singular triplet t < rank of R, one block per t, from dsyevd's ascending eigenpairs of G (eigenvector e in row e of
// the row-major `vectors`): with e = l−1−t, V_R(:, t) = v_e, w = R·v_e in float64 (kept in wide, l×rank), σ_t = ‖w‖,
// U_R(:, t) = w/σ_t. A triplet whose eigenvalue is not above 10⁻⁸ of the largest (σ_t ≤ 10⁻⁴·σ₀: R·v_e is then too
// inexact to normalise, as on the host), or is NaN, records a failure in status: the randomized SVD is then redone
// through cuSOLVER's gesvd.
extern "C" __global__ void sg_small_singular(int l, int rank, const float* r, int ldr, const double* vectors,
                                             const double* values, double* wide, float* rightVectors,
                                             float* leftVectors, float* sigma, int* status) {
    for (int t = blockIdx.x; t < rank; t += gridDim.x) {
        int e = l - 1 - t;
        const double* v = vectors + (long long)e * l;
        double squares = 0.0;
        for (int i = threadIdx.x; i < l; i += blockDim.x) {
            double w = 0.0;
            for (int p = i; p < l; p++) {
                w += (double)r[(long long)i * ldr + p] * v[p];
            }
            wide[(long long)i * rank + t] = w;
            rightVectors[(long long)i * rank + t] = (float)v[i];
            squares += w * w;
        }
        double norm = sqrt(sg_block_reduce(squares, 0.0, SgSum()));
        for (int i = threadIdx.x; i < l; i += blockDim.x) {
            leftVectors[(long long)i * rank + t] = (float)(wide[(long long)i * rank + t] / norm);
        }
        if (threadIdx.x == 0) {
            sigma[t] = (float)norm;
            if (!(values[e] > 1e-8 * values[l - 1])) {
                sg_record(status, 1);
            }
        }
    }
}
SLIMGRAD_EXPORT(sg_small_singular)
