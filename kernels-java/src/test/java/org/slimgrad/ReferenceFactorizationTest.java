package org.slimgrad;

class ReferenceFactorizationTest extends FactorizationContract {

    @Override
    protected Backend backend() {
        return Backends.reference();
    }
}
