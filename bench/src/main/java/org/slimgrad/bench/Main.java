package org.slimgrad.bench;

import java.util.Arrays;

/** The main job's entry point: {@code Main <job> [arguments]}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String job = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (job) {
            case "gemm" -> GemmComparison.run(rest);
            case "svd-accuracy" -> SvdAccuracy.run();
            default -> {
                System.err.println("usage: Main gemm [MxKxN ...]   SGEMM GFLOP/s of slimgrad beside netlib VectorBLAS,"
                        + " EJML and a naive loop\n       Main svd-accuracy      randomized SVD error vs the optimal rank-r"
                        + " error (EJML's exact SVD as the oracle)");
                System.exit(2);
            }
        }
    }
}
