package org.slimgrad.nativelib;

import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.ReliabilityContract;

class NativeReliabilityTest extends ReliabilityContract {

    @Override
    protected Backend backend() {
        return Backends.named("native");
    }
}
