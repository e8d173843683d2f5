package org.slimgrad.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slimgrad.collective.Collective;
import org.slimgrad.collective.CollectiveScript;
import org.slimgrad.collective.InProcessCollective;
import org.slimgrad.nativelib.cuda.Nccl;

/**
 * NcclCollective on a real GPU through libnccl.so.2: the binding (the 128-byte unique id passed by value, each call's
 * argument order and types) on a communicator of one rank, the only one a single GPU allows (NCCL refuses two ranks
 * on one device). With one rank every result is the rank's own input, so the script's results equal the host
 * group's exactly. Several ranks need several GPUs and a bootstrap across them (MpiCollective).
 */
@Tag("gpu")
class GpuNcclCollectiveTest {

    @Test
    void oneRankCommunicatorRunsEveryCollective() {
        CudaBackend cuda = GpuCuda.shared();
        assumeTrue(Nccl.unavailableReason().isEmpty(), () -> "no NCCL: " + Nccl.unavailableReason().get());
        Collective alone = InProcessCollective.create(1, Duration.ofSeconds(60)).get(0);
        float[][] expected = CollectiveScript.run(InProcessCollective.create(1, Duration.ofSeconds(60)).get(0));
        try (NcclCollective nccl = NcclCollective.create(cuda, alone)) {
            float[][] actual = CollectiveScript.run(nccl, cuda::fromHost, cuda::toHost);
            for (int call = 0; call < expected.length; call++) {
                assertArrayEquals(expected[call], actual[call], "call " + call);
            }
        }
    }
}
