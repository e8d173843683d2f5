package org.slimgrad.cuda;

import org.slimgrad.FixedSupport;
import org.slimgrad.Matrix;
import org.slimgrad.SupportDraw;

/**
 * {@link FixedSupport#random}'s support drawn on the device by the same rule ({@link SupportDraw}): the passes over
 * all m·n positions run as kernels, the host settles the threshold bucket's few members. Equal to the host's draw
 * for the same arguments.
 */
final class DeviceSupportDraw {

    private DeviceSupportDraw() {
    }

    static FixedSupport draw(CudaContext context, int rows, int cols, double density, long seed) {
        int nnz = FixedSupport.drawSize(rows, cols, density);
        long total = (long) rows * cols;
        DeviceKernels kernels = context.kernels();
        try (DeviceArena scratch = context.arena()) {
            Matrix histogram = scratch.allocate(1, SupportDraw.BUCKETS);
            kernels.scale(0f, histogram);
            kernels.supportHistogram(total, seed, histogram);
            long[] counts = new long[SupportDraw.BUCKETS];
            int[] raw = context.ints(histogram, SupportDraw.BUCKETS);
            for (int b = 0; b < counts.length; b++) {
                counts[b] = Integer.toUnsignedLong(raw[b]);
            }
            long[] threshold = SupportDraw.threshold(counts, nnz);
            int bucket = (int) threshold[0];
            int members = (int) counts[bucket];
            Matrix count = scratch.allocate(1, 1);
            kernels.scale(0f, count);
            Matrix keys = scratch.allocate(1, 2 * members);
            Matrix positions = scratch.allocate(1, 2 * members);
            kernels.supportMembers(total, seed, bucket, count, keys, positions);
            long[] chosen = SupportDraw.choose(context.longs(keys, members), context.longs(positions, members),
                    (int) threshold[1]);

            Matrix rowCounts = scratch.allocate(1, rows);
            kernels.supportRowCounts(rows, cols, seed, bucket, rowCounts);
            int[] pointers = new int[rows + 1];
            int[] chosenStart = new int[rows + 1];
            int[] below = context.ints(rowCounts, rows);
            for (long f : chosen) {
                chosenStart[(int) (f / cols) + 1]++;
            }
            for (int i = 0; i < rows; i++) {
                chosenStart[i + 1] += chosenStart[i];
                pointers[i + 1] = pointers[i] + below[i] + chosenStart[i + 1] - chosenStart[i];
            }
            Matrix columns = scratch.allocate(1, nnz);
            kernels.supportColumns(rows, cols, seed, bucket, context.fromHost(pointers, scratch),
                    context.fromHost(chosen, scratch), context.fromHost(chosenStart, scratch), columns);
            return FixedSupport.of(rows, cols, pointers, context.ints(columns, nnz));
        }
    }
}
