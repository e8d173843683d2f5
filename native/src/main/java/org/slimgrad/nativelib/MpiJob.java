package org.slimgrad.nativelib;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code mpirun -np N java <main> <args>} with this JVM's java and class path, and waits for it: one command
 * for a multi-rank run on this machine (the pretraining demo, the MPI tests). Oversubscribed and unbound, so that
 * N may exceed the cores; as root (containers, CI) with Open MPI's run-as-root consent. On a cluster, call mpirun
 * yourself with its host list.
 */
public final class MpiJob {

    /** What the job returned: mpirun's exit status and every rank's output, interleaved. */
    public record Result(int status, String output) {
    }

    private MpiJob() {
    }

    /** The mpirun on PATH, if any. */
    public static Optional<Path> mpirun() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "mpirun");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code main} on {@code ranks} ranks. A job still running after {@code timeout} is killed, with all its
     * processes, and reported as an {@link IllegalStateException} holding its output so far; so is a missing mpirun.
     */
    public static Result run(int ranks, Duration timeout, Class<?> main, String... args)
            throws IOException, InterruptedException {
        if (ranks < 1) {
            throw new IllegalArgumentException("MpiJob.run: " + ranks + " ranks");
        }
        Path mpirun = mpirun().orElseThrow(() -> new IllegalStateException("MpiJob.run: mpirun is not on PATH"
                + " (Debian: apt-get install openmpi-bin libopenmpi-dev)"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(mpirun.toString(), "-np", Integer.toString(ranks),
                "--oversubscribe", "--bind-to", "none"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("--allow-run-as-root");
        }
        command.addAll(List.of(java.toString(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMPI_MCA_btl_vader_single_copy_mechanism", "none"); // containers forbid CMA
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes()));
            } catch (IOException e) {
                output.append("(reading mpirun's output failed: ").append(e).append(')');
            }
        });
        reader.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            reader.join(5000);
            throw new IllegalStateException("MpiJob.run: mpirun -np " + ranks + " " + main.getSimpleName() + " "
                    + String.join(" ", args) + " still running after " + timeout.toSeconds() + " s (a hang):\n"
                    + output);
        }
        reader.join(5000);
        return new Result(process.exitValue(), output.toString());
    }
}
