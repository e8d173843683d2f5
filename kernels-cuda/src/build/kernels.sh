#!/usr/bin/env bash
# Builds kernels-cuda's kernels (run by Maven in process-resources):
#   1. every src/main/cuda/*.cu to PTX (nvcc, virtual arch compute_80, so one file JIT-loads on Ampere and Hopper)
#      into the jar's resources, listed in modules.txt, then ptxas for sm_90 as a compile check: its register/spill
#      report goes to the build log and an error fails the build;
#   2. the same sources, with src/emulation/cuda_emulation.h force-included, into a host library (g++) that the
#      GPU-less tests run the kernels through; the sources are copied beside it (their declarations are checked).
# A missing nvcc or g++ skips its part with a message: the build passes and the backend (or the emulated tests)
# say why they cannot run.
set -euo pipefail
module=$1
classes=$2
emulation=$3
ptx_dir="$classes/org/slimgrad/cuda"
mkdir -p "$ptx_dir" "$emulation"
sources=("$module"/src/main/cuda/*.cu)

if command -v nvcc >/dev/null && command -v ptxas >/dev/null; then
  : > "$ptx_dir/modules.txt"
  for cu in "${sources[@]}"; do
    name=$(basename "$cu" .cu)
    nvcc -ptx -arch=compute_80 -o "$ptx_dir/$name.ptx" "$cu"
    ptxas -arch=sm_90 -v "$ptx_dir/$name.ptx" -o /dev/null 2>&1 | sed "s/^/[ptxas sm_90] $name: /"
    echo "$name" >> "$ptx_dir/modules.txt"
  done
  echo "[kernels-cuda] PTX built and checked for sm_90: ${#sources[@]} file(s) ($(nvcc --version | tail -1))"
else
  echo "[kernels-cuda] WARNING: nvcc/ptxas not found: no PTX built; Backends.named(\"cuda\") will say so"
fi

if command -v g++ >/dev/null; then
  g++ -std=c++20 -O1 -shared -fPIC -Wall -Wno-unknown-pragmas -x c++ \
      -include "$module/src/emulation/cuda_emulation.h" "${sources[@]}" \
      -o "$emulation/libslimgrad_cuda_emulation.so"
  # the kernels' declarations beside the library: the emulated device checks every launch's parameters against them
  cp "${sources[@]}" "$emulation/"
  echo "[kernels-cuda] emulation library built: $emulation/libslimgrad_cuda_emulation.so"
else
  echo "[kernels-cuda] WARNING: g++ not found: the emulated kernel checks will be skipped"
fi
