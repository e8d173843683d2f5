// Shared by every kernel file: the export hook of the host emulation and the grid-stride loops.
#pragma once

#ifndef SLIMGRAD_EMULATION
#define SLIMGRAD_EXPORT(kernel)
#endif

// Grid-stride loops: y over rows, x over columns, so any grid size covers the matrix.
#define FOR_ROWS(i, rows) for (int i = blockIdx.y * blockDim.y + threadIdx.y; i < (rows); i += gridDim.y * blockDim.y)
#define FOR_COLS(j, cols) for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < (cols); j += gridDim.x * blockDim.x)
