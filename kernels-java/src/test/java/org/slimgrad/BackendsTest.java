package org.slimgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void findsTheHostBackends() {
        assertEquals("reference", Backends.reference().name());
        assertEquals("cpu", Backends.cpu().name());
        assertSame(Backends.cpu(), Backends.named("cpu"));
        assertEquals(java.util.List.of("cpu", "reference"), Backends.available());
    }

    @Test
    void bestIsTheHighestRankedAvailableBackend() {
        // Without kernels-cuda on the class path the CPU backend ranks highest.
        assertEquals("cpu", Backends.best().name());
    }

    @Test
    void unknownNamesFailWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.named("tpu"));
        assertTrue(e.getMessage().contains("tpu") && e.getMessage().contains("reference")
                && e.getMessage().contains("cpu"), e.getMessage());
        IllegalArgumentException cuda = assertThrows(IllegalArgumentException.class, () -> Backends.named("cuda"));
        assertTrue(cuda.getMessage().contains("kernels-cuda"), cuda.getMessage());
    }
}
