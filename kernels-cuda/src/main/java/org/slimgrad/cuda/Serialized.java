package org.slimgrad.cuda;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import org.slimgrad.Backend;
import org.slimgrad.Capabilities;
import org.slimgrad.DctOps;
import org.slimgrad.DenseOps;
import org.slimgrad.Factorizations;
import org.slimgrad.OptimizerOps;
import org.slimgrad.SparseOps;

/**
 * A capability object whose every call holds one lock: the CUDA backend's operations share a stream, scratch buffers
 * and library handles, so concurrent callers run one after another, each getting what it would get alone (the
 * thread-safety rule of {@link org.slimgrad.Backend}). A device operation costs microseconds; the reflective call
 * costs a fraction of one.
 */
final class Serialized {

    private Serialized() {
    }

    /** The CUDA capability objects over {@code context}, each behind the context's lock. */
    static Capabilities capabilities(Backend owner, CudaContext context) {
        CudaDense dense = new CudaDense(owner, context);
        return new Capabilities(of(DenseOps.class, dense, context),
                of(Factorizations.class, new CudaFactorizations(owner, context, dense), context),
                of(DctOps.class, new CudaDct(owner, context), context),
                of(SparseOps.class, new CudaSparse(owner, context), context),
                of(OptimizerOps.class, new CudaOptimizer(owner, context), context));
    }

    static <T> T of(Class<T> capability, T target, Object lock) {
        return capability.cast(Proxy.newProxyInstance(capability.getClassLoader(), new Class<?>[]{capability},
                (proxy, method, args) -> {
                    synchronized (lock) {
                        try {
                            return method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                }));
    }
}
