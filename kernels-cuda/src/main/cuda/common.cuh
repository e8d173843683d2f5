// Shared by every kernel file: the export hook of the host emulation and the grid-stride loops.
#pragma once

#ifndef SLIMGRAD_EMULATION
#define SLIMGRAD_EXPORT(kernel)
#endif

// Grid-stride loops: y over rows, x over columns, so any grid size covers the matrix.
#define FOR_ROWS(i, rows) for (int i = blockIdx.y * blockDim.y + threadIdx.y; i < (rows); i += gridDim.y * blockDim.y)
#define FOR_COLS(j, cols) for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < (cols); j += gridDim.x * blockDim.x)

// org.slimgrad.CounterRandom, integer for integer: bits(seed, index) = mix(mix(seed) + (index + 1)·γ), with
// SplitMix64's finaliser mix and γ the 64-bit golden ratio. Callers hoist base = sg_mix(seed).
__device__ __forceinline__ unsigned long long sg_mix(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BEB133111Full;
    return z ^ (z >> 31);
}

__device__ __forceinline__ unsigned long long sg_bits(unsigned long long base, unsigned long long index) {
    return sg_mix(base + (index + 1) * 0x9E3779B97F4A7C15ull);
}

struct SgSum {
    __device__ double operator()(double a, double b) const { return a + b; }
};
struct SgMax {
    __device__ double operator()(double a, double b) const { return fmax(a, b); }
};

// Reduction of a block's values (blockDim.x threads, a multiple of 32; identity the operation's neutral value):
// butterflies inside each warp, a shared-memory step across warps, butterflies again in every warp. Every thread
// gets the result, combined in a fixed order: deterministic.
template <typename Op>
__device__ double sg_block_reduce(double value, double identity, Op op) {
    __shared__ double warpValues[32];
    for (int offset = 16; offset > 0; offset >>= 1) {
        value = op(value, __shfl_xor_sync(0xffffffffu, value, offset));
    }
    int warp = threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (lane == 0) {
        warpValues[warp] = value;
    }
    __syncthreads();
    int warps = blockDim.x / 32;
    double total = lane < warps ? warpValues[lane] : identity;
    for (int offset = 16; offset > 0; offset >>= 1) {
        total = op(total, __shfl_xor_sync(0xffffffffu, total, offset));
    }
    __syncthreads();  // warpValues is reused by the next call
    return total;
}
