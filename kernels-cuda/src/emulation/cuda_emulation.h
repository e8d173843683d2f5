// Runs CUDA kernels on the host, so that the kernels' logic is checked by the ordinary test run on machines
// without a GPU. g++ compiles the very .cu sources nvcc compiles, with this header force-included (-include).
//
// Model: the threads of a block are fibers (ucontext) on the calling thread; blocks run one after another. A fiber
// runs until it reaches __syncthreads or ends, then the next fiber of the block runs; when every fiber has reached
// the barrier, all go on. So __shared__ variables can be plain statics (one block is live at a time), warp
// shuffles exchange through a per-block buffer between two barriers, and atomics need no hardware. Rules this
// imposes on kernels (all of slimgrad's keep them): every thread of a block reaches every __syncthreads and every
// shuffle (no early return before them), warps are full (block sizes are multiples of 32), and a kernel's result
// does not depend on blocks running concurrently. Timing means nothing here.
#pragma once

#include <ucontext.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#define SLIMGRAD_EMULATION 1
#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static
#define __align__(bytes) alignas(bytes)

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

namespace emulation {
inline dim3 thread_index;
inline dim3 block_index;
inline dim3 block_dim;
inline dim3 grid_dim;
inline std::vector<unsigned long long> exchange;  // one 8-byte slot per thread of the block, for shuffles

struct Fiber {
    ucontext_t context;
    std::unique_ptr<char[]> stack;
    bool done = false;
};
constexpr std::size_t STACK_BYTES = 64 * 1024;
inline std::vector<Fiber> fibers;  // grown to the largest block seen, stacks kept between launches
inline ucontext_t scheduler;
inline unsigned current = 0;
inline std::function<void()> body;

inline unsigned linear_thread() { return thread_index.y * block_dim.x + thread_index.x; }

inline void fiber_entry() {
    body();
    fibers[current].done = true;  // returning resumes the scheduler (uc_link)
}
}  // namespace emulation

#define threadIdx (emulation::thread_index)
#define blockIdx (emulation::block_index)
#define blockDim (emulation::block_dim)
#define gridDim (emulation::grid_dim)
constexpr int warpSize = 32;

// the fiber yields; the scheduler resumes it once every thread of the block has yielded or ended
inline void __syncthreads() {
    swapcontext(&emulation::fibers[emulation::current].context, &emulation::scheduler);
}

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

// one OS thread runs every fiber, and a fiber yields only at barriers: plain read-modify-writes are atomic here.
// The value's type follows the address (as CUDA's overloads convert it), so atomicAdd(&count, 1) adds to an unsigned.
template <typename T>
struct emulation_same { using type = T; };
template <typename T>
T atomicAdd(T* address, typename emulation_same<T>::type value) {
    T old = *address;
    *address = old + value;
    return old;
}
inline int atomicMin(int* address, int value) {
    int old = *address;
    *address = value < old ? value : old;
    return old;
}
inline float __uint_as_float(unsigned bits) {
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}
inline unsigned __float_as_uint(float value) {
    unsigned bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

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
    exchange.assign(threads, 0);
    while (fibers.size() < threads) {
        fibers.emplace_back();
        fibers.back().stack.reset(new char[STACK_BYTES]);
    }
    body = [=] { invoke(kernel, params, std::index_sequence_for<Args...>{}); };
    for (unsigned by = 0; by < grid_y; by++) {
        for (unsigned bx = 0; bx < grid_x; bx++) {
            block_index = dim3{bx, by, 1};
            for (unsigned t = 0; t < threads; t++) {
                Fiber& fiber = fibers[t];
                getcontext(&fiber.context);
                fiber.context.uc_stack.ss_sp = fiber.stack.get();
                fiber.context.uc_stack.ss_size = STACK_BYTES;
                fiber.context.uc_link = &scheduler;
                makecontext(&fiber.context, fiber_entry, 0);
                fiber.done = false;
            }
            // rounds: each live thread runs to its next barrier (or its end), so none passes a barrier early
            for (bool live = true; live;) {
                live = false;
                for (unsigned t = 0; t < threads; t++) {
                    if (!fibers[t].done) {
                        current = t;
                        thread_index = dim3{t % block_x, t / block_x, 1};
                        swapcontext(&scheduler, &fibers[t].context);
                        live = true;
                    }
                }
            }
        }
    }
}
}  // namespace emulation

// emu_<kernel>(grid, block, params): the entry point the Java side calls through FFM instead of cuLaunchKernel
#define SLIMGRAD_EXPORT(kernel)                                                                          \
    extern "C" void emu_##kernel(unsigned grid_x, unsigned grid_y, unsigned block_x, unsigned block_y, \
                                 void** params) {                                                      \
        emulation::launch(kernel, grid_x, grid_y, block_x, block_y, params);                           \
    }
