package org.slimgrad.cuda;

import org.slimgrad.Backend;
import org.slimgrad.FactorizationContract;

/** kernels-java's factorisation contract (orthogonality, known spectra, rank-r error) through the host emulation. */
class EmulatedFactorizationTest extends FactorizationContract {

    @Override
    protected Backend backend() {
        return new StagedCudaBackend(EmulatedCuda.shared());
    }
}
