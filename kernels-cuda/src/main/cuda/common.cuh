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
