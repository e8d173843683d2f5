// Runs CUDA kernels on the host, so that the kernels' logic is checked by the ordinary test run on machines
// without a GPU. g++ compiles the very .cu sources nvcc compiles, with this header force-included (-include).
//
// Model: a launch starts one host thread per thread of a block; the threads walk the grid's blocks together, one
// block at a time, with a barrier between blocks. So __shared__ variables can be plain statics (one block is live
// at a time), __syncthreads is that barrier, and warp shuffles exchange through a per-block buffer between two
// barriers. Rules this imposes on kernels (all of them hold for slimgrad's): every thread of a block reaches every
// __syncthreads and every shuffle (no early return before them), warps are full (block sizes are multiples of
// 32) and a kernel's result does not depend on blocks running concurrently. Timing means nothing here.
#pragma once

#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#define SLIMGRAD_EMULATION 1
#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

namespace emulation {
inline thread_local dim3 thread_index;
inline thread_local dim3 block_index;
inline dim3 block_dim;
inline dim3 grid_dim;
inline std::barrier<>* block_barrier = nullptr;
inline std::vector<unsigned long long> exchange;  // one 8-byte slot per thread of the block, for shuffles

inline unsigned linear_thread() { return thread_index.y * block_dim.x + thread_index.x; }
}  // namespace emulation

#define threadIdx (emulation::thread_index)
#define blockIdx (emulation::block_index)
#define blockDim (emulation::block_dim)
#define gridDim (emulation::grid_dim)
constexpr int warpSize = 32;

inline void __syncthreads() { emulation::block_barrier->arrive_and_wait(); }

template <typename T>
T __shfl_xor_sync(unsigned, T value, int lane_mask) {
    static_assert(sizeof(T) <= sizeof(unsigned long long), "shuffle of at most 8 bytes");
    unsigned self = emulation::linear_thread();
    std::memcpy(&emulation::exchange[self], &value, sizeof(T));
    __syncthreads();
    unsigned partner = (self & ~31u) | ((self & 31u) ^ static_cast<unsigned>(lane_mask));
    T out;
    std::memcpy(&out, &emulation::exchange[partner], sizeof(T));
    __syncthreads();
    return out;
}

inline double atomicAdd(double* address, double value) { return std::atomic_ref<double>(*address).fetch_add(value); }
inline float atomicAdd(float* address, float value) { return std::atomic_ref<float>(*address).fetch_add(value); }

namespace emulation {
// kernel(*params[0], *params[1], ...): the parameter array cuLaunchKernel takes, read the same way
template <typename... Args, std::size_t... I>
void invoke(void (*kernel)(Args...), void** params, std::index_sequence<I...>) {
    kernel(*static_cast<std::remove_cv_t<std::remove_reference_t<Args>>*>(params[I])...);
}

template <typename... Args>
void launch(void (*kernel)(Args...), unsigned grid_x, unsigned grid_y, unsigned block_x, unsigned block_y,
            void** params) {
    block_dim = dim3{block_x, block_y, 1};
    grid_dim = dim3{grid_x, grid_y, 1};
    unsigned threads = block_x * block_y;
    std::barrier<> barrier(threads);
    block_barrier = &barrier;
    exchange.assign(threads, 0);
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; t++) {
        pool.emplace_back([=, &barrier] {
            thread_index = dim3{t % block_x, t / block_x, 1};
            for (unsigned by = 0; by < grid_y; by++) {
                for (unsigned bx = 0; bx < grid_x; bx++) {
                    block_index = dim3{bx, by, 1};
                    invoke(kernel, params, std::index_sequence_for<Args...>{});
                    barrier.arrive_and_wait();  // the next block reuses the statics
                }
            }
        });
    }
    for (std::thread& thread : pool) {
        thread.join();
    }
}
}  // namespace emulation

// emu_<kernel>(grid, block, params): the entry point the Java side calls through FFM instead of cuLaunchKernel
#define SLIMGRAD_EXPORT(kernel)                                                                          \
    extern "C" void emu_##kernel(unsigned grid_x, unsigned grid_y, unsigned block_x, unsigned block_y, \
                                 void** params) {                                                      \
        emulation::launch(kernel, grid_x, grid_y, block_x, block_y, params);                           \
    }
