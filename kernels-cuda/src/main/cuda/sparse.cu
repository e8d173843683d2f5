// Sparse fixed-support kernels (SLTrain's S): the support is int32 CSR on the device (row pointers, columns, and
// each position's row), plus its transpose (CSC: column pointers, rows, and the CSR position of each entry) for the
// products with S rather than Sᵀ. Every output element is owned by one thread and summed in a fixed order: no
// atomics, the same bits on every run.
#include "common.cuh"

// Y(t, i) = α·Σ_{p in line i} X(t, index[p])·values[value(p)] + β·Y(t, i), for the lines of a compressed structure:
// CSR rows (Y = α·X·Sᵀ, the layer forward; position[] null) or CSC columns (Y = α·X·S, the input gradient; values
// reached through position[]). Threads: x over lines (coalesced writes to Y's row t), y over tokens t.
extern "C" __global__ void sg_spmm(int tokens, int lines, float alpha, const float* x, int ldx,
                                   const int* pointers, const int* index, const int* position,
                                   const float* values, float beta, float* y, int ldy) {
    FOR_ROWS(t, tokens) {
        FOR_COLS(i, lines) {
            float sum = 0.0f;
            const float* xt = x + (long long)t * ldx;
            for (int p = pointers[i]; p < pointers[i + 1]; p++) {
                sum = fmaf(xt[index[p]], values[position == nullptr ? p : position[p]], sum);
            }
            float* at = y + (long long)t * ldy + i;
            *at = beta == 0.0f ? alpha * sum : fmaf(alpha, sum, beta * *at);
        }
    }
}
SLIMGRAD_EXPORT(sg_spmm)

// values[p] = α·Σ_t A(t, row[p])·B(t, column[p]) + β·values[p]: the gradient of S's values without the m×n product.
// One thread per position; consecutive positions share a row of A and nearby columns of B.
extern "C" __global__ void sg_sddmm(int nnz, int tokens, float alpha, const float* a, int lda, const float* b,
                                    int ldb, const int* rowOf, const int* columns, float beta, float* values) {
    FOR_COLS(p, nnz) {
        int i = rowOf[p];
        int j = columns[p];
        float sum = 0.0f;
        for (int t = 0; t < tokens; t++) {
            sum = fmaf(a[(long long)t * lda + i], b[(long long)t * ldb + j], sum);
        }
        values[p] = beta == 0.0f ? alpha * sum : fmaf(alpha, sum, beta * values[p]);
    }
}
SLIMGRAD_EXPORT(sg_sddmm)

// mode 0: dense(row[p], column[p]) += α·values[p]; 1: values[p] = dense(...); 2: dense(...) = values[p].
// Positions are distinct, so no two threads touch one element.
extern "C" __global__ void sg_sparse_dense(int mode, int nnz, float alpha, const int* rowOf, const int* columns,
                                           float* values, float* dense, int ldd) {
    FOR_COLS(p, nnz) {
        float* at = dense + (long long)rowOf[p] * ldd + columns[p];
        if (mode == 0) {
            *at = fmaf(alpha, values[p], *at);
        } else if (mode == 1) {
            values[p] = *at;
        } else {
            *at = values[p];
        }
    }
}
SLIMGRAD_EXPORT(sg_sparse_dense)

// Drawing a support on the device, by org.slimgrad.SupportDraw's rule: position f = i·cols + j has the key
// CounterRandom.bits(seed, f); the support is the nnz positions of smallest (key, f). The host settles the threshold
// bucket (top 16 key bits) from the histogram and the order inside it from its few members; these kernels do the
// passes over all positions.

// histogram[key >> 48] += 1 for every position (counts are exact whatever the order of the atomics)
extern "C" __global__ void sg_support_histogram(long long total, unsigned long long seed, unsigned* histogram) {
    unsigned long long base = sg_mix(seed);
    for (long long f = (long long)blockIdx.x * blockDim.x + threadIdx.x; f < total; f += (long long)gridDim.x * blockDim.x) {
        atomicAdd(&histogram[sg_bits(base, f) >> 48], 1u);
    }
}
SLIMGRAD_EXPORT(sg_support_histogram)

// the members of the threshold bucket, in any order: (key, position) pairs appended through an atomic counter
extern "C" __global__ void sg_support_members(long long total, unsigned long long seed, int bucket, unsigned* count,
                                              unsigned long long* keys, long long* positions) {
    unsigned long long base = sg_mix(seed);
    for (long long f = (long long)blockIdx.x * blockDim.x + threadIdx.x; f < total; f += (long long)gridDim.x * blockDim.x) {
        unsigned long long key = sg_bits(base, f);
        if ((int)(key >> 48) == bucket) {
            unsigned slot = atomicAdd(count, 1u);
            keys[slot] = key;
            positions[slot] = f;
        }
    }
}
SLIMGRAD_EXPORT(sg_support_members)

// counts[i] = the positions of row i whose key lies in a bucket below the threshold (one thread per row)
extern "C" __global__ void sg_support_row_counts(int rows, int cols, unsigned long long seed, int bucket, int* counts) {
    unsigned long long base = sg_mix(seed);
    FOR_COLS(i, rows) {
        int count = 0;
        for (int j = 0; j < cols; j++) {
            count += (int)(sg_bits(base, (unsigned long long)i * cols + j) >> 48) < bucket;
        }
        counts[i] = count;
    }
}
SLIMGRAD_EXPORT(sg_support_row_counts)

// columns[pointers[i] ...] = row i's columns in ascending order: those below the threshold bucket, merged with the
// row's chosen threshold members chosen[chosenStart[i] .. chosenStart[i + 1]) (flat positions, ascending)
extern "C" __global__ void sg_support_columns(int rows, int cols, unsigned long long seed, int bucket,
                                              const int* pointers, const long long* chosen, const int* chosenStart,
                                              int* columns) {
    unsigned long long base = sg_mix(seed);
    FOR_COLS(i, rows) {
        int out = pointers[i];
        int next = chosenStart[i];
        int end = chosenStart[i + 1];
        for (int j = 0; j < cols; j++) {
            long long f = (long long)i * cols + j;
            if ((int)(sg_bits(base, f) >> 48) < bucket || (next < end && chosen[next] == f)) {
                columns[out++] = j;
                next += next < end && chosen[next] == f;
            }
        }
    }
}
SLIMGRAD_EXPORT(sg_support_columns)
