/** The CUDA backend: PTX kernels, cuBLAS and cuSOLVER behind slimgrad's {@link org.slimgrad.Backend}. */
module org.slimgrad.cuda {
    requires transitive org.slimgrad;
    requires org.slimgrad.nativelib;
    requires static jcuda; // JCudaMemory only: optional at run time

    exports org.slimgrad.cuda;

    provides org.slimgrad.BackendProvider with org.slimgrad.cuda.CudaProvider;
}
