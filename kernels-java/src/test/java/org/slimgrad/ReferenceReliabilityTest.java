package org.slimgrad;

class ReferenceReliabilityTest extends ReliabilityContract {

    @Override
    protected Backend backend() {
        return Backends.reference();
    }
}
