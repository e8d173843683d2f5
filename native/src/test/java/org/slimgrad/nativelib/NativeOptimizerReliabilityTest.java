package org.slimgrad.nativelib;

import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.train.OptimizerReliabilityContract;

class NativeOptimizerReliabilityTest extends OptimizerReliabilityContract {

    @Override
    protected Backend backend() {
        return Backends.named("native");
    }
}
