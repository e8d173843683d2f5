package org.slimgrad.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slimgrad.bench.BlasBench;
import org.slimgrad.bench.DctBench;
import org.slimgrad.bench.GemmBench;
import org.slimgrad.bench.OptimizerBench;
import org.slimgrad.bench.SparseBench;
import org.slimgrad.bench.SvdBench;

/**
 * Every case the report times: each kernel slimgrad has, on LLaMA layer shapes (60M 512×1376, 130M 768×2048, 350M
 * 1024×2736; 1B 2048×5461 in the full suite), beside the libraries people use instead. All times are JMH averages
 * in ms per operation.
 */
public final class Suite {

    private Suite() {
    }

    /** The cases of the quick (default) or full suite. */
    public static List<Case> cases(boolean full) {
        List<Case> cases = new ArrayList<>();
        gemm(cases, full);
        blas(cases);
        factorisations(cases);
        dct(cases, full);
        refresh(cases, full);
        sparse(cases);
        optimizer(cases);
        threadScaling(cases, Runtime.getRuntime().availableProcessors());
        return cases;
    }

    private static void gemm(List<Case> cases, boolean full) {
        String b = GemmBench.class.getName() + ".multiply";
        List<String> shapes = full
                ? List.of("1024x1024x1024", "2048x2048x2048", "1024x2736x256", "256x1024x2736")
                : List.of("1024x1024x1024", "1024x2736x256", "256x1024x2736");
        // the 1-thread group meets single-threaded peers, the 2-thread group the threaded ones
        String[][][] groups = {
                {{"slimgrad-1t", "slimgrad"}, {"openblas-1t", "OpenBLAS"}, {"netlib", "netlib VectorBLAS"},
                        {"ejml", "EJML"}},
                {{"slimgrad-2t", "slimgrad"}, {"openblas-2t", "OpenBLAS"}, {"ejml-2t", "EJML concurrent"}}};
        for (String shape : shapes) {
            for (int g = 0; g < groups.length; g++) {
                String kernel = g == 0 ? "gemm, 1 thread" : "gemm, 2 threads";
                for (String[] impl : groups[g]) {
                    cases.add(new Case(kernel, shape, impl[1], impl[0].startsWith("slimgrad"), b,
                            Map.of("shape", shape, "impl", impl[0])));
                }
            }
        }
    }

    private static void blas(List<Case> cases) {
        String b = BlasBench.class.getName() + ".";
        String shape = "1024x2736";
        cases.add(new Case("axpy, 1 thread", shape, "slimgrad", true, b + "axpy", Map.of("backend", "cpu")));
        cases.add(new Case("axpy, 1 thread", shape, "OpenBLAS saxpy", false, b + "axpy", Map.of("backend", "native")));
        cases.add(new Case("axpy, 1 thread", shape, "netlib VectorBLAS saxpy", false, b + "netlibSaxpy",
                Map.of("backend", "cpu")));
        cases.add(new Case("scale, 1 thread", shape, "slimgrad", true, b + "scale", Map.of("backend", "cpu")));
        cases.add(new Case("scale, 1 thread", shape, "OpenBLAS sscal", false, b + "scale", Map.of("backend", "native")));
        cases.add(new Case("copy, 1 thread", shape, "slimgrad", true, b + "copy", Map.of("backend", "cpu")));
        cases.add(new Case("copy, 1 thread", shape, "System.arraycopy", false, b + "arraycopy",
                Map.of("backend", "cpu")));
        cases.add(new Case("lowRankUpdate r=256, 2 threads", shape, "slimgrad", true, b + "lowRankUpdate",
                Map.of("backend", "cpu")));
        cases.add(new Case("lowRankUpdate r=256, 2 threads", shape, "OpenBLAS sgemm", false, b + "lowRankUpdate",
                Map.of("backend", "native")));
    }

