package org.slimgrad.cpu;

import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.ValidationContract;

class CpuValidationTest extends ValidationContract {

    @Override
    protected Backend backend() {
        return Backends.cpu();
    }
}
