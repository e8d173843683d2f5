package org.slimgrad.nativelib;

import org.slimgrad.Backend;
import org.slimgrad.Backends;
import org.slimgrad.FactorizationContract;
import org.slimgrad.OrthoMethod;

/** LAPACK's QR, SVD and eigensolver, and slimgrad's randomized SVD on OpenBLAS, against the same mathematics. */
class NativeFactorizationTest extends FactorizationContract {

    @Override
    protected Backend backend() {
        return Backends.named("native");
    }

    @Override
    protected OrthoMethod wellConditionedMethod() {
        return OrthoMethod.HOUSEHOLDER_QR;
    }
}