    private static void factorisations(List<Case> cases) {
        String svd = SvdBench.class.getName() + ".";
        String shape = "1024x2736";
        Map<String, String> randomized = Map.of("shape", shape, "powerIterations", "2");
        cases.add(new Case("SVD refresh (rank 256)", shape, "slimgrad randomized SVD, q = 2", true,
                svd + "randomizedSvd", with(randomized, "backend", "cpu")));
        cases.add(new Case("SVD refresh (rank 256)", shape, "same algorithm on OpenBLAS GEMM", false,
                svd + "randomizedSvd", with(randomized, "backend", "native")));
        cases.add(new Case("SVD refresh (rank 256)", shape, "LAPACK sgesdd (full SVD)", false, svd + "lapackSgesdd",
                Map.of("shape", shape)));
        cases.add(new Case("SVD refresh (rank 256)", shape, "EJML full SVD", false, svd + "ejmlFullSvd",
                Map.of("shape", shape)));
        cases.add(new Case("orthonormalize", "2736x256", "slimgrad CholeskyQR2", true,
                svd + "orthonormalizeCholeskyQr2", Map.of()));
        cases.add(new Case("orthonormalize", "2736x256", "LAPACK sgeqrf + sorgqr", false, svd + "lapackHouseholderQr",
                Map.of()));
        cases.add(new Case("orthonormalize", "2736x256", "EJML Householder QR", false, svd + "ejmlHouseholderQr",
                Map.of()));
        cases.add(new Case("small exact SVD", "256x256", "slimgrad", true, svd + "smallSvd", Map.of()));
        cases.add(new Case("small exact SVD", "256x256", "LAPACK sgesdd", false, svd + "lapackSmallSvd", Map.of()));
        cases.add(new Case("small exact SVD", "256x256", "EJML", false, svd + "ejmlSmallSvd", Map.of()));
        cases.add(new Case("symmetric eigen", "256x256", "slimgrad", true, svd + "symmetricEigen", Map.of()));
        cases.add(new Case("symmetric eigen", "256x256", "LAPACK ssyevd", false, svd + "lapackSsyevd", Map.of()));
        cases.add(new Case("symmetric eigen", "256x256", "EJML", false, svd + "ejmlSymmetricEigen", Map.of()));
    }

    private static void dct(List<Case> cases, boolean full) {
        String d = DctBench.class.getName() + ".";
        List<String> shapes = full ? List.of("1024x2736", "2048x5461", "1024x4096") : List.of("1024x2736", "1024x4096");
        for (String shape : shapes) {
            cases.add(new Case("row DCT-II", shape, "slimgrad", true, d + "slimgradRows",
                    Map.of("shape", shape, "threads", "1")));
            cases.add(new Case("row DCT-II", shape, "JTransforms FloatDCT_1D", false, d + "jtransformsRows",
                    Map.of("shape", shape)));
        }
        Map<String, String> r256 = Map.of("rank", "256");
        cases.add(new Case("DCT back-projection r=256", "1024x2736", "slimgrad inverse DCT (idctScatter)", true,
                d + "inverseDctBackProjection", r256));
        cases.add(new Case("DCT back-projection r=256", "1024x2736", "gathered basis, then GEMM", false,
                d + "gatheredBasisBackProjection", r256));
    }

    private static void refresh(List<Case> cases, boolean full) {
        String d = DctBench.class.getName() + ".";
        List<String> shapes = full ? List.of("512x1376", "768x2048", "1024x2736", "2048x5461")
                : List.of("512x1376", "768x2048", "1024x2736");
        for (String shape : shapes) {
            Map<String, String> p = Map.of("layer", shape);
            cases.add(new Case("projector refresh", shape, "slimgrad DCT projector", true, d + "dctProjectorRefresh",
                    with(p, "threads", "1")));
            cases.add(new Case("projector refresh", shape, "dense DCT matmul (reference formulation)", false,
                    d + "denseMatmulRefresh", p));
            cases.add(new Case("projector refresh", shape, "slimgrad SVD projector (randomized)", false,
                    d + "svdProjectorRefresh", p));
        }
    }

