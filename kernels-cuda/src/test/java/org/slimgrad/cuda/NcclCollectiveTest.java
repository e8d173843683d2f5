package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.slimgrad.Matrix;
import org.slimgrad.collective.Collective;
import org.slimgrad.collective.CollectiveScript;
import org.slimgrad.collective.InProcessCollective;

/**
 * NcclCollective on the emulated device, three ranks as threads, each with its own emulated CUDA backend: every
 * collective on device matrices gives the in-process group's results on host matrices (the emulated communicator
 * adds in rank order; NCCL itself agrees to rounding, checked on a GPU by GpuNcclCollectiveTest), and calls that are
 * wrong on one rank fail on every rank before any data moves.
 */
class NcclCollectiveTest {

    private static final int RANKS = 3;

    @Test
    void everyCollectiveOnDeviceMatricesEqualsTheHostGroup() throws Exception {
        List<float[][]> expected = onEveryRank(CollectiveScript::run);
        List<float[][]> onDevices = onEveryRank(bootstrap -> {
            CudaBackend cuda = EmulatedCuda.create();
            try (NcclCollective nccl = NcclCollective.create(cuda, bootstrap)) {
                assertEquals(bootstrap.rank(), nccl.rank());
                assertEquals(RANKS, nccl.size());
                return CollectiveScript.run(nccl, cuda::fromHost, cuda::toHost);
            } finally {
                cuda.close();
            }
        });
        for (int r = 0; r < RANKS; r++) {
            for (int call = 0; call < expected.get(r).length; call++) {
                assertArrayEquals(expected.get(r)[call], onDevices.get(r)[call], "rank " + r + ", call " + call);
            }
        }
    }

    @Test
    void aShapeThatDiffersOnOneRankFailsOnEveryRankNamingEachCall() throws Exception {
        List<String> messages = onEveryRank(bootstrap -> {
            CudaBackend cuda = EmulatedCuda.create();
            try (NcclCollective nccl = NcclCollective.create(cuda, bootstrap)) {
                Matrix m = cuda.allocate(2, bootstrap.rank() == 1 ? 5 : 4);
                return assertThrows(IllegalArgumentException.class, () -> nccl.allReduceSum(m)).getMessage();
            } finally {
                cuda.close();
            }
        });
        for (int r = 0; r < RANKS; r++) {
            assertEquals("NcclCollective on rank " + r + ": the ranks' calls differ: [allReduceSum 2x4, allReduceSum"
                    + " 2x5, allReduceSum 2x4]", messages.get(r));
        }
    }

    @Test
    void hostOrPaddedMatricesAreRefusedNamingTheBackend() throws Exception {
        onEveryRank(bootstrap -> {
            CudaBackend cuda = EmulatedCuda.create();
            try (NcclCollective nccl = NcclCollective.create(cuda, bootstrap)) {
                Matrix host = Matrix.wrap(new float[6], 2, 3);
                String message = assertThrows(IllegalArgumentException.class, () -> nccl.allReduceSum(host))
                        .getMessage();
                assertTrue(message.contains("NcclCollective.allReduceSum: 2x3") && message.contains(cuda.name()),
                        message);
                Matrix padded = cuda.allocate(4, 6).view(0, 0, 4, 3);
                assertThrows(IllegalArgumentException.class, () -> nccl.broadcast(padded, 0));
                return null;
            } finally {
                cuda.close();
            }
        });
    }

    private interface RankWork<T> {
        T run(Collective bootstrap) throws Exception;
    }

    private static <T> List<T> onEveryRank(RankWork<T> work) throws InterruptedException, ExecutionException {
        List<CompletableFuture<T>> futures = new ArrayList<>();
        for (Collective bootstrap : InProcessCollective.create(RANKS, Duration.ofSeconds(60))) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return work.run(bootstrap);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> new Thread(r).start()));
        }
        // every rank's failure, not only the first rank's (often a timeout caused by another rank's exception)
        List<T> results = new ArrayList<>();
        ExecutionException failed = null;
        for (CompletableFuture<T> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e.getCause());
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
        return results;
    }
}
