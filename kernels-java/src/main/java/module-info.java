/**
 * slimgrad's API (backends, matrices, the training layer, collectives), its reference backend and its Vector API CPU
 * backend. Only the API packages are exported; the kernels themselves ({@code cpu}, {@code simd}, {@code linalg},
 * {@code reference}) are reached through {@link org.slimgrad.Backends} and are open to the two library modules that
 * build on them.
 */
module org.slimgrad {
    requires jdk.incubator.vector;

    exports org.slimgrad;
    exports org.slimgrad.collective;
    exports org.slimgrad.train;

    // The native backend keeps the CPU backend's blocking and threads and replaces its GEMM and factorisations.
    exports org.slimgrad.cpu to org.slimgrad.nativelib;
    // The device backend runs the same randomized-SVD driver and Cholesky-QR policy as the host.
    exports org.slimgrad.linalg to org.slimgrad.cuda;

    uses org.slimgrad.BackendProvider;
    provides org.slimgrad.BackendProvider with org.slimgrad.reference.ReferenceProvider, org.slimgrad.cpu.CpuProvider;
}
