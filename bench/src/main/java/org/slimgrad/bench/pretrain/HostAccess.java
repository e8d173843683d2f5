package org.slimgrad.bench.pretrain;

import java.util.IdentityHashMap;
import java.util.Map;

import org.slimgrad.Backend;
import org.slimgrad.Matrix;
import org.slimgrad.cuda.CudaBackend;

/**
 * Where the model's few element-wise loops (embedding gather, ReLU, softmax cross-entropy, their gradients) run. On
 * a host backend they work on the model's matrices directly; on the CUDA backend on host mirrors that are
 * downloaded before and uploaded after (activations of one batch: a few hundred KB a step), while every weight,
 * gradient, layer and optimizer stays on the device.
 */
abstract class HostAccess {

    /** The access for a backend: direct for host memory, mirrored for the CUDA backend. */
    static HostAccess of(Backend backend) {
        if (backend.domain().isHost()) {
            return new Direct();
        }
        if (backend instanceof CudaBackend cuda) {
            return new Mirrored(cuda);
        }
        throw new IllegalArgumentException("pretrain: backend " + backend + " computes on " + backend.domain()
                + " memory, which the model's host loops cannot reach");
    }

    /** A host matrix holding m's current values. */
    abstract Matrix read(Matrix m);

    /** A host matrix to fill completely and then {@link #write} into m (its old values are not fetched). */
    abstract Matrix blank(Matrix m);

    /** Makes m hold what was written into {@code host}, a matrix from {@link #read} or {@link #blank} of m. */
    abstract void write(Matrix host, Matrix m);

    private static final class Direct extends HostAccess {
        @Override
        Matrix read(Matrix m) {
            return m;
        }

        @Override
        Matrix blank(Matrix m) {
            return m;
        }

        @Override
        void write(Matrix host, Matrix m) {
            // host is m itself
        }
    }

    private static final class Mirrored extends HostAccess {
        private final CudaBackend cuda;
        private final Map<Matrix, Matrix> mirrors = new IdentityHashMap<>();

        Mirrored(CudaBackend cuda) {
            this.cuda = cuda;
        }

        @Override
        Matrix read(Matrix m) {
            Matrix host = blank(m);
            cuda.download(m, host);
            return host;
        }

        @Override
        Matrix blank(Matrix m) {
            return mirrors.computeIfAbsent(m, d -> Matrix.wrap(new float[d.rows() * d.cols()], d.rows(), d.cols()));
        }

        @Override
        void write(Matrix host, Matrix m) {
            cuda.copyFromHost(host, m);
        }
    }
}
