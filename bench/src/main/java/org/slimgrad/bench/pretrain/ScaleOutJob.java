package org.slimgrad.bench.pretrain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slimgrad.bench.Machine;
import org.slimgrad.bench.report.MemoryModel;
import org.slimgrad.nativelib.MpiJob;

/**
 * The {@code scale-out} job: the data-parallel pretraining demo ({@link MpiPretrain}, standard model) on 1 and 2
 * MPI ranks of this machine, with each rank's optimizer memory and time per step, and the communication a projector
 * refresh needs at the 1B and 7B shapes (computed), sharded against the replicated formulation. Writes
 * report/scale-out.md.
 *
 * <pre>
 * Main scale-out [--steps N] [--out DIR]     default 300 steps, report/
 * Main pretrain-mpi RANKS METHOD STEPS        the demo alone on RANKS ranks (METHOD: full, svd, dct, sltrain)
 * </pre>
 */
public final class ScaleOutJob {

    private static final Pattern RANK_LINE = Pattern.compile(
            "rank (\\d+) of (\\d+): optimizer bytes (\\d+), ([0-9.]+) ms per step");
    private static final Pattern RESULT_LINE = Pattern.compile(
            "on (\\d+) ranks: validation loss ([0-9.]+), weights sha256 ([0-9a-f]+)");
    /** The refresh of the runs and the report: randomized SVD with 10 oversampling columns, 2 power iterations. */
    private static final int OVERSAMPLING = 10;
    private static final int POWER_ITERATIONS = 2;

    private ScaleOutJob() {
    }

    /** The demo on {@code ranks} MPI ranks, its output printed as it was. */
    public static void runDemo(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            throw new IllegalArgumentException("Main pretrain-mpi RANKS METHOD STEPS");
        }
        MpiJob.Result result = demo(Integer.parseInt(args[0]), args[1], Integer.parseInt(args[2]));
        System.out.print(result.output());
        if (result.status() != 0) {
            throw new IllegalStateException("mpirun exited with " + result.status());
        }
    }

    public static void run(String[] args) throws IOException, InterruptedException {
        StepsAndOut options = StepsAndOut.parse("scale-out", args, 300);
        int steps = options.steps();
        Path out = options.out();
        StringBuilder md = new StringBuilder("# Scale-out: data-parallel pretraining over MPI\n\n");
        if (MpiJob.mpirun().isEmpty()) {
            md.append("Not measured: mpirun is not installed here (Debian: openmpi-bin, libopenmpi-dev).\n\n");
        } else {
            md.append(measured(steps));
        }
        md.append(communication());
        Files.createDirectories(out);
        Files.writeString(out.resolve("scale-out.md"), md.toString());
        System.out.print(md);
    }

    private static MpiJob.Result demo(int ranks, String method, int steps) throws IOException, InterruptedException {
        return MpiJob.run(ranks, Duration.ofMinutes(20), MpiPretrain.class, method, Integer.toString(steps));
    }

    private static String measured(int steps) throws IOException, InterruptedException {
        PretrainRun.Config config = MpiPretrain.config(steps, false);
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "`mvn -B -q -DskipTests"
                + " -Dslimgrad.job=\"pretrain-mpi RANKS METHOD %d\" verify`: the standard model (V %d, d %d, h %d,"
                + " rank %d, refresh every %d steps), batches of %d positions in %d micro-batches, %d steps, one thread"
                + " per rank, on this machine (%s). Gradients are exchanged per micro-batch and added in a fixed order,"
                + " so the weights are the same bits on every number of ranks (the digest column); optimizer state is"
                + " sharded (ZeRO-1): each matrix's state on one rank. Time per step: the mean over the last three"
                + " quarters of the steps, the exchange included.%n%n"
                + "| method | ranks | optimizer state per rank (MiB) | ms per step (rank 0) | validation loss |"
                + " weights sha256 (first 16) |%n|---|---|---|---|---|---|%n", steps, config.symbols(),
                config.width(), config.hidden(), config.rank(), config.updateGap(), config.batch(),
                MpiPretrain.MICRO_BATCHES, steps, Machine.current()));
        for (String method : new String[]{"full", "svd", "dct"}) {
            for (int ranks : new int[]{1, 2}) {
                MpiJob.Result result = demo(ranks, method, steps);
                Matcher last = RESULT_LINE.matcher(result.output());
                if (result.status() != 0 || !last.find()) {
                    throw new IllegalStateException("scale-out: " + method + " on " + ranks + " ranks failed:\n"
                            + result.output());
                }
                List<String> perRank = new ArrayList<>();
                double rank0Ms = 0;
                Matcher line = RANK_LINE.matcher(result.output());
                while (line.find()) {
                    perRank.add(String.format(Locale.ROOT, "%.2f", Long.parseLong(line.group(3)) / 1048576.0));
                    if (line.group(1).equals("0")) {
                        rank0Ms = Double.parseDouble(line.group(4));
                    }
                }
                md.append(String.format(Locale.ROOT, "| %s | %d | %s | %.1f | %s | `%s` |%n",
                        MpiPretrain.method(method).label, ranks, String.join(" + ", perRank), rank0Ms, last.group(2),
                        last.group(3).substring(0, 16)));
            }
        }
        return md.append('\n').toString();
    }

    /**
     * Bytes each rank contributes to the collectives of one refresh of one MLP matrix m×n (m ≥ n) split by rows
     * across the ranks, against gathering the whole gradient so that every rank can refresh alone.
     */
    static String communication() {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "## Communication per refresh (computed)%n%n"
                + "One MLP matrix m×n of the model, its rows split across the ranks (tensor parallel). Sharded DCT"
                + " refresh (`DctProjector.sharded`): the n column scores all-reduced in float64, 8·n bytes; every rank"
                + " picks the same top-r from the same sums. Sharded randomized SVD (`SvdProjector.sharded`, l = r + %d,"
                + " %d power iterations): %d all-reduced n×l products and the l×l Gram, 4·(%d·n·l + l²) bytes."
                + " Replicated formulation: every rank gathers the whole gradient, 4·m·n bytes.%n%n"
                + "| model | matrix m×n | rank | DCT, sharded | SVD, sharded | replicated (either method) |"
                + "%n|---|---|---|---|---|---|%n", OVERSAMPLING, POWER_ITERATIONS, POWER_ITERATIONS + 1,
                POWER_ITERATIONS + 1));
        for (MemoryModel.Layer layer : MemoryModel.LAYERS) {
            if (!layer.model().equals("1B") && !layer.model().equals("7B")) {
                continue;
            }
            long n = layer.n();
            long l = layer.rank() + OVERSAMPLING;
            long dct = 8 * n;
            long svd = 4 * ((POWER_ITERATIONS + 1) * n * l + l * l);
            long replicated = 4L * layer.m() * n;
            md.append(String.format(Locale.ROOT, "| %s | %d×%d | %d | %.0f KiB | %.1f MiB | %.1f MiB |%n",
                    layer.model(), layer.m(), n, layer.rank(), dct / 1024.0, svd / 1048576.0,
                    replicated / 1048576.0));
        }
        return md.toString();
    }
}
