package org.slimgrad.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slimgrad.bench.Machine;

/** The report generator on a small recorded JMH result: tables, JSON and charts carry the recorded figures. */
class ReportTest {

    private static final String GEMM = "org.slimgrad.bench.GemmBench.multiply";
    private static final String DCT = "org.slimgrad.bench.DctBench.";

    /** A two-group suite matching the recorded sample. */
    private static List<Case> suite() {
        return List.of(
                new Case("gemm, 1 thread", "64x64x64", "slimgrad", true, GEMM,
                        Map.of("shape", "64x64x64", "impl", "slimgrad-1t")),
                new Case("gemm, 1 thread", "64x64x64", "OpenBLAS", false, GEMM,
                        Map.of("shape", "64x64x64", "impl", "openblas-1t")),
                new Case("gemm, 1 thread", "64x64x64", "netlib VectorBLAS", false, GEMM,
                        Map.of("shape", "64x64x64", "impl", "netlib")),
                new Case("projector refresh", "512x1376", "slimgrad DCT projector", true, DCT + "dctProjectorRefresh",
                        Map.of("layer", "512x1376")),
                new Case("projector refresh", "512x1376", "dense DCT matmul", false, DCT + "denseMatmulRefresh",
                        Map.of("layer", "512x1376")),
                new Case("projector refresh", "512x1376", "SVD projector", false, DCT + "svdProjectorRefresh",
                        Map.of("layer", "512x1376")));
    }

    private static Path sample() throws URISyntaxException {
        return Path.of(ReportTest.class.getResource("/report/sample-jmh.json").toURI());
    }

