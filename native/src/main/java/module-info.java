/**
 * Bindings through FFM to native libraries: the OpenBLAS-backed backend, Open MPI's collective, and the CUDA driver,
 * cuBLAS and cuSOLVER for the CUDA backend. Needs {@code --enable-native-access=org.slimgrad.nativelib}.
 */
module org.slimgrad.nativelib {
    requires transitive org.slimgrad;

    exports org.slimgrad.nativelib;
    exports org.slimgrad.nativelib.cuda to org.slimgrad.cuda;

    provides org.slimgrad.BackendProvider with org.slimgrad.nativelib.NativeProvider;
}
