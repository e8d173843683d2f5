package org.slimgrad.cuda;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A capability object whose every call holds one lock: the CUDA backend's operations share a stream, scratch buffers
 * and library handles, so concurrent callers run one after another, each getting what it would get alone (the
 * thread-safety rule of {@link org.slimgrad.Backend}). A device operation costs microseconds; the reflective call
 * costs a fraction of one.
 */
final class Serialized {

    private Serialized() {
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
