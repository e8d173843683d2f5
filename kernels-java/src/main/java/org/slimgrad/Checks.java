package org.slimgrad;

/**
 * The argument checks every capability base runs before its kernels: matrices of the owning backend's memory domain,
 * alive and accessible, outputs writable, shapes that agree, outputs that overlap no input. Each failure is an
 * exception whose message begins with the {@link Call}.
 */
final class Checks {

    private final String backend;
    private final MemoryDomain domain;

    Checks(Backend owner) {
        this.backend = owner.name();
        this.domain = owner.domain();
    }

    /**
     * m is non-null, of the owner's domain, not yet freed and accessible from the calling thread (a segment of a
     * confined arena is usable only by its owner thread).
     */
    void readable(Call op, String role, Matrix m) {
        if (m == null) {
            throw new IllegalArgumentException(op + ": " + role + " is null");
        }
        if (m.domain() != domain) {
            throw new IllegalArgumentException(op + ": " + role + " (" + m.shape() + ") lives in " + m.domain()
                    + " memory; backend " + backend + " computes on " + domain + " memory");
        }
        if (!m.segment().scope().isAlive()) {
            throw new IllegalStateException(op + ": " + role + " (" + m.shape() + ") views memory that was closed");
        }
        if (!m.segment().isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException(op + ": " + role + " (" + m.shape() + ") views memory confined to"
                    + " another thread; call from that thread or use a shared arena");
        }
    }

    /** {@link #readable}, and the memory must be writable (not a read-only segment). */
    void writable(Call op, String role, Matrix m) {
        readable(op, role, m);
        if (m.segment().isReadOnly()) {
            throw new IllegalArgumentException(op + ": output " + role + " (" + m.shape() + ") views read-only"
                    + " memory");
        }
    }

    static boolean sameView(Matrix x, Matrix y) {
        return x.segment().equals(y.segment()) && x.offset() == y.offset() && x.ld() == y.ld();
    }

    static void sameShape(Call op, Matrix x, Matrix y) {
        if (x.rows() != y.rows() || x.cols() != y.cols()) {
            throw new IllegalArgumentException(op + ": X is " + x.shape() + " but Y is " + y.shape()
                    + "; need equal shapes");
        }
    }

    static void disjoint(Call op, String outRole, Matrix out, String inRole, Matrix in) {
        if (out.overlaps(in)) {
            throw new IllegalArgumentException(op + ": output " + outRole + " (" + out.shape() + ") overlaps input "
                    + inRole + " (" + in.shape() + "); in-place use is not supported");
        }
    }

    /** Out may be exactly the input view (an in-place update) but must not overlap it otherwise. */
    static void disjointUnlessSame(Call op, String outRole, Matrix out, String inRole, Matrix in) {
        if (!sameView(out, in)) {
            disjoint(op, outRole, out, inRole, in);
        }
    }
}