    @Test
    void writesTablesJsonAndChartsWithTheRecordedFigures(@TempDir Path dir) throws Exception {
        List<Report.Accuracy> accuracy = List.of(
                new Report.Accuracy("gemm, 1 thread 64x64x64", "slimgrad", "max |err| / (u·Σ|a||b|)", 0.75));
        Report report = Report.build(suite(), JmhResults.read(sample()), accuracy, "sample-jmh.json");
        assertEquals(2, report.groups().size());
        assertEquals(1.5, report.groups().get(0).speedup(), 1e-12, "OpenBLAS 3.0 ms / slimgrad 2.0 ms");
        assertEquals(8.0, report.groups().get(1).speedup(), 1e-12, "dense 10 ms / DCT 1.25 ms");
        Machine machine = new Machine("Test CPU (family 26, model 2)", "avx2 fma avx512f", 2, "25", 512,
                "OpenBLAS 0.3.31 (Cooperlake kernels)");
        report.write(dir, machine, "quick");

        String md = Files.readString(dir.resolve("index.md"));
        assertTrue(md.contains("| gemm, 1 thread | 64x64x64 | 2.00 ± 0.10 | OpenBLAS | 3.00 | 1.50× |"), md);
        assertTrue(md.contains("| projector refresh | 512x1376 | 1.25 ± 0.050 | dense DCT matmul | 10.0 ± 0.40 | 8.00× |"),
                md);
        assertTrue(md.contains("| netlib VectorBLAS | 8.00 ± 0.50 † | 4.00 | — |"), "its iterations trend: " + md);
        assertTrue(md.contains("- gemm, 1 thread, 64x64x64, netlib VectorBLAS: iterations still trend: 14.0, 12.0,"
                + " 6.00, 5.00, 3.00"), md);
        assertTrue(md.contains("| gemm, 1 thread | 64x64x64 | 2.00 ± 0.10 |"), "steady rows carry no mark: " + md);
        assertTrue(md.contains("| **slimgrad** | 2.00 ± 0.10 | 1.00 | max \\|err\\| / (u·Σ\\|a\\|\\|b\\|) = 0.750 |"),
                "pipes inside a cell are escaped: " + md);
        assertTrue(md.contains("- projector refresh, 512x1376: 2.1 MiB per call"), "slimgrad's 2.2 MB per call: " + md);
        assertFalse(md.contains("- gemm, 1 thread, 64x64x64: "), "1.2 KB per call is not listed: " + md);
        assertFalse(md.contains("4.8 MiB"), "a peer's allocation is not listed: " + md);
        assertTrue(md.contains("Test CPU (family 26, model 2) [avx2 fma avx512f], 2 cores"), md);
        for (String chart : List.of("speedup.png", "memory.png", "refresh.png")) {
            assertTrue(md.contains("](" + chart + ")"), chart + " linked from index.md");
            byte[] png = Files.readAllBytes(dir.resolve(chart));
            assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', chart + " is a PNG");
        }

        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("results.json"))).getAsJsonObject();
        assertEquals("Test CPU (family 26, model 2)", json.getAsJsonObject("machine").get("cpu").getAsString());
        assertEquals("avx2 fma avx512f", json.getAsJsonObject("machine").get("vectorFlags").getAsString());
        assertEquals(512, json.getAsJsonObject("machine").get("vectorBits").getAsInt());
        assertEquals("OpenBLAS 0.3.31 (Cooperlake kernels)", json.getAsJsonObject("machine").get("peers").getAsString());
        assertTrue(md.contains("peers: OpenBLAS 0.3.31 (Cooperlake kernels)"), md);
        JsonObject gemm = json.getAsJsonArray("kernels").get(0).getAsJsonObject();
        assertEquals(1.5, gemm.get("speedupVsBestPeer").getAsDouble(), 1e-12);
        assertEquals("OpenBLAS", gemm.get("bestPeer").getAsString());
        JsonObject ours = gemm.getAsJsonArray("implementations").get(0).getAsJsonObject();
        assertEquals(2.0, ours.get("score").getAsDouble());
        assertEquals(0.1, ours.get("error").getAsDouble());
        assertEquals("ms/op", ours.get("unit").getAsString());
        assertEquals(0.75, ours.get("accuracy").getAsDouble());
        assertEquals(1234.0, ours.get("allocatedBytesPerCall").getAsDouble());
        assertTrue(gemm.getAsJsonArray("implementations").get(1).getAsJsonObject().get("error").isJsonNull(),
                "JMH's NaN error becomes null");
        assertEquals(5, json.getAsJsonArray("optimizerStateMemory").size());
    }

    @Test
    void malformedInputNamesTheFileAndWhatIsWrong(@TempDir Path dir) throws IOException {
        Path notArray = Files.writeString(dir.resolve("object.json"), "{\"benchmark\": \"x\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JmhResults.read(notArray));
        assertTrue(e.getMessage().contains("object.json") && e.getMessage().contains("no JMH result array"),
                e.getMessage());
        Path noMetric = Files.writeString(dir.resolve("nometric.json"), "[{\"benchmark\": \"a.B.c\"}]");
        e = assertThrows(IllegalArgumentException.class, () -> JmhResults.read(noMetric));
        assertTrue(e.getMessage().contains("nometric.json") && e.getMessage().contains("a.B.c")
                && e.getMessage().contains("primaryMetric"), e.getMessage());
        Path broken = Files.writeString(dir.resolve("broken.json"), "[{\"benchmark\": ");
        e = assertThrows(IllegalArgumentException.class, () -> JmhResults.read(broken));
        assertTrue(e.getMessage().contains("broken.json") && e.getMessage().contains("not valid JSON"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JmhResults.read(dir.resolve("absent.json")));
    }

    @Test
    void partialInputNamesTheMissingCases() throws Exception {
        List<JmhResults.Result> results = JmhResults.read(sample()).stream()
                .filter(r -> !r.benchmark().endsWith("svdProjectorRefresh")).toList();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Report.build(suite(), results, List.of(), "partial.json"));
        assertTrue(e.getMessage().contains("partial.json") && e.getMessage().contains("lacks 1 of 6")
                && e.getMessage().contains("SVD projector"), e.getMessage());
    }

    @Test
    void aBenchmarkTimedInTwoGroupsShowsEachGroupItsOwnRun() {
        String refresh = DCT + "dctProjectorRefresh";
        Map<String, String> oneThread = Map.of("layer", "1024x2736", "threads", "1");
        List<Case> suite = List.of(
                new Case("projector refresh", "1024x2736", "slimgrad", true, refresh, oneThread),
                new Case("projector refresh", "1024x2736", "dense", false, DCT + "denseMatmulRefresh",
                        Map.of("layer", "1024x2736")),
                new Case("thread scaling", "1024x2736", "2 threads", true, refresh,
                        Map.of("layer", "1024x2736", "threads", "2")),
                new Case("thread scaling", "1024x2736", "1 thread", false, refresh, oneThread));
        List<JmhResults.Result> results = List.of(
                result(refresh, oneThread, 3.0),
                result(DCT + "denseMatmulRefresh", Map.of("layer", "1024x2736"), 36.0),
                result(refresh, Map.of("layer", "1024x2736", "threads", "2"), 1.5),
                result(refresh, oneThread, 2.4));
        Report report = Report.build(suite, results, List.of(), "twice.json");
        assertEquals(12.0, report.groups().get(0).speedup(), 1e-12, "36 / 3.0, the first run");
        assertEquals(1.6, report.groups().get(1).speedup(), 1e-12, "2.4 / 1.5: the run beside the 2-thread one");
    }

    private static JmhResults.Result result(String benchmark, Map<String, String> params, double score) {
        return new JmhResults.Result(benchmark, params, score, 0.1, "ms/op", List.of(List.of(score)), 0);
    }

    @Test
    void threadScalingTimesOneTwoAndEveryCoreWithEveryCoreAsOurs() {
        for (int cores : new int[]{2, 16}) {
            List<Case> cases = new java.util.ArrayList<>();
            Suite.threadScaling(cases, cores);
            List<Case> sddmm = cases.stream().filter(c -> c.kernel().equals("thread scaling: sddmm (dS values)"))
                    .toList();
            assertEquals(cores > 2 ? List.of("1", "2", "16") : List.of("1", "2"),
                    sddmm.stream().map(c -> c.params().get("threads")).toList());
            assertEquals(List.of(Integer.toString(cores)), sddmm.stream().filter(Case::slimgrad)
                    .map(c -> c.params().get("threads")).toList());
        }
    }

    @Test
    void theSuiteCoversEveryKernelWithAPeer() {
        for (boolean full : new boolean[]{false, true}) {
            List<Case> cases = Suite.cases(full);
            for (String kernel : List.of("gemm, 1 thread", "gemm, 2 threads", "SVD refresh (rank 256)",
                    "orthonormalize", "small exact SVD", "symmetric eigen", "row DCT-II", "projector refresh",
                    "sparse+low-rank forward", "sparse+low-rank backward", "sddmm (dS values)", "spmm X·Sᵀ",
                    "axpy, 1 thread", "lowRankUpdate r=256, 2 threads", "DCT back-projection r=256",
                    "GaLore step (SVD projector)", "low-rank Adam step")) {
                assertTrue(cases.stream().anyMatch(c -> c.kernel().equals(kernel) && c.slimgrad()), kernel);
                assertTrue(cases.stream().anyMatch(c -> c.kernel().equals(kernel) && !c.slimgrad()), kernel + " peer");
            }
        }
    }
}
