// Top-k selection by radix select in one block: the indices of the k largest scores, ascending, ties to the lower
// index; the first NaN and the first non-finite score reported (the host refuses a NaN; dctSelect any non-finite). Keys are the scores' bits made order-preserving as unsigned integers
// (−0 folded onto +0, as the comparison of floats has it); four 8-bit passes fix the k-th largest key T, then one
// ordered sweep with block-wide prefix sums writes every index with a key above T and the lowest-indexed keys equal
// to T until k are chosen. O(n) work; n up to a few hundred thousand is one block's job.
#include "common.cuh"

__device__ __forceinline__ unsigned sg_order_key(float value) {
    unsigned bits = __float_as_uint(value == 0.0f ? 0.0f : value);
    return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

// Exclusive prefix sum of one value per thread over the block (blockDim.x ≤ 1024, a multiple of 32); total returned
// through *total. Hillis–Steele in shared memory: every thread reaches every barrier.
__device__ int sg_block_exclusive_scan(int value, int* total) {
    __shared__ int buffer[1024];
    int t = threadIdx.x;
    buffer[t] = value;
    __syncthreads();
    for (int offset = 1; offset < (int)blockDim.x; offset <<= 1) {
        int add = t >= offset ? buffer[t - offset] : 0;
        __syncthreads();
        buffer[t] += add;
        __syncthreads();
    }
    int inclusive = buffer[t];
    *total = buffer[blockDim.x - 1];
    __syncthreads();  // buffer is reused by the next call
    return inclusive - value;
}

// report[0] = the first NaN's index, report[1] = the first NaN's or ±∞'s; n when there is none.
extern "C" __global__ void sg_top_k(int n, int k, const float* scores, int* out, int* report) {
    __shared__ unsigned histogram[256];
    __shared__ unsigned prefix;
    __shared__ unsigned mask;
    __shared__ int remaining;
    __shared__ int nanAt;
    __shared__ int nonFiniteAt;
    int t = threadIdx.x;
    if (t == 0) {
        prefix = 0;
        mask = 0;
        remaining = k;
        nanAt = n;
        nonFiniteAt = n;
    }
    __syncthreads();
    for (int j = t; j < n; j += blockDim.x) {
        if (scores[j] != scores[j]) {
            atomicMin(&nanAt, j);
        }
        if (!(fabsf(scores[j]) <= 3.40282347e38f)) {
            atomicMin(&nonFiniteAt, j);
        }
    }
    for (int shift = 24; shift >= 0; shift -= 8) {
        for (int d = t; d < 256; d += blockDim.x) {
            histogram[d] = 0;
        }
        __syncthreads();
        for (int j = t; j < n; j += blockDim.x) {
            unsigned key = sg_order_key(scores[j]);
            if ((key & mask) == prefix) {
                atomicAdd(&histogram[(key >> shift) & 255u], 1u);
            }
        }
        __syncthreads();
        if (t == 0) {  // the digit of the remaining-th largest key among those matching the prefix
            unsigned above = 0;
            for (int d = 255; d >= 0; d--) {
                if (above + histogram[d] >= (unsigned)remaining) {
                    prefix |= (unsigned)d << shift;
                    mask |= 255u << shift;
                    remaining -= (int)above;
                    break;
                }
                above += histogram[d];
            }
        }
        __syncthreads();
    }
    // prefix is now the k-th largest key T; take every key above it and the first `remaining` keys equal to it
    int written = 0;
    int equalSeen = 0;
    for (int base = 0; base < n; base += blockDim.x) {
        int j = base + t;
        unsigned key = j < n ? sg_order_key(scores[j]) : 0u;
        int equal = j < n && key == prefix;
        int equalTotal;
        int equalRank = equalSeen + sg_block_exclusive_scan(equal, &equalTotal);
        int chosen = j < n && (key > prefix || (equal && equalRank < remaining));
        int chosenTotal;
        int slot = written + sg_block_exclusive_scan(chosen, &chosenTotal);
        if (chosen) {
            out[slot] = j;
        }
        written += chosenTotal;
        equalSeen += equalTotal;
    }
    if (t == 0) {
        report[0] = nanAt;
        report[1] = nonFiniteAt;
    }
}
SLIMGRAD_EXPORT(sg_top_k)
