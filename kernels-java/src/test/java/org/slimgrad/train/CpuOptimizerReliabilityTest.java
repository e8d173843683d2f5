package org.slimgrad.train;

import org.slimgrad.Backend;
import org.slimgrad.Backends;

class CpuOptimizerReliabilityTest extends OptimizerReliabilityContract {

    @Override
    protected Backend backend() {
        return Backends.named("cpu");
    }
}
