package org.slimgrad;

/**
 * Temporaries with a scope, from {@link Backend#scratch()}: matrices allocated here live until the scope closes. On a
 * device backend closing hands their memory back to the backend's pool at once, so a step that takes its temporaries
 * from a scratch scope reuses the same memory every time instead of asking the driver for more; any later use of
 * those matrices (or their views) then throws {@link IllegalStateException}. On a host backend they are ordinary
 * arrays that the garbage collector reclaims. Not thread-safe; close it on the thread that uses it.
 */
public interface Scratch extends AutoCloseable {

    /** A new rows×cols matrix of the backend's domain, valid until {@link #close()}; its contents are unspecified. */
    Matrix allocate(int rows, int cols);

    /** Ends the scope. Closing twice does nothing. */
    @Override
    void close();
}
