package org.slimgrad.nativelib;

import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.ValidationContract;

class NativeValidationTest extends ValidationContract {

    @Override
    protected Backend backend() {
        return Backends.named("native");
    }
}