    private static void sparse(List<Case> cases) {
        String s = SparseBench.class.getName() + ".";
        for (String model : List.of("60M", "350M")) {
            String shape = model.equals("60M") ? "1376x512, 4096 tokens" : "2736x1024, 4096 tokens";
            Map<String, String> p = Map.of("model", model, "threads", "1"); // threadScaling times more
            cases.add(new Case("sparse+low-rank forward", shape, "slimgrad layer", true, s + "layerForward", p));
            cases.add(new Case("sparse+low-rank forward", shape, "dense W, then GEMM", false, s + "denseForward", p));
            cases.add(new Case("sparse+low-rank backward", shape, "slimgrad layer", true, s + "layerBackward", p));
            cases.add(new Case("sparse+low-rank backward", shape, "dense W, then GEMMs", false, s + "denseBackward", p));
            cases.add(new Case("sddmm (dS values)", shape, "slimgrad sddmm", true, s + "sddmmValueGradient", p));
            cases.add(new Case("sddmm (dS values)", shape, "dense dYᵀ·X, then gather", false,
                    s + "denseProductThenGather", p));
            cases.add(new Case("spmm X·Sᵀ", shape, "slimgrad spmm", true, s + "spmmForward", p));
            cases.add(new Case("spmm X·Sᵀ", shape, "S stored dense, GEMM", false, s + "denseSpmmForward", p));
        }
    }

    private static void optimizer(List<Case> cases) {
        String o = OptimizerBench.class.getName() + ".";
        String shape = "1024x2736, r=256";
        cases.add(new Case("GaLore step (SVD projector)", shape, "slimgrad LowRankAdam (fused)", true,
                o + "svdProjectedStep", Map.of()));
        cases.add(new Case("GaLore step (SVD projector)", shape, "unfused sequence, same kernels", false,
                o + "svdUnfusedStep", Map.of()));
        cases.add(new Case("low-rank Adam step", shape, "slimgrad LowRankAdam, DCT projector", true,
                o + "dctProjectedStep", Map.of()));
        cases.add(new Case("low-rank Adam step", shape, "slimgrad LowRankAdam, SVD projector", false,
                o + "svdProjectedStep", Map.of()));
    }

    /**
     * The threaded DCT and sparse kernels on 1 thread, 2 and every core (2 on a 2-core host): the every-core case is
     * "ours" and the others its peers, so a group's speed-up is its scaling over the next smaller count (over 1 thread
     * on a 2-core host); the group lists every count's time.
     */
    static void threadScaling(List<Case> cases, int cores) {
        List<Integer> counts = cores > 2 ? List.of(1, 2, cores) : List.of(1, 2);
        int most = counts.get(counts.size() - 1);
        String d = DctBench.class.getName() + ".";
        String s = SparseBench.class.getName() + ".";
        String[][] kernels = {
                {"row DCT-II", "1024x2736", d + "slimgradRows", "shape", "1024x2736"},
                {"DCT projector refresh", "1024x2736", d + "dctProjectorRefresh", "layer", "1024x2736"},
                {"sddmm (dS values)", "2736x1024, 4096 tokens", s + "sddmmValueGradient", "model", "350M"},
                {"spmm X·Sᵀ", "2736x1024, 4096 tokens", s + "spmmForward", "model", "350M"},
                {"sparse+low-rank forward", "2736x1024, 4096 tokens", s + "layerForward", "model", "350M"}};
        for (String[] k : kernels) {
            for (int threads : counts) {
                String label = "slimgrad, " + threads + (threads == 1 ? " thread" : " threads")
                        + (threads == most ? " (every core)" : "");
                cases.add(new Case("thread scaling: " + k[0], k[1], label, threads == most, k[2],
                        Map.of(k[3], k[4], "threads", Integer.toString(threads))));
            }
        }
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> out = new java.util.HashMap<>(base);
        out.put(key, value);
        return out;
    }
}
