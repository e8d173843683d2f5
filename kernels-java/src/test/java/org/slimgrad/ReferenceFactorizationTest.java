package org.slimgrad;

class ReferenceFactorizationTest extends FactorizationContract {

    @Override
    protected Backend backend() {
        return Backends.reference();
    }

    /** The oracle orthonormalises by Householder QR in float64 whatever the conditioning. */
    @Override
    protected OrthoMethod wellConditionedMethod() {
        return OrthoMethod.HOUSEHOLDER_QR;
    }
}
