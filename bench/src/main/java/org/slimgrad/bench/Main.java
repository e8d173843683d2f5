package org.slimgrad.bench;

import java.util.Arrays;

/** The main job's entry point: {@code Main <job> [arguments]}. */
public final class Main {

    private static final String USAGE = """
            usage: Main main               the main job: pretrain, djl-pretrain, scale-out, the report, the CUDA comparison
                   Main pretrain [--steps N] [--out DIR]
                                           a small LM trained with full AdamW, GaLore, DCT and SLTrain: report/pretrain.md
                   Main pretrain-mpi RANKS METHOD STEPS
                                           that LM data-parallel on RANKS MPI ranks (METHOD: full, svd, dct, sltrain)
                   Main scale-out [--steps N] [--out DIR]
                                           pretrain-mpi on 1 and 2 ranks, refresh traffic at 1B/7B: report/scale-out.md
                   Main djl-pretrain [--steps N] [--out DIR]
                                           a small GPT trained by DJL on the JDK's sources, DJL's AdamW beside slimgrad's
                                           AdamW, GaLore and DCT through SlimgradOptimizer: report/djl-pretrain.md
                   Main report [--full] [--from FILE] [--out DIR]
                                           every kernel beside its peers: report/index.md, results.json, charts
                   Main gemm [MxKxN ...]   SGEMM GFLOP/s beside OpenBLAS, netlib VectorBLAS, EJML and a naive loop
                   Main svd                randomized SVD beside LAPACK sgesdd and EJML's SVD, with its accuracy
                   Main svd-accuracy       randomized SVD error against the optimal rank-r error
                   Main cuda [--out DIR] [--budget-s S]
                                           GPU: the methods' kernels, then randomized SVD beside cuSOLVER: report/cuda.md""";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        // -Dslimgrad.job="report --full" arrives as one argument: split it into words
        String[] words = args.length == 1 ? args[0].trim().split("\\s+") : args;
        String job = words.length == 0 ? "" : words[0];
        String[] rest = words.length == 0 ? words : Arrays.copyOfRange(words, 1, words.length);
        switch (job) {
            case "main" -> {
                org.slimgrad.bench.pretrain.PretrainJob.run(new String[0]);
                org.slimgrad.bench.pretrain.DjlPretrainJob.run(new String[0]);
                org.slimgrad.bench.pretrain.ScaleOutJob.run(new String[0]);
                ReportJob.run(rest);
                CudaComparison.run(new String[0]); // report/cuda.md: figures on a GPU, else why not
            }
            case "report" -> ReportJob.run(rest);
            case "pretrain" -> org.slimgrad.bench.pretrain.PretrainJob.run(rest);
            case "djl-pretrain" -> org.slimgrad.bench.pretrain.DjlPretrainJob.run(rest);
            case "pretrain-mpi" -> org.slimgrad.bench.pretrain.ScaleOutJob.runDemo(rest);
            case "scale-out" -> org.slimgrad.bench.pretrain.ScaleOutJob.run(rest);
            case "gemm" -> GemmComparison.run(rest);
            case "svd" -> SvdComparison.run();
            case "svd-accuracy" -> SvdAccuracy.run();
            case "cuda" -> CudaComparison.run(rest);
            default -> {
                System.err.println(USAGE);
                System.exit(2);
            }
        }
    }
}
