package org.slimgrad.cpu;

import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.ReliabilityContract;

class CpuReliabilityTest extends ReliabilityContract {

    @Override
    protected Backend backend() {
        return Backends.cpu();
    }
}
