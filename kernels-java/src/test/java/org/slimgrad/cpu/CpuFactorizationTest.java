package org.slimgrad.cpu;

import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.FactorizationContract;

class CpuFactorizationTest extends FactorizationContract {

    @Override
    protected Backend backend() {
        return Backends.cpu();
    }
}
