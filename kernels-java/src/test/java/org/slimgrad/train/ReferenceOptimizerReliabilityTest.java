package org.slimgrad.train;

import org.slimgrad.Backend;
import org.slimgrad.Backends;

class ReferenceOptimizerReliabilityTest extends OptimizerReliabilityContract {

    @Override
    protected Backend backend() {
        return Backends.named("reference");
    }
}
